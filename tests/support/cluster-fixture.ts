import { db } from "~/db.server.ts";
import { fingerprintOf } from "~/modules/clusters/fingerprint.ts";
import { encodeSignature } from "~/modules/clusters/minhash.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { newId } from "~/modules/ids.ts";
import { flagRequest, testSender } from "./queue-fixtures.ts";

export type MemberText = { externalId: string; body: string; title?: string; handle?: string; source?: string };

/**
 * Near-duplicate items ingested through the real intake, then kept together in one cluster (the first
 * text is its representative). When intake has already put them in one cluster that cluster is used;
 * otherwise the cluster row, the members' cluster and their signatures are written here, as intake
 * would write them.
 */
export async function ingestCluster(texts: MemberText[]) {
  const results = await ingestFlags(
    testSender,
    texts.map((t) =>
      flagRequest({
        content: { externalId: t.externalId, title: t.title, body: t.body, author: { externalId: `author-${t.externalId}`, handle: t.handle } },
        flag: { source: t.source ?? "user_report" },
      }),
    ),
    "batch",
  );
  const itemIds = results.map((r) => r.itemId);
  const items = await db.item.findMany({ where: { id: { in: itemIds } } });
  const byId = new Map(items.map((i) => [i.id, i]));
  const ordered = itemIds.map((id) => byId.get(id)!);
  const shared = ordered[0]!.clusterId;
  if (shared && ordered.every((i) => i.clusterId === shared)) return { clusterId: shared, itemIds };

  const clusterId = newId();
  const first = ordered[0]!;
  await db.cluster.create({
    data: { id: clusterId, representativeItemId: first.id, size: ordered.length, strongestSource: first.strongestSource, firstDueAt: first.dueAt },
  });
  for (const item of ordered) {
    const { fingerprint } = fingerprintOf([item.title, item.body], item.contentDigest);
    await db.item.update({
      where: { id: item.id },
      data: { clusterId, signature: fingerprint ? encodeSignature(fingerprint.signature) : null, shingleCount: fingerprint?.shingles ?? null },
    });
  }
  return { clusterId, itemIds };
}

const PROPAGANDA =
  "The Iron Lantern Movement calls every loyal member to gather at the northern square on Sunday at noon and carry the banner of the movement through the old town";

/** A family of lightly edited copies of one fictional post, and a news report quoting it. */
export function propagandaFamily(prefix: string): MemberText[] {
  return [
    { externalId: `${prefix}-0`, body: PROPAGANDA, handle: "lantern_voice" },
    { externalId: `${prefix}-1`, body: `BREAKING: ${PROPAGANDA}`, handle: "lantern_echo" },
    {
      externalId: `${prefix}-2`,
      body: `${PROPAGANDA.replace("Sunday", "Saturday")} https://example.test/t?id=1`,
      handle: "lantern_relay",
      source: "authority_referral",
    },
    { externalId: `${prefix}-3`, body: PROPAGANDA.replace(" and carry the banner of the movement through the old town", ""), handle: "lantern_relay2" },
    { externalId: `${prefix}-news`, body: `A local paper reports that a post said: "${PROPAGANDA}". Police say they are aware of it.`, handle: "city_desk" },
  ];
}
