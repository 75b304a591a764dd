import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { listQueue } from "~/modules/queue/list.server.ts";
import { ingestCluster, propagandaFamily } from "../support/cluster-fixture.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let versionId: string;

beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
  server = await startServer();
});
afterAll(() => server?.stop());

async function loggedIn(role: "moderator" | "policy_lead" | "auditor" | "admin") {
  const user = await makeUser(role);
  const client = new Client(server.url);
  await client.login(user.email, PASSWORD);
  return { user, client };
}

const data = async <T>(client: Client, path: string, route: string) => {
  const res = await client.get(`${path}${path.includes("?") ? "&" : "?"}_data=${encodeURIComponent(route)}`);
  return { status: res.status, body: (await res.json()) as T };
};

type Segment = { kind: string; text: string };
type Member = {
  id: string;
  externalId: string;
  state: string | null;
  decidedAs: string | null;
  blind: boolean;
  diff: Segment[];
  decidable: boolean;
  similarity: number | null;
  authorHandle: string | null;
  served: boolean;
};
type View = {
  cluster: { id: string; size: number; openCount: number; sources: Record<string, number> };
  members: Member[];
  decidableCount: number;
  page: { number: number; pages: number; from: number; to: number };
};
type Row = { id: string; cluster: { id: string; open: number; size: number; members: { id: string }[]; representative: { id: string } | null } | null };

describe("the queue list", () => {
  it("shows a cluster with several open members on the page as one row that expands to them, and pages still reach every item once", async () => {
    const { clusterId, itemIds } = await ingestCluster(propagandaFamily("list"));
    const single = await seedItems(2);
    const { client } = await loggedIn("moderator");
    const { status, body } = await data<{ items: Row[] }>(client, "/queue/list", "routes/_console.queue.list");
    expect(status).toBe(200);
    const rows = body.items.filter((r) => r.cluster?.id === clusterId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cluster!.open).toBe(itemIds.length);
    expect(rows[0]!.cluster!.representative?.id).toBe(itemIds[0]);
    expect(rows[0]!.cluster!.members.map((m) => m.id).sort()).toEqual([...itemIds].sort());
    // A member's row stands for the cluster: no member shows again as a row of its own.
    expect(body.items.filter((r) => itemIds.includes(r.id))).toHaveLength(1);
    for (const id of single) expect(body.items.find((r) => r.id === id)?.cluster).toBeNull();

    // Without script the row expands through a disclosure element, and its members link to their review screens.
    const html = (await (await client.get("/queue/list")).text()).replaceAll("<!-- -->", "");
    expect(html).toMatch(/<details[^>]*>\s*<summary[^>]*>5 open of 5 members; 5 on this page/);
    for (const id of itemIds) expect(html).toContain(`href="/review/${id}"`);
    expect(html).toContain(`href="/clusters/${clusterId}"`);

    // Keyset paging walks items, not rows: with pages of two, every open item is reached exactly once.
    const seen: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = await listQueue({ state: "pending", after }, new Date(), 2);
      for (const r of page.items) seen.push(...(r.cluster ? r.cluster.members.map((m) => m.id) : [r.id]));
      if (!page.page.next) break;
      after = page.page.next;
    }
    const pending = await db.item.count({ where: { state: "pending" } });
    expect(seen).toHaveLength(pending);
    expect(new Set(seen).size).toBe(pending);
  });
});

