import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { generateCampaign, type CampaignItem } from "~/modules/clusters/synthetic-campaign.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";
import { INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { claimItemOrWhy } from "~/modules/queue/claims.server.ts";

// A referral unit's action day, synthetic from end to end: the fictional Demo Referral Unit refers a
// few hundred lightly edited copies of five texts of fictional groups (the clustering benchmark's
// generator), some distinct texts written from the same templates, and a news report that quotes
// one of the copies. All of it arrives through the real intake, so the clusters form as they would
// in production; the news report joins the cluster of the copy it quotes and is there to be split out.
export const DEMO_CAMPAIGN_REFERENCE = "REF-DEMO-ACTION-DAY";
export const DEMO_ORDER_REFERENCE = "TCO-RO-DEMO-0042";
export const DEMO_NEWS_REPORT_ID = "demo-campaign-news-report";
/** The family the news report quotes a member of. */
export const DEMO_QUOTED_FAMILY = "family-0005";
export const DEMO_CAMPAIGN_SHAPE = { seed: 20260713, families: 5, total: 330, templateTexts: 24 } as const;
const REFERRAL_UNIT = "Demo Referral Unit (fictional)";

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const externalIdOf = (item: CampaignItem) => `demo-campaign-${item.externalId}`;

/**
 * The news report: mostly the quoted post, in a short news frame. A longer article quoting it stays
 * out of the cluster by the matching rule (decision record 041); this one is close enough to join,
 * which is the case a moderator must notice and split out.
 */
export function demoNewsReport(quoted: CampaignItem): { title: string; body: string } {
  return {
    title: "Post attributed to a fictional group circulates again",
    body: `Readers sent us this post, shared widely this week: "${quoted.body.replace(/\s*\n+\s*/g, " ")}" Platforms said they were reviewing the copies.`,
  };
}

function referral(externalId: string, content: { title?: string; body: string }, receivedAt: Date, n: number): FlagRequest {
  return FlagRequest.parse({
    content: {
      externalId,
      type: "text",
      ...(content.title ? { title: content.title } : {}),
      body: content.body,
      language: "en",
      author: { externalId: `demo-campaign-author-${n % 41}`, handle: `demo_relay_${n % 41}` },
    },
    flag: {
      externalId: `demo-referral-${externalId}`,
      source: "authority_referral",
      reason: "violent_extremism",
      reference: DEMO_CAMPAIGN_REFERENCE,
      note: `Referred by the ${REFERRAL_UNIT} during its action day (synthetic).`,
      receivedAt: receivedAt.toISOString(),
    },
  });
}

export async function loadDemoClusters(): Promise<string> {
  if ((await db.flag.count({ where: { reference: DEMO_CAMPAIGN_REFERENCE } })) > 0) return "referral campaign already there";
  const key = await db.apiKey.findUnique({ where: { hash: hashToken(env.DOCKET_DEMO_API_KEY) } });
  const sender: IntakeSender = key
    ? { platform: key.platform, apiKeyId: key.id, actor: { kind: "api_key", id: key.id, name: key.name } }
    : { platform: "demo", apiKeyId: null, actor: { kind: "system", name: "demo" } };

  const { items } = generateCampaign(DEMO_CAMPAIGN_SHAPE);
  const receivedAt = ago(180);
  const entries = items.map((item, n) => referral(externalIdOf(item), item, receivedAt, n));
  const quoted = items.find((i) => i.family === DEMO_QUOTED_FAMILY)!;
  entries.splice(Math.floor(entries.length / 2), 0, referral(DEMO_NEWS_REPORT_ID, demoNewsReport(quoted), receivedAt, 0));
  for (let i = 0; i < entries.length; i += 500) await ingestFlags(sender, entries.slice(i, i + 500), "batch");

  // Removal orders under one reference for further copies of the largest family: the one-hour clock runs.
  const families = new Map<string, CampaignItem[]>();
  for (const i of items) if (i.family) families.set(i.family, [...(families.get(i.family) ?? []), i]);
  const largest = [...families.values()].sort((a, b) => b.length - a.length)[0];
  const orders = largest.slice(0, 4).map((item, n) =>
    FlagRequest.parse({
      content: {
        externalId: `demo-order-copy-${n + 1}`,
        type: "text",
        ...(item.title ? { title: item.title } : {}),
        body: `${item.body}\n\nRepost`,
        language: "en",
      },
      flag: {
        externalId: `demo-order-${n + 1}`,
        source: "removal_order",
        reason: "violent_extremism",
        reference: DEMO_ORDER_REFERENCE,
        note: "Removal order issued by a competent authority (synthetic).",
        receivedAt: ago(20 + n * 5).toISOString(),
      },
    }),
  );
  await ingestFlags(sender, orders, "batch");

  const decided = await decideSome(sender.platform, largest.slice(0, 60).map(externalIdOf));
  const clusters = await db.item.groupBy({ by: ["clusterId"], where: { flags: { some: { reference: DEMO_CAMPAIGN_REFERENCE } } } });
  return `referral campaign ${DEMO_CAMPAIGN_REFERENCE}: ${entries.length} items in ${clusters.length} clusters, ${orders.length} removal orders, ${decided} decided`;
}

/** Part of the largest family decided one by one by the demo moderators, so the campaign shows progress. */
async function decideSome(platform: string, externalIds: string[]): Promise<number> {
  const users = await db.user.findMany({ where: { email: { in: ["mod1@docket.test", "mod2@docket.test"] } }, orderBy: { email: "asc" } });
  const sets = await liveLabelSetsForReason("violent_extremism");
  const label = sets.flatMap((s) => s.labels).find((l) => l.key === "ve_propaganda_distribution");
  if (users.length === 0 || !label) return 0;
  const moderators = users.map((u) => ({ id: u.id, email: u.email, role: u.role as Role }));
  const items = await db.item.findMany({ where: { platform, externalId: { in: externalIds }, state: INITIAL_STATE }, select: { id: true } });
  let decided = 0;
  for (const [n, item] of items.entries()) {
    for (const user of n % 2 ? [...moderators].reverse() : moderators) {
      const claim = await claimItemOrWhy(user, item.id);
      if ("refused" in claim || claim.itemId !== item.id) continue;
      await decide(user, {
        itemId: item.id,
        claimId: claim.claimId,
        action: n % 10 === 9 ? "restrict" : "remove",
        labelIds: [label.id],
        rationale: "Distributes the group's propaganda; a copy referred on the action day (synthetic demo decision).",
      });
      decided++;
      break;
    }
  }
  return decided;
}
