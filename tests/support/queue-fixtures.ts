import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags, type IntakeSender } from "~/modules/intake/ingest.server.ts";
import { FlagRequest } from "~/modules/intake/schema.ts";
import { isLeaseLive, OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { claimItem, endClaim } from "~/modules/queue/claims.server.ts";
import { makeUser } from "./fixtures.ts";

type RawFlag = { content: Record<string, unknown>; flag: Record<string, unknown> };

export const testSender: IntakeSender = { platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } };

export async function starterLabels() {
  return ensureStarterLabelSet({ kind: "system", name: "test" });
}

/**
 * A flag request about fictional content; override any part. The default text is short enough
 * that only its exact copies join its cluster, so items made with it stay apart unless a test
 * gives them near-duplicate texts on purpose.
 */
export function rawFlag(overrides: { content?: Record<string, unknown>; flag?: Record<string, unknown> } = {}): RawFlag {
  const id = randomUUID().slice(0, 12);
  return {
    content: {
      externalId: `post-${id}`,
      type: "text",
      title: `Report ${id}`,
      body: `Rally of the Northern Ember Front (${id}).`,
      language: "en",
      author: { externalId: `u-${id}`, handle: `reporter_${id}` },
      ...overrides.content,
    },
    flag: { source: "user_report", reason: "violent_extremism", ...overrides.flag },
  };
}

/** The same, parsed as intake parses it. */
export function flagRequest(overrides: { content?: Record<string, unknown>; flag?: Record<string, unknown> } = {}): FlagRequest {
  return FlagRequest.parse(rawFlag(overrides));
}

/** Ingests `n` distinct items through the real intake path and returns their ids. */
export async function seedItems(n: number, sender: IntakeSender = testSender, make: (i: number) => FlagRequest = () => flagRequest()) {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, j) => make(i + j));
    const results = await ingestFlags(sender, batch, "batch");
    ids.push(...results.map((r) => r.itemId));
  }
  return ids;
}

/**
 * Closes every open item through the real path, so a test that follows sees only its own items: a
 * lead releases any live lease, claims the item and keeps it with the first allowed label of its
 * live label set (an escalated item gets the lead's closing decision).
 */
export async function settleOpenItems() {
  const lead = await makeUser("policy_lead");
  const labelFor = new Map<string, string>();
  for (;;) {
    const item = await db.item.findFirst({
      where: { state: { in: [...OPEN_STATES] } },
      select: { id: true, claimId: true, leaseExpiresAt: true, topReason: true },
    });
    if (!item) return;
    if (item.claimId && isLeaseLive(item.leaseExpiresAt)) {
      await endClaim(lead, { itemId: item.id, claimId: item.claimId, kind: "lead_released", reason: "test set-up: closing earlier items" });
    }
    const claim = await claimItem(lead, item.id);
    if (!claim || claim.itemId !== item.id) throw new Error(`could not claim ${item.id} to close it`);
    if (!labelFor.has(item.topReason)) {
      const allowed = (await liveLabelSetsForReason(item.topReason)).flatMap((s) => s.labels).find((l) => l.group === "allowed");
      if (!allowed) throw new Error(`no live allowed label for ${item.topReason}`);
      labelFor.set(item.topReason, allowed.id);
    }
    await decide(lead, {
      itemId: item.id,
      claimId: claim.claimId,
      action: "keep",
      labelIds: [labelFor.get(item.topReason)!],
      rationale: "Closed before the next test.",
    });
  }
}
