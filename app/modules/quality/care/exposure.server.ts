import { currentTime } from "~/modules/clock/clock.ts";
// Exposure: what a reviewer has seen in the rolling shift window. Counted from what they did (their
// decisions, blind second reviews and calibration answers, by the highest severity of the labels they
// applied) and from the media they revealed. It describes load, never quality or speed of work: see
// docs/decisions/036-moderator-care.md.
import { db } from "~/db.server.ts";
import { qualitySettings, type QualitySettings } from "~/modules/quality/settings.server.ts";

/** Label severities run 0..4 (the starter set's scale); anything outside is counted at the nearest end. */
export const SEVERITIES = [0, 1, 2, 3, 4] as const;
const MAX_SEVERITY = SEVERITIES[SEVERITIES.length - 1];

export const clampSeverity = (n: number) => Math.max(0, Math.min(MAX_SEVERITY, Math.trunc(Number(n) || 0)));

/** The rolling window ending at `now`: a review at exactly `from` has already left it. */
export type ShiftWindow = { from: Date; to: Date; shiftHours: number };

export function shiftWindow(shiftHours: number, now: Date): ShiftWindow {
  return { from: new Date(now.getTime() - shiftHours * 3_600_000), to: now, shiftHours };
}

/** One reviewed item: when, and the highest severity among the labels applied. */
export type Reviewed = { at: Date; severity: number };

export type Exposure = {
  window: ShiftWindow;
  /** Items reviewed in the window, by the highest severity applied (index = severity 0..4). */
  bySeverity: number[];
  reviewed: number;
  /** Items whose highest applied severity is at or above the settings' threshold. */
  highSeverity: number;
  highSeverityFrom: number;
  cap: number | null;
  atCap: boolean;
  /** When enough high-severity items have left the window to bring the count below the cap; null when not at the cap, or when the cap is 0. */
  resetsAt: Date | null;
  /** Distinct items whose media the reviewer revealed in the window. */
  mediaRevealed: number;
};

/** One reviewer's exposure in the shift window ending at `now`. */
export async function exposureOf(userId: string, now = currentTime(), settings?: QualitySettings): Promise<Exposure> {
  const s = settings ?? (await qualitySettings());
  const window = shiftWindow(s.shiftHours, now);
  const [reviewed, mediaRevealed] = await Promise.all([reviewedBy(userId, window), revealedCount(userId, window)]);
  const bySeverity = SEVERITIES.map(() => 0);
  for (const r of reviewed) bySeverity[r.severity]++;
  const high = reviewed.filter((r) => r.severity >= s.highSeverityFrom).map((r) => r.at.getTime());
  const atCap = s.highSeverityCap !== null && high.length >= s.highSeverityCap;
  return {
    window,
    bySeverity,
    reviewed: reviewed.length,
    highSeverity: high.length,
    highSeverityFrom: s.highSeverityFrom,
    cap: s.highSeverityCap,
    atCap,
    resetsAt: atCap ? capResetsAt(high, s.highSeverityCap!, s.shiftHours) : null,
    mediaRevealed,
  };
}

/**
 * When a count at or over the cap drops below it: the count falls under `cap` once `n - cap + 1`
 * of its `n` items have left the window, and the k-th oldest leaves `shiftHours` after it was
 * reviewed. A cap of 0 never resets.
 */
export function capResetsAt(highTimes: number[], cap: number, shiftHours: number): Date | null {
  if (cap <= 0 || highTimes.length < cap) return null;
  const sorted = [...highTimes].sort((a, b) => a - b);
  return new Date(sorted[sorted.length - cap] + shiftHours * 3_600_000);
}

const inWindow = (w: ShiftWindow) => ({ gt: w.from, lte: w.to });

/**
 * The items one reviewer reviewed in the window: their decisions (not the copies a decision was
 * applied to: the reviewer read one item), their blind second reviews and their calibration
 * answers, each with the highest severity of the labels applied.
 */
export async function reviewedBy(userId: string, window: ShiftWindow): Promise<Reviewed[]> {
  const [decisions, second, calibration] = await Promise.all([
    db.decision.findMany({
      where: { userId, createdAt: inWindow(window), copyOfDecisionId: null },
      select: { createdAt: true, labels: { select: { label: { select: { severity: true } } } } },
    }),
    db.qualityReview.findMany({
      where: { reviewerId: userId, reviewedAt: inWindow(window) },
      select: { reviewedAt: true, versionId: true, labelKeys: true },
    }),
    db.calibrationAnswer.findMany({
      where: { userId, outcome: "answered", answeredAt: inWindow(window) },
      select: { answeredAt: true, labelKeys: true, calibrationItem: { select: { versionId: true } } },
    }),
  ]);
  const keyed = [
    ...second.map((r) => ({ at: r.reviewedAt!, versionId: r.versionId, labelKeys: r.labelKeys })),
    ...calibration.map((a) => ({ at: a.answeredAt!, versionId: a.calibrationItem.versionId, labelKeys: a.labelKeys })),
  ];
  const severityOf = await keyedSeverities(keyed);
  return [
    ...decisions.map((d) => ({ at: d.createdAt, severity: clampSeverity(Math.max(0, ...d.labels.map((l) => l.label.severity))) })),
    ...keyed.map((k) => ({ at: k.at, severity: severityOf(k) })),
  ];
}

type Keyed = { versionId: string | null; labelKeys: string };

