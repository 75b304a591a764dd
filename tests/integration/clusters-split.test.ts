import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { splitMember } from "~/modules/clusters/split.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { nearDuplicate } from "../support/clusters.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";

// Splitting a member out keeps both clusters findable by intake: the family's next copies still join
// the family, and copies of the split-out text join the split-out item.
beforeAll(starterLabels);

async function ingest(bodies: string[], prefix: string) {
  const results = await ingestFlags(
    testSender,
    bodies.map((body, i) => flagRequest({ content: { externalId: `${prefix}-${i}-${Math.random().toString(36).slice(2, 8)}`, body } })),
    "batch",
  );
  return results.map((r) => ({ itemId: r.itemId, clusterId: r.clusterId! }));
}

const by = (role: "moderator" | "policy_lead") => makeUser(role);

describe("splitting a member out of its cluster", () => {
  it("splitting the family's founder leaves the family findable: its band rows pass to a remaining member", async () => {
    const family = await ingest(
      Array.from({ length: 5 }, (_, i) => nearDuplicate(i, "Ochre")),
      "ochre",
    );
    const clusterId = family[0].clusterId;
    expect(new Set(family.map((m) => m.clusterId))).toEqual(new Set([clusterId]));
    const founder = family[0].itemId;
    const moderator = await by("moderator");
    const { toClusterId } = await splitMember(moderator, { itemId: founder, reason: "Test: the founder does not belong.", clusterId });
    expect((await db.item.findUniqueOrThrow({ where: { id: founder } })).clusterId).toBe(toClusterId);
    // The old cluster's band rows no longer name the split-out item; the new cluster holds its keys.
    expect(await db.clusterBand.count({ where: { clusterId, itemId: founder } })).toBe(0);
    expect(await db.clusterBand.count({ where: { clusterId } })).toBeGreaterThanOrEqual(24);
    expect(await db.clusterBand.count({ where: { clusterId: toClusterId, itemId: founder } })).toBeGreaterThan(0);
    // The next copy is compared with both (it is as near to the founder as to the family) and joins one.
    const [next] = await ingest([nearDuplicate(5, "Ochre")], "ochre-next");
    expect([clusterId, toClusterId]).toContain(next.clusterId);
  });

  it("refuses to split an item that is not in the cluster the person saw it in, and writes nothing", async () => {
    const a = await ingest([nearDuplicate(0, "Umber"), nearDuplicate(1, "Umber")], "umber");
    const b = await ingest([nearDuplicate(0, "Sienna"), nearDuplicate(1, "Sienna")], "sienna");
    const moderator = await by("moderator");
    const before = await db.auditEvent.count();
    const attempt = splitMember(moderator, { itemId: b[0].itemId, reason: "Not from this screen.", besideItemId: a[0].itemId });
    await expect(attempt).rejects.toBeInstanceOf(ClusterError);
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    await expect(splitMember(moderator, { itemId: b[0].itemId, reason: "Not from this page.", clusterId: a[0].clusterId })).rejects.toMatchObject({
      status: 409,
    });
    expect((await db.item.findUniqueOrThrow({ where: { id: b[0].itemId } })).clusterId).toBe(b[0].clusterId);
    expect(await db.auditEvent.count()).toBe(before);
  });
});
