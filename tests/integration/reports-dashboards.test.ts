// The reporting dashboards over HTTP: who may open each page and its CSV, bad ranges refused with a
// 400 (never a 500), every CSV holding the figures of its chart's table, deadline misses linked to
// their items, and a moderator who reads their own figures and nobody else's.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import type { FlagRequest } from "~/modules/intake/schema.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";
import type { SessionUser } from "~/modules/auth/session.server.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { parseCsv } from "../support/csv.ts";

const TEAM_PAGES = ["queues", "deadlines", "speed", "labels", "appeals"] as const;
const ALL_PAGES = [...TEAM_PAGES, "moderators"] as const;

let server: RunningServer;
type User = Awaited<ReturnType<typeof makeUser>>;
let lead: User, auditor: User, admin: User, modA: User, modB: User;
const clients = new Map<string, Client>();
let lateItemId = "";
let lateExternalId = "";

/** An item flagged `agoMs` before now by one source, decided now by `moderator` the way the review screen does. */
async function decideAs(moderator: User, action: "keep" | "remove", source: "user_report" | "removal_order", agoMs: number) {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  const labels = new Map((await liveLabelSets()).flatMap((s) => s.labels.map((l) => [l.key, l.id] as const)));
  const externalId = `post-${randomUUID().slice(0, 12)}`;
  const entry: FlagRequest = {
    content: {
      externalId,
      type: "text",
      body: "Fictional test text about the Placeholder Cell.",
      language: "en",
      author: { externalId: `author-${externalId}` },
    },
    flag: {
      externalId: `${externalId}-flag`,
      source,
      reason: "violent_extremism",
      reference: source === "removal_order" ? `RO-${externalId}` : undefined,
      reporterId: source === "user_report" ? `reporter-${externalId}` : undefined,
      receivedAt: new Date(Date.now() - agoMs),
    },
  } as FlagRequest;
  const [taken] = await ingestFlags({ platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } }, [entry], "batch");
  const user: SessionUser = { id: moderator.id, email: moderator.email, name: moderator.name, role: moderator.role, revealMedia: false };
  const claim = await claimItem(user, taken.itemId);
  if (!claim) throw new Error("could not claim the test item");
  await decide(user, {
    itemId: taken.itemId,
    claimId: claim.claimId,
    action,
    labelIds: [labels.get(action === "keep" ? "ve_news_reporting" : "ve_glorification")!],
    rationale: "Fictional test rationale.",
  });
  return { itemId: taken.itemId, externalId };
}

beforeAll(async () => {
  [lead, auditor, admin] = await Promise.all([makeUser("policy_lead"), makeUser("auditor"), makeUser("admin")]);
  modA = await makeUser("moderator", { email: `mod-a-${randomUUID().slice(0, 6)}@example.test` });
  modB = await makeUser("moderator", { email: `mod-b-${randomUUID().slice(0, 6)}@example.test` });
  await db.user.update({ where: { id: modA.id }, data: { name: "Avery Placeholder" } });
  await db.user.update({ where: { id: modB.id }, data: { name: "Blake Fictional" } });
  await decideAs(modA, "remove", "user_report", 20 * 60_000);
  await decideAs(modA, "keep", "user_report", 30 * 60_000);
  const late = await decideAs(modA, "remove", "removal_order", 2 * 3_600_000);
  lateItemId = late.itemId;
  lateExternalId = late.externalId;
  await decideAs(modB, "remove", "removal_order", 10 * 60_000);
  await decideAs(modB, "keep", "user_report", 5 * 60_000);
  server = await startServer();
  for (const [name, user] of Object.entries({ lead, auditor, admin, modA, modB })) {
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    clients.set(name, client);
  }
});
afterAll(() => server?.stop());

const as = (name: string) => clients.get(name)!;

/** A chart's data table, read from the page's HTML: heading row first, cells as text. */
function tableOf(html: string, chartId: string): string[][] {
  const start = html.indexOf(`id="chart-${chartId}-caption"`);
  expect(start, `chart ${chartId} on the page`).toBeGreaterThan(-1);
  const figure = html.slice(start, html.indexOf("</figure>", start));
  const table = figure.slice(figure.indexOf("<table"), figure.indexOf("</table>"));
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => markupText(cell[1].replace(/<[^>]+>/g, "")).trim()),
  );
}