describe("the review screen", () => {
  it("shows the served item's cluster: members with their differences from the representative, and the scope the decision may take", async () => {
    const family = propagandaFamily("review");
    family.push({ externalId: "review-hostile", body: `${family[0]!.body} <img src=x onerror=alert(1)>` });
    const { clusterId, itemIds } = await ingestCluster(family);
    const { client } = await loggedIn("moderator");
    const served = itemIds[1]!;
    expect((await client.post(`/review/${served}`, { intent: "claim" })).status).toBe(302);

    const { status, body } = await data<{ cluster: View; canDecideCluster: boolean; item: { claimId: string } }>(
      client,
      `/review/${served}`,
      "routes/_console.review.$itemId",
    );
    expect(status).toBe(200);
    expect(body.canDecideCluster).toBe(true);
    const view = body.cluster;
    expect(view.cluster).toMatchObject({ id: clusterId, size: 6, openCount: 6 });
    expect(view.cluster.sources).toEqual({ user_report: 5, authority_referral: 1 });
    expect(view.decidableCount).toBe(5);
    const byExternal = new Map(view.members.map((m) => [m.externalId, m]));
    expect(byExternal.get("review-0")!.diff).toEqual([]);
    expect(byExternal.get("review-1")!.diff.filter((s) => s.kind !== "same")).toEqual([{ kind: "added", text: "BREAKING: " }]);
    expect(byExternal.get("review-2")!.diff.filter((s) => s.kind !== "same")).toEqual([
      { kind: "removed", text: "Sunday" },
      { kind: "added", text: "Saturday" },
      { kind: "added", text: " https://example.test/t?id=1" },
    ]);
    expect(
      byExternal
        .get("review-3")!
        .diff.filter((s) => s.kind !== "same")
        .map((s) => s.kind),
    ).toEqual(["removed"]);
    expect(byExternal.get("review-1")).toMatchObject({ served: true, decidable: false, authorHandle: "lantern_echo" });
    expect(byExternal.get("review-2")).toMatchObject({ decidable: true, state: "pending" });
    expect(byExternal.get("review-1")!.similarity).toBeGreaterThan(0.5);

    const html = await (await client.get(`/review/${served}`)).text();
    expect(html).toContain("Whole cluster (5 open members)");
    // The member checkboxes name the decide form, so they are sent with it.
    expect(html).toMatch(new RegExp(`<form[^>]*id="decide-${served}"`));
    expect(html).toMatch(/<input type="radio" name="scope" checked="" value="item"\/>/);
    for (const id of itemIds.filter((id) => id !== served)) {
      const box = new RegExp(`<input type="checkbox" id="member-${id}"[^>]*>`).exec(html)?.[0] ?? "";
      expect(box).toContain('name="memberIds"');
      expect(box).toContain(`value="${id}"`);
      expect(box).toContain(`form="decide-${served}"`);
    }
    expect(html).toContain('<ins class="bg-green-100 text-green-950 underline decoration-2 underline-offset-2">BREAKING: </ins>');
    expect(html).toContain("<del");
    // Hostile text stays text inside the difference.
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;</ins>");
    expect(html).not.toContain("<img src=x");
    expect(html).toMatch(/name="intent" value="split"/);
  });

  it("hides a member's decision while it waits for a blind quality review the viewer may do", async () => {
    const { itemIds } = await ingestCluster(propagandaFamily("blind"));
    const first = await makeUser("moderator");
    const lease = await claimItem(first, itemIds[3]!);
    const remove = await db.label.findFirstOrThrow({ where: { versionId, group: "violating" } });
    const made = await decide(first, {
      itemId: itemIds[3]!,
      claimId: lease!.claimId,
      action: "remove",
      labelIds: [remove.id],
      rationale: "Praise of the group.",
    });
    const { client } = await loggedIn("moderator");
    expect((await client.post(`/review/${itemIds[0]}`, { intent: "claim" })).status).toBe(302);
    const before = await data<{ cluster: View }>(client, `/review/${itemIds[0]}`, "routes/_console.review.$itemId");
    expect(before.body.cluster.members.find((m) => m.id === itemIds[3])).toMatchObject({ state: "decided", decidedAs: "remove", blind: false });

    await db.qualityReview.create({
      data: {
        id: randomUUID(),
        decisionId: made.decisionId,
        itemId: itemIds[3]!,
        queueId: null,
        sampledBecause: "share",
        firstUserId: first.id,
        sampledAt: new Date(),
      },
    });
    const after = await data<{ cluster: View }>(client, `/review/${itemIds[0]}`, "routes/_console.review.$itemId");
    expect(after.body.cluster.members.find((m) => m.id === itemIds[3])).toMatchObject({ state: null, decidedAs: null, blind: true });
    const html = await (await client.get(`/review/${itemIds[0]}`)).text();
    expect(html).toContain("state hidden until your blind quality review");
    expect(html).not.toContain("decided: remove");
    const page = await data<View>(client, `/clusters/${before.body.cluster.cluster.id}`, "routes/_console.clusters.$clusterId");
    expect(page.body.members.find((m) => m.id === itemIds[3])).toMatchObject({ state: null, decidedAs: null, blind: true });
    // The first decider took part, so nothing is hidden from them.
    const firstTab = new Client(server.url);
    await firstTab.login(first.email, PASSWORD);
    const theirs = await data<View>(firstTab, `/clusters/${before.body.cluster.cluster.id}`, "routes/_console.clusters.$clusterId");
    expect(theirs.body.members.find((m) => m.id === itemIds[3])).toMatchObject({ state: "decided", decidedAs: "remove" });
  });
});

