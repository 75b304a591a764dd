// The open-item counters (migration 060) stay equal to a full count of the open items, whichever path
// changes an item: intake (single and batch, new flags that change an item's source or reason), claims,
// decisions, escalations, a removal order reopening a decided item, Prisma bulk updates and raw SQL.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { DECIDED_STATE, ESCALATED_STATE, INITIAL_STATE, OPEN_STATES, type OpenState } from "~/modules/items/lifecycle.ts";
import { claimItem, claimNext } from "~/modules/queue/claims.server.ts";
import { listQueue, queueSummary } from "~/modules/queue/list.server.ts";
import { makeUser } from "../support/fixtures.ts";
import { flagRequest, seedItems, starterLabels, testSender } from "../support/queue-fixtures.ts";

let versionId: string;
const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;
beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
});

const open = OPEN_STATES.map((s) => `'${s}'`).join(", ");
type Group = { state: string; source: string; reason: string; language: string; n: number | bigint };
const asLines = (rows: Group[]) => rows.map((r) => `${r.state} ${r.source} ${r.reason} ${r.language || "-"} = ${Number(r.n)}`).sort();

/** The counters, summed over shards, beside a full GROUP BY over the open items. */
async function countersAndTruth() {
  const counters = await db.$queryRawUnsafe<Group[]>(
    `SELECT "state", "source", "reason", "language", SUM("n") AS "n" FROM "QueueFacetCount"
     GROUP BY "state", "source", "reason", "language" HAVING SUM("n") <> 0`,
  );
  const truth = await db.$queryRawUnsafe<Group[]>(
    `SELECT "state", "strongestSource" AS "source", "topReason" AS "reason", COALESCE("language", '') AS "language", COUNT(*) AS "n"
     FROM "Item" WHERE "state" IN (${open}) GROUP BY "state", "strongestSource", "topReason", COALESCE("language", '')`,
  );
  return { counters: asLines(counters), truth: asLines(truth) };
}

async function expectCountersRight(step: string) {
  const { counters, truth } = await countersAndTruth();
  expect(counters, step).toEqual(truth);
}

const languages = ["en", "de", "fr", undefined];
const sources = ["user_report", "automated", "trusted_flagger", "authority_referral"] as const;
const reasons = ["violent_extremism", "hate_speech", "spam"];

function varied(i: number) {
  return flagRequest({
    content: { language: languages[i % languages.length] },
    flag: { source: sources[i % sources.length], reason: reasons[i % reasons.length] },
  });
}

type User = Awaited<ReturnType<typeof makeUser>>;

/** Claims one item (its reason is violent extremism, which the starter label set covers) and decides it through the real path. */
async function claimAndDecide(user: User, itemId: string, action: "keep" | "escalate") {
  const claim = await claimItem(user, itemId);
  if (!claim || claim.itemId !== itemId) throw new Error(`could not claim ${itemId}`);
  await decide(user, {
    itemId,
    claimId: claim.claimId,
    action,
    labelIds: [await label(action === "keep" ? "ve_news_reporting" : "ve_needs_specialist")],
    rationale: action === "keep" ? "" : "Needs a lead.",
  });
}

const openWithReason = async (state: OpenState, take: number) =>
  (await db.item.findMany({ where: { state, topReason: "violent_extremism", claimId: null }, select: { id: true }, take })).map((r) => r.id);

