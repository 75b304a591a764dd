import { db } from "~/db.server.ts";

/** Answers, and the share right on the action and on the labels (as an exact set). */
export type Accuracy = { answers: number; actionCorrect: number; labelsCorrect: number };

export type AccuracyBySet = Accuracy & { setName: string };

export type ModeratorAccuracy = Accuracy & { userId: string; name: string; email: string; bySet: AccuracyBySet[] };

const tally = (rows: { actionCorrect: boolean | null; labelsCorrect: boolean | null }[]): Accuracy => ({
  answers: rows.length,
  actionCorrect: rows.filter((r) => r.actionCorrect === true).length,
  labelsCorrect: rows.filter((r) => r.labelsCorrect === true).length,
});

async function answered(userId?: string) {
  const rows = await db.calibrationAnswer.findMany({
    where: { outcome: "answered", ...(userId ? { userId } : {}) },
    select: { userId: true, actionCorrect: true, labelsCorrect: true, calibrationItem: { select: { versionId: true } } },
  });
  const versions = await db.labelSetVersion.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.calibrationItem.versionId))] } },
    select: { id: true, labelSet: { select: { name: true } } },
  });
  const setOf = new Map(versions.map((v) => [v.id, v.labelSet.name]));
  return rows.map((r) => ({ ...r, setName: setOf.get(r.calibrationItem.versionId) ?? "" }));
}

function bySet(rows: Awaited<ReturnType<typeof answered>>): AccuracyBySet[] {
  const groups = new Map<string, typeof rows>();
  for (const r of rows) groups.set(r.setName, [...(groups.get(r.setName) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([setName, list]) => ({ setName, ...tally(list) }));
}

/** Every moderator's calibration accuracy, for leads: not a ranking, so ordered by name. */
export async function accuracyByModerator(): Promise<ModeratorAccuracy[]> {
  const rows = await answered();
  const users = await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.userId))] } }, select: { id: true, name: true, email: true } });
  return users
    .map((u) => {
      const own = rows.filter((r) => r.userId === u.id);
      return { userId: u.id, name: u.name, email: u.email, ...tally(own), bySet: bySet(own) };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}

/** One moderator's own accuracy and their answered items, newest first. */
export async function accuracyOf(userId: string) {
  const rows = await answered(userId);
  const recent = await db.calibrationAnswer.findMany({
    where: { userId, outcome: "answered" },
    orderBy: { answeredAt: "desc" },
    take: 50,
    select: { id: true, answeredAt: true, actionCorrect: true, labelsCorrect: true },
  });
  return {
    total: tally(rows),
    bySet: bySet(rows),
    recent: recent.map((r) => ({
      id: r.id,
      answeredAt: r.answeredAt!.toISOString(),
      actionCorrect: r.actionCorrect === true,
      labelsCorrect: r.labelsCorrect === true,
    })),
  };
}
