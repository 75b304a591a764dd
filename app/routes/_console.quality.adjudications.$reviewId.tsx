import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { AdjudicationForm } from "~/components/quality/adjudication-form.tsx";
import { ReviewSide } from "~/components/quality/review-side.tsx";
import { ContentView } from "~/components/review/content-view.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import { env } from "~/env.server.ts";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { AdjudicationForm as Schema, ERROR_TYPES, RULINGS } from "~/modules/quality/adjudication-form.ts";
import { adjudicate, adjudicationScreen } from "~/modules/quality/adjudication.server.ts";
import { QualityError } from "~/modules/quality/errors.ts";

export const access: Access = { kind: "user", capability: "quality:manage" };
export const meta: MetaFunction = () => [{ title: "Adjudication · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const screen = await adjudicationScreen(params.reviewId ?? "");
  if (!screen) throw notFound("There is no such quality review.");
  // Until its second review is in, the pair is not a lead's to read: a lead may still take the blind review.
  if (screen.review.state === "open") return json({ waiting: true as const, reviewId: screen.review.id });
  const url = new URL(request.url);
  return json({
    ...screen,
    mine: screen.review.firstUserId === user.id || screen.review.reviewerId === user.id,
    canReadDecisions: can(user.role, "audit:read"),
    revealed: user.revealMedia || url.searchParams.get("reveal") === "1",
    mediaOrigins: env.DOCKET_MEDIA_ORIGINS,
    notice: url.searchParams.get("notice"),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "quality:manage");
  const submission = await parseSubmission(request, Schema);
  if (submission.status !== "success") return refuseForm(submission, { status: 400, code: "invalid_form", message: "Check the highlighted fields." });
  try {
    await adjudicate(user, params.reviewId ?? "", submission.value);
  } catch (e) {
    if (e instanceof QualityError)
      return refuseForm(submission, { status: e.status, code: e.code, message: e.message, fieldErrors: e.field ? { [e.field]: [e.message] } : undefined });
    throw e;
  }
  return redirect(`/quality/adjudications/${encodeURIComponent(params.reviewId ?? "")}?notice=ruled`);
}

const rulingName = (r: string | null) => RULINGS.find((x) => x.ruling === r)?.name ?? r;
const errorName = (t: string | null) => ERROR_TYPES.find((x) => x.type === t)?.name ?? t;

export default function AdjudicationRoute() {
  const data = useLoaderData<typeof loader>();
  if ("waiting" in data) {
    return (
      <>
        <PageHeader title="Adjudication" />
        <Notice tone="info">This decision waits for its blind second review. The two are shown here once that review is in.</Notice>
      </>
    );
  }
  return <Adjudication data={data} />;
}

function Adjudication({ data }: { data: Exclude<SerializeFrom<typeof loader>, { waiting: true }> }) {
  const actionData = useActionData<typeof action>();
  const location = useLocation();
  const { review } = data;
  const refusal = refusalMessage(actionData);
  return (
    <>
      <PageHeader
        title="Adjudication"
        description={`Item ${data.item.externalId}: a decision and its blind second review. Sampled ${review.sampledAt.slice(0, 10)} (${review.sampledBecause}).`}
      />
      {data.notice === "ruled" ? <Notice tone="success">Ruling recorded.</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <ReviewSide title="First decision" side={data.first} testId="first-decision" />
        <ReviewSide title="Blind second review" side={data.second} testId="second-review" />
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-[3fr_2fr]">
        <ContentView content={data.content} revealed={data.revealed} revealHref={`${location.pathname}?reveal=1`} mediaOrigins={data.mediaOrigins} />
        <div className="space-y-4">
          {review.state === "adjudicated" ? (
            <section aria-labelledby="ruling-heading" className="rounded border border-slate-200 bg-white p-4 text-sm">
              <h2 id="ruling-heading" className="text-base font-semibold">
                Ruling
              </h2>
              <p className="mt-1">
                {rulingName(review.ruling)}; {errorName(review.errorType)}. By {review.adjudicatedBy?.name ?? "unknown"}
                {review.adjudicatedAt ? `, ${review.adjudicatedAt.slice(0, 16).replace("T", " ")} UTC` : ""}.
              </p>
              <p className="mt-1 whitespace-pre-wrap break-words">{review.note}</p>
              {review.correctionDecisionId ? (
                <p className="mt-1">
                  The first decision was corrected by decision{" "}
                  {data.canReadDecisions ? (
                    <Link to={`/audit/decisions/${review.correctionDecisionId}`} className="text-blue-800 underline">
                      {review.correctionDecisionId}
                    </Link>
                  ) : (
                    <code>{review.correctionDecisionId}</code>
                  )}
                  ; the platform reads it in the decisions feed.
                </p>
              ) : null}
            </section>
          ) : review.state !== "disagreed" ? (
            <Notice tone="info">{review.state === "agreed" ? "The two reviews agree: nothing to rule on." : "The second review is not done yet."}</Notice>
          ) : data.mine ? (
            <Notice tone="info">You made one of the two reviews; another lead rules on them.</Notice>
          ) : (
            <>
              {data.replacedBy ? <Notice tone="info">The first decision has been replaced since, so it can no longer be corrected here.</Notice> : null}
              <AdjudicationForm
                reviewId={review.id}
                liveSets={data.liveSets}
                prefill={data.prefill}
                canCorrect={!data.replacedBy}
                lastResult={lastResultOf(actionData)}
              />
            </>
          )}
        </div>
      </div>
    </>
  );
}
