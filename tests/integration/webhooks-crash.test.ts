import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { WebhookReceiver, type Received } from "../support/webhook-receiver.ts";
import { makeDecisions, makeEndpoint, waitFor } from "../support/webhooks.ts";

// Delivery loses nothing: a server killed with SIGKILL while it sends leaves leases that lapse, and
// the server started again sends every decision made before the kill (a copy of one already received
// carries the same webhook-id). Two servers on one database lease, never share, each attempt.

const SERVER_ENV = {
  DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "1",
  DOCKET_WEBHOOK_POLL_MS: "50",
  DOCKET_WEBHOOK_TIMEOUT_MS: "1000",
  // Longer than twice the timeout and the margin; short, so a dead process's leases lapse soon.
  DOCKET_WEBHOOK_LEASE_SECONDS: "8",
  DOCKET_WEBHOOK_TIME_SCALE: "0.01",
};

const servers: RunningServer[] = [];
let receiver: WebhookReceiver;

async function start() {
  const server = await startServer(SERVER_ENV);
  servers.push(server);
  return server;
}

beforeAll(async () => {
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await receiver?.stop();
});

async function endpointAt(name: string, behaviour: Parameters<WebhookReceiver["endpoint"]>[2]) {
  await db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
  const endpoint = await makeEndpoint("test", receiver.endpoint(name, ""), ["decision.made"]);
  receiver.endpoint(name, endpoint.secret, behaviour);
  return endpoint;
}

/** Each decision's webhook-ids at the receiver: one per decision however many copies arrived. */
function idsByDecision(received: Received[]) {
  const ids = new Map<string, Set<string>>();
  for (const r of received) ids.set(String(r.data.id), (ids.get(String(r.data.id)) ?? new Set()).add(r.id));
  return ids;
}

const everyDecisionArrived = (name: string, decisionIds: string[]) => () => {
  const arrived = idsByDecision(receiver.at(name));
  return decisionIds.every((id) => arrived.has(id));
};

describe("webhook delivery across a crash and across processes", () => {
  it("a server killed with SIGKILL mid-delivery: after a restart every decision made before the kill reaches the receiver, copies with the same webhook-id", async () => {
    // Until the kill the receiver never answers: every attempt is under way, or timed out and due again, when the process dies.
    const endpoint = await endpointAt("crash", "hang");
    const made = await makeDecisions(24);
    const decisionIds = made.map((m) => m.decision.id);
    const first = await start();
    await waitFor(
      () => `first deliveries (${first.output()})`,
      () => receiver.at("crash").length >= 2,
    );
    await first.kill();
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "delivered" } })).toBe(0);
    receiver.behave("crash", { slowMs: 200 });

    const second = await start();
    await waitFor(() => `every decision delivered (${second.output()})`, everyDecisionArrived("crash", decisionIds), 60_000);
    await waitFor(
      "every delivery recorded",
      async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "pending" } })) === 0,
      30_000,
    );
    expect(receiver.rejected).toEqual([]);
    const ids = idsByDecision(receiver.at("crash"));
    for (const id of decisionIds) expect(ids.get(id)?.size, `webhook-ids of ${id}`).toBe(1);
    await second.stop();
  }, 120_000);

  it("two servers on one database sending at once: no webhook-id is ever being received twice at the same moment, and each is delivered", async () => {
    // Every first attempt fails, so each delivery is leased again, by either process.
    const endpoint = await endpointAt("twins", { slowMs: 150, failFirst: 1 });
    await Promise.all([start(), start()]);
    const made = await makeDecisions(20);
    const decisionIds = made.map((m) => m.decision.id);
    await waitFor(() => `every decision delivered (${servers.map((s) => s.output()).join("\n")})`, everyDecisionArrived("twins", decisionIds), 60_000);
    await waitFor(
      "every delivery recorded",
      async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "pending" } })) === 0,
      30_000,
    );
    const received = receiver.at("twins");
    expect(receiver.rejected).toEqual([]);
    expect(Math.max(...received.map((r) => r.concurrent))).toBe(1);
    const ids = idsByDecision(received);
    for (const id of decisionIds) expect(ids.get(id)?.size).toBe(1);
    // Each webhook-id was attempted at least twice (one failure, one success) and delivered once.
    const attempts = await db.webhookAttempt.groupBy({ by: ["deliveryId"], _count: true, where: { endpointId: endpoint.id, outcome: "delivered" } });
    expect(attempts.every((a) => a._count === 1)).toBe(true);
    expect(received.length).toBeGreaterThanOrEqual(2 * decisionIds.length);
  }, 120_000);
});
