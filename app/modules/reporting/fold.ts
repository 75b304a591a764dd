// The report rollups' fold: audit events in sequence order in, daily counts out. Pure: it reads only
// the events and the state handed to it (the items and appeals as the fold last left them, the
// actions of decisions named by replacements and quality reviews, the flags of batch calls), and
// updates that state in place, so running it over a log in one go or in any number of pieces gives
// the same counts. See docs/decisions/046-report-rollups.md.
import { strongerSource, isSource } from "~/modules/items/sources.ts";
import { weekStart } from "./days.ts";
import { coarseBin, dayOf, fineBin, groundOf, KEPT_WEEKLY, weekly, type Metric } from "./metrics.ts";

export type FoldEvent = { seq: number; at: Date; actorId: string | null; action: string; payload: Record<string, unknown> };

export type ItemView = {
  itemId: string;
  platform: string;
  queueId: string;
  source: string;
  open: boolean;
  openedAt: Date;
  dueAt: Date | null;
  claimedAt: Date | null;
};
export type AppealView = { appealId: string; platform: string; queueId: string; ground: string; receivedAt: Date };
export type BatchFlag = { itemId: string; source: string; reason: string; receivedAt: Date; dueAt: Date | null; queueId: string | null; newItem: boolean };
export type MissRow = { seq: number; itemId: string; day: string; platform: string; queueId: string; source: string; dueAt: Date; decidedAt: Date };

export type FoldState = {
  items: Map<string, ItemView>;
  appeals: Map<string, AppealView>;
  /** Action of each decision a replacement or a quality review names. */
  decisionActions: Map<string, string>;
  /** Flags of each batch call, by batch id. */
  batches: Map<string, BatchFlag[]>;
};

export type FoldOutput = {
  counts: Map<string, number>;
  misses: MissRow[];
  itemsChanged: Set<string>;
  appealsChanged: Set<string>;
};

/** The events the fold reads; every other action leaves the rollups alone. */
export const FOLDED_ACTIONS = [
  "flag.received",
  "flag.batch_received",
  "item.reopened",
  "item.moved",
  "item.routed",
  "item.claimed",
  "decision.made",
  "appeal.received",
  "appeal.moved",
  "appeal.decided",
  "quality.reviewed",
  "queue.closed",
] as const;

const SEP = "\u0000";
/** The platform or queue of a count kept for every platform or every queue. */
export const ALL = "*";
export const countKey = (metric: string, day: string, platform: string, queueId: string, k1: string, k2: string) =>
  [metric, day, platform, queueId, k1, k2].join(SEP);
export const splitCountKey = (key: string) => {
  const [metric, day, platform, queueId, k1, k2] = key.split(SEP);
  return { metric, day, platform, queueId, k1, k2 };
};

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const date = (v: unknown): Date | null => (typeof v === "string" || v instanceof Date ? new Date(v) : null);
const seconds = (from: Date, to: Date) => Math.max(0, (to.getTime() - from.getTime()) / 1000);

export function newFoldOutput(): FoldOutput {
  return { counts: new Map(), misses: [], itemsChanged: new Set(), appealsChanged: new Set() };
}

/**
 * Items the log never introduced (written before their intake was logged per flag), first met open in
 * this run: counted as received and open from their first flag, so the decision that closes them nets out.
 */
export function introduceItems(items: ItemView[], out: FoldOutput): void {
  for (const item of items) {
    addCount(out, "items.received", item.openedAt, item.platform, item.queueId, item.source, "");
    addCount(out, "depth.delta", item.openedAt, item.platform, item.queueId, item.source, "");
    out.itemsChanged.add(item.itemId);
  }
}

/** Adds to a count for its own scope and for every wider one (ALL), so a read for any scope is one key range. */
function addCount(out: FoldOutput, metric: Metric, at: Date | string, platform: string, queueId: string, k1: string, k2: string, n = 1): void {
  const day = typeof at === "string" ? at : dayOf(at);
  const kept: [string, string][] = [[metric, day]];
  if (KEPT_WEEKLY(metric)) kept.push([weekly(metric), weekStart(day)]);
  for (const [name, date] of kept) {
    for (const [p, q] of [
      [platform, queueId],
      [platform, ALL],
      [ALL, queueId],
      [ALL, ALL],
    ]) {
      const key = countKey(name, date, p, q, k1, k2);
      out.counts.set(key, (out.counts.get(key) ?? 0) + n);
    }
  }
}

