// An endpoint's state changes and the resending of deliveries: by an admin in the console, and, for
// disabling, by the dispatcher after a day of failed attempts. Each change is one transaction with its
// audit event.
import { transaction, type Tx } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";

export type EndpointRef = { id: string; platform: string; url: string; disabledAt: Date | null };

async function liveEndpoint(tx: Tx, endpointId: string): Promise<EndpointRef | null> {
  return tx.webhookEndpoint.findFirst({ where: { id: endpointId, deletedAt: null }, select: { id: true, platform: true, url: true, disabledAt: true } });
}

/**
 * Stops deliveries to an endpoint: its pending deliveries wait, and new events still queue for it.
 * False when there is no such live endpoint or it was already disabled (nothing is recorded then).
 */
export async function disableEndpoint(actor: Actor, endpointId: string, reason: string, tx?: Tx): Promise<boolean> {
  const run = async (t: Tx) => {
    const endpoint = await liveEndpoint(t, endpointId);
    if (!endpoint || endpoint.disabledAt) return false;
    const changed = await t.webhookEndpoint.updateMany({
      where: { id: endpointId, disabledAt: null },
      data: { disabledAt: new Date(), disabledReason: reason },
    });
    if (changed.count === 0) return false;
    await appendAuditEvent(t, {
      actor,
      action: "webhook.endpoint_disabled",
      subjectType: "webhook_endpoint",
      subjectId: endpointId,
      payload: { endpointId, platform: endpoint.platform, url: endpoint.url, reason },
    });
    return true;
  };
  return tx ? run(tx) : transaction(run);
}

/** Lets deliveries flow again: the failure clock starts afresh. False when there is nothing to enable. */
export async function enableEndpoint(actor: Actor, endpointId: string): Promise<boolean> {
  return transaction(async (tx) => {
    const endpoint = await liveEndpoint(tx, endpointId);
    if (!endpoint || !endpoint.disabledAt) return false;
    await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { disabledAt: null, disabledReason: null, failingSince: null } });
    await appendAuditEvent(tx, {
      actor,
      action: "webhook.endpoint_enabled",
      subjectType: "webhook_endpoint",
      subjectId: endpointId,
      payload: { endpointId, platform: endpoint.platform, url: endpoint.url },
    });
    return true;
  });
}

export type ResendSelection = { deliveryIds: string[] } | { failed: true };

/**
 * Sends deliveries again, whatever state they are in, with the same webhook-id: each becomes due now
 * and starts the retry schedule afresh. A delivery being sent at this moment keeps its lease, so the
 * resend is the attempt after it. Answers how many were resent (none: nothing is recorded).
 */
export async function resendDeliveries(actor: Actor, endpointId: string, selection: ResendSelection): Promise<number> {
  return transaction(async (tx) => {
    const endpoint = await liveEndpoint(tx, endpointId);
    if (!endpoint) return 0;
    const chosen = await tx.webhookDelivery.findMany({
      where: { endpointId, ...("failed" in selection ? { state: "failed" } : { id: { in: selection.deliveryIds } }) },
      select: { id: true },
      orderBy: { createdAt: "asc" },
    });
    if (chosen.length === 0) return 0;
    const ids = chosen.map((d) => d.id);
    await tx.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { state: "pending", nextAttemptAt: new Date(), retryIndex: 0 } });
    await appendAuditEvent(tx, {
      actor,
      action: "webhook.deliveries_resent",
      subjectType: "webhook_endpoint",
      subjectId: endpointId,
      payload: { endpointId, deliveryIds: ids.slice(0, 1000), count: ids.length },
    });
    return ids.length;
  });
}
