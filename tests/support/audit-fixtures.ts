import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import type { FlagRequest } from "~/modules/intake/schema.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { ACTIONS, type DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { liveLabelSets } from "~/modules/labels/live.server.ts";
import { SOURCES, type Source as FlagSource } from "~/modules/items/sources.ts";
import { makeUser } from "./fixtures.ts";

export const ALL_SOURCES: readonly FlagSource[] = SOURCES;
export const ALL_ACTIONS: readonly DecisionAction[] = ACTIONS;

/** A label for each action, from the starter set: keep → news reporting, remove → glorification... */
const LABEL_FOR: Record<DecisionAction, string[]> = {
  keep: ["ve_news_reporting"],
  remove: ["ve_glorification"],
  restrict: ["ve_representation"],
  escalate: ["ve_needs_specialist"],
};

let moderatorPromise: ReturnType<typeof makeUser> | undefined;
function auditModerator() {
  moderatorPromise ??= makeUser("moderator", { email: `moderator-${randomUUID().slice(0, 8)}@example.test` });
  return moderatorPromise;
}

async function starterLabelIds(): Promise<Map<string, string>> {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  const sets = await liveLabelSets();
  return new Map(sets.flatMap((s) => s.labels.map((l) => [l.key, l.id] as const)));
}

export type DecisionFixture = {
  action: DecisionAction;
  sources?: FlagSource[];
  labelKeys?: string[];
  type?: FlagRequest["content"]["type"];
  externalId?: string;
  /** How long before the decision the first flag arrived. */
  receivedAgoMs?: number;
  postedAt?: Date;
  language?: string;
  title?: string;
  body?: string;
};

/**
 * A decision made the way the console makes one: flags arrive through intake (one item, one flag
 * per source), a moderator claims the item and decides it with the decisions module.
 */
export async function makeDecision(f: DecisionFixture) {
  const labels = await starterLabelIds();
  const moderator = await auditModerator();
  const externalId = f.externalId ?? `post-${randomUUID().slice(0, 12)}`;
  const sources = f.sources ?? ["user_report"];
  const receivedAt = new Date(Date.now() - (f.receivedAgoMs ?? 20 * 60_000));
  const entries: FlagRequest[] = sources.map((source, i) => ({
    content: {
      externalId,
      type: f.type ?? "text",
      title: f.title ?? "A post about the Northern Ember Front",
      body: f.body ?? "Fictional test text: praise for the Placeholder Cell and its made-up rally, written for a test.",
      url: `https://platform.example/p/${externalId}`,
      language: f.language ?? "en",
      postedAt: f.postedAt ?? new Date(Date.now() - 3 * 86_400_000),
      author: { externalId: `author-${externalId}`, handle: `handle_${externalId.replace(/-/g, "_")}` },
    },
    flag: {
      externalId: `${externalId}-flag-${i}`,
      source,
      reason: "violent_extremism",
      reporterId: source === "user_report" ? `reporter-${externalId}` : undefined,
      reference: source === "removal_order" ? `RO-${externalId}` : undefined,
      receivedAt: new Date(receivedAt.getTime() + i * 1000),
    },
  }));
  const [first] = await ingestFlags({ platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } }, entries, "batch");
  const claim = await claimItem(moderator, first.itemId);
  if (!claim) throw new Error("could not claim the fixture item");
  const keys = f.labelKeys ?? LABEL_FOR[f.action];
  const result = await decide(moderator, {
    itemId: first.itemId,
    claimId: claim.claimId,
    action: f.action,
    labelIds: keys.map((k) => labels.get(k)!),
    rationale: "Fictional test rationale: the post praises a made-up group without any news frame.",
  });
  const decision = await db.decision.findUniqueOrThrow({ where: { id: result.decisionId } });
  return { decision, itemId: first.itemId, externalId, moderator };
}
