import { Link, useFetcher, useLocation } from "@remix-run/react";
import type { SerializeFrom } from "@remix-run/node";
import { useMemo, useReducer, useRef, useState } from "react";
import { flushSync } from "react-dom";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { isOpen as isOpenState } from "~/modules/items/lifecycle.ts";
import { LABEL_GROUPS, type LabelView } from "~/modules/labels/types.ts";
import type { reviewScreen } from "~/modules/review/screen.server.ts";
import { ClaimBanner } from "./claim-banner.tsx";
import { ContentView } from "./content-view.tsx";
import { ClusterPanel } from "./cluster-panel.tsx";
import { DECIDE_SCOPES, DecideForm, type DecideScope } from "./decide-form.tsx";
import { FlagsPanel } from "./flags-panel.tsx";
import { HelpOverlay } from "./help-overlay.tsx";
import { HistoryPanel } from "./history-panel.tsx";
import { HoldPanel } from "./hold-panel.tsx";
import { REVIEW_KEYS, type ReviewCommand } from "./keys.ts";
import { useLeaseRenewal, useReviewKeys } from "./use-review-keys.ts";

export type ReviewScreenData = SerializeFrom<NonNullable<Awaited<ReturnType<typeof reviewScreen>>>>;

const AT_LIMIT =
  "You have reached this shift's limit of high-severity items, so Next item now gives you lower-severity work only. Take a break: your Review page says when the limit lifts.";

const NOTICES: Record<string, string> = {
  saved: "Decision saved. Here is the next item.",
  skipped: "Skipped. Here is the next item.",
  "saved-at-limit": `Decision saved. ${AT_LIMIT}`,
  "skipped-at-limit": `Skipped. ${AT_LIMIT}`,
  split: "Split out of the cluster: it now stands alone, and the reason is on the record.",
};

function noticeText(notice: string | null) {
  if (!notice) return null;
  const cluster = /^saved-cluster-(\d+)(-at-limit)?$/.exec(notice);
  if (cluster) {
    const n = Number(cluster[1]);
    return `Decision saved, and applied to ${n.toLocaleString("en")} ${n === 1 ? "member" : "members"} of its cluster, each with its own decision. ${cluster[2] ? AT_LIMIT : "Here is the next item."}`;
  }
  return NOTICES[notice] ?? null;
}

type Choice = { selected: ReadonlySet<string>; action: DecisionAction | undefined };
type ChoiceEvent = { type: "toggle"; label: LabelView; offered: readonly DecisionAction[] } | { type: "choose"; action: DecisionAction };

/** Picking a label when no action is chosen yet picks that label's default action, if this item offers it. */
function choose(state: Choice, event: ChoiceEvent): Choice {
  if (event.type === "choose") return { ...state, action: event.action };
  const selected = new Set(state.selected);
  if (selected.delete(event.label.id)) return { ...state, selected };
  selected.add(event.label.id);
  const fallback = event.offered.find((a) => a === event.label.defaultAction);
  return { selected, action: state.action ?? fallback };
}

