// Turning the audit log into webhook messages and deliveries. The log's sequence order is commit
// order, so reading it from a head that only moves forward, in the same transaction that writes the
// deliveries and moves the head, misses no event and makes none twice, whichever process runs it
// and whenever the one before it died. See docs/decisions/042-webhook-delivery.md.
import { randomBytes } from "node:crypto";
import { db, dialect, Prisma, transaction } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { SOURCE_ACTION, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./events.ts";
import { buildMessages } from "./messages.server.ts";

/** Audit events read per run; the next run carries on from where this one stopped. */
export const FANOUT_BATCH = 500;

const SOURCE_ACTIONS = WEBHOOK_EVENT_TYPES.map((t) => SOURCE_ACTION[t]);

/** A message id, the webhook-id receivers drop duplicates by. */
export const newMessageId = () => `msg_${randomBytes(18).toString("base64url")}`;

async function positions(): Promise<{ head: number; audit: number }> {
  const [head, audit] = await Promise.all([db.webhookFanout.findUnique({ where: { id: "head" } }), db.auditHead.findUnique({ where: { id: 1 } })]);
  return { head: head?.seq ?? 0, audit: audit?.seq ?? 0 };
}

/**
 * Fans out the next run of audit events: one message per event that some endpoint of its platform
 * subscribes to, one pending delivery per such endpoint. Answers how many messages it made and
 * whether events remain past this run.
 */
export async function fanOutOnce(now: Date = new Date()): Promise<{ messages: number; more: boolean }> {
  // Nothing new in the log (the usual case): no transaction, no lock.
  const seen = await positions();
  if (seen.audit <= seen.head) return { messages: 0, more: false };
  return transaction(async (tx) => {
    const lock = dialect === "postgresql" ? Prisma.sql`FOR UPDATE` : Prisma.empty;
    const [head] = await tx.$queryRaw<{ seq: number | bigint }[]>`SELECT "seq" FROM "WebhookFanout" WHERE "id" = 'head' ${lock}`;
    if (!head) throw new Error("the webhook fan-out head row is missing");
    const from = Number(head.seq);
    // Every event up to the committed audit head is committed (sequence order is commit order).
    const audit = (await tx.auditHead.findUniqueOrThrow({ where: { id: 1 } })).seq;
    if (audit <= from) return { messages: 0, more: false };
    // No endpoint anywhere (most installations until a platform registers one): nothing to build.
    // An endpoint registered later starts after its own registration event, past this head.
    if (!(await tx.webhookEndpoint.findFirst({ where: { deletedAt: null }, select: { id: true } }))) {
      await tx.webhookFanout.update({ where: { id: "head" }, data: { seq: audit } });
      return { messages: 0, more: false };
    }
    const events = await tx.auditEvent.findMany({
      where: { seq: { gt: from, lte: audit }, action: { in: SOURCE_ACTIONS } },
      orderBy: { seq: "asc" },
      take: FANOUT_BATCH,
      select: { seq: true, at: true, action: true, payload: true },
    });
    const full = events.length === FANOUT_BATCH;
    const to = full ? events[events.length - 1].seq : audit;

    const built = await buildMessages(tx, events);
    const platforms = [...new Set(built.map((m) => m.platform))];
    const endpoints = platforms.length
      ? await tx.webhookEndpoint.findMany({
          where: { platform: { in: platforms }, deletedAt: null },
          select: { id: true, platform: true, events: true, startSeq: true },
        })
      : [];
    const subscribed = endpoints.map((e) => ({ ...e, events: new Set(JSON.parse(e.events) as WebhookEventType[]) }));
    const messages: Prisma.WebhookMessageCreateManyInput[] = [];
    const deliveries: Prisma.WebhookDeliveryCreateManyInput[] = [];
    for (const m of built) {
      // An endpoint hears of events after its own registration, never of earlier ones.
      const receivers = subscribed.filter((e) => e.platform === m.platform && e.startSeq < m.seq && e.events.has(m.type));
      if (receivers.length === 0) continue;
      const id = newMessageId();
      messages.push({ id, seq: m.seq, type: m.type, platform: m.platform, payload: m.body, createdAt: now });
      for (const e of receivers) deliveries.push({ id: newId(), messageId: id, endpointId: e.id, state: "pending", nextAttemptAt: now, createdAt: now });
    }
    if (messages.length) await tx.webhookMessage.createMany({ data: messages });
    if (deliveries.length) await tx.webhookDelivery.createMany({ data: deliveries });
    await tx.webhookFanout.update({ where: { id: "head" }, data: { seq: to } });
    return { messages: messages.length, more: full };
  });
}

/** Fans out until the head reaches the log's end (as it stood), a bounded number of runs. */
export async function fanOut(now: Date = new Date(), maxRuns = 20): Promise<number> {
  let total = 0;
  for (let run = 0; run < maxRuns; run++) {
    const { messages, more } = await fanOutOnce(now);
    total += messages;
    if (!more) break;
  }
  return total;
}
