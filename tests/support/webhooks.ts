import { db } from "~/db.server.ts";
import { feedDecision, feedDecisionSelect } from "~/modules/decisions/feed.server.ts";
import { newId } from "~/modules/ids.ts";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "~/modules/webhooks/events.ts";
import { encryptSecret, newSigningSecret } from "~/modules/webhooks/secrets.server.ts";
import { makeDecision } from "./audit-fixtures.ts";

/**
 * An endpoint of `platform` written straight to the database, as registration leaves it: its
 * secret sealed, events after the present audit head delivered to it. Answers its id and secret.
 */
export async function makeEndpoint(platform: string, url: string, events: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES) {
  const id = newId();
  const secret = newSigningSecret();
  const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
  await db.webhookEndpoint.create({
    data: { id, platform, url, events: JSON.stringify(events), secret: encryptSecret(secret, id), startSeq: head.seq, description: "Fictional receiver" },
  });
  return { id, secret };
}

/** `n` decisions on the platform "test", made through intake, a claim and the decisions module. */
export async function makeDecisions(n: number, action: "keep" | "remove" | "restrict" = "remove") {
  const made = [];
  for (let i = 0; i < n; i++) made.push(await makeDecision({ action }));
  return made;
}

/** The decisions-feed object of a decision, as GET /api/v1/decisions shows it. */
export async function feedEntry(decisionId: string) {
  return feedDecision(await db.decision.findUniqueOrThrow({ where: { id: decisionId }, select: feedDecisionSelect }));
}

/** Waits until `check` holds, polling; throws with `what` after the deadline. */
export async function waitFor(what: string | (() => string), check: () => boolean | Promise<boolean>, deadlineMs = 30_000) {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
