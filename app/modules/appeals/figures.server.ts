// The appeal counts leads are asked for (DSA Art. 15(1)(d), 24(1)(a)): received, decided, overturned,
// median time to decide, by label, source and queue; and overturns per moderator, for leads only.
import { db } from "~/db.server.ts";

export type AppealCounts = {
  received: number;
  open: number;
  decided: number;
  upheld: number;
  overturned: number;
  modified: number;
  medianHoursToDecide: number | null;
};

type Row = {
  state: string;
  outcome: string | null;
  receivedAt: Date;
  decidedAt: Date | null;
  queueId: string | null;
  decision: { labelKeys: string; userId: string; item: { strongestSource: string } };
};

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function counts(rows: Row[]): AppealCounts {
  const decided = rows.filter((r) => r.state === "decided");
  return {
    received: rows.length,
    open: rows.length - decided.length,
    decided: decided.length,
    upheld: decided.filter((r) => r.outcome === "upheld").length,
    overturned: decided.filter((r) => r.outcome === "overturned").length,
    modified: decided.filter((r) => r.outcome === "modified").length,
    medianHoursToDecide: median(decided.map((r) => (r.decidedAt!.getTime() - r.receivedAt.getTime()) / 3_600_000)),
  };
}

function grouped(rows: Row[], keysOf: (r: Row) => string[]): { key: string; counts: AppealCounts }[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) for (const k of keysOf(r)) groups.set(k, [...(groups.get(k) ?? []), r]);
  return [...groups.entries()]
    .map(([key, rs]) => ({ key, counts: counts(rs) }))
    .sort((a, b) => b.counts.received - a.counts.received || a.key.localeCompare(b.key));
}

/**
 * Appeals received in [from, to): totals, and the same figures by the contested decision's labels, by
 * the item's strongest source and by queue. With `byModerator`, how often each moderator's decisions
 * were appealed and overturned or modified.
 */
export async function appealFigures(range: { from: Date; to: Date }, options: { byModerator?: boolean } = {}) {
  const rows: Row[] = await db.appeal.findMany({
    where: { receivedAt: { gte: range.from, lt: range.to } },
    select: {
      state: true,
      outcome: true,
      receivedAt: true,
      decidedAt: true,
      queueId: true,
      decision: { select: { labelKeys: true, userId: true, item: { select: { strongestSource: true } } } },
    },
  });
  const queues = new Map((await db.queue.findMany({ select: { id: true, name: true } })).map((q) => [q.id, q.name]));
  const result = {
    totals: counts(rows),
    byLabel: grouped(rows, (r) => {
      const keys = JSON.parse(r.decision.labelKeys) as string[];
      return keys.length > 0 ? keys : ["(no label)"];
    }),
    bySource: grouped(rows, (r) => [r.decision.item.strongestSource]),
    byQueue: grouped(rows, (r) => [r.queueId ? (queues.get(r.queueId) ?? r.queueId) : "(unrouted)"]),
    byModerator: null as null | { userId: string; name: string; email: string; appealed: number; decided: number; overturned: number; modified: number }[],
  };
  if (options.byModerator) {
    const users = new Map((await db.user.findMany({ select: { id: true, name: true, email: true } })).map((u) => [u.id, u]));
    result.byModerator = grouped(rows, (r) => [r.decision.userId])
      .map(({ key, counts: c }) => ({
        userId: key,
        name: users.get(key)?.name ?? key,
        email: users.get(key)?.email ?? "",
        appealed: c.received,
        decided: c.decided,
        overturned: c.overturned,
        modified: c.modified,
      }))
      .sort((a, b) => b.overturned + b.modified - (a.overturned + a.modified) || a.email.localeCompare(b.email));
  }
  return result;
}
