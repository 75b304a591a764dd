import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ReviewScreen } from "~/components/review/review-screen.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { apiError, notFound } from "~/modules/http/errors.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { recordMediaReveal } from "~/modules/quality/care/reveals.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";
import { ReviewIntent } from "~/modules/review/intent.ts";
import { handleReviewIntent, workQueueOf } from "~/modules/review/intents.server.ts";
import { reviewScreen } from "~/modules/review/screen.server.ts";

export const access: Access = { kind: "user", capability: "queue:review" };
export const meta: MetaFunction = () => [{ title: "Review · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const screen = await reviewScreen(user, params.itemId ?? "", new URL(request.url)).catch((e: unknown) => {
    if (e instanceof QualityError) throw apiError(e.status, e.code, e.message);
    throw e;
  });
  if (!screen) throw notFound("That item does not exist.");
  // Revealed media count towards the reviewer's exposure in their shift window.
  if (screen.revealed && screen.item.mediaUrls.length > 0) await recordMediaReveal(user.id, screen.item.id);
  return json(screen);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const submission = await parseSubmission(request, ReviewIntent);
  const outcome = await handleReviewIntent(user, params.itemId ?? "", submission, workQueueOf(new URL(request.url)));
  if ("redirect" in outcome) return redirect(outcome.redirect);
  if ("refused" in outcome) return refuseForm(submission, outcome.refused);
  return json(outcome);
}

// Keyed by item, so "decide and next" starts the next item with a clean form.
export default function ReviewRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <ReviewScreen key={data.item.id} data={data} actionData={actionData} />;
}