/** Table text as the CSV writes it: no thousands separators, an empty cell for "—". */
const asCsvCell = (text: string) => (text === "—" ? "" : /^-?[\d,]+(\.\d+)?$/.test(text) ? text.replace(/,/g, "") : text);

const chartIdsOf = (html: string) => [...html.matchAll(/id="chart-([a-z0-9-]+)-caption"/g)].map((m) => m[1]);

describe("who may open the dashboards", () => {
  it("leads, auditors and admins open every team dashboard and the index; a moderator is refused", async () => {
    for (const name of ["lead", "auditor", "admin"]) {
      expect((await as(name).get("/reports")).status, `/reports as ${name}`).toBe(200);
      for (const page of TEAM_PAGES) expect((await as(name).get(`/reports/${page}`)).status, `${page} as ${name}`).toBe(200);
    }
    expect((await as("modA").get("/reports")).status).toBe(403);
    for (const page of TEAM_PAGES) {
      expect((await as("modA").get(`/reports/${page}`)).status).toBe(403);
      expect((await as("modA").get(`/reports/${page}/csv?chart=x`)).status).toBe(403);
    }
  });

  it("the moderators' page is for leads and moderators, not for auditors or admins", async () => {
    expect((await as("lead").get("/reports/moderators")).status).toBe(200);
    expect((await as("modA").get("/reports/moderators")).status).toBe(200);
    expect((await as("auditor").get("/reports/moderators")).status).toBe(403);
    expect((await as("admin").get("/reports/moderators")).status).toBe(403);
    expect((await as("auditor").get("/reports/moderators/csv?chart=per-moderator")).status).toBe(403);
  });

  it("an anonymous visitor is sent to sign in", async () => {
    const res = await fetch(`${server.url}/reports/queues`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });
});

describe("bad ranges and queues", () => {
  const BAD = [
    "from=2026-02-30&to=2026-03-01",
    "from=2026-03-02&to=2026-03-01",
    "from=2026-01-01",
    "days=0",
    "days=abc",
    "days=9999",
    "from=9999-12-01&to=9999-12-31",
    "from=2020-01-01&to=2026-01-01",
    "queue=no-such-queue",
    `queue=${"x".repeat(300)}`,
  ];

  it("the page answers 400 with the form and its message, and the data request the error shape", async () => {
    for (const query of BAD) {
      const page = await as("lead").get(`/reports/queues?${query}`);
      expect(page.status, query).toBe(400);
      const html = markupText(await page.text());
      expect(html).toContain("The range or queue is not valid");
      expect(html).toContain('name="from"');
      const data = await as("lead").get(`/reports/queues?${query}&_data=${encodeURIComponent("routes/_console.reports.queues")}`);
      expect(data.status, query).toBe(400);
      const body = (await data.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } };
      expect(body.error.code).toBe("invalid_range");
      expect(body.error.issues.length, query).toBeGreaterThan(0);
    }
  });

  it("the CSV refuses the same input with a 400 in the error shape, and a missing or unknown chart", async () => {
    for (const query of BAD) {
      const res = await as("lead").get(`/reports/deadlines/csv?chart=by-source&${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_range");
    }
    const missing = await as("lead").get("/reports/deadlines/csv");
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("chart");
    expect((await as("lead").get("/reports/deadlines/csv?chart=nope")).status).toBe(404);
    expect((await as("lead").get("/reports/nope/csv?chart=x")).status).toBe(404);
  });

  it("a preset wins over dates still in the form's fields", async () => {
    const html = markupText(await (await as("lead").get("/reports/queues?days=7&from=2025-01-01&to=2025-01-31")).text());
    const today = new Date().toISOString().slice(0, 10);
    expect(html).toContain(`to ${today} (UTC days`);
    expect(html).toMatch(/aria-pressed="true"[^>]*>7 days/);
  });
});

describe("the figures", () => {
  it("every chart's CSV holds the figures of its table, on every dashboard", async () => {
    let charts = 0;
    for (const page of ALL_PAGES) {
      const query = "days=7";
      const html = await (await as("lead").get(`/reports/${page}?${query}`)).text();
      const ids = chartIdsOf(html);
      expect(ids.length, page).toBeGreaterThan(0);
      for (const id of ids) {
        const table = tableOf(html, id);
        const res = await as("lead").get(`/reports/${page}/csv?chart=${id}&${query}`);
        expect(res.status, `${page}/${id}`).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
        const csv = parseCsv(await res.text());
        const expected = table.filter((row) => !(row.length === 1 && row[0] === "Nothing was counted in this range.")).map((row) => row.map(asCsvCell));
        expect(csv, `${page}/${id}`).toEqual(expected);
        charts += 1;
      }
    }
    expect(charts).toBeGreaterThanOrEqual(16);
  });

  it("counts what was decided: decisions made, deadlines met and missed by source", async () => {
    const html = await (await as("auditor").get("/reports/deadlines?days=7")).text();
    const bySource = tableOf(html, "by-source");
    const removal = bySource.find((r) => r[0] === "Removal order")!;
    expect(bySource[0]).toEqual(["Source", "Met (%)", "Met", "Missed"]);
    expect(removal.slice(2)).toEqual(["1", "1"]);
    expect(removal[1]).toBe("50");
    const notices = bySource.find((r) => r[0] === "User notice")!;
    expect(notices.slice(1)).toEqual(["100", "3", "0"]);
    const inflow = tableOf(await (await as("auditor").get("/reports/queues?days=7")).text(), "inflow");
    const decided = inflow.slice(1).reduce((sum, r) => sum + Number(r[2].replace(/,/g, "")), 0);
    expect(decided).toBe(5);
  });

  it("lists each missed deadline with a link to its item: the review screen for a lead, the audit log for an auditor", async () => {
    const forLead = markupText(await (await as("lead").get("/reports/deadlines?days=7")).text());
    expect(forLead).toContain(`href="/review/${lateItemId}"`);
    const forAuditor = markupText(await (await as("auditor").get("/reports/deadlines?days=7")).text());
    expect(forAuditor).toContain(`href="/audit?item=${lateExternalId}"`);
    expect(forAuditor).not.toContain(`/review/${lateItemId}`);
  });

  it("the queue filter narrows the figures to one queue", async () => {
    const queue = await db.item.findUniqueOrThrow({ where: { id: lateItemId }, select: { queueId: true } });
    const other = await db.queue.create({ data: { id: randomUUID(), name: "Fictional empty queue" } });
    const inOther = tableOf(await (await as("lead").get(`/reports/queues?days=7&queue=${other.id}`)).text(), "inflow");
    expect(inOther.slice(1).every((r) => r[1] === "0" && r[2] === "0")).toBe(true);
    if (queue.queueId) {
      const inQueue = tableOf(await (await as("lead").get(`/reports/queues?days=7&queue=${queue.queueId}`)).text(), "inflow");
      expect(inQueue.slice(1).reduce((s, r) => s + Number(r[2]), 0)).toBeGreaterThan(0);
    }
  });
});

describe("a moderator's own figures", () => {
  it("a lead sees every moderator's row", async () => {
    const html = markupText(await (await as("lead").get("/reports/moderators?days=7")).text());
    const rows = tableOf(html, "per-moderator");
    expect(rows.find((r) => r[0] === "Avery Placeholder")?.[1]).toBe("3");
    expect(rows.find((r) => r[0] === "Blake Fictional")?.[1]).toBe("2");
  });

  it("a moderator's page and CSV hold their own figures and never another's name or id", async () => {
    const res = await as("modB").get("/reports/moderators?days=7");
    expect(res.status).toBe(200);
    const html = markupText(await res.text());
    const rows = tableOf(html, "per-moderator");
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([["Blake Fictional", "2"]]);
    const overTime = tableOf(html, "over-time");
    expect(overTime.slice(1).reduce((s, r) => s + r.slice(1).reduce((a, c) => a + Number(c), 0), 0)).toBe(2);
    expect(html).not.toContain(modA.id);
    expect(html).not.toContain(lead.id);
    expect(html).not.toContain("Avery Placeholder");
    for (const chart of ["per-moderator", "over-time"]) {
      const csv = await (await as("modB").get(`/reports/moderators/csv?chart=${chart}&days=7`)).text();
      expect(csv).not.toContain("Avery Placeholder");
      expect(csv).not.toContain(modA.id);
      if (chart === "per-moderator")
        expect(parseCsv(csv)).toEqual([
          ["Moderator", "Decisions", "Keep", "Remove"],
          ["Blake Fictional", "2", "1", "1"],
        ]);
    }
    // The page's own data request, as the browser's router asks it, holds no other id either.
    const data = await (await as("modB").get(`/reports/moderators?days=7&_data=${encodeURIComponent("routes/_console.reports.moderators")}`)).text();
    expect(data).not.toContain(modA.id);
    expect(data).not.toContain("Avery Placeholder");
  });
});