describe("the cluster page", () => {
  it("lists members page by page with their differences, for every role that may view clusters", async () => {
    const base = propagandaFamily("page")[0]!.body;
    const { clusterId, itemIds } = await ingestCluster(
      Array.from({ length: 55 }, (_, i) => ({ externalId: `page-${String(i).padStart(2, "0")}`, body: i === 0 ? base : `${base} copy ${i}` })),
    );
    let firstPage: string[] = [];
    for (const role of ["moderator", "policy_lead", "auditor", "admin"] as const) {
      const { client } = await loggedIn(role);
      const first = await data<View>(client, `/clusters/${clusterId}`, "routes/_console.clusters.$clusterId");
      expect(first.status).toBe(200);
      expect(first.body.page).toEqual({ number: 1, pages: 2, from: 1, to: 50 });
      expect(first.body.members).toHaveLength(50);
      firstPage = first.body.members.map((m) => m.id);
    }
    const { client } = await loggedIn("auditor");
    const second = await data<View>(client, `/clusters/${clusterId}?page=2`, "routes/_console.clusters.$clusterId");
    expect(second.body.page).toEqual({ number: 2, pages: 2, from: 51, to: 55 });
    // The two pages hold every member once.
    expect([...firstPage, ...second.body.members.map((m) => m.id)].sort()).toEqual([...itemIds].sort());
    for (const m of [...second.body.members]) {
      const n = Number(m.externalId.slice("page-".length));
      expect(m.diff.filter((s) => s.kind !== "same")).toEqual(n === 0 ? [] : [{ kind: "added", text: ` copy ${n}` }]);
    }
    const shown = second.body.members.find((m) => m.externalId !== "page-00")!;
    const clamped = await data<View>(client, `/clusters/${clusterId}?page=99`, "routes/_console.clusters.$clusterId");
    expect(clamped.body.page.number).toBe(2);
    const html = await (await client.get(`/clusters/${clusterId}?page=2`)).text();
    expect(html).toContain(
      `<ins class="bg-green-100 text-green-950 underline decoration-2 underline-offset-2"> copy ${Number(shown.externalId.slice(5))}</ins>`,
    );
    expect(html).toContain("?page=1");
  });

  it("refuses the signed-out, answers 404 for a cluster that does not exist, and leads a merged-away cluster to the one it joined", async () => {
    const { clusterId } = await ingestCluster(propagandaFamily("perm"));
    const anonymous = await new Client(server.url).get(`/clusters/${clusterId}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
    const { client } = await loggedIn("auditor");
    const missing = await data<{ error: { code: string } }>(client, `/clusters/${randomUUID()}`, "routes/_console.clusters.$clusterId");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");

    const gone = randomUUID();
    const rep = await db.item.findFirstOrThrow({ where: { clusterId } });
    await db.cluster.create({ data: { id: gone, representativeItemId: rep.id, size: 0, strongestSource: "user_report", mergedIntoId: clusterId } });
    const merged = await client.get(`/clusters/${gone}`);
    expect(merged.status).toBe(302);
    expect(merged.headers.get("location")).toBe(`/clusters/${clusterId}`);
  });

  it("keeps the review screen's cluster panel from those who may not review", async () => {
    const { itemIds } = await ingestCluster(propagandaFamily("auditor"));
    const { client } = await loggedIn("auditor");
    expect((await client.get(`/review/${itemIds[0]}`)).status).toBe(403);
  });
});
