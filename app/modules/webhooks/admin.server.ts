// What the console shows of webhooks: every platform's endpoints with how their deliveries stand, and
// one endpoint's deliveries with each attempt. Response excerpts come from third-party servers: they
// are returned as plain strings for the page to show as text, never as markup.
import { db, type Prisma } from "~/db.server.ts";
import type { DeliveryState } from "./console.ts";
import { parseEvents } from "./endpoints.server.ts";

export const DELIVERIES_PER_PAGE = 25;

export type EndpointSummary = {
  id: string;
  platform: string;
  url: string;
  description: string;
  events: string[];
  state: "enabled" | "disabled";
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
  counts: Record<DeliveryState, number>;
  lastAttempt: { startedAt: string; outcome: string; statusCode: number | null } | null;
};

const SUMMARY_COLUMNS = {
  id: true,
  platform: true,
  url: true,
  description: true,
  events: true,
  disabledAt: true,
  disabledReason: true,
  failingSince: true,
  createdAt: true,
} as const;

type SummaryRow = Prisma.WebhookEndpointGetPayload<{ select: typeof SUMMARY_COLUMNS }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function summaries(rows: SummaryRow[]): Promise<EndpointSummary[]> {
  const ids = rows.map((r) => r.id);
  const grouped = await db.webhookDelivery.groupBy({ by: ["endpointId", "state"], where: { endpointId: { in: ids } }, _count: { id: true } });
  // Each endpoint's newest attempt: its time per endpoint, then the attempts at those times (two queries, however many endpoints).
  const newest = await db.webhookAttempt.groupBy({ by: ["endpointId"], where: { endpointId: { in: ids } }, _max: { startedAt: true } });
  const atNewest = newest.length
    ? await db.webhookAttempt.findMany({
        where: { OR: newest.map((n) => ({ endpointId: n.endpointId, startedAt: n._max.startedAt! })) },
        orderBy: { id: "desc" },
        select: { endpointId: true, startedAt: true, outcome: true, statusCode: true },
      })
    : [];
  const lastAttempt = new Map<string, (typeof atNewest)[number]>();
  for (const a of atNewest) if (!lastAttempt.has(a.endpointId)) lastAttempt.set(a.endpointId, a);
  return rows.map((r) => {
    const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const g of grouped) if (g.endpointId === r.id && g.state in counts) counts[g.state as DeliveryState] = g._count.id;
    const last = lastAttempt.get(r.id);
    return {
      id: r.id,
      platform: r.platform,
      url: r.url,
      description: r.description,
      events: parseEvents(r.events),
      state: r.disabledAt ? "disabled" : "enabled",
      disabledAt: iso(r.disabledAt),
      disabledReason: r.disabledAt ? r.disabledReason : null,
      failingSince: iso(r.failingSince),
      createdAt: r.createdAt.toISOString(),
      counts,
      lastAttempt: last ? { startedAt: last.startedAt.toISOString(), outcome: last.outcome, statusCode: last.statusCode } : null,
    };
  });
}

/** Every live endpoint of every platform, by platform, oldest first. */
export async function endpointOverview(): Promise<EndpointSummary[]> {
  const rows = await db.webhookEndpoint.findMany({
    where: { deletedAt: null },
    orderBy: [{ platform: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    select: SUMMARY_COLUMNS,
  });
  return summaries(rows);
}

/** What the endpoint page's actions need to know of a live endpoint; null when there is none. */
export async function liveEndpointState(endpointId: string): Promise<{ url: string; state: "enabled" | "disabled" } | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, deletedAt: null }, select: { url: true, disabledAt: true } });
  return row ? { url: row.url, state: row.disabledAt ? "disabled" : "enabled" } : null;
}

/** The URL of an endpoint deleted (for the notice after deleting it); null for any other id. */
export async function deletedEndpointUrl(endpointId: string): Promise<string | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, deletedAt: { not: null } }, select: { url: true } });
  return row?.url ?? null;
}

export type AttemptView = {
  id: string;
  startedAt: string;
  durationMs: number;
  statusCode: number | null;
  outcome: string;
  responseExcerpt: string;
  error: string | null;
};

export type DeliveryView = {
  id: string;
  webhookId: string;
  type: string;
  state: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  tries: AttemptView[];
};

export type EndpointDeliveries = {
  endpoint: EndpointSummary;
  deliveries: DeliveryView[];
  page: number;
  pages: number;
  total: number;
};

/** One live endpoint and a page of its deliveries (newest first), optionally of one state; null when there is no such endpoint. */
export async function endpointDeliveries(endpointId: string, filter: { state?: DeliveryState; page: number }): Promise<EndpointDeliveries | null> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, deletedAt: null }, select: SUMMARY_COLUMNS });
  if (!row) return null;
  const [endpoint] = await summaries([row]);
  const where = { endpointId, ...(filter.state ? { state: filter.state } : {}) };
  const total = await db.webhookDelivery.count({ where });
  const pages = Math.max(1, Math.ceil(total / DELIVERIES_PER_PAGE));
  const page = Math.min(Math.max(1, filter.page), pages);
  const deliveries = await db.webhookDelivery.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * DELIVERIES_PER_PAGE,
    take: DELIVERIES_PER_PAGE,
  });
  const ids = deliveries.map((d) => d.id);
  const [messages, attempts] = await Promise.all([
    db.webhookMessage.findMany({ where: { id: { in: deliveries.map((d) => d.messageId) } }, select: { id: true, type: true } }),
    db.webhookAttempt.findMany({ where: { deliveryId: { in: ids } }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] }),
  ]);
  const typeOf = new Map(messages.map((m) => [m.id, m.type]));
  return {
    endpoint,
    page,
    pages,
    total,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      webhookId: d.messageId,
      type: typeOf.get(d.messageId) ?? "unknown",
      state: d.state,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt.toISOString(),
      lastError: d.lastError,
      deliveredAt: iso(d.deliveredAt),
      createdAt: d.createdAt.toISOString(),
      tries: attempts
        .filter((a) => a.deliveryId === d.id)
        .map((a) => ({
          id: a.id,
          startedAt: a.startedAt.toISOString(),
          durationMs: a.durationMs,
          statusCode: a.statusCode,
          outcome: a.outcome,
          responseExcerpt: a.responseExcerpt,
          error: a.error,
        })),
    })),
  };
}