/** Folds events (in sequence order) into `out`, updating `state`. */
export function foldEvents(events: FoldEvent[], state: FoldState, out: FoldOutput = newFoldOutput()): FoldOutput {
  const add: Add = (metric, at, platform, queueId, k1, k2, n = 1) => addCount(out, metric, at, platform, queueId, k1, k2, n);
  const touch = (item: ItemView) => out.itemsChanged.add(item.itemId);
  const depth = (item: ItemView, at: Date, n: number) => add("depth.delta", at, item.platform, item.queueId, item.source, "", n);

  const flagArrived = (at: Date, platform: string, f: BatchFlag) => {
    add("notices.received", f.receivedAt, platform, f.queueId ?? "", f.source, f.reason);
    const known = state.items.get(f.itemId);
    if (!known) {
      const item: ItemView = {
        itemId: f.itemId,
        platform,
        queueId: f.queueId ?? "",
        source: f.source,
        open: true,
        openedAt: f.receivedAt,
        dueAt: f.dueAt,
        claimedAt: null,
      };
      state.items.set(f.itemId, item);
      touch(item);
      add("items.received", f.receivedAt, platform, item.queueId, f.source, f.reason);
      // Open from the day it was received, as the inflow counts it (a platform may send a flag late).
      depth(item, f.receivedAt < at ? f.receivedAt : at, 1);
      return;
    }
    // A closed item stays closed here: a removal order that reopens it writes item.reopened next.
    if (!known.open) return;
    const source = isSource(known.source) && isSource(f.source) ? strongerSource(known.source, f.source) : known.source;
    const queueId = f.queueId ?? known.queueId;
    if (source !== known.source || queueId !== known.queueId) {
      depth(known, at, -1);
      known.source = source;
      known.queueId = queueId;
      depth(known, at, 1);
    }
    if (f.dueAt && (!known.dueAt || f.dueAt < known.dueAt)) known.dueAt = f.dueAt;
    touch(known);
  };

  const moveTo = (item: ItemView | undefined, at: Date, queueId: string | null) => {
    if (!item) return;
    const to = queueId ?? "";
    if (item.open && to !== item.queueId) {
      depth(item, at, -1);
      item.queueId = to;
      depth(item, at, 1);
    } else item.queueId = to;
    touch(item);
  };

  for (const e of events) {
    const p = e.payload;
    switch (e.action) {
      case "flag.received": {
        const itemId = str(p.itemId);
        const source = str(p.source);
        const receivedAt = date(p.receivedAt);
        if (!itemId || !source || !receivedAt) break;
        flagArrived(e.at, String(p.platform ?? ""), {
          itemId,
          source,
          reason: String(p.reason ?? ""),
          receivedAt,
          dueAt: date(p.dueAt),
          queueId: str(p.queueId),
          newItem: p.newItem === true,
        });
        break;
      }
      case "flag.batch_received": {
        const batchId = str(p.batchId);
        for (const f of (batchId && state.batches.get(batchId)) || []) flagArrived(e.at, String(p.platform ?? ""), f);
        break;
      }
      case "item.reopened": {
        const itemId = str(p.itemId);
        if (!itemId) break;
        const known = state.items.get(itemId);
        const source = str(p.source) ?? known?.source ?? "removal_order";
        const item: ItemView = {
          itemId,
          platform: String(p.platform ?? known?.platform ?? ""),
          queueId: str(p.queueId) ?? "",
          source: known && isSource(known.source) && isSource(source) ? strongerSource(known.source, source) : source,
          open: true,
          openedAt: e.at,
          dueAt: date(p.dueAt),
          claimedAt: null,
        };
        if (known?.open) depth(known, e.at, -1);
        state.items.set(itemId, item);
        touch(item);
        add("items.received", e.at, item.platform, item.queueId, source, "reopened");
        depth(item, e.at, 1);
        break;
      }
      case "item.moved":
      case "item.routed": {
        const item = state.items.get(String(p.itemId));
        moveTo(item, e.at, str(e.action === "item.moved" ? p.toQueueId : p.queueId));
        // The deadline follows the queue (none in a queue that sets no hours); older routing events carry none.
        if (item && "dueAt" in p) item.dueAt = date(p.dueAt);
        break;
      }
      case "queue.closed": {
        // Closing a queue leaves its open items and appeals unrouted, in one event.
        const queueId = str(p.queueId);
        if (!queueId) break;
        for (const item of state.items.values()) if (item.open && item.queueId === queueId) moveTo(item, e.at, null);
        for (const appeal of state.appeals.values()) {
          if (appeal.queueId !== queueId) continue;
          appeal.queueId = "";
          out.appealsChanged.add(appeal.appealId);
        }
        break;
      }
      case "item.claimed": {
        const item = state.items.get(String(p.itemId));
        if (item) {
          item.claimedAt = e.at;
          touch(item);
        }
        break;
      }
      case "decision.made":
        foldDecision(e, state, out, add, depth, touch);
        break;
      case "appeal.received": {
        const appealId = str(p.appealId);
        if (!appealId) break;
        const item = state.items.get(String(p.itemId));
        const receivedAt = date(p.receivedAt) ?? e.at;
        const appeal: AppealView = {
          appealId,
          platform: String(p.platform ?? item?.platform ?? ""),
          queueId: str(p.queueId) ?? "",
          ground: groundOf(item?.source ?? ""),
          receivedAt,
        };
        state.appeals.set(appealId, appeal);
        out.appealsChanged.add(appealId);
        add("appeals.received", receivedAt, appeal.platform, appeal.queueId, String(p.appellantRole ?? ""), appeal.ground);
        break;
      }
      case "appeal.moved": {
        const appeal = state.appeals.get(String(p.appealId));
        if (appeal) {
          appeal.queueId = str(p.toQueueId) ?? "";
          out.appealsChanged.add(appeal.appealId);
        }
        break;
      }
      case "appeal.decided": {
        const appeal = state.appeals.get(String(p.appealId));
        if (!appeal) break;
        add("appeals.decided", e.at, appeal.platform, appeal.queueId, String(p.outcome ?? ""), appeal.ground);
        add("ttd.fine", e.at, appeal.platform, "", `appeal:${appeal.ground}`, String(fineBin(seconds(appeal.receivedAt, e.at))));
        break;
      }
      case "quality.reviewed": {
        const item = state.items.get(String(p.itemId));
        const first = state.decisionActions.get(String(p.decisionId));
        if (!first) break;
        add("quality.pair", e.at, item?.platform ?? "", item?.queueId ?? "", first, String(p.action ?? ""));
        break;
      }
    }
  }
  return out;
}

