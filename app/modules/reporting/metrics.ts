// The report rollups' vocabulary: each metric a daily count in ReportCount, what its two keys hold,
// and the duration bins time-to-decision figures are counted in. The fold (fold.server.ts) writes
// these and the dashboards and transparency reports read them; nothing else spells a metric name.
// See docs/decisions/046-report-rollups.md.

export const METRICS = {
  /** Items entering review (new, or reopened by a removal order), by the day they were received. k1 source, k2 reason. */
  "items.received": { k1: "source", k2: "reason" },
  /** Every notice (flag), by the day it was received. k1 source, k2 reason (the category). */
  "notices.received": { k1: "source", k2: "reason" },
  /** Change in the number of open items in a queue. k1 the item's strongest source; k2 "". */
  "depth.delta": { k1: "source", k2: "" },
  /** Every decision row. k1 action, k2 kind (DECISION_KINDS). */
  "decisions.made": { k1: "action", k2: "kind" },
  /** Every decision by its maker. k1 the user id, k2 action. */
  "decisions.by_moderator": { k1: "userId", k2: "action" },
  /** Labels applied, one count per label of a decision. k1 label key, k2 action. */
  "decisions.label": { k1: "labelKey", k2: "action" },
  /** The decision that closed an item's review (first keep, remove or restrict since it opened). k1 action, k2 ground. */
  "actions.taken": { k1: "action", k2: "ground" },
  /** The same closing decisions by how they were made. k1 means (MEANS), k2 ground. */
  "actions.means": { k1: "means", k2: "ground" },
  /** A decision replaced after an appeal or a quality review. k1 why ("appeal" | "quality"), k2 "<old action>><new action>". */
  "decisions.reversed": { k1: "why", k2: "change" },
  /** Received to closing decision, coarse bins. k1 COARSE_BINS index, k2 a label key or "*" for every decision once. */
  "ttd.received": { k1: "bin", k2: "labelKey" },
  /** Claimed to closing decision, coarse bins (decisions made under a claim). Keys as ttd.received. */
  "ttd.claimed": { k1: "bin", k2: "labelKey" },
  /** Fine-grained durations for medians, queue "". k1 "<measure>:<ground>" (measure action | appeal), k2 a fine bin's lower bound in seconds. */
  "ttd.fine": { k1: "measure", k2: "seconds" },
  /** Closing decisions of items with a deadline. k1 the strongest source, k2 "met" | "missed". */
  "deadline.result": { k1: "source", k2: "result" },
  /** Appeals (complaints) received, by the day received. k1 basis (the appellant's role), k2 ground of the contested decision. */
  "appeals.received": { k1: "basis", k2: "ground" },
  /** Appeals decided. k1 outcome, k2 ground. */
  "appeals.decided": { k1: "outcome", k2: "ground" },
  /** Blind second reviews. k1 the first decision's action, k2 the second reviewer's. */
  "quality.pair": { k1: "first", k2: "second" },
} as const;
export type Metric = keyof typeof METRICS;

/**
 * Each metric but depth is also kept per week (its rows dated the week's Monday) under this name, so a
 * long range reads a seventh of the rows. Depth is a level summed from its first day, read per day.
 */
export const weekly = (metric: Metric) => `${metric}@week`;
export const KEPT_WEEKLY = (metric: Metric) => metric !== "depth.delta";

/** decisions.made k2: a review's decision, one applied to a copy or cluster member, or a replacement. */
export const DECISION_KINDS = ["review", "copy", "replacement"] as const;
/** actions.means k1: a person deciding the item itself, or a person's decision applied to a near-duplicate. */
export const MEANS = ["person", "copy"] as const;
/** The legal ground of a decision: a removal order (TCO) or the platform's terms and policy. */
export const GROUNDS = ["order", "terms"] as const;
export type Ground = (typeof GROUNDS)[number];

export const groundOf = (source: string): Ground => (source === "removal_order" ? "order" : "terms");

/** The UTC day of a moment, as rollup rows key it. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** Coarse bins for distributions on the dashboards: [lower bound in seconds, name]. */
export const COARSE_BINS: readonly (readonly [number, string])[] = [
  [0, "under 5 min"],
  [300, "5–15 min"],
  [900, "15–60 min"],
  [3600, "1–4 h"],
  [14_400, "4–12 h"],
  [43_200, "12–24 h"],
  [86_400, "1–2 days"],
  [172_800, "2–7 days"],
  [604_800, "7 days or more"],
];

export function coarseBin(seconds: number): number {
  let bin = 0;
  for (let i = 0; i < COARSE_BINS.length; i++) if (seconds >= COARSE_BINS[i][0]) bin = i;
  return bin;
}

/**
 * The fine bin a duration is counted in, as its lower bound in seconds: whole minutes under two
 * hours, whole hours under seven days, whole days beyond. Reports state medians at this resolution.
 */
export function fineBin(seconds: number): number {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 7200) return s - (s % 60);
  if (s < 604_800) return s - (s % 3600);
  return s - (s % 86_400);
}

/**
 * The median of counted durations: the lower median (the ⌈n/2⌉-th smallest) of the fine bins, so it
 * is always a value some decision took. Null when nothing was counted.
 */
export function medianOfBins(bins: Iterable<readonly [number, number]>): number | null {
  const sorted = [...bins].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const middle = Math.ceil(total / 2);
  let seen = 0;
  for (const [bin, n] of sorted) {
    seen += n;
    if (seen >= middle) return bin;
  }
  return null;
}
