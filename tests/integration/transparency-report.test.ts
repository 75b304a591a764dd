import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { receiveAppeal, type AppealSender } from "~/modules/appeals/intake.server.ts";
import { decideAppeal } from "~/modules/appeals/review.server.ts";
import type { AppellantRole } from "~/modules/appeals/standing.ts";
import { parseSearch, searchEvents } from "~/modules/audit/search.server.ts";
import { atTime } from "~/modules/clock/clock.server.ts";
import { currentTime } from "~/modules/clock/clock.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import type { Source } from "~/modules/items/sources.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { answerCalibration, serveCalibration } from "~/modules/quality/calibration/answers.server.ts";
import { CalibrationItemForm } from "~/modules/quality/calibration/form.ts";
import { createCalibrationItem } from "~/modules/quality/calibration/items.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { dayOf } from "~/modules/reporting/metrics.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";
import { transparencyReport } from "~/modules/reporting/transparency.server.ts";
import { currentHalfYearSoFar, lastFullHalfYear } from "~/modules/reporting/transparency-query.server.ts";
import { figureRows, TransparencyReport, type Figure } from "~/modules/reporting/transparency.ts";
import { liveLabelIds } from "../support/appeals.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText } from "../support/http.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { parseCsv } from "../support/csv.ts";

// A fixed history made through the real modules at chosen moments of the first half of 2026, on the
// platform "test" and, to prove it never leaks in, on "other-platform"; every figure of the report
// is then checked against a value counted by hand from the timeline below. Each step has a moment of
// its own, in order: the audit log's times then rise with its sequence, as they do in real use.
// Durations are counted in whole minutes (hours beyond two), so the few seconds between steps fall
// away: receipt to decision is 10, 40, 20, 30 min, 3 h, 2 h and 2 days; receipt to outcome 30 min,
// 2 h and 3 h.

const P = "test";
const OTHER = "other-platform";
const PERIOD = { from: "2026-01-01", to: "2026-06-30" };
const T0 = Date.parse("2026-03-02T09:00:00Z");
const SEC = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0 + ms);

const LABEL_FOR: Record<DecisionAction, string> = {
  keep: "ve_news_reporting",
  remove: "ve_glorification",
  restrict: "ve_representation",
  escalate: "ve_needs_specialist",
};

type User = Awaited<ReturnType<typeof makeUser>>;
let labels: Map<string, string>;
let moderator: User;
let reviewer: User;
let lead: User;
let server: RunningServer;
let report: TransparencyReport;

async function flag(platform: string, content: string, source: Source, reason: string, when: Date) {
  return atTime(when, async () => {
    const [taken] = await ingestFlags(
      { platform, apiKeyId: null, actor: { kind: "system", name: "test intake" } },
      [
        {
          content: {
            externalId: content,
            type: "text",
            body: `Fictional test post ${content} about the made-up Placeholder Cell, written for a report test.`,
            author: { externalId: `author-${content}`, handle: `handle_${content.replace(/-/g, "_")}` },
          },
          flag: {
            externalId: `${content}-${source}-${when.getTime()}`,
            source,
            reason,
            ...(source === "user_report" || source === "trusted_flagger" ? { reporterId: `reporter-${content}` } : {}),
            ...(source === "removal_order" || source === "authority_referral" ? { reference: `REF-${content}` } : {}),
          },
        },
      ],
      "single",
    );
    return taken.itemId;
  });
}

async function decideAt(user: User, itemId: string, action: DecisionAction, when: Date) {
  return atTime(when, async () => {
    const claim = await claimItem(user, itemId);
    if (!claim) throw new Error(`could not claim ${itemId}`);
    await decide(user, {
      itemId,
      claimId: claim.claimId,
      action,
      labelIds: [labels.get(LABEL_FOR[action])!],
      rationale: "Fictional test rationale for the report.",
    });
    return db.decision.findFirstOrThrow({ where: { itemId }, orderBy: { seq: "desc" } });
  });
}

