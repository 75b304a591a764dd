import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { DraftEditor } from "~/components/labels/draft-editor.tsx";
import { userActor } from "~/modules/auth/actor.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { draftEditor, DraftIntent, handleDraftIntent } from "~/modules/labels/draft.server.ts";

export const access: Access = { kind: "user", capability: "labels:edit" };
export const meta: MetaFunction = () => [{ title: "Draft editor · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "labels:edit");
  const editor = await draftEditor(params.setId ?? "");
  if (!editor) throw notFound("That label set does not exist.");
  return json(editor);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "labels:edit");
  const submission = await parseSubmission(request, DraftIntent);
  const outcome = await handleDraftIntent(userActor(user), params.setId ?? "", submission);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  return refuseForm(submission, outcome.refused);
}

export default function DraftEditorRoute() {
  return <DraftEditor data={useLoaderData<typeof loader>()} actionData={useActionData<typeof action>()} />;
}
