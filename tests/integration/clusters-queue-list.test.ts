import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { moveItem } from "~/modules/queue/assignment.server.ts";
import { listQueue } from "~/modules/queue/list.server.ts";
import { nearDuplicate } from "../support/clusters.ts";
import { flagRequest, starterLabels, testSender } from "../support/queue-fixtures.ts";
import { makeUser } from "../support/fixtures.ts";
import { queueNamed } from "../support/routing.ts";

// A cluster whose open members wait in two queues: the list filtered to one queue counts only the
// members waiting there.
beforeAll(starterLabels);

describe("a cluster row in the queue list", () => {
  it("under a queue filter counts the cluster's open members in that queue only", async () => {
    const results = await ingestFlags(
      testSender,
      Array.from({ length: 4 }, (_, i) => flagRequest({ content: { externalId: `split-queue-${i}`, body: nearDuplicate(i, "Cobalt") } })),
      "batch",
    );
    const clusterId = results[0].clusterId!;
    expect(new Set(results.map((r) => r.clusterId))).toEqual(new Set([clusterId]));
    const first = await db.item.findUniqueOrThrow({ where: { id: results[0].itemId } });
    const elsewhere = await queueNamed("Cluster overflow");
    await moveItem(await makeUser("policy_lead"), { itemId: results[3].itemId, queueId: elsewhere.id, reason: "Test: one member waits elsewhere." });

    const inFirst = await listQueue({ state: "pending", queue: first.queueId! });
    const row = inFirst.items.find((r) => r.cluster?.id === clusterId);
    expect(row?.cluster?.open).toBe(3);
    const inOther = await listQueue({ state: "pending", queue: elsewhere.id });
    expect(inOther.items.filter((r) => r.id === results[3].itemId)).toHaveLength(1);
    expect(inOther.items.find((r) => r.cluster?.id === clusterId)).toBeUndefined();
    const everywhere = await listQueue({ state: "pending" });
    expect(everywhere.items.find((r) => r.cluster?.id === clusterId)?.cluster?.open).toBe(4);
  });
});
