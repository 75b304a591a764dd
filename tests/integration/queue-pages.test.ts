// The queue list pages by cursor: walking a queue forward page by page and back again gives exactly the
// claim order, ties broken by id; a malformed cursor is ignored, never a 500; the pager is plain links.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { claimNext } from "~/modules/queue/claims.server.ts";
import { listQueue } from "~/modules/queue/list.server.ts";
import { Client } from "../support/http.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { flagRequest, seedItems, settleOpenItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let keepLabelId: string;
beforeAll(async () => {
  await starterLabels();
  keepLabelId = (await db.label.findFirstOrThrow({ where: { key: "ve_news_reporting" } })).id;
});
afterAll(() => server?.stop());

const hours = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

/**
 * A queue with both phases and ties: overdue user notices and removal orders (some sharing a deadline),
 * and current items of several sources, several of them sharing a source and an arrival time, so equal
 * in priority and age and told apart only by id.
 */
async function seedQueue() {
  const tied = hours(1);
  const tiedOrder = hours(2);
  const specs = [
    ...Array.from({ length: 4 }, () => ({ source: "user_report", receivedAt: hours(80) })),
    ...Array.from({ length: 3 }, () => ({ source: "removal_order", receivedAt: tiedOrder, reference: "TCO-PAGE-1" })),
    ...Array.from({ length: 5 }, (_, i) => ({ source: "user_report", receivedAt: hours(90 + i) })),
    ...Array.from({ length: 9 }, () => ({ source: "automated", receivedAt: tied })),
    ...Array.from({ length: 6 }, () => ({ source: "trusted_flagger", receivedAt: tied })),
    ...Array.from({ length: 4 }, (_, i) => ({ source: "user_report", receivedAt: hours(i / 10) })),
  ];
  return seedItems(specs.length, undefined, (i) => flagRequest({ flag: specs[i] }));
}

/** Every page from the first by its "next" cursor; the last page's "previous" cursor. */
async function walkForward(now: Date, size: number) {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const list = await listQueue({ state: INITIAL_STATE, after }, now, size);
    expect(list.page.from).toBe(list.items.length ? pages.flat().length + 1 : 0);
    pages.push(list.items.map((i) => i.id));
    if (!list.page.next) return { pages, previous: list.page.previous };
    expect(list.items.length).toBe(size);
    after = list.page.next;
  }
}

describe("queue list pages", () => {
  it("walking next to the end and previous back to the start gives the claim order, ties broken by id", async () => {
    await settleOpenItems();
    const ids = await seedQueue();
    const now = new Date();
    const size = 4;

    // The order the queue promises, computed from the rows themselves.
    const rows = await db.item.findMany({ where: { id: { in: ids } } });
    const overdue = (r: (typeof rows)[number]) => (r.dueAt && r.dueAt <= now ? 0 : 1);
    const expected = [...rows]
      .sort(
        (a, b) =>
          overdue(a) - overdue(b) ||
          (overdue(a) === 0 ? a.dueAt!.getTime() - b.dueAt!.getTime() : b.priority - a.priority || a.firstFlaggedAt.getTime() - b.firstFlaggedAt.getTime()) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((r) => r.id);
    expect(rows.filter((r) => overdue(r) === 0).length).toBeGreaterThanOrEqual(7);

    const forward = await walkForward(now, size);
    expect(forward.pages.flat()).toEqual(expected);
    expect(forward.pages).toHaveLength(Math.ceil(expected.length / size));

    // Back from the last page by each page's "previous" cursor: the same pages, down to the first.
    const back: string[][] = [];
    let before = forward.previous ?? undefined;
    let first = false;
    while (before) {
      const list = await listQueue({ state: INITIAL_STATE, before }, now, size);
      back.unshift(list.items.map((i) => i.id));
      first = list.page.isFirst;
      before = list.page.previous ?? undefined;
    }
    expect(first).toBe(true);
    expect(back).toEqual(forward.pages.slice(0, -1));

    // Claiming takes the items in the same order.
    const m = await makeUser("moderator");
    const claimed: string[] = [];
    for (let c = await claimNext(m); c; c = await claimNext(m)) {
      claimed.push(c.itemId);
      await decide(m, { itemId: c.itemId, claimId: c.claimId, action: "keep", labelIds: [keepLabelId], rationale: "" });
    }
    expect(claimed).toEqual(expected);
  }, 120_000);

  it("over HTTP the pager is plain links that walk the queue, and a malformed cursor gives the first page, not an error", async () => {
    await settleOpenItems();
    await seedItems(60, undefined, (i) => flagRequest({ content: { title: `Paged report ${String(i).padStart(2, "0")}` } }));
    const user = await makeUser("moderator");
    server = await startServer();
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);

    const firstHtml = await (await client.get("/queue/list")).text();
    expect(firstHtml).toContain("Items 1–50 of 60");
    expect(firstHtml).not.toContain("First page");
    expect(firstHtml).not.toContain("Previous page");
    const next = /<a[^>]*href="([^"]*after=[^"]*)"[^>]*>Next page<\/a>/.exec(firstHtml);
    expect(next).not.toBeNull();
    const secondHtml = await (await client.get(next![1].replace(/&amp;/g, "&"))).text();
    expect(secondHtml).toContain("Items 51–60 of 60");
    expect(secondHtml).toContain(">First page</a>");
    expect(secondHtml).not.toContain("Next page");
    const previous = /<a[^>]*href="([^"]*before=[^"]*)"[^>]*>Previous page<\/a>/.exec(secondHtml);
    expect(previous).not.toBeNull();
    const backHtml = await (await client.get(previous![1].replace(/&amp;/g, "&"))).text();
    expect(backHtml).toContain("Items 1–50 of 60");

    const garbage = [
      "not-a-cursor!",
      Buffer.from("{").toString("base64url"),
      Buffer.from(JSON.stringify({ phase: "rest", priority: 1e300, firstFlaggedAt: 0, id: "x", at: 0 })).toString("base64url"),
      Buffer.from(JSON.stringify({ phase: "overdue", dueAt: 0, id: 'x\'; DROP TABLE "Item"; --', at: 0 })).toString("base64url"),
      Buffer.from(JSON.stringify({ phase: "later", id: "x", at: 0 })).toString("base64url"),
      // Well formed, but times PostgreSQL cannot hold (before 4713 BC, after 294276 AD).
      Buffer.from(JSON.stringify({ phase: "overdue", dueAt: -8.6e15, id: "x", at: 0 })).toString("base64url"),
      Buffer.from(JSON.stringify({ phase: "rest", priority: 1, firstFlaggedAt: 8.6e15, id: "x", at: 0 })).toString("base64url"),
      "A".repeat(5000),
      "%00",
    ];
    for (const cursor of garbage) {
      for (const key of ["after", "before"]) {
        const res = await client.get(`/queue/list?${key}=${cursor}`);
        expect(res.status, `${key}=${cursor.slice(0, 40)}`).toBeLessThan(500);
        if (res.status === 200) expect(await res.text()).toContain("Items 1–50 of 60");
      }
    }
    // An old page-number link still opens the list.
    expect((await client.get("/queue/list?page=3")).status).toBe(200);
  }, 120_000);
});
