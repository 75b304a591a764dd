import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { DEMO_CAMPAIGN_REFERENCE, DEMO_NEWS_REPORT_ID, DEMO_ORDER_REFERENCE, DEMO_QUOTED_FAMILY, loadDemoClusters } from "~/demo/clusters.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { campaignPage, listCampaigns } from "~/modules/campaigns/campaigns.server.ts";

describe("demo referral campaign", () => {
  it("arrives through intake as clusters of copies, with a news report inside one cluster, removal orders and progress", { timeout: 180_000 }, async () => {
    await loadDemo();
    const campaigns = await listCampaigns();
    const campaign = campaigns.find((c) => c.reference === DEMO_CAMPAIGN_REFERENCE)!;
    expect(campaign).toBeDefined();
    expect(campaign.sources).toEqual(["authority_referral"]);
    expect(campaign.items).toBeGreaterThanOrEqual(300);
    expect(campaign.items).toBeLessThanOrEqual(400);
    expect(campaign.decided).toBeGreaterThan(0);
    expect(campaign.open).toBeGreaterThan(0);
    const orders = campaigns.find((c) => c.reference === DEMO_ORDER_REFERENCE)!;
    expect(orders.sources).toEqual(["removal_order"]);
    expect(orders.items).toBeGreaterThanOrEqual(3);

    // Several families, each one cluster of many copies, beside the template texts' clusters of one.
    const page = await campaignPage({ reference: DEMO_CAMPAIGN_REFERENCE, platform: campaign.platform });
    const big = page.clusters.filter((c) => c.referred >= 10);
    expect(big.length).toBeGreaterThanOrEqual(4);
    expect(big.length).toBeLessThanOrEqual(6);
    expect(big.reduce((n, c) => n + c.referred, 0)).toBeGreaterThanOrEqual(300);
    expect(page.clusters.some((c) => c.decided > 0 && c.open > 0)).toBe(true);
    expect(page.totals.decided + page.totals.open).toBe(page.totals.itemsReferred);

    // The news report joined the cluster of the family it quotes: the member a moderator must split out.
    const news = await db.item.findFirstOrThrow({ where: { externalId: DEMO_NEWS_REPORT_ID } });
    const quotedFamily = await db.item.findMany({ where: { externalId: { startsWith: `demo-campaign-${DEMO_QUOTED_FAMILY}-` } }, select: { clusterId: true } });
    expect(quotedFamily.length).toBeGreaterThan(5);
    expect(new Set(quotedFamily.map((i) => i.clusterId))).toEqual(new Set([news.clusterId]));
    expect(news.state).toBe("pending");

    // The removal orders are copies of the largest family and joined its cluster.
    const orderItems = await db.item.findMany({ where: { flags: { some: { reference: DEMO_ORDER_REFERENCE } } }, select: { clusterId: true } });
    expect(new Set(orderItems.map((i) => i.clusterId)).size).toBe(1);
    expect(page.clusters[0].clusterId).toBe(orderItems[0].clusterId);

    // Loading again adds nothing.
    const items = await db.item.count();
    expect(await loadDemoClusters()).toMatch(/already there/);
    expect(await db.item.count()).toBe(items);
  });
});