const sender = (platform: string): AppealSender => ({
  platform,
  actor: { kind: "system", name: "test appeals" },
  apiKeyId: null,
  recordedById: null,
  channel: "api",
});

async function appealAt(platform: string, decisionId: string, content: string, role: AppellantRole, when: Date) {
  return atTime(when, async () => {
    const appellantId = role === "notifier" ? `reporter-${content}` : `author-${content}`;
    const { appealId } = await receiveAppeal(sender(platform), {
      externalId: `appeal-${content}`,
      decisionId,
      appellant: { role, externalId: appellantId },
      statement: "Fictional test appeal: the post reported on the made-up group.",
    });
    return appealId;
  });
}

async function decideAppealAt(appealId: string, outcome: "upheld" | "overturned" | "modified", when: Date, action?: "keep" | "restrict") {
  return atTime(when, async () => {
    const claim = await claimAppealOrWhy(reviewer, appealId);
    if ("refused" in claim) throw new Error(`appeal claim refused: ${claim.refused}`);
    await decideAppeal(reviewer, {
      appealId,
      claimId: claim.claimId,
      outcome,
      ...(action ? { action, labelIds: [labels.get(LABEL_FOR[action])!] } : {}),
      rationale: "Fictional test rationale for the appeal.",
      summary: "The decision was looked at again.",
    });
  });
}

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  labels = await liveLabelIds();
  moderator = await makeUser("moderator");
  reviewer = await makeUser("moderator");
  lead = await makeUser("policy_lead");

  // Before the period: flagged and decided in December 2025, so nothing of it counts.
  const x0 = await flag(P, "x0", "user_report", "violent_extremism", new Date("2025-12-20T10:00:00Z"));
  await decideAt(moderator, x0, "remove", new Date("2025-12-20T10:10:00Z"));

  const a1 = await flag(P, "a1", "user_report", "violent_extremism", at(0));
  const a2 = await flag(P, "a2", "user_report", "hate_speech", at(SEC));
  const a3 = await flag(P, "a3", "automated", "violent_extremism", at(2 * SEC));
  const a4 = await flag(P, "a4", "authority_referral", "violent_extremism", at(3 * SEC));
  const b1 = await flag(OTHER, "b1", "user_report", "violent_extremism", at(4 * SEC));
  await flag(P, "a2", "trusted_flagger", "hate_speech", at(MIN));
  await decideAt(moderator, a4, "escalate", at(5 * MIN));
  const d1 = await decideAt(moderator, a1, "remove", at(10 * MIN + 10 * SEC));
  const db1 = await decideAt(moderator, b1, "remove", at(15 * MIN));
  const d2 = await decideAt(moderator, a2, "keep", at(40 * MIN + 10 * SEC));
  const a5 = await flag(P, "a5", "removal_order", "violent_extremism", at(HOUR));
  const a6 = await flag(P, "a6", "removal_order", "violent_extremism", at(HOUR + SEC));
  const a7 = await flag(P, "a7", "removal_order", "violent_extremism", at(HOUR + 2 * SEC));
  const d5 = await decideAt(moderator, a5, "remove", at(HOUR + 20 * MIN + 10 * SEC));
  await decideAt(moderator, a7, "keep", at(HOUR + 30 * MIN + 10 * SEC));
  const d3 = await decideAt(moderator, a3, "restrict", at(3 * HOUR + 10 * SEC));
  await decideAt(moderator, a6, "restrict", at(3 * HOUR + 20 * SEC));

  const ap1 = await appealAt(P, d1.id, "a1", "content_author", at(DAY));
  const ap2 = await appealAt(P, d2.id, "a2", "notifier", at(DAY + SEC));
  const ap3 = await appealAt(P, d5.id, "a5", "content_author", at(DAY + 2 * SEC));
  await appealAt(P, d3.id, "a3", "content_author", at(DAY + 3 * SEC));
  const bp1 = await appealAt(OTHER, db1.id, "b1", "content_author", at(DAY + 4 * SEC));
  await decideAppealAt(ap2, "upheld", at(DAY + 30 * MIN + 10 * SEC));
  await decideAppealAt(bp1, "upheld", at(DAY + 30 * MIN + 20 * SEC));
  await decideAppealAt(ap1, "overturned", at(DAY + 2 * HOUR + 10 * SEC), "keep");
  await decideAppealAt(ap3, "modified", at(DAY + 3 * HOUR + 10 * SEC), "restrict");
  await decideAt(lead, a4, "remove", at(2 * DAY + 10 * SEC));

  // A calibration item, as a removal order, answered by the moderator: it is never an Item.
  await atTime(at(2 * DAY + HOUR), async () => {
    const actor = { kind: "user" as const, id: lead.id, email: lead.email, role: lead.role };
    await createCalibrationItem(
      actor,
      CalibrationItemForm.parse({
        from: "text",
        body: "Fictional calibration post praising the made-up Placeholder Cell.",
        source: "removal_order",
        reason: "violent_extremism",
        action: "remove",
        labelIds: [labels.get("ve_glorification")!],
        explanation: "Praise of the fictional group: remove.",
      }),
    );
    const served = await serveCalibration(moderator);
    if (!served) throw new Error("no calibration item served");
    const answered = await answerCalibration(moderator.id, served.answerId, {
      action: "remove",
      labelIds: [labels.get("ve_glorification")!],
      rationale: "Praise of the group.",
    });
    if (!answered) throw new Error("calibration answer refused");
  });

  // The last minute of the period counts; the first minute after it does not.
  await flag(P, "y1", "user_report", "spam", new Date("2026-06-30T23:59:00Z"));
  await flag(P, "y2", "user_report", "spam", new Date("2026-07-01T00:00:00Z"));

  await foldPending(1_000_000);
  report = await transparencyReport(PERIOD, P);
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "1000000" });
});
afterAll(() => server?.stop());

