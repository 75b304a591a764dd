// The per-process loop that sends webhooks: every poll it fans out new audit events, leases the
// deliveries that are due, and sends them a few at a time. A lease outlives the longest an attempt
// can take, so a delivery is never sent by two processes at once; a process that dies mid-attempt
// leaves a lease that lapses, and the delivery is sent again with the same webhook-id.
// See docs/decisions/042-webhook-delivery.md.
import { randomUUID } from "node:crypto";
import { db, dialect, Prisma, transaction } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { newId } from "~/modules/ids.ts";
import { fanOut } from "./fanout.server.ts";
import { disableAfterMs, retryDelayMs } from "./schedule.ts";
import { decryptSecret } from "./secrets.server.ts";
import { sendAttempt, type AttemptResult } from "./send.server.ts";
import { signedHeaders } from "./sign.server.ts";
import { disableEndpoint } from "./states.server.ts";

const SYSTEM: Actor = { kind: "system", name: "webhook dispatcher" };

/**
 * What a lease holds beyond the longest attempt (twice the timeout): the time to lease, sign and
 * record around it, and clocks of several machines that do not quite agree.
 */
export const LEASE_MARGIN_MS = 5_000;
/** Attempts one process has in flight at most. */
export const MAX_IN_FLIGHT = 16;

type Config = { leaseMs: number; timeoutMs: number; pollMs: number; timeScale: number };

const config = (): Config => ({
  leaseMs: env.DOCKET_WEBHOOK_LEASE_SECONDS * 1000,
  timeoutMs: env.DOCKET_WEBHOOK_TIMEOUT_MS,
  pollMs: env.DOCKET_WEBHOOK_POLL_MS,
  timeScale: env.DOCKET_WEBHOOK_TIME_SCALE,
});

/** Why the configuration could let two processes send one delivery at once, or null when it cannot. */
export function leaseConfigProblem(c: Pick<Config, "leaseMs" | "timeoutMs"> = config()): string | null {
  const needed = 2 * c.timeoutMs + LEASE_MARGIN_MS;
  if (c.leaseMs > needed) return null;
  return (
    `DOCKET_WEBHOOK_LEASE_SECONDS (${c.leaseMs / 1000} s) must be longer than twice DOCKET_WEBHOOK_TIMEOUT_MS plus ${LEASE_MARGIN_MS / 1000} s ` +
    `(${needed / 1000} s): an attempt could outlive its lease, and another process could send the same delivery at the same time.`
  );
}

type Leased = { id: string; token: string; leaseUntil: Date };

/**
 * Leases up to `limit` due deliveries of enabled endpoints in one statement: PostgreSQL locks the
 * rows it picks and lets other processes skip past them; SQLite runs it under its write lock.
 */
export async function leaseDueDeliveries(limit: number, leaseMs: number, now: Date = new Date()): Promise<Leased[]> {
  const token = randomUUID();
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const skipLocked = dialect === "postgresql" ? Prisma.sql`FOR UPDATE OF d SKIP LOCKED` : Prisma.empty;
  const free = (alias: string) => {
    const a = Prisma.raw(alias);
    return Prisma.sql`${a}."state" = 'pending' AND ${a}."nextAttemptAt" <= ${now} AND (${a}."leaseUntil" IS NULL OR ${a}."leaseUntil" < ${now})`;
  };
  const statement = Prisma.sql`UPDATE "WebhookDelivery" SET "leaseToken" = ${token}, "leaseUntil" = ${leaseUntil}
    WHERE "id" IN (SELECT d."id" FROM "WebhookDelivery" d JOIN "WebhookEndpoint" e ON e."id" = d."endpointId"
      WHERE ${free("d")} AND e."disabledAt" IS NULL AND e."deletedAt" IS NULL
      ORDER BY d."nextAttemptAt" LIMIT ${limit} ${skipLocked})
    AND ${free(`"WebhookDelivery"`)}
    RETURNING "id"`;
  const rows =
    dialect === "postgresql" ? await db.$queryRaw<{ id: string }[]>(statement) : await transaction((tx) => tx.$queryRaw<{ id: string }[]>(statement));
  return rows.map((r) => ({ id: r.id, token, leaseUntil }));
}

