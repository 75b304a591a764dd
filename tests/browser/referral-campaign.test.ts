import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { db } from "~/db.server.ts";
import type { CampaignReport } from "~/modules/campaigns/campaign.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import { propagandaFamily } from "../support/cluster-fixture.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations, reviewKeysReady } from "../support/browser.ts";
import { starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// The referral case end to end, as people meet it: a referral unit's batch arrives through the API,
// a lead finds the campaign, a moderator splits out the news report that quotes the post and decides
// the rest of the cluster with the keyboard alone, and the outcome report lists every referred item.
const REFERENCE = "IRU/ACTION DAY 12";
const LABEL_KEY = "ve_propaganda_distribution";
const family = propagandaFamily("iru");
const posts = family.filter((m) => !m.externalId.endsWith("-news"));
const news = family.find((m) => m.externalId.endsWith("-news"))!;
const UNRELATED = "unrelated-leaflet";

let server: RunningServer;
let leadBrowser: Awaited<ReturnType<typeof openBrowser>>;
let moderatorBrowser: Awaited<ReturnType<typeof openBrowser>>;
let apiKey: string;
let platform: string;
let lead: Awaited<ReturnType<typeof makeUser>>;
let moderator: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  await starterLabels();
  const made = await makeApiKey("referral-platform");
  apiKey = made.token;
  platform = made.key.platform;
  lead = await makeUser("policy_lead");
  moderator = await makeUser("moderator");
  server = await startServer();
  leadBrowser = await openBrowser();
  moderatorBrowser = await openBrowser();
});
afterAll(async () => {
  await leadBrowser?.close();
  await moderatorBrowser?.close();
  await server?.stop();
});

/**
 * One referral flag. The posts were found first (earlier receipt), so the queue serves a copy of the
 * post before the news report that quotes it, whatever order their ids fall in.
 */
function referral(externalId: string, body: string, handle: string, receivedAt?: Date) {
  return {
    content: { externalId, type: "text", body, author: { externalId: `author-${externalId}`, handle } },
    flag: {
      externalId: `flag-${externalId}`,
      source: "authority_referral",
      reason: "violent_extremism",
      reference: REFERENCE,
      ...(receivedAt ? { receivedAt: receivedAt.toISOString() } : {}),
    },
  };
}

/** Presses Tab until the focus is on the control with this text, as a keyboard user reaches it. */
async function tabTo(page: Page, text: string, limit = 400) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((t) => document.activeElement?.textContent?.trim() === t, text)) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

/** The session cookie of a browser context, for downloads made outside the page. */
async function cookieHeader(context: BrowserContext) {
  return (await context.cookies(server.url)).map((c) => `${c.name}=${c.value}`).join("; ");
}