const parseKeys = (json: string): string[] => {
  try {
    const keys: unknown = JSON.parse(json);
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
};

/**
 * Second reviews and calibration answers record label keys under a label set version: one read of
 * those versions' labels gives the highest severity of each.
 */
async function keyedSeverities(rows: Keyed[]): Promise<(row: Keyed) => number> {
  const versionIds = [...new Set(rows.map((r) => r.versionId).filter((v): v is string => !!v))];
  const labels = versionIds.length
    ? await db.label.findMany({ where: { versionId: { in: versionIds } }, select: { versionId: true, key: true, severity: true } })
    : [];
  const severity = new Map(labels.map((l) => [`${l.versionId}\u0000${l.key}`, l.severity]));
  return (row) => clampSeverity(Math.max(0, ...parseKeys(row.labelKeys).map((k) => severity.get(`${row.versionId}\u0000${k}`) ?? 0)));
}

async function revealedCount(userId: string, window: ShiftWindow): Promise<number> {
  const rows = await db.mediaReveal.groupBy({ by: ["itemId"], where: { userId, at: inWindow(window) } });
  return rows.length;
}

/** The team's exposure in the window, with no names: totals and how many reviewers are at or near the cap. */
export type TeamExposure = {
  window: ShiftWindow;
  settings: QualitySettings;
  bySeverity: number[];
  reviewed: number;
  highSeverity: number;
  mediaRevealed: number;
  /** People who reviewed anything or revealed media in the window. */
  reviewers: number;
  atCap: number;
  nearCap: number;
  /** How many reviewers have each high-severity count, for a distribution without names. */
  highSeverityDistribution: { count: number; reviewers: number }[];
};

/** Near the cap: within a fifth of it (at least one item), with at least one high-severity item. */
export function isNearCap(high: number, cap: number | null): boolean {
  if (cap === null || high >= cap || high === 0) return false;
  return high >= cap - Math.max(1, Math.floor(cap / 5));
}

type TeamRow = { userId: string; severity: number | bigint; n: number | bigint };

/**
 * The team's exposure in grouped reads: decisions grouped per reviewer and highest severity in the
 * database; second reviews and calibration answers (a sample of the work) read and grouped here;
 * reveals counted per reviewer.
 */
export async function teamExposure(now = currentTime()): Promise<TeamExposure> {
  const settings = await qualitySettings();
  const window = shiftWindow(settings.shiftHours, now);
  const [decided, second, calibration, reveals] = await Promise.all([
    db.$queryRaw<TeamRow[]>`
      SELECT x."userId" AS "userId", x."severity" AS "severity", COUNT(*) AS "n" FROM (
        SELECT d."userId" AS "userId", COALESCE(MAX(l."severity"), 0) AS "severity"
        FROM "Decision" d
        LEFT JOIN "DecisionLabel" dl ON dl."decisionId" = d."id"
        LEFT JOIN "Label" l ON l."id" = dl."labelId"
        WHERE d."createdAt" > ${window.from} AND d."createdAt" <= ${window.to} AND d."copyOfDecisionId" IS NULL
        GROUP BY d."id", d."userId"
      ) x GROUP BY x."userId", x."severity"`,
    db.qualityReview.findMany({
      where: { reviewedAt: inWindow(window), reviewerId: { not: null } },
      select: { reviewerId: true, versionId: true, labelKeys: true },
    }),
    db.calibrationAnswer.findMany({
      where: { outcome: "answered", answeredAt: inWindow(window) },
      select: { userId: true, labelKeys: true, calibrationItem: { select: { versionId: true } } },
    }),
    db.$queryRaw<{ userId: string; n: number | bigint }[]>`
      SELECT "userId", COUNT(DISTINCT "itemId") AS "n" FROM "MediaReveal"
      WHERE "at" > ${window.from} AND "at" <= ${window.to} GROUP BY "userId"`,
  ]);
  const keyed = [
    ...second.map((r) => ({ userId: r.reviewerId!, versionId: r.versionId, labelKeys: r.labelKeys })),
    ...calibration.map((a) => ({ userId: a.userId, versionId: a.calibrationItem.versionId, labelKeys: a.labelKeys })),
  ];
  const severityOf = await keyedSeverities(keyed);
  const perUser = new Map<string, number[]>();
  const add = (userId: string, severity: number, n: number) => {
    const counts = perUser.get(userId) ?? SEVERITIES.map(() => 0);
    counts[clampSeverity(severity)] += n;
    perUser.set(userId, counts);
  };
  for (const r of decided) add(r.userId, Number(r.severity), Number(r.n));
  for (const k of keyed) add(k.userId, severityOf(k), 1);
  for (const r of reveals)
    if (!perUser.has(r.userId))
      perUser.set(
        r.userId,
        SEVERITIES.map(() => 0),
      );

  const bySeverity = SEVERITIES.map(() => 0);
  const highCounts: number[] = [];
  for (const counts of perUser.values()) {
    counts.forEach((n, severity) => (bySeverity[severity] += n));
    highCounts.push(counts.reduce((sum, n, severity) => sum + (severity >= settings.highSeverityFrom ? n : 0), 0));
  }
  const distribution = new Map<number, number>();
  for (const h of highCounts) distribution.set(h, (distribution.get(h) ?? 0) + 1);
  const cap = settings.highSeverityCap;
  return {
    window,
    settings,
    bySeverity,
    reviewed: bySeverity.reduce((a, b) => a + b, 0),
    highSeverity: highCounts.reduce((a, b) => a + b, 0),
    mediaRevealed: reveals.reduce((sum, r) => sum + Number(r.n), 0),
    reviewers: perUser.size,
    atCap: cap === null ? 0 : highCounts.filter((h) => h >= cap).length,
    nearCap: highCounts.filter((h) => isNearCap(h, cap)).length,
    highSeverityDistribution: [...distribution.entries()].sort((a, b) => a[0] - b[0]).map(([count, reviewers]) => ({ count, reviewers })),
  };
}