/**
 * Whether anything could be leased: a read that spares the write lock when the answer is no. A
 * disabled endpoint's waiting deliveries and the deliveries being sent do not count, or a paused
 * endpoint would take the write lock on every poll.
 */
async function anythingDue(now: Date): Promise<boolean> {
  const enabled = await db.webhookEndpoint.findMany({ where: { disabledAt: null, deletedAt: null }, select: { id: true } });
  if (enabled.length === 0) return false;
  const due = await db.webhookDelivery.findFirst({
    where: {
      state: "pending",
      nextAttemptAt: { lte: now },
      endpointId: { in: enabled.map((e) => e.id) },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    select: { id: true },
  });
  return due !== null;
}

/** The secrets that sign now: the current one, and the previous one during its rotation's overlap. */
function signingSecrets(endpoint: { id: string; secret: string; previousSecret: string | null; previousSecretUntil: Date | null }, now: Date) {
  const secrets = [decryptSecret(endpoint.secret, endpoint.id)];
  if (endpoint.previousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    secrets.push(decryptSecret(endpoint.previousSecret, endpoint.id));
  }
  return secrets;
}

/** Makes one attempt of a leased delivery and records it. */
export async function deliver(lease: Leased, c: Config = config()): Promise<AttemptResult | null> {
  const delivery = await db.webhookDelivery.findUnique({ where: { id: lease.id } });
  if (!delivery || delivery.leaseToken !== lease.token) return null;
  const release = () => db.webhookDelivery.updateMany({ where: { id: lease.id, leaseToken: lease.token }, data: { leaseToken: null, leaseUntil: null } });
  // Leasing may have waited for a lock: an attempt starts only while its lease covers all of it.
  if (Date.now() + 2 * c.timeoutMs + LEASE_MARGIN_MS / 2 > lease.leaseUntil.getTime()) {
    await release();
    return null;
  }
  const [message, endpoint] = await Promise.all([
    db.webhookMessage.findUnique({ where: { id: delivery.messageId } }),
    db.webhookEndpoint.findUnique({ where: { id: delivery.endpointId } }),
  ]);
  if (!message || !endpoint || endpoint.deletedAt || endpoint.disabledAt) {
    await release();
    return null;
  }
  const startedAt = new Date();
  let result: AttemptResult;
  try {
    const headers = signedHeaders(signingSecrets(endpoint, startedAt), message.id, Math.floor(startedAt.getTime() / 1000), message.payload);
    result = await sendAttempt({ url: endpoint.url, body: message.payload, headers, timeoutMs: c.timeoutMs });
  } catch (e) {
    // The secret does not decrypt (the key changed): nothing was sent, and retrying later may succeed once the key is put back.
    result = { outcome: "connect_error", statusCode: null, durationMs: 0, responseExcerpt: "", error: `Not sent: ${(e as Error).message}` };
  }
  await recordAttempt(delivery, lease, endpoint, startedAt, result, c);
  return result;
}

async function recordAttempt(
  delivery: { id: string; endpointId: string; retryIndex: number; nextAttemptAt: Date },
  lease: Leased,
  endpoint: { id: string },
  startedAt: Date,
  result: AttemptResult,
  c: Config,
) {
  const now = new Date();
  const ok = result.outcome === "delivered";
  const delay = ok ? null : retryDelayMs(delivery.retryIndex, c.timeScale);
  const next = ok
    ? { state: "delivered", deliveredAt: now }
    : delay === null
      ? { state: "failed" }
      : { nextAttemptAt: new Date(now.getTime() + delay), retryIndex: delivery.retryIndex + 1 };
  await transaction(async (tx) => {
    await tx.webhookAttempt.create({
      data: {
        id: newId(),
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        outcome: result.outcome,
        responseExcerpt: result.responseExcerpt,
        error: result.error,
      },
    });
    const last = { lastAttemptAt: startedAt, lastStatus: result.statusCode, lastError: result.error, leaseToken: null, leaseUntil: null };
    // Only under our own lease, and only if nobody resent the delivery meanwhile (a resend makes it due
    // now again; that stands, and the lease is let go so it is taken up at once).
    const updated = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, leaseToken: lease.token, state: "pending", nextAttemptAt: delivery.nextAttemptAt },
      data: { ...next, ...last, attempts: { increment: 1 } },
    });
    if (updated.count === 0) {
      await tx.webhookDelivery.updateMany({ where: { id: delivery.id, leaseToken: lease.token }, data: { ...last, attempts: { increment: 1 } } });
    }
    if (ok) {
      await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: { not: null } }, data: { failingSince: null } });
      return;
    }
    await tx.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: null }, data: { failingSince: startedAt } });
    const current = await tx.webhookEndpoint.findUnique({ where: { id: endpoint.id }, select: { failingSince: true, disabledAt: true } });
    if (current?.failingSince && !current.disabledAt && now.getTime() - current.failingSince.getTime() >= disableAfterMs(c.timeScale)) {
      const reason = `Every attempt since ${current.failingSince.toISOString()} failed (the last: ${result.error ?? result.outcome}).`;
      await disableEndpoint(SYSTEM, endpoint.id, reason, tx);
    }
  });
}

