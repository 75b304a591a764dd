import { getFormProps, useForm } from "@conform-to/react";
import type { SerializeFrom } from "@remix-run/node";
import { Form, Link, useFetcher, useLocation } from "@remix-run/react";
import { useEffect } from "react";
import { PlainText, OutcomeBadge, utc } from "~/components/audit/format.tsx";
import { VersionDiff } from "~/components/labels/version-diff.tsx";
import { Deadline } from "~/components/queue/deadline.tsx";
import { useLeaseRenewal } from "~/components/review/use-review-keys.ts";
import { lastResultOf, refusalMessage, textOf, validateWith } from "~/components/ui/form.ts";
import { FieldError, Notice, PageHeader, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { appealScreen } from "~/modules/appeals/screen.server.ts";
import { MoveAppealForm, ReleaseAppealForm } from "~/modules/appeals/intent.ts";
import type { LabelView } from "~/modules/labels/types.ts";
import { LeaseNote, ReleaseLeaseForm } from "~/components/review/release-lease.tsx";
import { ChainPanel } from "./chain-panel.tsx";
import { ContestedDecision } from "./contested-decision.tsx";
import { DecideAppealForm } from "./decide-appeal-form.tsx";
import { ACTION_WORDS } from "~/modules/appeals/answer.ts";
import { APPELLANT_ROLE_WORDS, CHANNEL_WORDS, OUTCOME_WORDS, wordFor } from "./words.ts";

export type AppealScreenData = SerializeFrom<NonNullable<Awaited<ReturnType<typeof appealScreen>>>> & {
  queues: { id: string; name: string; open: boolean }[];
  canReadDecisions: boolean;
  notice: string | null;
};

const NOTICES: Record<string, string> = {
  decided: "The appeal is decided; the answer below is what the appellant receives.",
  released: "Released: the appeal is back in its queue.",
  moved: "Moved: the appeal waits in its new queue.",
  recorded: "Recorded: the appeal waits in its queue like one from the platform.",
  "already-recorded": "This letter was recorded before (same reference): here is that appeal.",
};

/** The appeal review screen: what is contested, by whom and why, the item now, and the outcome. */
export function AppealScreen({ data, actionData }: { data: AppealScreenData; actionData: unknown }) {
  const { appeal, contested } = data;
  const location = useLocation();
  const renewer = useFetcher();
  const holding = data.heldByMe && !!appeal.claimId;
  useLeaseRenewal(() => appeal.claimId && renewer.submit({ intent: "renew", claimId: appeal.claimId }, { method: "post" }), data.renewEveryMs, holding);
  // Tells a keyboard user's tools (and the browser tests) that the screen's forms are live.
  useEffect(() => {
    document.documentElement.dataset.appealScreen = appeal.id;
    return () => {
      delete document.documentElement.dataset.appealScreen;
    };
  }, [appeal.id]);
  const refusal = refusalMessage(actionData);
  const notice = data.notice ? NOTICES[data.notice] : null;
  const decisionHref = (id: string) => (data.canReadDecisions ? `/audit/decisions/${id}` : null);
  return (
    <>
      <PageHeader
        title="Appeal"
        description={
          <span className="flex flex-wrap items-center gap-3">
            <span>{wordFor(APPELLANT_ROLE_WORDS, appeal.appellantRole)}</span>
            <span>via {wordFor(CHANNEL_WORDS, appeal.channel)}</span>
            <span>received {utc(appeal.receivedAt)}</span>
            {appeal.state === "open" ? (
              <Deadline dueAt={appeal.dueAt} now={data.now} />
            ) : (
              <span className="font-semibold">{wordFor(OUTCOME_WORDS, appeal.outcome)}</span>
            )}
            <span className="text-slate-500">{data.queue ? `queue ${data.queue.name}` : appeal.state === "open" ? "unrouted" : null}</span>
          </span>
        }
        actions={
          <Link to="/appeals" className={secondaryButtonClass}>
            All appeals
          </Link>
        }
      />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {data.replacedBy ? (
        <Notice tone="info">
          The contested decision has been replaced since this appeal arrived: the item is now {wordFor(ACTION_WORDS, data.replacedBy.action)} (decision of{" "}
          {utc(data.replacedBy.createdAt)}). The appeal is answered with that decision: the outcome follows from it, whatever is chosen below, and nothing new
          is decided; write the reasons and the summary for the appellant.
        </Notice>
      ) : null}
      {appeal.state === "decided" ? <Outcome data={data} decisionHref={decisionHref} /> : <ClaimState data={data} holding={holding} />}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <section aria-labelledby="statement-heading" className="rounded border border-slate-200 bg-white p-4">
            <h2 id="statement-heading" className="text-lg font-semibold">
              The appellant&apos;s statement
            </h2>
            <p className="text-sm text-slate-600">
              {wordFor(APPELLANT_ROLE_WORDS, appeal.appellantRole)} · id <span className="font-mono">{appeal.appellantId}</span> · {appeal.platform}
            </p>
            <p className="mt-2 whitespace-pre-wrap break-words" data-testid="appeal-statement">
              {appeal.statement}
            </p>
          </section>
          <ContestedDecision contested={contested} revealed={data.revealed} revealHref={`${location.pathname}?reveal=1`} mediaOrigins={data.mediaOrigins} />
          {data.labelChanges ? (
            <section aria-labelledby="label-changes-heading" className="rounded border border-amber-300 bg-white p-4">
              <h2 id="label-changes-heading" className="text-lg font-semibold">
                The labels involved have changed since
              </h2>
              <p className="mb-3 text-sm text-slate-600">
                {data.labelChanges.setName}: version {data.labelChanges.fromNumber} (when decided) to version {data.labelChanges.toNumber} (live).
              </p>
              <VersionDiff
                diff={data.labelChanges.diff as Parameters<typeof VersionDiff>[0]["diff"]}
                fromLabel={`version ${data.labelChanges.fromNumber}`}
                toLabel={`version ${data.labelChanges.toNumber}`}
              />
            </section>
          ) : null}
          <ItemNow data={data} decisionHref={decisionHref} />
        </div>
        <div className="space-y-6">
          {holding && appeal.claimId ? (
            <>
              <DecideAppealForm
                appealId={appeal.id}
                claimId={appeal.claimId}
                liveSets={data.liveSets as unknown as { name: string; versionNumber: number; labels: LabelView[] }[]}
                templates={data.templates}
                contested={{ action: contested.action, createdAt: contested.createdAt }}
                lastResult={lastResultOf(actionData, "decide")}
              />
              <ReleasePanel data={data} claimId={appeal.claimId} actionData={actionData} />
            </>
          ) : null}
          {data.canMove ? <MovePanel data={data} actionData={actionData} /> : null}
          <section aria-labelledby="chain-heading" className="rounded border border-slate-200 bg-white p-4">
            <h2 id="chain-heading" className="mb-2 text-lg font-semibold">
              The contested decision&apos;s chain
            </h2>
            {data.chain ? <ChainPanel chain={data.chain} decisionHref={decisionHref} /> : null}
          </section>
        </div>
      </div>
    </>
  );
}

function ClaimState({ data, holding }: { data: AppealScreenData; holding: boolean }) {
  if (holding) return null;
  return (
    <div className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="claim-state">
      {data.refusal ? (
        <p>{data.refusal}</p>
      ) : data.holder ? (
        <p>{data.holder.name} is reviewing this appeal. You can read it but not decide it.</p>
      ) : data.canClaim ? (
        <Form method="post" className="flex flex-wrap items-center gap-3">
          <p>You do not hold this appeal. Claim it to decide.</p>
          <input type="hidden" name="intent" value="claim" />
          <button type="submit" className={secondaryButtonClass}>
            Claim this appeal
          </button>
        </Form>
      ) : (
        <p>This appeal is shown read-only.</p>
      )}
      {data.canRelease && data.holder ? <LeadRelease data={data} /> : null}
    </div>
  );
}

/** A lead frees an appeal someone else holds (the lease id comes from the holder's claim, which a lead may end). */
function LeadRelease({ data }: { data: AppealScreenData }) {
  if (!data.holderClaimId) return null;
  return (
    <Form method="post" className="mt-2 flex flex-wrap items-end gap-2">
      <input type="hidden" name="intent" value="release" />
      <input type="hidden" name="claimId" value={data.holderClaimId} />
      <div>
        <label htmlFor="lead-release-reason" className="block text-xs font-medium">
          Why you release it
        </label>
        <input id="lead-release-reason" name="reason" required className={inputClass} />
      </div>
      <button type="submit" className={secondaryButtonClass}>
        Release it to the queue
      </button>
    </Form>
  );
}

function ReleasePanel({ data, claimId, actionData }: { data: AppealScreenData; claimId: string; actionData: unknown }) {
  return (
    <div className="grid gap-2 rounded border border-slate-200 bg-white p-4">
      <ReleaseLeaseForm
        formId={`release-appeal-${data.appeal.id}`}
        idPrefix="appeal-release"
        schema={ReleaseAppealForm}
        claimId={claimId}
        lastResult={lastResultOf(actionData, "release")}
      />
      <LeaseNote leaseExpiresAt={data.appeal.leaseExpiresAt} />
    </div>
  );
}

function MovePanel({ data, actionData }: { data: AppealScreenData; actionData: unknown }) {
  const [move, fields] = useForm({
    id: `move-appeal-${data.appeal.id}`,
    lastResult: lastResultOf(actionData, "move"),
    onValidate: validateWith(MoveAppealForm),
    shouldValidate: "onSubmit",
  });
  const open = data.queues.filter((q) => q.open);
  return (
    <Form method="post" {...getFormProps(move)} className="grid gap-2 rounded border border-slate-200 bg-white p-4" aria-labelledby="move-heading">
      <h2 id="move-heading" className="text-base font-semibold">
        Move to another queue
      </h2>
      {data.appeal.routeNote ? <p className="text-sm text-slate-600">Routed: {data.appeal.routeNote}</p> : null}
      <input type="hidden" name="intent" value="move" />
      <label htmlFor="appeal-move-queue" className="text-sm font-medium">
        Queue
      </label>
      <select id="appeal-move-queue" name="queueId" defaultValue={textOf(fields.queueId.initialValue) || data.queue?.id} className={inputClass}>
        {open.map((q) => (
          <option key={q.id} value={q.id}>
            {q.name}
          </option>
        ))}
      </select>
      <FieldError id="appeal-move-queue-error" message={fields.queueId.errors?.[0]} />
      <label htmlFor="appeal-move-reason" className="text-sm font-medium">
        Why it moves
      </label>
      <input
        id="appeal-move-reason"
        name="reason"
        defaultValue={textOf(fields.reason.initialValue)}
        className={inputClass}
        aria-describedby="appeal-move-reason-error"
        aria-invalid={fields.reason.errors?.length ? true : undefined}
      />
      <FieldError id="appeal-move-reason-error" message={fields.reason.errors?.[0]} />
      <button type="submit" className={secondaryButtonClass}>
        Move
      </button>
    </Form>
  );
}

function Outcome({ data, decisionHref }: { data: AppealScreenData; decisionHref: (id: string) => string | null }) {
  const { appeal } = data;
  const href = appeal.newDecisionId ? decisionHref(appeal.newDecisionId) : null;
  return (
    <section aria-labelledby="outcome-heading" className="mb-6 rounded border border-green-300 bg-white p-4" data-testid="appeal-outcome">
      <h2 id="outcome-heading" className="text-lg font-semibold">
        Outcome: {wordFor(OUTCOME_WORDS, appeal.outcome)}
      </h2>
      <dl className="mt-2 grid gap-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="font-medium text-slate-600">Decided at</dt>
        <dd>{utc(appeal.decidedAt)}</dd>
        {appeal.decidedBy ? (
          <>
            <dt className="font-medium text-slate-600">Decided by</dt>
            <dd>{appeal.decidedBy.name}</dd>
          </>
        ) : null}
        <dt className="font-medium text-slate-600">New decision</dt>
        <dd>
          {appeal.newDecisionId ? (
            href ? (
              <Link to={href} className="text-blue-800 underline">
                Decision {appeal.newDecisionId}
              </Link>
            ) : (
              <span className="font-mono">{appeal.newDecisionId}</span>
            )
          ) : (
            "none: the contested decision stands"
          )}
        </dd>
        <dt className="font-medium text-slate-600">Rationale (internal)</dt>
        <dd>
          <PlainText text={appeal.rationale} />
        </dd>
      </dl>
      <h3 className="mt-3 font-semibold">The answer sent to the appellant</h3>
      <p className="mt-1 whitespace-pre-wrap break-words rounded bg-slate-50 p-3 text-sm" data-testid="appeal-answer">
        {appeal.answer}
      </p>
    </section>
  );
}

function ItemNow({ data, decisionHref }: { data: AppealScreenData; decisionHref: (id: string) => string | null }) {
  const { item, contested } = data;
  const snap = contested.snapshot.item;
  const changed = (snap.title ?? null) !== item.title || (snap.body ?? null) !== item.body;
  return (
    <section aria-labelledby="item-now-heading" className="rounded border border-slate-200 bg-white p-4">
      <h2 id="item-now-heading" className="text-lg font-semibold">
        The item now
      </h2>
      <p className="text-sm text-slate-600">
        <span className="font-mono">
          {item.platform}/{item.externalId}
        </span>{" "}
        · state {item.state} · {item.flagCount.toLocaleString("en")} flag(s) · reason {item.topReason}
      </p>
      {changed ? (
        <div className="mt-2 rounded border border-amber-300 p-2 text-sm">
          <p className="font-medium">Its text has changed since the decision:</p>
          {item.title ? <p className="whitespace-pre-wrap break-words font-semibold">{item.title}</p> : null}
          <p className="whitespace-pre-wrap break-words">{item.body ?? "No text."}</p>
        </div>
      ) : (
        <p className="mt-2 text-sm">Its text is as it was when decided.</p>
      )}
      <h3 className="mt-3 font-semibold">Its decisions</h3>
      <ul className="text-sm">
        {item.decisions.map((d) => {
          const href = decisionHref(d.id);
          return (
            <li key={d.id} className="border-t border-slate-100 py-1">
              <OutcomeBadge action={d.action} /> {d.labelKeys.join(", ") || "no labels"} · {d.user.name} · {utc(d.createdAt)}
              {d.id === contested.id ? <strong> (contested)</strong> : null}
              {d.appealId ? " · made on appeal" : null}
              {href ? (
                <>
                  {" "}
                  ·{" "}
                  <Link to={href} className="text-blue-800 underline">
                    open<span className="sr-only"> decision {d.id}</span>
                  </Link>
                </>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