const v = (f: Figure) => f.value;

describe("the transparency report on the fixed fixture", () => {
  it("counts notices by source and by category as counted by hand", () => {
    const n = report.dsa.notices;
    expect(v(n.total)).toBe(9);
    expect(v(n.bySource.user_notice)).toBe(3);
    expect(v(n.bySource.trusted_flagger)).toBe(1);
    expect(v(n.bySource.authority_referral)).toBe(1);
    expect(v(n.bySource.removal_order)).toBe(3);
    expect(v(n.ownInitiative.automated_detection)).toBe(1);
    expect(Object.fromEntries(Object.entries(n.byCategory).map(([k, f]) => [k, f.value]))).toEqual({ hate_speech: 2, spam: 1, violent_extremism: 6 });
  });

  it("counts actions by type and ground, and their medians, as counted by hand", () => {
    const a = report.dsa.actions;
    expect(v(a.total)).toBe(7);
    expect([v(a.byType.no_action), v(a.byType.remove), v(a.byType.restrict)]).toEqual([2, 3, 2]);
    expect([v(a.byGround.order), v(a.byGround.terms)]).toEqual([3, 4]);
    expect([v(a.byGroundAndType.order.no_action), v(a.byGroundAndType.order.remove), v(a.byGroundAndType.order.restrict)]).toEqual([1, 1, 1]);
    expect([v(a.byGroundAndType.terms.no_action), v(a.byGroundAndType.terms.remove), v(a.byGroundAndType.terms.restrict)]).toEqual([1, 2, 1]);
    // terms: 600, 2400, 10800, 172800 s; orders: 1200, 1800, 7200 s; lower medians.
    expect(a.medianTimeToDecision.terms).toMatchObject({ value: 2400, resolution: "minute" });
    expect(a.medianTimeToDecision.order).toMatchObject({ value: 1800, resolution: "minute" });
    expect(a.medianTimeToDecision.all).toMatchObject({ value: 2400, resolution: "minute" });
  });

  it("reports the use of automated means", () => {
    const m = report.dsa.automatedMeans;
    expect(v(m.decidedByPerson)).toBe(7);
    expect(v(m.appliedToCopies)).toBe(0);
    expect(v(m.automatedDetectionNotices)).toBe(1);
    expect(v(m.decidedByAutomationAlone)).toBe(0);
    expect(m.statement).toMatch(/No decision is taken by automated means alone/);
  });

  it("counts complaints by basis, ground and outcome, their median time and the reversals", () => {
    const c = report.dsa.complaints;
    expect(v(c.received)).toBe(4);
    expect([v(c.byBasis.content_author), v(c.byBasis.notifier)]).toEqual([3, 1]);
    expect([v(c.byGround.order), v(c.byGround.terms)]).toEqual([1, 3]);
    expect(v(c.decided)).toBe(3);
    expect([v(c.byOutcome.upheld), v(c.byOutcome.overturned), v(c.byOutcome.modified)]).toEqual([1, 1, 1]);
    // terms: 1800, 7200 s; orders: 10800 s.
    expect(c.medianTimeToDecide.terms).toMatchObject({ value: 1800, resolution: "minute" });
    expect(c.medianTimeToDecide.order).toMatchObject({ value: 10800, resolution: "hour" });
    expect(c.medianTimeToDecide.all).toMatchObject({ value: 7200, resolution: "hour" });
    expect([v(c.reversals.afterComplaint), v(c.reversals.qualityCorrections)]).toEqual([2, 0]);
  });

  it("reports removal orders as the TCO Regulation asks", () => {
    const t = report.tco;
    expect(v(t.removalOrdersReceived)).toBe(3);
    expect([v(t.itemsActioned.total), v(t.itemsActioned.removed), v(t.itemsActioned.restricted)]).toEqual([2, 1, 1]);
    expect([v(t.withinOneHour.met), v(t.withinOneHour.missed)]).toEqual([2, 1]);
    expect(v(t.withinOneHour.share)).toBeCloseTo(2 / 3, 10);
    expect(v(t.complaints.received)).toBe(1);
    expect([v(t.complaints.byOutcome.upheld), v(t.complaints.byOutcome.overturned), v(t.complaints.byOutcome.modified)]).toEqual([0, 0, 1]);
  });

  it("never counts the calibration item, which is no Item", async () => {
    expect(await db.calibrationAnswer.count({ where: { outcome: "answered" } })).toBe(1);
    expect(await db.item.count({ where: { platform: P } })).toBe(10);
    expect(await db.flag.count({ where: { platform: P, source: "removal_order" } })).toBe(3);
  });

  it("the other platform's report holds only its own figures", async () => {
    const other = await transparencyReport(PERIOD, OTHER);
    expect([v(other.dsa.notices.total), v(other.dsa.actions.total), v(other.dsa.complaints.received), v(other.dsa.complaints.byOutcome.upheld)]).toEqual([
      1, 1, 1, 1,
    ]);
    expect(v(other.tco.removalOrdersReceived)).toBe(0);
    const all = await transparencyReport(PERIOD, null);
    expect(v(all.dsa.notices.total)).toBe(10);
    expect(v(all.dsa.complaints.byOutcome.upheld)).toBe(2);
  });

  it("matches the schema the API documents", () => {
    expect(TransparencyReport.safeParse(report).success).toBe(true);
  });
});