/** The review screen for one item: content, flags, history, cluster, and the decision with its keys. */
export function ReviewScreen({ data, actionData }: { data: ReviewScreenData; actionData: unknown }) {
  const { item } = data;
  const location = useLocation();
  const labels = useMemo(() => data.labelSets.flatMap((s) => s.labels) as LabelView[], [data.labelSets]);
  const ordered = useMemo(() => LABEL_GROUPS.flatMap((g) => labels.filter((l) => l.group === g)), [labels]);
  const numbers = useMemo(() => new Map(ordered.map((l, i) => [l.id, i + 1])), [ordered]);
  const decideResult = lastResultOf(actionData, "decide");
  const [choice, dispatch] = useReducer(choose, undefined, (): Choice => {
    const ids = decideResult?.initialValue?.labelIds;
    const action = decideResult?.initialValue?.action;
    return {
      selected: new Set(Array.isArray(ids) ? ids.map(String) : typeof ids === "string" ? [ids] : []),
      action: data.actions.find((a) => a === action),
    };
  });
  const [helpOpen, setHelpOpen] = useState(false);
  const [scope, setScope] = useState<DecideScope>(() => DECIDE_SCOPES.find((s) => s === decideResult?.initialValue?.scope) ?? "item");
  const decideForm = useRef<HTMLFormElement>(null);
  const skipForm = useRef<HTMLFormElement>(null);
  const rationale = useRef<HTMLTextAreaElement>(null);
  const renewer = useFetcher();
  const holding = data.heldByMe && !!item.claimId;
  // The decide form's id (useForm's), which the cluster panel's member checkboxes name as their form.
  const decideFormId = `decide-${item.id}`;

  const toggle = (label: LabelView) => dispatch({ type: "toggle", label, offered: data.actions });
  const run = (command: ReviewCommand) => {
    switch (command.kind) {
      case "action":
        if (holding && data.actions.includes(command.action)) dispatch({ type: "choose", action: command.action });
        return;
      case "rationale":
        rationale.current?.focus();
        return;
      case "submit":
        if (holding) decideForm.current?.requestSubmit();
        return;
      case "skip":
        if (holding) skipForm.current?.requestSubmit();
        return;
      case "help":
        setHelpOpen((o) => !o);
        return;
      case "escape":
        if (helpOpen) setHelpOpen(false);
        else if (document.activeElement === rationale.current) rationale.current?.blur();
        return;
    }
  };

  useReviewKeys(
    {
      labelCount: ordered.length,
      // Rendered at once: a submit may follow in the same key press, and it reads the form from the page.
      onLabel: (n) => holding && flushSync(() => toggle(ordered[n - 1]!)),
      onCommand: run,
    },
    item.id,
  );
  useLeaseRenewal(() => item.claimId && renewer.submit({ intent: "renew", claimId: item.claimId }, { method: "post" }), data.renewEveryMs, holding);

  const notice = noticeText(data.notice);
  const refusal = refusalMessage(actionData);

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
            <span className="text-slate-500">
              {data.queue ? `queue ${data.queue.name}` : isOpenState(item.state) ? "unrouted" : null}
              {data.assignedToId && data.assignedToId === data.viewerId ? " · assigned to you" : null}
            </span>
            {data.canPlace ? (
              <Link to={`/items/${item.id}/queue`} className="text-blue-800 underline">
                Queue and assignment
              </Link>
            ) : null}
          </span>
        }
        actions={
          <button type="button" className={secondaryButtonClass} onClick={() => setHelpOpen(true)} aria-keyshortcuts={REVIEW_KEYS.help.aria}>
            Keyboard help <kbd>{REVIEW_KEYS.help.shown}</kbd>
          </button>
        }
      />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {!holding ? <ClaimBanner holder={data.holder} leaseExpiresAt={item.leaseExpiresAt} canClaim={data.canClaim} stateName={item.state} /> : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-6">
          <ContentView content={item} revealed={data.revealed} revealHref={`${location.pathname}?reveal=1`} mediaOrigins={data.mediaOrigins} />
          <FlagsPanel
            flags={data.flags}
            flagCount={item.flagCount}
            reporterCount={item.reporterCount}
            countsBySource={item.countsBySource}
            countsByReason={item.countsByReason}
            now={data.now}
          />
          <HistoryPanel onItem={data.history.onItem} onAuthor={data.history.onAuthor} />
          <ClusterPanel
            cluster={data.cluster}
            decideFormId={decideFormId}
            claimId={holding ? item.claimId : null}
            canDecide={data.canDecideCluster && holding}
            now={data.now}
            search={location.search}
            onPick={() => setScope("selected")}
          />
        </div>
        <div className="space-y-6">
          <DecideForm
            itemId={item.id}
            claimId={item.claimId}
            holding={holding}
            labelSets={data.labelSets}
            labels={labels}
            numbers={numbers}
            selected={choice.selected}
            chosen={choice.action}
            actions={data.actions}
            scope={scope}
            clusterScope={
              data.canDecideCluster && data.cluster && data.cluster.cluster.size > 1
                ? { open: data.cluster.decidableCount, selectable: data.cluster.members.filter((m) => m.decidable).length, onScope: setScope }
                : null
            }
            lastResult={decideResult}
            onToggle={(id) => toggle(labels.find((l) => l.id === id)!)}
            onChoose={(action) => dispatch({ type: "choose", action })}
            formRef={decideForm}
            rationaleRef={rationale}
          />
          {holding && item.claimId ? (
            <HoldPanel
              itemId={item.id}
              claimId={item.claimId}
              leaseExpiresAt={item.leaseExpiresAt}
              releaseResult={lastResultOf(actionData, "release")}
              skipRef={skipForm}
            />
          ) : null}
        </div>
      </div>
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
}