type Add = (metric: Metric, at: Date | string, platform: string, queueId: string, k1: string, k2: string, n?: number) => void;

function foldDecision(
  e: FoldEvent,
  state: FoldState,
  out: FoldOutput,
  add: Add,
  depth: (item: ItemView, at: Date, n: number) => void,
  touch: (item: ItemView) => void,
) {
  const p = e.payload;
  const item = state.items.get(String(p.itemId));
  const action = String(p.action ?? "");
  const labelKeys = Array.isArray(p.labelKeys) ? p.labelKeys.map(String) : [];
  const platform = item?.platform ?? "";
  const queueId = item?.queueId ?? "";
  const supersedes = str(p.supersedes);
  const copy = str(p.copyOf) !== null;
  const kind = supersedes ? "replacement" : copy ? "copy" : "review";

  add("decisions.made", e.at, platform, queueId, action, kind);
  if (e.actorId) add("decisions.by_moderator", e.at, platform, queueId, e.actorId, action);
  for (const key of labelKeys) add("decisions.label", e.at, platform, queueId, key, action);
  if (supersedes) {
    const why = str(p.appealId) ? "appeal" : "quality";
    add("decisions.reversed", e.at, platform, queueId, why, `${state.decisionActions.get(supersedes) ?? ""}>${action}`);
    return;
  }
  // Only the decision that closes an open review counts as the action taken on it.
  if (!item || !item.open || action === "escalate") return;
  const ground = groundOf(item.source);
  add("actions.taken", e.at, platform, queueId, action, ground);
  add("actions.means", e.at, platform, queueId, copy ? "copy" : "person", ground);
  const received = seconds(item.openedAt, e.at);
  const bin = String(coarseBin(received));
  add("ttd.received", e.at, platform, queueId, bin, "*");
  for (const key of labelKeys) add("ttd.received", e.at, platform, queueId, bin, key);
  add("ttd.fine", e.at, platform, "", `action:${ground}`, String(fineBin(received)));
  if (!copy && item.claimedAt && item.claimedAt >= item.openedAt) {
    const claimedBin = String(coarseBin(seconds(item.claimedAt, e.at)));
    add("ttd.claimed", e.at, platform, queueId, claimedBin, "*");
    for (const key of labelKeys) add("ttd.claimed", e.at, platform, queueId, claimedBin, key);
  }
  if (item.dueAt) {
    const met = e.at.getTime() <= item.dueAt.getTime();
    add("deadline.result", e.at, platform, queueId, item.source, met ? "met" : "missed");
    if (!met) {
      out.misses.push({ seq: e.seq, itemId: item.itemId, day: dayOf(e.at), platform, queueId, source: item.source, dueAt: item.dueAt, decidedAt: e.at });
    }
  }
  depth(item, e.at, -1);
  item.open = false;
  item.claimedAt = null;
  touch(item);
}