describe("the open-item counters", () => {
  it("equal a full count of the open items after intake, claims, decisions, escalations, reopening, bulk and raw SQL changes", async () => {
    await expectCountersRight("empty");
    const ids = await seedItems(160, undefined, varied);
    await expectCountersRight("batch intake");
    const [single] = await seedItems(1, undefined, () => flagRequest({ content: { language: undefined } }));
    await expectCountersRight("single intake without a language");

    // Claims change leases, not counted columns.
    const moderators = await Promise.all(Array.from({ length: 6 }, () => makeUser("moderator")));
    const held = await Promise.all(moderators.map((m) => claimNext(m)));
    expect(held.every((c) => c !== null)).toBe(true);
    await expectCountersRight("claims");

    // Decisions close items; escalations move them to the other open state.
    const toDecide = await openWithReason(INITIAL_STATE, 8);
    for (const [i, itemId] of toDecide.entries()) await claimAndDecide(await makeUser("moderator"), itemId, i % 2 === 0 ? "keep" : "escalate");
    await expectCountersRight("decisions and escalations");
    const lead = await makeUser("policy_lead");
    const [escalated] = await openWithReason(ESCALATED_STATE, 1);
    await claimAndDecide(lead, escalated, "keep");
    await expectCountersRight("a lead's decision on an escalation");

    // A stronger source on an open item changes its strongest source; a removal order reopens a decided one.
    const pendingItem = await db.item.findFirstOrThrow({ where: { state: INITIAL_STATE, strongestSource: "automated" } });
    await ingestFlags(
      testSender,
      [flagRequest({ content: { externalId: pendingItem.externalId }, flag: { source: "trusted_flagger", reason: "hate_speech" } })],
      "single",
    );
    expect((await db.item.findUniqueOrThrow({ where: { id: pendingItem.id } })).strongestSource).toBe("trusted_flagger");
    const decided = await db.item.findFirstOrThrow({ where: { state: DECIDED_STATE } });
    await ingestFlags(
      testSender,
      [flagRequest({ content: { externalId: decided.externalId }, flag: { source: "removal_order", reference: "TCO-COUNT-1" } })],
      "single",
    );
    expect((await db.item.findUniqueOrThrow({ where: { id: decided.id } })).state).toBe(INITIAL_STATE);
    await expectCountersRight("a new strongest source and a reopening removal order");

    // Prisma bulk updates and raw SQL, as other code paths and hand-run fixes write them.
    await db.item.updateMany({ where: { id: { in: ids.slice(0, 40) } }, data: { language: "nl" } });
    await expectCountersRight("a bulk language change");
    await db.$executeRawUnsafe(
      `UPDATE "Item" SET "state" = '${DECIDED_STATE}', "decidedAt" = "updatedAt" WHERE "id" IN (${ids.slice(30, 60).map((id) => `'${id}'`)})`,
    );
    await expectCountersRight("raw SQL closing thirty items");
    await db.$executeRawUnsafe(
      `UPDATE "Item" SET "state" = '${ESCALATED_STATE}', "topReason" = 'spam' WHERE "id" IN (${ids.slice(50, 70).map((id) => `'${id}'`)})`,
    );
    await expectCountersRight("raw SQL escalating and re-reasoning twenty, ten of them closed");
    await db.$executeRawUnsafe(`UPDATE "Item" SET "language" = NULL, "state" = "state" WHERE "id" IN (${ids.slice(65, 90).map((id) => `'${id}'`)})`);
    await expectCountersRight("raw SQL clearing languages");
    await db.$executeRawUnsafe(`UPDATE "Item" SET "priority" = "priority" + 1`);
    await expectCountersRight("an update of no counted column");

    // Rows written and removed directly.
    const rawId = randomUUID();
    await db.$executeRaw`
      INSERT INTO "Item" ("id", "platform", "externalId", "type", "state", "strongestSource", "topReason", "language", "firstFlaggedAt", "lastFlaggedAt", "updatedAt")
      VALUES (${rawId}, 'test', ${`raw-${rawId}`}, 'text', 'pending', 'automated', 'spam', NULL, ${new Date()}, ${new Date()}, ${new Date()})`;
    await expectCountersRight("a raw insert");
    await db.$executeRaw`DELETE FROM "Item" WHERE "id" = ${rawId}`;
    await expectCountersRight("a raw delete");

    // The readers agree with the truth.
    expect(held.length).toBe(6);
    const summary = await queueSummary(moderators[0].id);
    expect(summary.pending).toBe(await db.item.count({ where: { state: INITIAL_STATE } }));
    expect(summary.escalated).toBe(await db.item.count({ where: { state: ESCALATED_STATE } }));
    expect(summary.available).toBe(
      await db.item.count({ where: { state: INITIAL_STATE, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: new Date() } }] } }),
    );
    expect(single).toBeTruthy();
  });

  it("the queue list's totals and per-filter counts match counting the items themselves", async () => {
    const now = new Date();
    // Some overdue: user reports are due 24 hours after they arrive.
    await seedItems(12, undefined, (i) =>
      flagRequest({ content: { language: i % 2 ? "de" : "en" }, flag: { receivedAt: new Date(now.getTime() - 30 * 3600_000).toISOString() } }),
    );
    for (const state of OPEN_STATES) {
      for (const overdue of [undefined, "1"] as const) {
        const list = await listQueue({ state, overdue, language: "de" }, now);
        const due = overdue ? { dueAt: { lte: now } } : {};
        expect(list.total).toBe(await db.item.count({ where: { state, language: "de", ...due } }));
        expect(list.overdueTotal).toBe(await db.item.count({ where: { state, language: "de", dueAt: { lte: now } } }));
        for (const source of sources) {
          expect(list.counts.source[source] ?? 0).toBe(await db.item.count({ where: { state, language: "de", strongestSource: source, ...due } }));
        }
        expect(list.counts.language["unknown"] ?? 0).toBe(await db.item.count({ where: { state, language: null, ...due } }));
        for (const s of OPEN_STATES) expect(list.counts.state[s] ?? 0).toBe(await db.item.count({ where: { state: s, language: "de", ...due } }));
      }
    }
  });

  it("stay right under concurrent batch intake and decisions", async () => {
    const moderators = await Promise.all(Array.from({ length: 4 }, () => makeUser("moderator")));
    const toDecide = await openWithReason(INITIAL_STATE, 20);
    await Promise.all([
      ...Array.from({ length: 4 }, (_, b) => seedItems(200, undefined, (i) => varied(i + b))),
      ...moderators.map(async (m, k) => {
        for (const itemId of toDecide.filter((_, i) => i % moderators.length === k)) await claimAndDecide(m, itemId, k % 2 ? "keep" : "escalate");
      }),
    ]);
    await expectCountersRight("concurrent writers");
  }, 120_000);
});
