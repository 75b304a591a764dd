// Where flags come from: the one vocabulary of flag sources (keys, names, rank, weights) that intake,
// the queue, the audit snapshot and the statements of reasons share (../shared/policy/intake-sources.md).
// The rank is a total order so an item's strongest source never depends on the order its flags
// arrived in (docs/decisions/017-one-rank-of-flag-sources.md).

/** Every source, strongest first: this order is the rank. */
export const SOURCES = ["removal_order", "trusted_flagger", "authority_referral", "user_report", "automated"] as const;
export type Source = (typeof SOURCES)[number];

export const SOURCE_NAMES: Record<Source, string> = {
  removal_order: "Removal order",
  trusted_flagger: "Trusted flagger",
  authority_referral: "Authority referral",
  user_report: "User notice",
  automated: "Automated detection",
};

/**
 * What a source adds to an item's priority. Trusted flaggers and authority referrals weigh the same
 * in the queue; the rank still puts the trusted flagger first when both flag one item.
 */
export const SOURCE_WEIGHT: Record<Source, number> = {
  removal_order: 1000,
  trusted_flagger: 600,
  authority_referral: 600,
  user_report: 300,
  automated: 100,
};

/** A removal order must be acted on within one hour of receipt (TCO Art. 3(3)). */
export const REMOVAL_ORDER_HOURS = 1;

export function isSource(value: string): value is Source {
  return (SOURCES as readonly string[]).includes(value);
}

/** 0 for the strongest source, rising as sources weaken. */
export function sourceRank(source: Source): number {
  return SOURCES.indexOf(source);
}

/** The stronger of two sources. */
export function strongerSource(a: Source, b: Source): Source {
  return sourceRank(b) < sourceRank(a) ? b : a;
}

/** The strongest of any number of sources; null when there are none. */
export function strongestOf(sources: Iterable<Source>): Source | null {
  let best: Source | null = null;
  for (const s of sources) best = best === null ? s : strongerSource(best, s);
  return best;
}

/** Sources strongest first. */
export function byRank(sources: Iterable<Source>): Source[] {
  return [...sources].sort((a, b) => sourceRank(a) - sourceRank(b));
}
