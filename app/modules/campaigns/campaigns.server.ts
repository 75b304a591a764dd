import { currentTime } from "~/modules/clock/clock.ts";
import { db, Prisma } from "~/db.server.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import {
  CAMPAIGN_SOURCES,
  figuresOf,
  progressByCluster,
  totalsOf,
  type CampaignItem,
  type CampaignKey,
  type CampaignReport,
  type CampaignSource,
  type ClusterProgress,
  type DecisionInForce,
} from "./campaign.ts";

export type CampaignListRow = {
  platform: string;
  reference: string;
  sources: CampaignSource[];
  flags: number;
  items: number;
  open: number;
  decided: number;
  firstReceivedAt: Date;
  earliestOpenDueAt: Date | null;
};

// Aggregates over dates come back as numbers from SQLite and as dates from PostgreSQL.
const toDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(typeof v === "bigint" ? Number(v) : (v as string | number));
const sourceList = Prisma.join(CAMPAIGN_SOURCES.map((s) => Prisma.sql`${s}`));
const openList = Prisma.join(OPEN_STATES.map((s) => Prisma.sql`${s}`));

/**
 * Every campaign, newest first: one pass over the flags that carry a reference (the partial index on
 * Flag.reference), grouped by platform and reference.
 */
export async function listCampaigns(): Promise<CampaignListRow[]> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT f."platform", f."reference",
           COUNT(*) AS "flags",
           COUNT(DISTINCT f."itemId") AS "items",
           SUM(CASE WHEN CAST(f."source" AS TEXT) = 'removal_order' THEN 1 ELSE 0 END) AS "orders",
           SUM(CASE WHEN CAST(f."source" AS TEXT) = 'authority_referral' THEN 1 ELSE 0 END) AS "referrals",
           COUNT(DISTINCT CASE WHEN CAST(i."state" AS TEXT) IN (${openList}) THEN i."id" END) AS "open",
           MIN(f."receivedAt") AS "firstReceivedAt",
           MIN(CASE WHEN CAST(i."state" AS TEXT) IN (${openList}) THEN i."dueAt" END) AS "earliestOpenDueAt"
    FROM "Flag" f JOIN "Item" i ON i."id" = f."itemId"
    WHERE f."reference" IS NOT NULL AND CAST(f."source" AS TEXT) IN (${sourceList})
    GROUP BY f."platform", f."reference"
    ORDER BY MIN(f."receivedAt") DESC, f."platform", f."reference"`;
  return rows.map((r) => {
    const items = Number(r.items);
    const open = Number(r.open);
    const sources: CampaignSource[] = [];
    if (Number(r.referrals) > 0) sources.push("authority_referral");
    if (Number(r.orders) > 0) sources.push("removal_order");
    return {
      platform: String(r.platform),
      reference: String(r.reference),
      sources,
      flags: Number(r.flags),
      items,
      open,
      decided: items - open,
      firstReceivedAt: toDate(r.firstReceivedAt)!,
      earliestOpenDueAt: toDate(r.earliestOpenDueAt),
    };
  });
}

/** The platforms that have a campaign under this reference (usually one). */
export async function platformsWithReference(reference: string): Promise<string[]> {
  const rows = await db.flag.findMany({
    where: { reference, source: { in: [...CAMPAIGN_SOURCES] } },
    distinct: ["platform"],
    select: { platform: true },
    orderBy: { platform: "asc" },
  });
  return rows.map((r) => r.platform);
}

/**
 * Which campaign a URL names: the reference and, when given, the platform. Without a platform the
 * reference must belong to one platform's campaign; `choices` lists them when several share it.
 */
export async function resolveCampaign(reference: string, platform?: string): Promise<{ key: CampaignKey } | { choices: string[] } | null> {
  const platforms = await platformsWithReference(reference);
  if (platform) return platforms.includes(platform) ? { key: { reference, platform } } : null;
  if (platforms.length === 0) return null;
  return platforms.length === 1 ? { key: { reference, platform: platforms[0] } } : { choices: platforms };
}

const IN_CHUNK = 500;
async function inChunks<T>(ids: string[], read: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IN_CHUNK) out.push(...(await read(ids.slice(i, i + IN_CHUNK))));
  return out;
}

/** Every referred item of a campaign, in order of receipt, each with the decision in force. */
export async function campaignItems(key: CampaignKey): Promise<CampaignItem[]> {
  const flagWhere = { platform: key.platform, reference: key.reference, source: { in: [...CAMPAIGN_SOURCES] } };
  const flags = await db.flag.findMany({
    where: flagWhere,
    select: { itemId: true, externalId: true, source: true, receivedAt: true },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
  });
  const itemIds = [...new Set(flags.map((f) => f.itemId))];
  const [items, decisions] = await Promise.all([
    inChunks(itemIds, (part) =>
      db.item.findMany({
        where: { id: { in: part } },
        select: { id: true, platform: true, externalId: true, title: true, clusterId: true, state: true, dueAt: true },
      }),
    ),
    inChunks(itemIds, (part) =>
      db.decision.findMany({
        where: { itemId: { in: part } },
        select: {
          id: true,
          seq: true,
          itemId: true,
          action: true,
          labelKeys: true,
          versionId: true,
          supersedesId: true,
          clusterDecisionId: true,
          createdAt: true,
        },
      }),
    ),
  ]);
  const latest = new Map<string, (typeof decisions)[number]>();
  for (const d of decisions) {
    const seen = latest.get(d.itemId);
    if (!seen || d.seq > seen.seq) latest.set(d.itemId, d);
  }
  const versionIds = [...new Set([...latest.values()].map((d) => d.versionId).filter((v): v is string => !!v))];
  const versions = new Map(
    (
      await inChunks(versionIds, (part) =>
        db.labelSetVersion.findMany({ where: { id: { in: part } }, select: { id: true, number: true, labelSet: { select: { key: true } } } }),
      )
    ).map((v) => [v.id, { key: v.labelSet.key, version: v.number }]),
  );
  const itemById = new Map(items.map((i) => [i.id, i]));
  const byItem = new Map<string, CampaignItem>();
  for (const f of flags) {
    const existing = byItem.get(f.itemId);
    if (existing) {
      if (f.externalId) existing.flagExternalIds.push(f.externalId);
      existing.sources.push(f.source as CampaignSource);
      continue;
    }
    const item = itemById.get(f.itemId)!;
    const d = latest.get(f.itemId);
    const decision: DecisionInForce | null = d
      ? {
          id: d.id,
          action: d.action,
          labelKeys: JSON.parse(d.labelKeys) as string[],
          labelSet: d.versionId ? (versions.get(d.versionId) ?? null) : null,
          decidedAt: d.createdAt,
          auditSeq: d.seq,
          supersedes: d.supersedesId,
          clusterDecisionId: d.clusterDecisionId,
        }
      : null;
    byItem.set(f.itemId, {
      itemId: item.id,
      platform: item.platform,
      externalId: item.externalId,
      title: item.title,
      flagExternalIds: f.externalId ? [f.externalId] : [],
      sources: [f.source as CampaignSource],
      receivedAt: f.receivedAt,
      clusterId: item.clusterId,
      state: item.state,
      dueAt: item.dueAt,
      decision,
    });
  }
  return [...byItem.values()];
}

export type CampaignPage = {
  key: CampaignKey;
  sources: CampaignSource[];
  totals: ReturnType<typeof totalsOf>;
  figures: ReturnType<typeof figuresOf>;
  clusters: ClusterProgress[];
};

/** A campaign's page: totals with their audit searches, and progress by cluster with each cluster's representative. */
export async function campaignPage(key: CampaignKey, now = currentTime()): Promise<CampaignPage> {
  const items = await campaignItems(key);
  const totals = totalsOf(items, now);
  const progress = progressByCluster(items);
  const clusterIds = progress.map((p) => p.clusterId).filter((id) => !id.startsWith("item:"));
  const clusters = await inChunks(clusterIds, (part) => db.cluster.findMany({ where: { id: { in: part } }, select: { id: true, representativeItemId: true } }));
  const repIds = [...new Set(clusters.map((c) => c.representativeItemId))];
  const reps = new Map(
    (await inChunks(repIds, (part) => db.item.findMany({ where: { id: { in: part } }, select: { id: true, externalId: true, title: true } }))).map((r) => [
      r.id,
      r,
    ]),
  );
  const repOf = new Map(clusters.map((c) => [c.id, reps.get(c.representativeItemId)]));
  return {
    key,
    sources: sourcesOf(items),
    totals,
    figures: figuresOf(key, totals),
    clusters: progress.map((p) => {
      const rep = repOf.get(p.clusterId);
      return { ...p, representative: rep ? { itemId: rep.id, externalId: rep.externalId, title: rep.title } : null };
    }),
  };
}

/** The outcome report for the referring authority: every referred item with the decision in force, and the totals. */
export async function campaignReport(key: CampaignKey, now = currentTime()): Promise<CampaignReport> {
  const items = await campaignItems(key);
  const totals = totalsOf(items, now);
  return {
    campaign: { platform: key.platform, reference: key.reference, sources: sourcesOf(items) },
    generatedAt: now,
    summary: { ...totals, figures: figuresOf(key, totals) },
    items,
  };
}

const sourcesOf = (items: CampaignItem[]) => CAMPAIGN_SOURCES.filter((s) => items.some((i) => i.sources.includes(s)));
