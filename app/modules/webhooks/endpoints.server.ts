// A platform's webhook endpoints: registered with its API key (or by the demo), listed, deleted, and
// their signing secrets rotated. Each change is one transaction with its audit event; the secret is
// stored only encrypted and shown once, in the answer to the change that made it.
import { randomBytes } from "node:crypto";
import { transaction, db, dialect, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { endpointNotFound, refusedUrl, tooManyEndpoints } from "./errors.ts";
import { isWebhookEventType, type WebhookEventType } from "./events.ts";
import type { z } from "zod";
import type { WebhookRegistration } from "./schema.ts";
import { encryptSecret, newSigningSecret } from "./secrets.server.ts";
import { checkWebhookUrl } from "./url.server.ts";

/** More endpoints than this per platform is a mistake (or abuse), never a need. */
export const ENDPOINTS_PER_PLATFORM = 20;

export type Via = "api" | "console";

// The first key of the two-key advisory lock that serialises one platform's registrations.
const ENDPOINT_LOCK_SPACE = 7240014;

/** Who registers or changes an endpoint: the platform's API key, or a console user for any platform. */
export type EndpointChanger = { actor: Actor; via: Via; apiKeyId?: string | null; userId?: string | null };

export type EndpointView = {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string;
  state: "enabled" | "disabled";
  disabledReason: string | null;
  createdAt: string;
  secretRotation: { previousValidUntil: string } | null;
};

type EndpointRow = {
  id: string;
  url: string;
  events: string;
  description: string;
  disabledAt: Date | null;
  disabledReason: string | null;
  createdAt: Date;
  previousSecretUntil: Date | null;
};

const VIEW_COLUMNS = {
  id: true,
  url: true,
  events: true,
  description: true,
  disabledAt: true,
  disabledReason: true,
  createdAt: true,
  previousSecretUntil: true,
} as const;

export function parseEvents(stored: string): WebhookEventType[] {
  const parsed: unknown = JSON.parse(stored);
  return Array.isArray(parsed) ? parsed.filter((e): e is WebhookEventType => typeof e === "string" && isWebhookEventType(e)) : [];
}

function view(row: EndpointRow, now = new Date()): EndpointView {
  return {
    id: row.id,
    url: row.url,
    events: parseEvents(row.events),
    description: row.description,
    state: row.disabledAt ? "disabled" : "enabled",
    disabledReason: row.disabledAt ? row.disabledReason : null,
    createdAt: row.createdAt.toISOString(),
    secretRotation: row.previousSecretUntil && row.previousSecretUntil > now ? { previousValidUntil: row.previousSecretUntil.toISOString() } : null,
  };
}

/** Endpoint ids are opaque to platforms and say what they name. */
const newEndpointId = () => `ep_${randomBytes(12).toString("base64url")}`;

/**
 * Registers an endpoint after checking its URL. The endpoint receives the events recorded after its
 * own registration: startSeq is the sequence number of its webhook.endpoint_created event.
 */
export async function registerEndpoint(
  changer: EndpointChanger,
  platform: string,
  input: z.output<typeof WebhookRegistration>,
): Promise<{ id: string; secret: string; url: string }> {
  const checked = await checkWebhookUrl(input.url);
  if (!checked.ok) throw refusedUrl(checked.message);
  return transaction(async (tx) => {
    // Two registrations at once must not both count 19: on PostgreSQL they take turns per platform
    // (SQLite's writers always do).
    if (dialect === "postgresql") {
      await tx.$queryRaw`SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(${ENDPOINT_LOCK_SPACE}, hashtext(${platform}))) AS l`;
    }
    const live = await tx.webhookEndpoint.count({ where: { platform, deletedAt: null } });
    if (live >= ENDPOINTS_PER_PLATFORM) throw tooManyEndpoints(ENDPOINTS_PER_PLATFORM);
    return createEndpointRow(tx, changer, platform, { ...input, url: checked.url });
  });
}

/**
 * Writes an endpoint whose URL is already checked (or, for the demo, never called), with its audit
 * event, inside the caller's transaction.
 */
export async function createEndpointRow(
  tx: Tx,
  changer: EndpointChanger,
  platform: string,
  input: { url: string; events: readonly WebhookEventType[]; description: string },
  startSeq?: number,
): Promise<{ id: string; secret: string; url: string }> {
  const id = newEndpointId();
  const secret = newSigningSecret();
  await tx.webhookEndpoint.create({
    data: {
      id,
      platform,
      url: input.url,
      events: JSON.stringify(input.events),
      description: input.description,
      secret: encryptSecret(secret, id),
      startSeq: 0,
      createdByKeyId: changer.apiKeyId ?? null,
      createdByUserId: changer.userId ?? null,
    },
  });
  const event = await appendAuditEvent(tx, {
    actor: changer.actor,
    action: "webhook.endpoint_created",
    subjectType: "webhook_endpoint",
    subjectId: id,
    payload: { endpointId: id, platform, url: input.url, events: [...input.events], via: changer.via },
  });
  await tx.webhookEndpoint.update({ where: { id }, data: { startSeq: startSeq ?? event.seq } });
  return { id, secret, url: input.url };
}

export async function listEndpoints(platform: string): Promise<EndpointView[]> {
  const rows = await db.webhookEndpoint.findMany({
    where: { platform, deletedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: VIEW_COLUMNS,
  });
  const now = new Date();
  return rows.map((r) => view(r, now));
}

/** One of the platform's endpoints; another platform's is as unknown as a missing one. */
export async function getEndpoint(platform: string, id: string): Promise<EndpointView | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { id, platform, deletedAt: null }, select: VIEW_COLUMNS });
  return row ? view(row) : null;
}

