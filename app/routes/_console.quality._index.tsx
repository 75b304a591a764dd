import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { buttonClass, Notice, PageHeader } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { ERROR_TYPES, RULINGS } from "~/modules/quality/adjudication-form.ts";
import { leadSummary, reviewerSummary } from "~/modules/quality/reviews/list.server.ts";

export const access: Access = { kind: "user", capability: "quality:view" };
export const meta: MetaFunction = () => [{ title: "Quality · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "quality:view");
  const may = {
    review: can(user.role, "quality:review"),
    manage: can(user.role, "quality:manage"),
    read: can(user.role, "quality:read"),
    byModerator: can(user.role, "quality:by_moderator"),
  };
  const [reviewer, lead] = await Promise.all([may.review ? reviewerSummary(user.id) : null, may.manage ? leadSummary() : null]);
  return json({ may, reviewer, lead, notice: new URL(request.url).searchParams.get("notice") });
}

const NOTICES: Record<string, [string, "success" | "info"]> = {
  "none-waiting": ["No quality review is waiting for you right now.", "info"],
  "saved-none-waiting": ["Review saved. No other quality review is waiting for you.", "success"],
  released: ["Released: the review is back in its queue.", "success"],
};

const STATE_WORDS: Record<string, string> = {
  open: "waiting for a second review",
  agreed: "agreed",
  disagreed: "disagreed, to rule on",
  adjudicated: "ruled on",
};

export default function QualityHome() {
  const { may, reviewer, lead, notice } = useLoaderData<typeof loader>();
  const message = notice ? NOTICES[notice] : null;
  return (
    <>
      <PageHeader
        title="Quality"
        description="Blind second reviews of sampled decisions, rulings on disagreements, calibration items, agreement per label, and care for the people doing the work."
      />
      {message ? <Notice tone={message[1]}>{message[0]}</Notice> : null}
      {reviewer ? (
        <section aria-labelledby="reviews-heading" className="mb-6 rounded border border-slate-200 bg-white p-4">
          <h2 id="reviews-heading" className="text-lg font-semibold">
            Second reviews
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            A sampled decision is decided again, blind, by another member of its queue. You never see the first decision, and nobody reviews their own.
          </p>
          <p className="mt-2 text-sm">
            Waiting for you: <strong data-testid="reviews-waiting">{reviewer.waiting}</strong>. Done by you so far: {reviewer.done}.
          </p>
          <Form method="post" action="/quality/reviews/next" className="mt-3">
            <button type="submit" className={buttonClass} disabled={!reviewer.held && reviewer.waiting === 0}>
              {reviewer.held ? "Continue with the review you hold" : "Next review"}
            </button>
          </Form>
        </section>
      ) : null}
      <nav aria-label="Quality pages" className="mb-6">
        <ul className="flex flex-wrap gap-4 text-sm">
          {may.read ? (
            <li>
              <Link to="/quality/agreement" className="text-blue-800 underline">
                Agreement per label
              </Link>
            </li>
          ) : null}
          {may.manage ? (
            <>
              <li>
                <Link to="/quality/sampling" className="text-blue-800 underline">
                  Sampling rules
                </Link>
              </li>
              <li>
                <Link to="/quality/calibration" className="text-blue-800 underline">
                  Calibration items
                </Link>
              </li>
              <li>
                <Link to="/quality/settings" className="text-blue-800 underline">
                  Quality and care settings
                </Link>
              </li>
            </>
          ) : null}
          {may.byModerator ? (
            <li>
              <Link to="/quality/care" className="text-blue-800 underline">
                Team care
              </Link>
            </li>
          ) : null}
          {may.review ? (
            <li>
              <Link to="/quality/calibration/mine" className="text-blue-800 underline">
                Your calibration results
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
      {lead ? (
        <>
          <p className="mb-3 text-sm text-slate-700">
            {Object.entries(STATE_WORDS)
              .map(([state, words]) => `${lead.counts[state] ?? 0} ${words}`)
              .join(" · ")}
          </p>
          <section aria-labelledby="disagreements-heading" className="mb-6">
            <h2 id="disagreements-heading" className="mb-2 text-lg font-semibold">
              Disagreements to rule on
            </h2>
            {lead.disagreements.length === 0 ? (
              <p className="text-sm text-slate-600">None: every finished pair agrees or has been ruled on.</p>
            ) : (
              <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
                {lead.disagreements.map((d) => (
                  <li key={d.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
                    <Link to={`/quality/adjudications/${d.id}`} className="font-medium text-blue-800 underline">
                      {d.item.title || d.item.externalId}
                    </Link>
                    <span className="text-slate-600">{d.queue ?? "no queue"}</span>
                    <span className="text-slate-600">second review {d.reviewedAt ? d.reviewedAt.slice(0, 10) : ""}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="ruled-heading">
            <h2 id="ruled-heading" className="mb-2 text-lg font-semibold">
              Recent rulings
            </h2>
            {lead.adjudicated.length === 0 ? (
              <p className="text-sm text-slate-600">No rulings yet.</p>
            ) : (
              <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
                {lead.adjudicated.map((a) => (
                  <li key={a.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
                    <Link to={`/quality/adjudications/${a.id}`} className="font-medium text-blue-800 underline">
                      {a.item.title || a.item.externalId}
                    </Link>
                    <span>{RULINGS.find((r) => r.ruling === a.ruling)?.name}</span>
                    <span className="text-slate-600">{ERROR_TYPES.find((t) => t.type === a.errorType)?.name}</span>
                    {a.correctionDecisionId ? <span className="rounded bg-amber-100 px-1.5 text-xs">corrected</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
