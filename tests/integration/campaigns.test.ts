import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import type { CampaignReport } from "~/modules/campaigns/campaign.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { makeApiKey, makeTeam, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// A referral campaign end to end over HTTP: the referral arrives through the batch API, a lead
// follows it on the campaign pages while items are decided, and the outcome report lists every
// referred item with its decision; its totals re-count from the audit log's decision.made events.
const REFERENCE = "IRU/ACTION DAY 7";
const PAGE_ROUTE = "routes/_console.campaigns.$reference";
const path = (tail = "") => `/campaigns/${encodeURIComponent(REFERENCE)}${tail}`;

let server: RunningServer;
let apiKey: string;
let platform: string;
let team: Awaited<ReturnType<typeof makeTeam>>;
let versionId: string;
const lead = () => signedIn(team.policy_lead.email);
const auditor = () => signedIn(team.auditor.email);

async function signedIn(email: string) {
  const client = new Client(server.url);
  await client.login(email, PASSWORD);
  return client;
}

const BASE = [
  "The fictional Ashen Meridian council told its followers to gather at the old river market on Tuesday and to bring banners.",
  "Only the movement can restore the honour of the valley, the statement said, praising a placeholder figure called Leader X.",
  "Every supporter must bring two new members to the next meeting and share this message before the end of the month.",
].join("\n\n");
const OTHER = [
  "A second fictional text from the Grey Tide placeholder group urges readers to print its leaflets at home and hand them out.",
  "The leaflet repeats the group's slogans about the coming dawn and lists the names of imaginary heroes of the movement.",
  "It closes with a call to meet at the harbour after dark and to tell no one outside the circle about the plan.",
].join("\n\n");
const copies = (base: string) => [
  base,
  `BREAKING: ${base}`,
  `Repost:\n${base}\nhttps://example.test/t?id=1&utm_source=share`,
  base.replace("Tuesday", "Friday"),
];

const referral = (externalId: string, body: string, flag: Record<string, unknown> = {}) => ({
  content: { externalId, type: "text", body },
  flag: { externalId: `flag-${externalId}`, source: "authority_referral", reason: "violent_extremism", reference: REFERENCE, ...flag },
});

beforeAll(async () => {
  versionId = (await starterLabels()).versionId;
  const made = await makeApiKey("campaign-platform");
  apiKey = made.token;
  platform = made.key.platform;
  team = await makeTeam();
  server = await startServer();
});
afterAll(() => server?.stop());

async function postBatch(flags: unknown[]) {
  const res = await fetch(`${server.url}/api/v1/flags/batch`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ flags }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { results: { itemId: string; clusterId: string }[] };
}

async function decideItem(externalId: string, action: DecisionAction, labelKey: string) {
  const item = await db.item.findFirstOrThrow({ where: { platform, externalId } });
  const user = { id: team.moderator.id, email: team.moderator.email, role: team.moderator.role as Role };
  const claim = (await claimItem(user, item.id))!;
  expect(claim?.itemId).toBe(item.id);
  const label = await db.label.findFirstOrThrow({ where: { key: labelKey, versionId } });
  await decide(user, { itemId: item.id, claimId: claim.claimId, action, labelIds: [label.id], rationale: action === "keep" ? "" : "Synthetic test decision." });
}

/** Counts re-made from the audit log alone: the latest decision.made event of each referred item, by action. */
async function recountFromAudit(itemIds: string[]) {
  const events = await db.auditEvent.findMany({ where: { action: "decision.made" }, orderBy: { seq: "asc" }, select: { seq: true, payload: true } });
  const latest = new Map<string, string>();
  for (const e of events) {
    const payload = JSON.parse(e.payload) as { itemId: string; action: string };
    if (itemIds.includes(payload.itemId)) latest.set(payload.itemId, payload.action);
  }
  const by = { keep: 0, remove: 0, restrict: 0, escalate: 0 };
  for (const action of latest.values()) by[action as keyof typeof by]++;
  return by;
}

