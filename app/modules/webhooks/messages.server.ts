// What each webhook event says, built from the audit event it is derived from. A decision's event
// carries the decisions-feed object itself, so a platform reads one shape whether it polls or listens.
import type { z } from "zod";
import type { Tx } from "~/db.server.ts";
import type { AuditPayload } from "~/modules/audit/events.ts";
import { feedDecision, feedDecisionSelect } from "~/modules/decisions/feed.server.ts";
import type { WebhookEventType } from "./events.ts";
import { EVENT_DATA } from "./payloads.server.ts";

/** An audit event as the fan-out reads it. */
export type SourceEvent = { seq: number; at: Date; action: string; payload: string };

/** One event for one platform: the body every delivery of it sends. */
export type BuiltMessage = { seq: number; type: WebhookEventType; platform: string; body: string };

// Typed against the schemas the OpenAPI document describes the events with, so the two cannot drift.
const body = <T extends WebhookEventType>(type: T, at: Date, data: z.input<(typeof EVENT_DATA)[T]>) =>
  JSON.stringify({ type, timestamp: at.toISOString(), data });

/**
 * The messages for a run of audit events, in their order. An event whose subject cannot be found
 * (it cannot happen while rows are never deleted) yields nothing rather than stopping the run.
 */
export async function buildMessages(tx: Tx, events: SourceEvent[]): Promise<BuiltMessage[]> {
  const parsed = events.map((e) => ({ ...e, data: JSON.parse(e.payload) as Record<string, unknown> }));
  const decisionSeqs = parsed.filter((e) => e.action === "decision.made").map((e) => e.seq);
  const appealIds = parsed.filter((e) => e.action === "appeal.decided" || e.action === "appeal.received").map((e) => String(e.data.appealId));
  const [decisions, appeals] = await Promise.all([
    decisionSeqs.length
      ? tx.decision.findMany({
          where: { seq: { in: decisionSeqs } },
          select: { ...feedDecisionSelect, item: { select: { id: true, externalId: true, platform: true } } },
        })
      : [],
    appealIds.length
      ? tx.appeal.findMany({
          where: { id: { in: appealIds } },
          select: { id: true, platform: true, decidedAt: true, item: { select: { externalId: true } } },
        })
      : [],
  ]);
  const decisionBySeq = new Map(decisions.map((d) => [d.seq, d]));
  const appealById = new Map(appeals.map((a) => [a.id, a]));

  const out: BuiltMessage[] = [];
  for (const e of parsed) {
    switch (e.action) {
      case "decision.made": {
        const d = decisionBySeq.get(e.seq);
        if (d) out.push({ seq: e.seq, type: "decision.made", platform: d.item.platform, body: body("decision.made", e.at, feedDecision(d)) });
        break;
      }
      case "item.reopened": {
        const p = e.data as AuditPayload<"item.reopened">;
        const data = { itemId: p.itemId, externalId: p.externalId, dueAt: p.dueAt, queueId: p.queueId, flagId: p.flagId, source: p.source };
        out.push({ seq: e.seq, type: "item.reopened", platform: p.platform, body: body("item.reopened", e.at, data) });
        break;
      }
      case "appeal.received": {
        const p = e.data as AuditPayload<"appeal.received">;
        const appeal = appealById.get(p.appealId);
        if (!appeal) break;
        const data = {
          appealId: p.appealId,
          externalId: p.externalId,
          itemId: p.itemId,
          itemExternalId: appeal.item.externalId,
          decisionId: p.decisionId,
          appellantRole: p.appellantRole,
          receivedAt: p.receivedAt,
          dueAt: p.dueAt,
        };
        out.push({ seq: e.seq, type: "appeal.received", platform: p.platform, body: body("appeal.received", e.at, data) });
        break;
      }
      case "appeal.decided": {
        const p = e.data as AuditPayload<"appeal.decided">;
        const appeal = appealById.get(p.appealId);
        if (!appeal) break;
        const data = {
          appealId: p.appealId,
          itemId: p.itemId,
          itemExternalId: appeal.item.externalId,
          decisionId: p.decisionId,
          outcome: p.outcome,
          answer: p.answer,
          newDecisionId: p.newDecisionId,
          decidedAt: (appeal.decidedAt ?? e.at).toISOString(),
        };
        out.push({ seq: e.seq, type: "appeal.decided", platform: appeal.platform, body: body("appeal.decided", e.at, data) });
        break;
      }
    }
  }
  return out;
}
