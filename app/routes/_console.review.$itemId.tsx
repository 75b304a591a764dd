import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useLocation } from "@remix-run/react";
import { useMemo, useRef, useState } from "react";
import { z } from "zod";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { ContentView } from "~/components/review/content-view.tsx";
import { HelpOverlay, SKIP_REASONS } from "~/components/review/help-overlay.tsx";
import { LabelPicker } from "~/components/review/label-picker.tsx";
import { useLeaseRenewal, useReviewKeys } from "~/components/review/use-review-keys.ts";
import { FieldError, Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { can, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { decide, DecisionInvalidError, LeaseConflictError } from "~/modules/decisions/decide.server.ts";
import { parseForm } from "~/modules/http/forms.server.ts";
import { claimItem, claimNext, endClaim, leaseMs, queueOf, renewLease } from "~/modules/queue/claims.server.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { SOURCE_NAMES, type Source } from "~/modules/items/sources.ts";
import { reviewData } from "~/modules/queue/review.server.ts";

export const access: Access = { kind: "user", capability: "queue:review" };
export const meta: MetaFunction = () => [{ title: "Review · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const data = await reviewData(params.itemId ?? "", user.id);
  if (!data) throw notFound("That item does not exist.");
  const url = new URL(request.url);
  return json({
    ...data,
    now: new Date().toISOString(),
    revealed: user.revealMedia || url.searchParams.get("reveal") === "1",
    renewEveryMs: Math.max(5_000, Math.min(120_000, Math.floor(leaseMs() / 3))),
    canDecideEscalated: can(user.role, "escalations:decide"),
    notice: url.searchParams.get("notice"),
  });
}

const Intent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("decide"),
    claimId: z.string().min(1, "This form has no lease; claim the item first."),
    action: z.enum(ACTIONS, { errorMap: () => ({ message: "Choose an action: keep, remove, restrict or escalate." }) }),
    "labelIds[]": z.array(z.string().max(100)).max(50).default([]),
    rationale: z.string().max(5000, "Keep the rationale under 5,000 characters.").default(""),
    applyToCopies: z.enum(["on"]).optional(),
  }),
  z.object({ intent: z.literal("skip"), claimId: z.string().min(1), reason: z.string().min(1, "Choose why you skip.").max(500) }),
  z.object({ intent: z.literal("release"), claimId: z.string().min(1), reason: z.string().trim().min(1, "Say why you release it.").max(500) }),
  z.object({ intent: z.literal("renew"), claimId: z.string().min(1) }),
  z.object({ intent: z.literal("claim") }),
]);

type FormValues = { labelIds: string[]; action?: string; rationale: string };
type ActionResult = { ok: false; status: number; message: string; errors: Record<string, string>; values?: FormValues } | { ok: true; renewedUntil: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:review");
  const itemId = params.itemId ?? "";
  const parsed = await parseForm(request, Intent);
  const fail = (status: number, message: string, errors: Record<string, string> = {}, values?: FormValues) =>
    json<ActionResult>({ ok: false, status, message, errors, values }, { status });
  if (!parsed.ok) {
    const f = parsed.form;
    const claimId = f.get("claimId");
    if (typeof claimId === "string" && claimId) await renewLease(user, itemId, claimId);
    return fail(400, "Check the highlighted fields.", parsed.errors, {
      labelIds: f.getAll("labelIds[]").map(String),
      action: typeof f.get("action") === "string" ? String(f.get("action")) : undefined,
      rationale: String(f.get("rationale") ?? ""),
    });
  }
  const data = parsed.data;
  switch (data.intent) {
    case "claim": {
      const claimed = await claimItem(user, itemId);
      if (!claimed) return fail(409, "Someone else holds this item, or it is no longer open.");
      return redirect(`/review/${itemId}`);
    }
    case "renew": {
      const until = await renewLease(user, itemId, data.claimId);
      if (!until) return fail(409, "Your lease on this item has ended; reload to see who holds it now.");
      return json<ActionResult>({ ok: true, renewedUntil: until.toISOString() });
    }
    case "skip":
    case "release": {
      const queue = await queueOf(itemId);
      const ok = await endClaim(user, { itemId, claimId: data.claimId, kind: data.intent === "skip" ? "skipped" : "released", reason: data.reason });
      if (!ok) return fail(409, "You no longer hold this item, so there is nothing to release.");
      if (data.intent === "release") return redirect(`${queue === "escalated" ? "/escalations" : "/queue"}?notice=released`);
      return nextItem(user, queue, "skipped");
    }
    case "decide": {
      const values = { labelIds: data["labelIds[]"], action: data.action, rationale: data.rationale };
      await renewLease(user, itemId, data.claimId);
      try {
        const result = await decide(user, {
          itemId,
          claimId: data.claimId,
          action: data.action,
          labelIds: data["labelIds[]"],
          rationale: data.rationale,
          applyToCopies: data.applyToCopies === "on",
        });
        return nextItem(user, result.byLead ? "escalated" : "pending", result.copies > 0 ? `decided-copies-${result.copies}` : "decided");
      } catch (e) {
        if (e instanceof LeaseConflictError) return fail(409, e.message, {}, values);
        if (e instanceof DecisionInvalidError) return fail(400, e.message, { [e.field]: e.message }, values);
        throw e;
      }
    }
  }
}