type Running = { timer: NodeJS.Timeout | null; stopped: boolean; inFlight: Set<Promise<unknown>>; tick: Promise<void> | null };
let running: Running | null = null;

/** One poll: fan out, then lease what is due and start sending it. A failing step is logged; the loop goes on. */
export async function dispatchTick(c: Config = config(), state: Running | null = running): Promise<void> {
  try {
    await fanOut();
  } catch (e) {
    console.error(`webhook fan-out failed: ${(e as Error).message}`);
  }
  const inFlight = state?.inFlight ?? new Set<Promise<unknown>>();
  try {
    const room = MAX_IN_FLIGHT - inFlight.size;
    const now = new Date();
    if (room <= 0 || state?.stopped || !(await anythingDue(now))) return;
    for (const lease of await leaseDueDeliveries(room, c.leaseMs, now)) {
      const attempt: Promise<unknown> = deliver(lease, c)
        .catch((e) => console.error(`webhook delivery ${lease.id} could not be recorded: ${(e as Error).message}`))
        .finally(() => inFlight.delete(attempt));
      inFlight.add(attempt);
    }
  } catch (e) {
    console.error(`leasing webhook deliveries failed: ${(e as Error).message}`);
  }
  if (!state) await Promise.all(inFlight);
}

/**
 * Starts this process's dispatcher unless DOCKET_WEBHOOKS turns it off. Throws when the lease
 * could expire while an attempt is still under way.
 */
export function startDispatcher(): boolean {
  if (!env.DOCKET_WEBHOOKS || running) return false;
  const c = config();
  const problem = leaseConfigProblem(c);
  if (problem) throw new Error(problem);
  const state: Running = { timer: null, stopped: false, inFlight: new Set(), tick: null };
  running = state;
  const schedule = () => {
    if (state.stopped) return;
    state.timer = setTimeout(() => {
      state.tick = dispatchTick(c, state).finally(() => {
        state.tick = null;
        schedule();
      });
    }, c.pollMs);
    state.timer.unref();
  };
  schedule();
  return true;
}

/** Stops the loop and waits for the attempts under way to be recorded. */
export async function stopDispatcher(): Promise<void> {
  const state = running;
  if (!state) return;
  running = null;
  state.stopped = true;
  if (state.timer) clearTimeout(state.timer);
  await state.tick;
  await Promise.all(state.inFlight);
}
