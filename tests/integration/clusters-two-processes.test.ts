import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Two Docket processes on one database receive members of one family of edited copies at the same
// moment: the cluster assignment must see the other process's members, so they end in one cluster.
let a: RunningServer;
let b: RunningServer;
let apiKey: string;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test" });
  apiKey = (await makeApiKey("twin-clusters")).token;
  [a, b] = await Promise.all([startServer(), startServer()]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

const BASE = [
  "Supporters of the fictional Grey Lantern Circle were told in a new message to meet at the east gate of the city park on Saturday evening.",
  "The message, signed by a placeholder leader called Figure Y, said the circle was growing and that every member should recruit one friend this week.",
].join("\n\n");
const OTHER_BASE = [
  "A recording attributed to the fictional Tidewater Brotherhood circulated on several forums, urging listeners to leave their families and travel to a training camp.",
  "The speaker, a placeholder voice called Narrator Z, promised glory to those who answered and scorn to those who stayed at home and kept silent.",
].join("\n\n");
const PREFIXES = ["", "BREAKING: ", "Repost: ", "RT ", "Just in: "];
const WORDS: [string, string][] = [
  ["training camp", "remote camp"],
  ["glory", "honour"],
  ["Saturday", "Sunday"],
  ["east gate", "west gate"],
  ["this week", "this month"],
  ["new message", "fresh message"],
  ["growing", "expanding"],
];

/** The i-th member of the family: a prefix, a changed word or two, a link, boilerplate. */
function member(i: number, base = BASE): string {
  let text = base;
  const [from, to] = WORDS[i % WORDS.length];
  text = text.replace(from, to);
  if (i % 3 === 0) text = `${text}\nhttps://example.test/p/${i}?utm_campaign=share`;
  if (i % 4 === 1) text = `Advertisement\n${text}\nClick to play video`;
  return `${PREFIXES[i % PREFIXES.length]}${text}`;
}

describe("clusters with two app processes on one database", () => {
  it("members of one family sent at once through both processes end in one cluster", async () => {
    const send = (server: RunningServer, i: number) =>
      fetch(`${server.url}/api/v1/flags`, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          content: { externalId: `twin-family-${i}`, type: "text", body: member(i) },
          flag: { source: "authority_referral", reason: "violent_extremism", reference: "REF-TWIN" },
        }),
      });
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => send(i % 2 === 0 ? a : b, i)));
    expect(
      answers.map((r) => r.status),
      a.output() + b.output(),
    ).toEqual(Array(24).fill(201));
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as { clusterId: string }[];
    expect(new Set(bodies.map((x) => x.clusterId)).size).toBe(1);
    const items = await db.item.findMany({ where: { externalId: { startsWith: "twin-family-" } }, select: { clusterId: true } });
    expect(items).toHaveLength(24);
    expect(new Set(items.map((i) => i.clusterId))).toEqual(new Set([bodies[0].clusterId]));
    expect((await db.cluster.findUniqueOrThrow({ where: { id: bodies[0].clusterId } })).size).toBe(24);
    expect(
      await db.cluster.count({
        where: { representativeItemId: { in: (await db.item.findMany({ where: { externalId: { startsWith: "twin-family-" } } })).map((i) => i.id) } },
      }),
    ).toBe(1);
  });

  it("batches of the same family sent at once through both processes end in one cluster", async () => {
    const batch = (server: RunningServer, from: number) =>
      fetch(`${server.url}/api/v1/flags/batch`, {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          flags: Array.from({ length: 40 }, (_, j) => ({
            content: { externalId: `twin-batch-${from + j}`, type: "text", body: member(from + j, OTHER_BASE) },
            flag: { source: "user_report", reason: "violent_extremism" },
          })),
        }),
      });
    const answers = await Promise.all([batch(a, 0), batch(b, 40), batch(a, 80), batch(b, 120)]);
    for (const r of answers) expect(r.status).toBe(200);
    const clusters = new Set<string>();
    for (const r of answers) for (const x of ((await r.json()) as { results: { clusterId: string }[] }).results) clusters.add(x.clusterId);
    expect(clusters.size).toBe(1);
    expect((await db.cluster.findUniqueOrThrow({ where: { id: [...clusters][0] } })).size).toBe(160);
  });
});
