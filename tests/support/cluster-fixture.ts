import { db } from "~/db.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { flagRequest, testSender } from "./queue-fixtures.ts";

export type MemberText = { externalId: string; body: string; title?: string; handle?: string; source?: string };

/**
 * Near-duplicate items ingested in one batch through the real intake, which clusters them; the first
 * text starts the cluster and is its representative. Refuses texts that intake does not put together,
 * so a test never runs on a cluster it did not mean.
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
  const items = await db.item.findMany({ where: { id: { in: itemIds } }, select: { id: true, externalId: true, clusterId: true } });
  const clusterId = items.find((i) => i.id === itemIds[0])!.clusterId!;
  const apart = items.filter((i) => i.clusterId !== clusterId).map((i) => i.externalId);
  if (apart.length > 0) throw new Error(`intake kept ${apart.join(", ")} out of the cluster of ${texts[0]!.externalId}`);
  return { clusterId, itemIds };
}

/**
 * A family of lightly edited copies of one fictional post, and a short news report quoting it. The
 * fictional group's name recurs through the text, so two families (two prefixes) never join.
 */
export function propagandaFamily(prefix: string): MemberText[] {
  const group = `Lantern${prefix.replace(/[^a-z0-9]/gi, "")}`;
  const tail = ` and carry the ${group} banner through the old ${group} town and sing the ${group} anthem`;
  const post = `The ${group} Movement calls every loyal ${group} member to gather at the ${group} square on Sunday at noon${tail}`;
  return [
    { externalId: `${prefix}-0`, body: post, handle: "lantern_voice" },
    { externalId: `${prefix}-1`, body: `BREAKING: ${post}`, handle: "lantern_echo" },
    {
      externalId: `${prefix}-2`,
      body: `${post.replace("Sunday", "Saturday")} https://example.test/t?id=1`,
      handle: "lantern_relay",
      source: "authority_referral",
    },
    { externalId: `${prefix}-3`, body: post.replace(` and sing the ${group} anthem`, ""), handle: "lantern_relay2" },
    { externalId: `${prefix}-news`, body: `City desk report: "${post}", the post said; police are aware.`, handle: "city_desk" },
  ];
}