/**
 * Deletes an endpoint (platform null: an admin, for any platform). It is kept for the record but gone
 * from every list; its deliveries still waiting will never be sent and become failed.
 */
export async function deleteEndpoint(changer: EndpointChanger, platform: string | null, id: string): Promise<void> {
  await transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id, deletedAt: null, ...(platform === null ? {} : { platform }) } });
    if (!endpoint) throw endpointNotFound();
    const changed = await tx.webhookEndpoint.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date() } });
    if (changed.count === 0) throw endpointNotFound();
    await tx.webhookDelivery.updateMany({
      where: { endpointId: id, state: "pending" },
      data: { state: "failed", lastError: "endpoint deleted", leaseToken: null, leaseUntil: null },
    });
    await appendAuditEvent(tx, {
      actor: changer.actor,
      action: "webhook.endpoint_deleted",
      subjectType: "webhook_endpoint",
      subjectId: id,
      payload: { endpointId: id, platform: endpoint.platform, url: endpoint.url, via: changer.via },
    });
  });
}

/**
 * A new signing secret; the one it replaces keeps signing alongside it for overlapSeconds, so a
 * platform can deploy the new one without refusing a delivery. A rotation during another's overlap
 * ends the older secret at once: only the current and the one before it ever sign. Rotations at the
 * same moment take turns (the row is locked), each building on the one before.
 */
export async function rotateSecret(
  changer: EndpointChanger,
  platform: string,
  id: string,
  overlapSeconds: number,
): Promise<{ id: string; secret: string; previousValidUntil: string }> {
  return transaction(async (tx) => {
    if (dialect === "postgresql") await tx.$queryRaw`SELECT "id" FROM "WebhookEndpoint" WHERE "id" = ${id} FOR UPDATE`;
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id, platform, deletedAt: null }, select: { id: true, secret: true } });
    if (!endpoint) throw endpointNotFound();
    const secret = newSigningSecret();
    const previousValidUntil = new Date(Date.now() + overlapSeconds * 1000);
    await tx.webhookEndpoint.update({
      where: { id },
      data: { secret: encryptSecret(secret, id), previousSecret: endpoint.secret, previousSecretUntil: previousValidUntil },
    });
    await appendAuditEvent(tx, {
      actor: changer.actor,
      action: "webhook.secret_rotated",
      subjectType: "webhook_endpoint",
      subjectId: id,
      payload: { endpointId: id, platform, previousValidUntil },
    });
    return { id, secret, previousValidUntil: previousValidUntil.toISOString() };
  });
}