/** How many events the audit search lists for a re-count link. */
async function recount(link: string): Promise<number> {
  const url = new URL(link, "http://docket.invalid");
  expect(url.pathname).toBe("/audit");
  const q = parseSearch(url.searchParams);
  if (!q.success) throw new Error(`bad re-count link ${link}: ${q.error.message}`);
  return (await searchEvents(q.data, 10_000)).rows.length;
}

// Figures the audit search cannot count: medians (their link lists the durations they are the median
// of), the share within one hour (its link lists the closing decisions it is a share of), the met and
// missed deadlines (a search cannot compare a decision's time with its deadline), remove + restrict
// under orders (two searches: removed and restricted), and decisions by automation alone (always 0).
const NOT_EXACT = new Set([
  "dsa.actions.medianTimeToDecision.all",
  "dsa.actions.medianTimeToDecision.order",
  "dsa.actions.medianTimeToDecision.terms",
  "dsa.complaints.medianTimeToDecide.all",
  "dsa.complaints.medianTimeToDecide.order",
  "dsa.complaints.medianTimeToDecide.terms",
  "tco.withinOneHour.share",
]);

describe("re-counting each figure in the audit search", () => {
  it("every countable figure's link lists exactly as many events as the figure", async () => {
    const counted: string[] = [];
    for (const row of figureRows(report)) {
      if (row.recount === null || NOT_EXACT.has(row.path)) continue;
      expect(await recount(row.recount), `${row.path}: ${row.recount}`).toBe(row.value);
      counted.push(row.path);
    }
    expect(counted.length).toBe(figureRows(report).length - NOT_EXACT.size - 4);
    expect(
      figureRows(report)
        .filter((r) => r.recount === null)
        .map((r) => r.path),
    ).toEqual(["dsa.automatedMeans.decidedByAutomationAlone", "tco.itemsActioned.total", "tco.withinOneHour.met", "tco.withinOneHour.missed"]);
  });

  it("the links of medians and of the share list what they are taken over", async () => {
    const a = report.dsa.actions.medianTimeToDecision;
    expect([await recount(a.all.recount!), await recount(a.order.recount!), await recount(a.terms.recount!)]).toEqual([7, 3, 4]);
    const c = report.dsa.complaints.medianTimeToDecide;
    expect([await recount(c.all.recount!), await recount(c.order.recount!), await recount(c.terms.recount!)]).toEqual([3, 1, 2]);
    expect(await recount(report.tco.withinOneHour.share.recount!)).toBe(3);
  });

  it("the audit search's new filters refuse malformed payload fields", () => {
    expect(parseSearch(new URLSearchParams({ field: "source:user_report" })).success).toBe(true);
    expect(parseSearch(new URLSearchParams({ field: "source:user%report" })).success).toBe(false);
    expect(parseSearch(new URLSearchParams({ field: "nocolon" })).success).toBe(false);
    expect(parseSearch(new URLSearchParams({ kind: "robot" })).success).toBe(false);
    expect(parseSearch(new URLSearchParams({ ground: "order" })).success).toBe(true);
  });

  it("a re-count link opens the audit page", async () => {
    const auditor = await makeUser("auditor");
    const client = new Client(server.url);
    await client.login(auditor.email, PASSWORD);
    const res = await client.get(report.dsa.notices.bySource.removal_order.recount!);
    expect(res.status).toBe(200);
    const html = markupText(await res.text());
    expect(html.match(/flag\.received/g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain("Also narrowed by field source:removal_order,platform:test.");
  });
});

const withoutTime = (r: unknown) => {
  const { generatedAt: _generatedAt, ...rest } = r as TransparencyReport;
  return rest;
};

describe("the page, the export and the API", () => {
  const query = `from=${PERIOD.from}&to=${PERIOD.to}&platform=${P}`;

  it("auditors, leads and admins read the page; moderators are refused", async () => {
    for (const role of ["auditor", "policy_lead", "admin"] as const) {
      const user = await makeUser(role);
      const client = new Client(server.url);
      await client.login(user.email, PASSWORD);
      const page = await client.get(`/reports/transparency?${query}`);
      expect(page.status, role).toBe(200);
      const html = markupText(await page.text());
      expect(html).toContain("Removal orders received");
      expect(html).toContain('<th scope="row"');
      expect(html).toContain("66.7 %");
      expect((await client.get(`/reports/transparency/export?format=csv&${query}`)).status).toBe(200);
    }
    const mod = await makeUser("moderator");
    const client = new Client(server.url);
    await client.login(mod.email, PASSWORD);
    expect((await client.get(`/reports/transparency?${query}`)).status).toBe(403);
    expect((await client.get(`/reports/transparency/export?format=json&${query}`)).status).toBe(403);
  });

  it("the page passes axe in Chromium, and its form chooses the period and platform", async () => {
    const auditor = await makeUser("auditor");
    const browser = await openBrowser();
    try {
      const { page } = browser;
      await loginInBrowser(page, server.url, auditor.email, PASSWORD);
      await page.goto(`${server.url}/reports/transparency`);
      await page.getByLabel("From (first day, UTC)").fill(PERIOD.from);
      await page.getByLabel("To (last day, UTC)").fill(PERIOD.to);
      await page.getByLabel("Platform", { exact: true }).selectOption(P);
      await Promise.all([page.waitForURL((url) => url.searchParams.get("platform") === P), page.getByRole("button", { name: "Show report" }).click()]);
      // The page opened on the current half-year; the chosen period's report replaces it.
      await page.getByText(`${PERIOD.from} to ${PERIOD.to} (UTC, both days included), ${P}.`).waitFor();
      await page.getByRole("table", { name: /Removal orders for terrorist content/ }).waitFor();
      const row = page.getByRole("row", { name: /Removal orders received/ });
      await expect(row.getByRole("cell").first().textContent()).resolves.toBe("3");
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("defaults to the current half-year so far, offers the last full one, and refuses a bad period with 400", async () => {
    const auditor = await makeUser("auditor");
    const client = new Client(server.url);
    await client.login(auditor.email, PASSWORD);
    const today = dayOf(currentTime());
    const def = currentHalfYearSoFar(today);
    const page = await client.get("/reports/transparency");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`value="${def.from}"`);
    expect(html).toContain(`value="${today}"`);
    const last = lastFullHalfYear(today);
    expect(html).toContain(`?from=${last.from}&amp;to=${last.to}`);
    expect((await client.get("/reports/transparency?from=2026-06-30&to=2026-01-01")).status).toBe(400);
    expect((await client.get(`/reports/transparency/export?format=xml&${query}`)).status).toBe(400);
    expect((await client.get("/reports/transparency/export?format=csv&from=2026-13-01&to=2026-12-31")).status).toBe(400);
  });

  it("the JSON and CSV exports carry the same figures", async () => {
    const auditor = await makeUser("auditor");
    const client = new Client(server.url);
    await client.login(auditor.email, PASSWORD);
    const json = await (await client.get(`/reports/transparency/export?format=json&${query}`)).json();
    expect(withoutTime(json)).toEqual(withoutTime(report));
    const csv = parseCsv(await (await client.get(`/reports/transparency/export?format=csv&${query}`)).text());
    expect(csv[0]).toEqual(["section", "figure", "breakdown", "value", "rule", "recount"]);
    const rows = figureRows(report);
    expect(csv.length - 1).toBe(rows.length);
    rows.forEach((row, i) => {
      const [section, figure, breakdown, value, rule, link] = csv[i + 1];
      expect([section, figure, breakdown, rule], row.path).toEqual([row.section, row.figure, row.breakdown, row.rule]);
      expect(value === "" ? null : Number(value), row.path).toBeCloseTo(row.value ?? NaN, 5);
      expect(link, row.path).toBe(row.recount ? `${server.url}${row.recount}` : "");
    });
  });

  it("the API answers the key's own platform's report, and only with reports:read", async () => {
    const { token } = await makeApiKey(P, ["reports:read"]);
    const res = await fetch(`${server.url}/api/v1/transparency-report?from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(withoutTime(await res.json())).toEqual(withoutTime(report));

    const other = (await makeApiKey(OTHER, ["reports:read"])).token;
    const theirs = (await (
      await fetch(`${server.url}/api/v1/transparency-report?from=2026-01-01&to=2026-07-01`, { headers: { Authorization: `Bearer ${other}` } })
    ).json()) as TransparencyReport;
    expect(theirs.platform).toBe(OTHER);
    expect(theirs.dsa.notices.total.value).toBe(1);

    const without = (await makeApiKey(P, ["flags:write"])).token;
    const refused = await fetch(`${server.url}/api/v1/transparency-report?from=2026-01-01&to=2026-07-01`, { headers: { Authorization: `Bearer ${without}` } });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain("reports:read");

    const bad = await fetch(`${server.url}/api/v1/transparency-report?from=2026-01-01T10:00:00Z&to=2026-07-01`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
  });
});
