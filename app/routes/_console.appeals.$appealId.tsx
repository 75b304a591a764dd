import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AppealScreen } from "~/components/appeals/appeal-screen.tsx";
import { AppealIntent } from "~/modules/appeals/intent.ts";
import { handleAppealIntent } from "~/modules/appeals/intents.server.ts";
import { appealQueueChoices } from "~/modules/appeals/list.server.ts";
import { appealScreen } from "~/modules/appeals/screen.server.ts";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

// Reviewers work appeals here and readers follow them; which forms a user gets is the screen's to say.
export const access: Access = { kind: "user", capability: "appeals:view" };
export const meta: MetaFunction = () => [{ title: "Appeal · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "appeals:view");
  const url = new URL(request.url);
  const screen = await appealScreen(user, params.appealId ?? "", url);
  if (!screen) throw notFound("There is no such appeal.");
  const queues = screen.canMove ? await appealQueueChoices() : [];
  return json({ ...screen, queues, canReadDecisions: can(user.role, "audit:read"), notice: url.searchParams.get("notice") });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "appeals:view");
  const submission = await parseSubmission(request, AppealIntent);
  const outcome = await handleAppealIntent(user, params.appealId ?? "", submission);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  if ("refused" in outcome) return refuseForm(submission, outcome.refused);
  return json(outcome);
}

// Keyed by appeal, so "next appeal" starts with a clean form.
export default function AppealRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <AppealScreen key={data.appeal.id} data={data} actionData={actionData} />;
}
