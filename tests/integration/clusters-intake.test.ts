import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Near-duplicate clusters formed at intake, through the real API: lightly edited copies share a
// cluster, distinct texts written from one frame do not, and the answers and item status say so.
let server: RunningServer;
let apiKey: string;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test" });
  apiKey = (await makeApiKey("clusters-test")).token;
  server = await startServer();
});
afterAll(() => server?.stop());

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

const BASE = [
  "The council of the fictional Ashen Meridian movement published a statement on Tuesday calling on its followers to gather at the old river market.",
  "The statement praised the movement's founder, a placeholder figure called Leader X, and told readers that only the movement could restore the honour of the valley.",
  "It asked every supporter to bring two new members to the next meeting and to share the message with friends and family before the end of the month.",
].join("\n\n");

/** Lightly edited copies, the way reposts change a text. */
const COPIES = [
  BASE,
  `BREAKING: ${BASE}`,
  `Repost:\n${BASE}\nhttps://example.test/track?id=81723&utm_source=share`,
  BASE.replace("Tuesday", "Wednesday").replace("old river market", "old river square"),
  BASE.split("\n\n").slice(0, 2).join("\n\n"),
  `Advertisement\n${BASE.toUpperCase()}\nClick to play video`,
  BASE.replaceAll(",", "").replaceAll(".", " !").replace(/\s+/g, "  "),
];

/** Distinct texts from one frame: same shape, different names, places, days and reasons. */
const FRAME = (group: string, day: string, place: string, figure: string, ask: string) =>
  [
    `The council of the fictional ${group} published a statement on ${day} calling on its followers to gather at ${place}.`,
    `The statement described ${figure} and told readers that ${ask}.`,
  ].join("\n\n");
const FRAMED = [
  FRAME("Cobalt Reach League", "Monday", "the northern rail depot", "a local charity drive run by volunteers", "donations of winter coats were still needed"),
  FRAME(
    "Silver Fen Assembly",
    "Friday",
    "the harbour library",
    "a dispute over fishing quotas with the regional board",
    "the assembly would appeal the quota decision in court",
  ),
];

const flag = (externalId: string, body: string, extra: Record<string, unknown> = {}) => ({
  content: { externalId, type: "text", body },
  flag: { source: "authority_referral", reason: "violent_extremism", reference: "REF-CLUSTER-1", ...extra },
});

describe("near-duplicate clusters at intake", () => {
  it("a batch of lightly edited copies forms one cluster; distinct texts from one frame stay apart; answers carry clusterId", async () => {
    const res = await post("/api/v1/flags/batch", {
      flags: [...COPIES.map((body, i) => flag(`copy-${i}`, body)), ...FRAMED.map((body, i) => flag(`framed-${i}`, body))],
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { itemId: string; clusterId: string }[] };
    const copies = results.slice(0, COPIES.length);
    const framed = results.slice(COPIES.length);
    expect(new Set(copies.map((r) => r.clusterId)).size).toBe(1);
    const clusterId = copies[0].clusterId;
    for (const r of framed) expect(r.clusterId).not.toBe(clusterId);
    expect(framed[0].clusterId).not.toBe(framed[1].clusterId);
    const cluster = await db.cluster.findUniqueOrThrow({ where: { id: clusterId } });
    expect(cluster).toMatchObject({ size: COPIES.length, representativeItemId: copies[0].itemId, strongestSource: "authority_referral" });
    const rows = await db.item.findMany({
      where: { id: { in: copies.map((c) => c.itemId) } },
      select: { clusterId: true, signature: true, shingleCount: true },
    });
    for (const r of rows) {
      expect(r.clusterId).toBe(clusterId);
      expect(r.signature).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(r.shingleCount).toBeGreaterThan(10);
    }
    const status = await fetch(`${server.url}/api/v1/items/copy-3`, { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(await status.json()).toMatchObject({ clusterId, clusterSize: COPIES.length });
  });

  it("a copy arriving later, alone, joins the existing cluster, and a replay answers the same cluster", async () => {
    const first = await db.item.findFirstOrThrow({ where: { externalId: "copy-0" } });
    const body = `Shared via app:\n${BASE.replace("two new members", "three new members")}\nRead more`;
    const res = await post("/api/v1/flags", flag("copy-late", body, { externalId: "late-flag" }));
    expect(res.status).toBe(201);
    const answer = await res.json();
    expect(answer.clusterId).toBe(first.clusterId);
    const again = await post("/api/v1/flags", flag("copy-late", body, { externalId: "late-flag" }));
    expect(again.status).toBe(200);
    expect((await again.json()).clusterId).toBe(first.clusterId);
    expect((await db.cluster.findUniqueOrThrow({ where: { id: first.clusterId! } })).size).toBe(COPIES.length + 1);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "flag.received", subjectId: answer.itemId } });
    expect(JSON.parse(event.payload).clusterId).toBe(first.clusterId);
  });

  it("short texts join only exact copies of themselves", async () => {
    const res = await post("/api/v1/flags/batch", {
      flags: [
        flag("short-1", "Join the Ashen Meridian today."),
        flag("short-2", "join the ashen meridian TODAY!"),
        flag("short-3", "Join the Ashen Meridian tomorrow."),
      ],
    });
    const { results } = (await res.json()) as { results: { clusterId: string }[] };
    expect(results[0].clusterId).toBe(results[1].clusterId);
    expect(results[2].clusterId).not.toBe(results[0].clusterId);
  });

  it("an unrelated text starts a cluster of its own, of size one", async () => {
    const res = await post(
      "/api/v1/flags",
      flag(
        "lonely",
        "A long report on the regional football league's new season: the fixtures, the transfers, the ticket prices and the stadium works that are expected to finish in the spring, with comments from supporters and club officials.",
      ),
    );
    const answer = await res.json();
    expect((await db.cluster.findUniqueOrThrow({ where: { id: answer.clusterId } })).size).toBe(1);
  });
});
