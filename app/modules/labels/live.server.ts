import { z } from "zod";
import { db, type Tx } from "~/db.server.ts";
import { toLabelView, type LiveLabelSet } from "./types.ts";

/**
 * Reads of the published versions, for the queue, the review screen and the API. Other modules
 * use these functions, never the label tables directly.
 */
export async function liveLabelSets(client: Tx = db): Promise<LiveLabelSet[]> {
  const versions = await client.labelSetVersion.findMany({
    where: { status: "published" },
    include: { labelSet: true, labels: { where: { retired: false }, orderBy: { position: "asc" } } },
    orderBy: { labelSet: { name: "asc" } },
  });
  return versions.map((v) => ({
    setId: v.labelSetId,
    setKey: v.labelSet.key,
    name: v.labelSet.name,
    versionId: v.id,
    versionNumber: v.number,
    publishedAt: v.publishedAt,
    labels: v.labels.map(toLabelView),
  }));
}

/** GET /api/v1/label-sets: what a platform may show its users of the rules it enforces. */
export const PublishedLabelSets = z.object({
  labelSets: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      version: z.number().int().describe("The live (published) version's number."),
      publishedAt: z.string().datetime().nullable(),
      labels: z.array(
        z.object({
          key: z.string(),
          name: z.string(),
          group: z.string().describe("violating, or allowed."),
          definition: z.string(),
          defaultAction: z.string().describe("The action a moderator is offered first with this label."),
        }),
      ),
    }),
  ),
});

/** The live sets as the API shows them: each set's live version and its labels in use, nothing internal. */
export function publishedLabelSets(sets: LiveLabelSet[]) {
  return {
    labelSets: sets.map((s) => ({
      key: s.setKey,
      name: s.name,
      version: s.versionNumber,
      publishedAt: s.publishedAt?.toISOString() ?? null,
      labels: s.labels.map((l) => ({ key: l.key, name: l.name, group: l.group, definition: l.definition, defaultAction: l.defaultAction })),
    })),
  } satisfies z.input<typeof PublishedLabelSets>;
}

async function liveSetsWithReasons(client: Tx): Promise<{ set: LiveLabelSet; reasons: string[] }[]> {
  const sets = await liveLabelSets(client);
  const rows = await client.labelSet.findMany({ where: { id: { in: sets.map((s) => s.setId) } }, select: { id: true, reasons: true } });
  const reasonsBySet = new Map(rows.map((s) => [s.id, JSON.parse(s.reasons) as string[]]));
  return sets.map((set) => ({ set, reasons: reasonsBySet.get(set.setId) ?? [] }));
}

function forReason(list: { set: LiveLabelSet; reasons: string[] }[], reason: string): LiveLabelSet[] {
  const matching = list.filter((s) => s.reasons.includes(reason)).map((s) => s.set);
  return matching.length > 0 ? matching : list.map((s) => s.set);
}

/** The live sets whose reasons include the flag reason; every live set when none claims it. */
export async function liveLabelSetsForReason(reason: string, client: Tx = db): Promise<LiveLabelSet[]> {
  return forReason(await liveSetsWithReasons(client), reason);
}

// Decisions read the live sets on every call, and they change only when a lead publishes. A
// decision's write re-checks that its version is still published, so a stale read can only refuse
// a decision, never record one under a retired version; callers ask for a fresh read when the
// cached sets do not have what the moderator chose.
const LIVE_SETS_TTL_MS = 5_000;
let liveSetsCache: { list: Promise<{ set: LiveLabelSet; reasons: string[] }[]>; until: number } | null = null;

/** As liveLabelSetsForReason, from a read at most a few seconds old unless `fresh`. */
export async function recentLiveLabelSetsForReason(reason: string, options: { fresh?: boolean } = {}): Promise<LiveLabelSet[]> {
  if (options.fresh || !liveSetsCache || liveSetsCache.until <= Date.now()) {
    const list = liveSetsWithReasons(db);
    liveSetsCache = { list, until: Date.now() + LIVE_SETS_TTL_MS };
    list.catch(() => (liveSetsCache = null));
  }
  return forReason(await liveSetsCache.list, reason);
}

/**
 * How severe a reported reason is, for queue priority: the highest severity among the violating
 * labels of the live sets that cover it (0 when none). One read of the live sets answers any
 * reason without further reads: intake looks up every reason of a batch inside a transaction that
 * must not wait on the database.
 */
export async function severityLookup(client: Tx = db): Promise<(reason: string) => number> {
  const list = await liveSetsWithReasons(client);
  const bySeverity = new Map<string, number>();
  return (reason) => {
    let severity = bySeverity.get(reason);
    if (severity === undefined) {
      severity = Math.max(0, ...forReason(list, reason).flatMap((set) => set.labels.filter((l) => l.group === "violating").map((l) => l.severity)));
      bySeverity.set(reason, severity);
    }
    return severity;
  };
}

export { labelsForDecision } from "./sets.server.ts";
