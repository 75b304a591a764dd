import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BlindReviewScreen } from "~/components/quality/blind-review-screen.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { apiError, notFound } from "~/modules/http/errors.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";
import { BlindReviewIntent } from "~/modules/quality/reviews/intent.ts";
import { handleBlindReviewIntent } from "~/modules/quality/reviews/intents.server.ts";
import { blindReviewScreen, recordBlindReveal } from "~/modules/quality/reviews/screen.server.ts";

export const access: Access = { kind: "user", capability: "quality:review" };
export const meta: MetaFunction = () => [{ title: "Quality review · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  try {
    const screen = await blindReviewScreen(user, params.reviewId ?? "", new URL(request.url));
    if (!screen) throw notFound("There is no such quality review.");
    // Revealed media count towards the reviewer's exposure, as on the review screen.
    if (screen.revealed && screen.content.mediaUrls.length > 0) await recordBlindReveal(user.id, params.reviewId ?? "");
    return json(screen);
  } catch (e) {
    if (e instanceof QualityError) throw apiError(e.status, e.code, e.message);
    throw e;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:review");
  const submission = await parseSubmission(request, BlindReviewIntent);
  const outcome = await handleBlindReviewIntent(user, params.reviewId ?? "", submission);
  if ("redirect" in outcome) return redirect(outcome.redirect);
  if ("refused" in outcome) return refuseForm(submission, outcome.refused);
  return json(outcome);
}

// Keyed by review, so "next review" starts with a clean form.
export default function QualityReviewRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <BlindReviewScreen key={data.review.id} data={data} actionData={actionData} />;
}
