import { db } from "~/db.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";

/**
 * Whether the moderator has reached the leads' cap on high-severity items in the rolling shift
 * window, and the reasons "Next item" then leaves out: those whose live label set has a label at
 * or above the high-severity threshold. Nothing to leave out without a cap.
 */
export async function careLimits(userId: string, now: Date = new Date()): Promise<{ atCap: boolean; excludeReasons: string[] }> {
  const settings = await qualitySettings();
  if (settings.highSeverityCap === null) return { atCap: false, excludeReasons: [] };
  const since = new Date(now.getTime() - settings.shiftHours * 3_600_000);
  const sets = await liveLabelSets();
  const severityOf = new Map(sets.flatMap((s) => s.labels.map((l) => [`${s.versionId}:${l.key}`, l.severity] as const)));
  const keysSevere = (versionId: string | null, keys: string) =>
    (JSON.parse(keys) as string[]).some((k) => (severityOf.get(`${versionId}:${k}`) ?? 0) >= settings.highSeverityFrom);
  const [decisions, answers] = await Promise.all([
    db.decision.findMany({ where: { userId, copyOfDecisionId: null, createdAt: { gte: since } }, select: { versionId: true, labelKeys: true } }),
    db.calibrationAnswer.findMany({
      where: { userId, outcome: "answered", answeredAt: { gte: since } },
      select: { labelKeys: true, calibrationItem: { select: { versionId: true } } },
    }),
  ]);
  const counted =
    decisions.filter((d) => keysSevere(d.versionId, d.labelKeys)).length + answers.filter((a) => keysSevere(a.calibrationItem.versionId, a.labelKeys)).length;
  if (counted < settings.highSeverityCap) return { atCap: false, excludeReasons: [] };
  const reasons = await db.labelSet.findMany({ where: { id: { in: sets.map((s) => s.setId) } }, select: { id: true, reasons: true } });
  const severeSets = new Set(sets.filter((s) => s.labels.some((l) => l.severity >= settings.highSeverityFrom)).map((s) => s.setId));
  return { atCap: true, excludeReasons: [...new Set(reasons.filter((r) => severeSets.has(r.id)).flatMap((r) => JSON.parse(r.reasons) as string[]))] };
}
