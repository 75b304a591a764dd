import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NextAppealForm } from "~/modules/appeals/intent.ts";
import { nextAppeal } from "~/modules/appeals/intents.server.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";

export const access: Access = { kind: "user", capability: "appeals:review" };

/** "Next appeal" from the appeals list or the review home: claim and open it, or say none waits. */
export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "appeals:review");
  const submission = await parseSubmission(request, NextAppealForm);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Choose a queue to work." });
  return redirect((await nextAppeal(user, submission.value.queueId)).redirect);
}