describe("a referral campaign from the batch API to the outcome report", () => {
  let clusterId: string;
  const ids = new Map<string, string>();
  const idOf = (externalId: string) => ids.get(externalId)!;

  it("a referral arrives through the batch API: the copies of the post and the news report quoting it share a cluster", async () => {
    const found = Date.now() - 10 * 60_000;
    const res = await fetch(`${server.url}/api/v1/flags/batch`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        flags: [
          ...posts.map((m, i) => referral(m.externalId, m.body, m.handle!, new Date(found + i * 1000))),
          referral(news.externalId, news.body, news.handle!),
          referral(UNRELATED, "A leaflet of the fictional Grey Tide club about its harbour fair.", "grey_tide"),
        ],
      }),
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { itemId: string; clusterId: string }[] };
    expect(results).toHaveLength(posts.length + 2);
    [...posts.map((m) => m.externalId), news.externalId, UNRELATED].forEach((externalId, i) => ids.set(externalId, results[i]!.itemId));

    clusterId = results[0]!.clusterId;
    expect(results.slice(0, posts.length + 1).map((r) => r.clusterId)).toEqual(Array(posts.length + 1).fill(clusterId));
    expect(results[posts.length + 1]!.clusterId).not.toBe(clusterId);
    const items = await db.item.findMany({ where: { id: { in: [...ids.values()] } }, select: { clusterId: true } });
    expect(items.filter((i) => i.clusterId === clusterId)).toHaveLength(posts.length + 1);
  });

  it("the lead finds the campaign by its reference and sees its totals and the cluster", async () => {
    const { page } = leadBrowser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    await page.goto(`${server.url}/campaigns`);
    const row = page.getByRole("row", { name: new RegExp(REFERENCE) });
    await expect(row.getByRole("cell", { name: platform, exact: true }).count()).resolves.toBe(1);
    await Promise.all([page.waitForURL(`**/campaigns/${encodeURIComponent(REFERENCE)}**`), row.getByRole("link", { name: REFERENCE }).click()]);

    await page.getByRole("heading", { name: REFERENCE, level: 1 }).waitFor();
    const figure = (name: string) => page.locator(`td[data-figure="${name}"]`).textContent();
    await expect(figure("Items referred")).resolves.toBe("6");
    await expect(figure("Open")).resolves.toBe("6");
    await expect(figure("Decided")).resolves.toBe("0");
    await expect(page.getByRole("img", { name: "The whole campaign: 0 of 6 decided, 6 open" }).count()).resolves.toBe(1);

    // Progress by cluster: the post's cluster (its copies and the news report) first, linked to its page.
    const byCluster = page.getByRole("region", { name: "Progress by cluster" });
    const clusterRow = byCluster.getByRole("row").filter({ has: page.locator(`a[href="/clusters/${clusterId}"]`) });
    await expect(clusterRow.getByRole("cell").allTextContents()).resolves.toEqual([
      expect.stringContaining(posts[0]!.externalId),
      "5",
      "0",
      "5",
      expect.any(String),
    ]);
    await expect(byCluster.getByRole("row").count()).resolves.toBe(3);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("a moderator takes the next item, splits out the news report and decides the cluster, all by keyboard", async () => {
    const { page } = moderatorBrowser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await loginInBrowser(page, server.url, moderator.email, PASSWORD);
    await page.goto(`${server.url}/queue`);
    await page.waitForFunction(() => document.documentElement.dataset.nextKey === "on");
    await Promise.all([page.waitForURL("**/review/**"), page.keyboard.press("n")]);
    const served = new URL(page.url()).pathname.split("/").pop()!;
    const postIds = posts.map((m) => idOf(m.externalId));
    expect(served, "the earliest referred copy of the post is served first").toBe(postIds[0]);
    await reviewKeysReady(page, served);
    await page.getByRole("region", { name: "Cluster of 5 members, 5 open" }).waitFor();

    // Split: Tab to the news report's split control, open it, give the reason, Enter.
    await tabTo(page, `Split ${news.externalId} out of the cluster`);
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`split-reason-${idOf(news.externalId)}`);
    await page.keyboard.type("A news report quoting the post, not a copy of it.");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("notice") === "split"), page.keyboard.press("Enter")]);
    await page.getByRole("region", { name: "Cluster of 4 members, 4 open" }).waitFor();
    await reviewKeysReady(page, served);

    const newsItem = await db.item.findUniqueOrThrow({ where: { id: idOf(news.externalId) } });
    expect(newsItem.clusterId).not.toBe(clusterId);
    const splits = await db.auditEvent.findMany({ where: { action: "cluster.member_split" } });
    expect(splits.map((e) => JSON.parse(e.payload))).toEqual([
      { itemId: newsItem.id, fromClusterId: clusterId, toClusterId: newsItem.clusterId, reason: "A news report quoting the post, not a copy of it." },
    ]);

    // Decide: the label by its number, Remove, the rationale, then Tab to the scope and the arrow down to "Whole cluster".
    const labelNumber = (await page.locator(`input[name="labelIds"][data-key="${LABEL_KEY}"]`).getAttribute("id"))!.replace("label-", "");
    await page.keyboard.type(labelNumber);
    await page.waitForFunction((id) => (document.getElementById(id) as HTMLInputElement).checked, `label-${labelNumber}`);
    await page.keyboard.press("r");
    await page.keyboard.press("/");
    await page.keyboard.type("Copies of the referred propaganda post.");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe("item");
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("radio", { name: `Whole cluster (${posts.length - 1} open members)` }).isChecked()).resolves.toBe(true);
    expect(await page.locator('input[name="action"][value="remove"]').isChecked()).toBe(true);
    await Promise.all([page.waitForURL((u) => (u.searchParams.get("notice") ?? "split") !== "split"), page.keyboard.press("Control+Enter")]);

    // Every copy has its own decision, made from the one the moderator made, each on the audit record.
    const decisions = await db.decision.findMany({
      where: { itemId: { in: [...ids.values()] } },
      select: { id: true, itemId: true, action: true, clusterDecisionId: true, labels: { select: { label: { select: { key: true } } } } },
    });
    const servedDecision = decisions.find((d) => d.itemId === served)!;
    expect(servedDecision.clusterDecisionId).not.toBeNull();
    expect(new Set(decisions.map((d) => d.itemId))).toEqual(new Set(postIds));
    for (const d of decisions) {
      expect(d).toMatchObject({ action: "remove", clusterDecisionId: servedDecision.clusterDecisionId });
      expect(d.labels.map((l) => l.label.key)).toEqual([LABEL_KEY]);
    }
    const made = (await db.auditEvent.findMany({ where: { action: "decision.made" } })).map((e) => JSON.parse(e.payload) as Record<string, unknown>);
    expect(made.map((p) => p.decisionId).sort()).toEqual(decisions.map((d) => d.id).sort());
    for (const p of made) expect(p.clusterDecisionId).toBe(servedDecision.clusterDecisionId);

    const finished = await db.auditEvent.findMany({ where: { action: "cluster.decision_finished" } });
    expect(finished.map((e) => JSON.parse(e.payload))).toEqual([
      { clusterDecisionId: servedDecision.clusterDecisionId, clusterId, decided: posts.length - 1, skipped: 0 },
    ]);

    // The news report was split out first, so the cluster decision did not reach it; nor the unrelated item.
    for (const externalId of [news.externalId, UNRELATED]) {
      const item = await db.item.findUniqueOrThrow({ where: { id: idOf(externalId) } });
      expect(isOpen(item.state), externalId).toBe(true);
    }
    expect(errors).toEqual([]);
  });

  it("the lead sees the progress and downloads the outcome report: every referred item, decided or open", async () => {
    const { page, context } = leadBrowser;
    await page.reload();
    await page.getByRole("heading", { name: REFERENCE, level: 1 }).waitFor();
    await expect(page.getByRole("img", { name: "The whole campaign: 4 of 6 decided, 2 open" }).count()).resolves.toBe(1);
    // The copies' cluster is done; the news report, split out, stands as its own open row.
    const byCluster = page.getByRole("region", { name: "Progress by cluster" });
    const rowOf = (externalId: string) => byCluster.getByRole("row").filter({ hasText: externalId }).getByRole("cell").allTextContents();
    await expect(rowOf(posts[0]!.externalId)).resolves.toEqual([expect.any(String), "4", "4", "0", expect.any(String)]);
    await expect(rowOf(news.externalId)).resolves.toEqual([expect.any(String), "1", "0", "1", expect.any(String)]);
    expect(await seriousA11yViolations(page)).toEqual([]);

    const reportUrl = async (format: string) =>
      new URL((await page.getByRole("link", { name: `Outcome report (${format.toUpperCase()})` }).getAttribute("href"))!, server.url);
    const cookie = await cookieHeader(context);
    const jsonRes = await fetch(await reportUrl("json"), { headers: { cookie } });
    expect(jsonRes.status).toBe(200);
    const report = (await jsonRes.json()) as CampaignReport;
    const csvRes = await fetch(await reportUrl("csv"), { headers: { cookie } });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get("content-type")).toMatch(/^text\/csv/);
    const [itemsPart] = (await csvRes.text()).split("\r\n\r\n");
    const [header, ...rows] = itemsPart!.trim().split("\r\n");
    const columns = header!.split(",");
    const csvRows = rows.map((r) => Object.fromEntries(r.split(",").map((cell, i) => [columns[i], cell])));

    const referred = [...posts.map((m) => m.externalId), news.externalId, UNRELATED];
    expect(report.items.map((i) => i.externalId).sort()).toEqual([...referred].sort());
    expect(csvRows.map((r) => r.item_external_id).sort()).toEqual([...referred].sort());
    expect(report.summary).toMatchObject({ itemsReferred: 6, decided: 4, decidedBy: { keep: 0, remove: 4, restrict: 0 }, open: 2, escalated: 0 });

    const decisions = await db.decision.findMany({ where: { itemId: { in: [...ids.values()] } } });
    for (const externalId of referred) {
      const item = report.items.find((i) => i.externalId === externalId)!;
      const row = csvRows.find((r) => r.item_external_id === externalId)!;
      const decision = decisions.find((d) => d.itemId === idOf(externalId));
      if (decision) {
        expect(item.decision, externalId).toMatchObject({ id: decision.id, action: "remove", labelKeys: [LABEL_KEY], auditSeq: decision.seq });
        expect(new Date(item.decision!.decidedAt).getTime()).toBe(decision.createdAt.getTime());
        expect(row).toMatchObject({ decision_action: "remove", label_keys: LABEL_KEY, decided_at: decision.createdAt.toISOString(), decision_id: decision.id });
        expect(isOpen(item.state)).toBe(false);
      } else {
        expect(item.decision, externalId).toBeNull();
        expect(isOpen(item.state), externalId).toBe(true);
        expect(row).toMatchObject({ state: item.state, decision_action: "", decided_at: "" });
      }
    }
    expect(decisions.map((d) => d.itemId).sort()).toEqual(posts.map((m) => idOf(m.externalId)).sort());
    // The split news report now stands in its own cluster in the report too.
    expect(report.items.find((i) => i.externalId === news.externalId)!.clusterId).not.toBe(clusterId);
  });
});