describe("referral campaigns", () => {
  it("a referral through the batch API forms a campaign; a lead follows it; the outcome report re-counts from the audit log", async () => {
    const answer = await postBatch([
      ...copies(BASE).map((body, i) => referral(`base-${i}`, body)),
      ...copies(OTHER).map((body, i) => referral(`other-${i}`, body)),
      referral("=SUM(1+1)", "A short distinct referred post about a fictional town fair."),
      // The same reference from a user is no part of the campaign; another reference is another campaign.
      referral("user-copy", BASE, { source: "user_report", reference: REFERENCE }),
      referral("elsewhere", OTHER.replace("harbour", "station"), { reference: "IRU/OTHER" }),
    ]);
    expect(new Set(answer.results.slice(0, 4).map((r) => r.clusterId)).size).toBe(1);
    expect(new Set(answer.results.slice(4, 8).map((r) => r.clusterId)).size).toBe(1);

    const asLead = await lead();
    const list = await asLead.get("/campaigns");
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain("IRU/ACTION DAY 7");
    expect(listHtml).toContain("IRU/OTHER");

    const before = (await (await asLead.get(`${path()}?_data=${encodeURIComponent(PAGE_ROUTE)}`)).json()) as {
      page: { totals: { itemsReferred: number; decided: number; open: number }; clusters: { clusterId: string; referred: number }[] };
    };
    expect(before.page.totals).toMatchObject({ itemsReferred: 9, decided: 0, open: 9 });
    expect(before.page.clusters.map((c) => c.referred)).toEqual([4, 4, 1]);
    const pageHtml = await (await asLead.get(path())).text();
    expect(pageHtml).toContain(`href="/clusters/${before.page.clusters[0].clusterId}"`);
    expect(pageHtml).toMatch(/aria-label="The whole campaign: 0 of 9 decided, 9 open"/);

    await decideItem("base-0", "remove", "ve_propaganda_distribution");
    await decideItem("base-1", "remove", "ve_propaganda_distribution");
    await decideItem("other-0", "restrict", "ve_representation");
    await decideItem("other-1", "keep", "ve_news_reporting");
    await decideItem("other-2", "escalate", "ve_needs_specialist");
    await decideItem("elsewhere", "remove", "ve_recruitment");

    const after = (await (await asLead.get(`${path()}?_data=${encodeURIComponent(PAGE_ROUTE)}`)).json()) as {
      page: { totals: { decided: number; open: number; escalated: number; decidedBy: Record<string, number> }; clusters: { decided: number; open: number }[] };
    };
    expect(after.page.totals).toMatchObject({ decided: 4, open: 5, escalated: 1, decidedBy: { keep: 1, remove: 2, restrict: 1 } });
    expect(after.page.clusters.map((c) => [c.decided, c.open])).toEqual([
      [2, 2],
      [2, 2],
      [0, 1],
    ]);

    const jsonRes = await asLead.get(`${path("/report")}?format=json`);
    expect(jsonRes.status).toBe(200);
    expect(jsonRes.headers.get("content-disposition")).toMatch(/^attachment; filename="campaign-campaign-platform-IRU-ACTION-DAY-7\.json"$/);
    const report = (await jsonRes.json()) as CampaignReport;
    expect(report.items).toHaveLength(9);
    expect(report.items.map((i) => i.externalId).sort()).toEqual(
      [...copies(BASE).map((_, i) => `base-${i}`), ...copies(OTHER).map((_, i) => `other-${i}`), "=SUM(1+1)"].sort(),
    );
    const removed = report.items.find((i) => i.externalId === "base-0")!;
    const decision = await db.decision.findFirstOrThrow({ where: { item: { platform, externalId: "base-0" } } });
    expect(removed.decision).toMatchObject({
      id: decision.id,
      action: "remove",
      labelKeys: ["ve_propaganda_distribution"],
      labelSet: { key: "violent_extremism", version: 1 },
      auditSeq: decision.seq,
      supersedes: null,
    });
    expect(new Date(removed.decision!.decidedAt).getTime()).toBe(decision.createdAt.getTime());
    expect(removed.flagExternalIds).toEqual(["flag-base-0"]);

    // Every total re-counts from the audit log: the latest decision.made event of each referred item.
    const audit = await recountFromAudit(report.items.map((i) => i.itemId));
    expect(report.summary.decidedBy).toEqual({ keep: audit.keep, remove: audit.remove, restrict: audit.restrict });
    expect(report.summary.escalated).toBe(audit.escalate);
    expect(report.summary.decided).toBe(audit.keep + audit.remove + audit.restrict);
    // ...and the audit search each figure links to finds exactly those events.
    const asAuditor = await auditor();
    for (const figure of report.summary.figures.filter((f) => f.audit && f.name.startsWith("Decided: "))) {
      const res = await asAuditor.get(`${figure.audit}&_data=${encodeURIComponent("routes/_console.audit._index")}`);
      expect(res.status).toBe(200);
      const { rows } = (await res.json()) as { rows: { decisionAction: string }[] };
      expect(rows.length, figure.name).toBe(figure.value);
      expect(rows.every((r) => `Decided: ${r.decisionAction}` === figure.name)).toBe(true);
    }

    const csvRes = await asLead.get(`${path("/report")}?format=csv`);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csvRes.headers.get("content-disposition")).toMatch(/^attachment; /);
    const csv = await csvRes.text();
    const [itemsPart, summaryPart] = csv.split("\r\n\r\n");
    const rows = itemsPart.trim().split("\r\n");
    expect(rows[0]).toBe(
      "platform,item_external_id,flag_external_ids,received_at,cluster_id,state,decision_action,label_keys,label_set,label_set_version,decided_at,decision_id,audit_seq,supersedes_decision_id",
    );
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.includes(decision.id))).toContain(
      `,remove,ve_propaganda_distribution,violent_extremism,1,${decision.createdAt.toISOString()},${decision.id},${decision.seq},`,
    );
    // A formula an external id carries is neutralised, never run by a spreadsheet.
    expect(csv).toContain("campaign-platform,'=SUM(1+1),flag-=SUM(1+1),");
    expect(summaryPart).toContain(`Decided: remove,${audit.remove},`);
  });

  it("the audit search's reference filter keeps to the campaign's decisions", async () => {
    const asAuditor = await auditor();
    const search = (q: Record<string, string>) =>
      asAuditor
        .get(`/audit?${new URLSearchParams({ ...q, action: "decision.made", _data: "routes/_console.audit._index" })}`)
        .then((r) => r.json() as Promise<{ rows: { decisionId: string }[] }>);
    const elsewhere = await db.decision.findFirstOrThrow({ where: { item: { platform, externalId: "elsewhere" } } });
    const inCampaign = await search({ reference: REFERENCE, platform });
    expect(inCampaign.rows).toHaveLength(5);
    expect(inCampaign.rows.map((r) => r.decisionId)).not.toContain(elsewhere.id);
    expect((await search({ reference: "IRU/OTHER" })).rows.map((r) => r.decisionId)).toEqual([elsewhere.id]);
    expect((await search({ reference: REFERENCE, platform: "no-such-platform" })).rows).toHaveLength(0);
  });

  it("unknown references are 404, bad input is 400, and a moderator may not read campaigns", async () => {
    const asLead = await lead();
    expect((await asLead.get("/campaigns/NO-SUCH-REFERENCE")).status).toBe(404);
    expect((await asLead.get("/campaigns/NO-SUCH-REFERENCE/report?format=csv")).status).toBe(404);
    const bad = await asLead.get(`${path("/report")}?format=xlsx`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    // Any reference intake could have stored can be asked for (verbatim, up to its 500 characters); a longer one cannot exist.
    expect((await asLead.get(`/campaigns/${encodeURIComponent("odd\u0001ref ")}`)).status).toBe(404);
    expect((await asLead.get(`/campaigns/${"R".repeat(501)}`)).status).toBe(400);

    const asModerator = await signedIn(team.moderator.email);
    for (const url of ["/campaigns", path(), `${path("/report")}?format=csv`, `${path("/report")}?format=json`]) {
      expect((await asModerator.get(url)).status, url).toBe(403);
    }
    const asAdmin = await signedIn(team.admin.email);
    expect((await asAdmin.get(path())).status).toBe(200);
  });
});
