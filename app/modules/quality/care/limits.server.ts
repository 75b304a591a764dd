import { currentTime } from "~/modules/clock/clock.ts";
// The care cap: a reviewer who has reviewed the cap's worth of high-severity items in the shift
// window is offered no more of them by "Next item" until enough have left the window. Which items are
// high-severity has to be known before review, so it is judged by the item's top reason: see
// docs/decisions/036-moderator-care.md.
import { db } from "~/db.server.ts";
import { recentLiveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { openFacets } from "~/modules/queue/open-counts.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";
import { exposureOf, type Exposure } from "./exposure.server.ts";

export type CareLimits = { atCap: boolean; excludeReasons: string[] };

/** What "Next item" must hold back from this user now: nothing unless they are at the cap. */
export async function careLimits(userId: string, now = currentTime()): Promise<CareLimits> {
  const { atCap, excludeReasons } = await careStatus(userId, now);
  return { atCap, excludeReasons };
}

/** The same, with the exposure behind it (for the break prompt: the count, the cap, when it resets). */
export async function careStatus(userId: string, now = currentTime()): Promise<CareLimits & { exposure: Exposure | null }> {
  const settings = await qualitySettings();
  if (settings.highSeverityCap === null) return { atCap: false, excludeReasons: [], exposure: null };
  const exposure = await exposureOf(userId, now, settings);
  if (!exposure.atCap) return { atCap: false, excludeReasons: [], exposure };
  return { atCap: true, excludeReasons: await highSeverityReasons(settings.highSeverityFrom, now), exposure };
}

/**
 * The reasons whose live label sets hold a label of severity `from` or more, among the reasons that
 * can be offered: those of open items and of active calibration items. A reason no set claims is
 * judged by every live set, as the review screen shows them all for it.
 */
export async function highSeverityReasons(from: number, now = currentTime()): Promise<string[]> {
  const [facets, calibration] = await Promise.all([
    openFacets(now),
    db.calibrationItem.findMany({ where: { active: true }, select: { reason: true }, distinct: ["reason"] }),
  ]);
  const reasons = [...new Set([...facets.map((f) => f.reason), ...calibration.map((c) => c.reason)])].sort();
  const high = await Promise.all(reasons.map(async (reason) => ((await isHighSeverityReason(reason, from)) ? reason : null)));
  return high.filter((r): r is string => r !== null);
}

/** Whether items flagged for this reason may carry a label of severity `from` or more. */
export async function isHighSeverityReason(reason: string, from: number): Promise<boolean> {
  const sets = await recentLiveLabelSetsForReason(reason);
  return sets.some((set) => set.labels.some((l) => l.severity >= from));
}
