import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { RoutingDraftEditor } from "~/components/routing/draft-editor.tsx";
import { userActor } from "~/modules/auth/actor.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { draftEditor, handleRoutingDraftIntent, RoutingDraftIntent } from "~/modules/routing/draft.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Routing draft · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  return json(await draftEditor());
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, RoutingDraftIntent);
  const outcome = await handleRoutingDraftIntent(userActor(user), submission);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  return refuseForm(submission, outcome.refused);
}

export default function RoutingDraftRoute() {
  return <RoutingDraftEditor data={useLoaderData<typeof loader>()} actionData={useActionData<typeof action>()} />;
}