async function nextItem(user: { id: string; email: string; role: string }, queue: "pending" | "escalated", notice: string) {
  const next = await claimNext(user, queue);
  if (next) return redirect(`/review/${next.itemId}?notice=${notice}`);
  return redirect(`${queue === "escalated" ? "/escalations" : "/queue"}?notice=${notice}-empty`);
}

const NOTICES: Record<string, string> = {
  decided: "Decision saved. Here is the next item.",
  skipped: "Skipped. Here is the next item.",
};

// Keyed by item, so "decide and next" starts the next item with a clean form.
export default function ReviewRoute() {
  const { item } = useLoaderData<typeof loader>();
  return <Review key={item.id} />;
}

function Review() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const { item } = data;
  const location = useLocation();
  const labels = useMemo(() => data.labelSets.flatMap((s) => s.labels), [data.labelSets]);
  const numbers = useMemo(() => {
    const order = (["allowed", "violating", "process"] as const).flatMap((g) => labels.filter((l) => l.group === g));
    return new Map(order.map((l, i) => [l.id, i + 1]));
  }, [labels]);
  const byNumber = useMemo(() => new Map([...numbers].map(([id, n]) => [n, id])), [numbers]);
  const failed = result && !result.ok ? result : undefined;
  const [selected, setSelected] = useState<Set<string>>(() => new Set(failed?.values?.labelIds ?? []));
  const [chosen, setChosen] = useState<string | undefined>(failed?.values?.action);
  const [helpOpen, setHelpOpen] = useState(false);
  const decideForm = useRef<HTMLFormElement>(null);
  const skipForm = useRef<HTMLFormElement>(null);
  const rationale = useRef<HTMLTextAreaElement>(null);
  const renewer = useFetcher();
  const holding = data.heldByMe && !!item.claimId;

  const toggle = (id: string) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else {
        next.add(id);
        const label = labels.find((l) => l.id === id);
        if (label && !chosen && (ACTIONS as readonly string[]).includes(label.defaultAction)) setChosen(label.defaultAction);
      }
      return next;
    });
  };

  useReviewKeys({
    labelCount: labels.length,
    onLabel: (n) => holding && byNumber.get(n) && toggle(byNumber.get(n)!),
    onAction: (a) => holding && setChosen(a),
    onRationale: () => rationale.current?.focus(),
    onSubmit: () => holding && decideForm.current?.requestSubmit(),
    onSkip: () => holding && skipForm.current?.requestSubmit(),
    onHelp: () => setHelpOpen((o) => !o),
    onEscape: () => {
      if (helpOpen) setHelpOpen(false);
      else if (document.activeElement === rationale.current) rationale.current?.blur();
    },
  }, item.id);
  useLeaseRenewal(
    () => item.claimId && renewer.submit({ intent: "renew", claimId: item.claimId }, { method: "post" }),
    data.renewEveryMs,
    holding,
  );

  const errors = failed?.errors ?? {};
  const notice = data.notice ? NOTICES[data.notice] ?? (data.notice.startsWith("decided-copies-") ? `Decision saved, and applied to ${data.notice.slice(15)} copies. Here is the next item.` : null) : null;
  const revealHref = `${location.pathname}?reveal=1`;

  return (
    <>
      <PageHeader
        title="Review"
        description={
          <span className="flex flex-wrap items-center gap-2">
            <SourceBadge source={item.strongestSource} />
            <span>reason {item.topReason}</span>
            <Deadline dueAt={item.dueAt} now={data.now} />
            <span className="text-slate-500">priority {item.priority}</span>
            <span className="text-slate-500">state {item.state}</span>
          </span>
        }
        actions={
          <button type="button" className={secondaryButtonClass} onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
            Keyboard help <kbd>?</kbd>
          </button>
        }
      />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {failed ? <Notice tone="error">{failed.message}</Notice> : null}
      {!holding ? (
        <div className="mb-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          {data.holder ? (
            <p>
              {data.holder.name} ({data.holder.email}) holds this item until {new Date(item.leaseExpiresAt!).toISOString().slice(11, 16)} UTC. You can read it but not decide it.
            </p>
          ) : item.state === "pending" || (item.state === "escalated" && data.canDecideEscalated) ? (
            <Form method="post" className="flex items-center gap-3">
              <p>You do not hold this item. Claim it to decide.</p>
              <input type="hidden" name="intent" value="claim" />
              <button type="submit" className={secondaryButtonClass}>
                Claim this item
              </button>
            </Form>
          ) : (
            <p>This item is {item.state}; it is shown read-only.</p>
          )}
        </div>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <ContentView content={item} revealed={data.revealed} revealHref={revealHref} mediaOrigins={data.mediaOrigins} />
          <section aria-labelledby="flags-heading" className="rounded border border-slate-200 bg-white p-4">
            <h2 id="flags-heading" className="text-base font-semibold">
              Flags ({item.flagCount} from {item.reporterCount} {item.reporterCount === 1 ? "reporter" : "reporters"})
            </h2>
            <div className="mt-2 flex flex-wrap gap-4 text-sm">
              <p>
                <span className="font-medium">By source: </span>
                {Object.entries(item.countsBySource)
                  .map(([s, n]) => `${SOURCE_NAMES[s as Source] ?? s} ${n}`)
                  .join(" · ")}
              </p>
              <p>
                <span className="font-medium">By reason: </span>
                {Object.entries(item.countsByReason)
                  .map(([r, n]) => `${r} ${n}`)
                  .join(" · ")}
              </p>
            </div>
            <ul className="mt-3 divide-y divide-slate-100 text-sm">
              {data.flags.slice(0, 50).map((f) => (
                <li key={f.id} className="py-2">
                  <div className="flex flex-wrap items-center gap-2">
                    <SourceBadge source={f.source} />
                    <span>{f.reason}</span>
                    <span className="text-slate-500">received {new Date(f.receivedAt).toISOString().slice(0, 16).replace("T", " ")} UTC</span>
                    {f.reference ? (
                      <span>
                        reference <code className="rounded bg-slate-100 px-1">{f.reference}</code>
                      </span>
                    ) : null}
                    {f.dueAt ? <Deadline dueAt={f.dueAt} now={data.now} /> : null}
                  </div>
                  {f.note ? <p className="mt-1 whitespace-pre-wrap break-words text-slate-700" data-testid="flag-note">{f.note}</p> : null}
                </li>
              ))}
            </ul>
            {data.flags.length > 50 ? <p className="text-sm text-slate-500">and {data.flags.length - 50} more</p> : null}
          </section>
          <section aria-labelledby="history-heading" className="rounded border border-slate-200 bg-white p-4">
            <h2 id="history-heading" className="text-base font-semibold">
              Earlier decisions
            </h2>
            <History title="On this item" rows={data.history.onItem} />
            <History title="On this author's other items" rows={data.history.onAuthor} />
          </section>
          <section aria-labelledby="copies-heading" className="rounded border border-slate-200 bg-white p-4">
            <h2 id="copies-heading" className="text-base font-semibold">
              Copies ({data.copyCount})
            </h2>
            {data.copyCount === 0 ? (
              <p className="text-sm text-slate-600">No other item has the same text.</p>
            ) : (
              <ul className="mt-2 text-sm">
                {data.copies.map((c) => (
                  <li key={c.id}>
                    <Link to={`/review/${c.id}`} className="font-mono text-blue-800 underline">
                      {c.externalId}
                    </Link>{" "}
                    <span className="text-slate-600">{c.state}</span>
                  </li>
                ))}
                {data.copyCount > data.copies.length ? <li className="text-slate-500">and {data.copyCount - data.copies.length} more</li> : null}
              </ul>
            )}
          </section>
        </div>
        <div className="space-y-6">
          <Form method="post" ref={decideForm} className="space-y-5 rounded border border-slate-200 bg-white p-4" noValidate>
            <input type="hidden" name="intent" value="decide" />
            <input type="hidden" name="claimId" value={item.claimId ?? ""} />
            {data.labelSets.length > 0 ? (
              <p className="text-xs text-slate-600">
                {data.labelSets.map((s) => `${s.name}, version ${s.versionNumber}`).join("; ")}
              </p>
            ) : (
              <p className="text-sm text-red-700">No label set is published for this reason; a policy lead must publish one.</p>
            )}
            <LabelPicker labels={labels} numbers={numbers} selected={selected} onToggle={toggle} disabled={!holding} error={errors.labelIds} />
            <fieldset disabled={!holding}>
              <legend className="text-base font-semibold">Action</legend>
              {errors.action ? <p className="text-sm text-red-700">{errors.action}</p> : null}
              <div className="mt-1 flex flex-wrap gap-3">
                {(
                  [
                    ["keep", "Keep", "K"],
                    ["remove", "Remove", "R"],
                    ["restrict", "Restrict", "T"],
                    ["escalate", "Escalate", "E"],
                  ] as const
                )
                  .filter(([a]) => !(item.state === "escalated" && a === "escalate"))
                  .map(([a, name, key]) => (
                    <label key={a} className={`flex items-center gap-2 rounded border px-3 py-1.5 ${chosen === a ? "border-blue-600 bg-blue-50" : "border-slate-300"}`}>
                      <input type="radio" name="action" value={a} checked={chosen === a} onChange={() => setChosen(a)} />
                      {name}
                      <kbd className="rounded border border-slate-300 px-1 text-xs">{key}</kbd>
                    </label>
                  ))}
              </div>
            </fieldset>
            <div>
              <label htmlFor="rationale" className="block font-semibold">
                Rationale <span className="font-normal text-slate-600">(required for violating labels and escalations; press / to write)</span>
              </label>
              <textarea
                ref={rationale}
                id="rationale"
                name="rationale"
                rows={3}
                defaultValue={failed?.values?.rationale ?? ""}
                className={inputClass}
                disabled={!holding}
                aria-describedby="rationale-error"
                aria-invalid={errors.rationale ? true : undefined}
              />
              <FieldError id="rationale-error" message={errors.rationale} />
            </div>
            {data.openCopies > 0 ? (
              <div className="flex items-center gap-2">
                <input type="checkbox" id="applyToCopies" name="applyToCopies" disabled={!holding} />
                <label htmlFor="applyToCopies">
                  Apply to {data.openCopies} open {data.openCopies === 1 ? "copy" : "copies"} with the same text (each gets its own decision)
                </label>
              </div>
            ) : null}
            <button type="submit" className={buttonClass} disabled={!holding} aria-keyshortcuts="Control+Enter">
              Decide and next <kbd className="ml-1 text-xs">Ctrl+Enter</kbd>
            </button>
          </Form>
          {holding ? (
            <div className="grid gap-4 rounded border border-slate-200 bg-white p-4">
              <Form method="post" ref={skipForm} className="flex flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="skip" />
                <input type="hidden" name="claimId" value={item.claimId ?? ""} />
                <div className="flex-1">
                  <label htmlFor="skip-reason" className="block text-sm font-medium">
                    Skip reason
                  </label>
                  <select id="skip-reason" name="reason" className={inputClass}>
                    {SKIP_REASONS.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </div>
                <button type="submit" className={secondaryButtonClass} aria-keyshortcuts="s">
                  Skip <kbd className="text-xs">S</kbd>
                </button>
              </Form>
              <Form method="post" className="flex flex-wrap items-end gap-2">
                <input type="hidden" name="intent" value="release" />
                <input type="hidden" name="claimId" value={item.claimId ?? ""} />
                <div className="flex-1">
                  <label htmlFor="release-reason" className="block text-sm font-medium">
                    Release reason
                  </label>
                  <input id="release-reason" name="reason" className={inputClass} aria-describedby="release-error" />
                  <FieldError id="release-error" message={errors.reason} />
                </div>
                <button type="submit" className={secondaryButtonClass}>
                  Release to the queue
                </button>
              </Form>
              <p className="text-xs text-slate-600">
                Your lease runs until <Lease until={item.leaseExpiresAt} /> and renews while this page is open.
              </p>
            </div>
          ) : null}
        </div>
      </div>
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
}

function Lease({ until }: { until: string | null }) {
  if (!until) return null;
  return <time dateTime={until}>{until.slice(11, 16)} UTC</time>;
}

function History({
  title,
  rows,
}: {
  title: string;
  rows: { id: string; action: string; labelKeys: string[]; rationale: string; createdAt: string; byLead: boolean; user: { email: string }; item: { externalId: string } }[];
}) {
  return (
    <div className="mt-2">
      <h3 className="text-sm font-semibold text-slate-700">{title}</h3>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">None.</p>
      ) : (
        <ul className="text-sm">
          {rows.map((d) => (
            <li key={d.id} className="border-t border-slate-100 py-1">
              <span className="font-medium">{d.action}</span> {d.labelKeys.join(", ")} · {d.user.email}
              {d.byLead ? " (lead)" : ""} · {d.createdAt.slice(0, 16).replace("T", " ")} · <span className="font-mono">{d.item.externalId}</span>
              {d.rationale ? <p className="whitespace-pre-wrap break-words text-slate-600">{d.rationale}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
