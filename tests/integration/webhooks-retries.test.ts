import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { RETRY_SCHEDULE_SECONDS } from "~/modules/webhooks/schedule.ts";
import { enableEndpoint, resendDeliveries } from "~/modules/webhooks/states.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeUser } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { WebhookReceiver, type Behaviour } from "../support/webhook-receiver.ts";
import { makeEndpoint, waitFor } from "../support/webhooks.ts";

// A receiver that fails, hangs or redirects: every attempt is recorded, retried on the (scaled)
// schedule, and after a (scaled) day of failures the endpoint is disabled; its deliveries then wait
// until an admin enables it and resends, and arrive with the webhook-id they always had.

// Three days of retries in about three seconds; a day is 0.864 s.
const TIME_SCALE = 1e-5;
const TIMEOUT_MS = 300;
const SERVER_ENV = {
  DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "1",
  DOCKET_WEBHOOK_POLL_MS: "40",
  DOCKET_WEBHOOK_TIME_SCALE: String(TIME_SCALE),
  DOCKET_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
  DOCKET_WEBHOOK_LEASE_SECONDS: "6",
};

let server: RunningServer;
let receiver: WebhookReceiver;
let admin: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  admin = await makeUser("admin");
  receiver = await new WebhookReceiver().start();
  server = await startServer(SERVER_ENV);
});
afterAll(async () => {
  await server?.stop();
  await receiver?.stop();
});

const adminActor = () => ({ kind: "user" as const, id: admin.id, email: admin.email, role: admin.role });

async function endpointFor(name: string, behaviour: Behaviour) {
  // Earlier tests' endpoints are gone, so each test's decisions reach its own endpoint only.
  await db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
  const url = receiver.endpoint(name, "");
  const endpoint = await makeEndpoint("test", url, ["decision.made"]);
  receiver.endpoint(name, endpoint.secret, behaviour);
  return endpoint;
}

const attemptsOf = (deliveryId: string) => db.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { startedAt: "asc" } });

async function disabledWithEvent(endpointId: string) {
  await waitFor(
    () => `endpoint disabled (${server.output()})`,
    async () => (await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).disabledAt !== null,
  );
  const event = await db.auditEvent.findFirstOrThrow({ where: { action: "webhook.endpoint_disabled", subjectId: endpointId } });
  expect(event.actorLabel).toBe("system: webhook dispatcher");
  return db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
}

describe("a failing receiver", () => {
  it("answering 500: attempts recorded, retried with growing gaps, the endpoint disabled after a day; deliveries wait; enabling and resending delivers with the same webhook-id", async () => {
    const endpoint = await endpointFor("failing", "fail");
    const first = await makeDecision({ action: "remove" });
    await waitFor("a delivery", async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })) === 1);
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id } });

    const disabled = await disabledWithEvent(endpoint.id);
    expect(disabled.disabledReason).toMatch(/HTTP 500/);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const a of attempts) {
      expect(a).toMatchObject({ outcome: "http_error", statusCode: 500, endpointId: endpoint.id });
      expect(a.responseExcerpt).toContain("Fictional receiver failure");
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
    }
    // Each gap is at least its place in the schedule (less the jitter): the waits grow.
    for (let i = 1; i < attempts.length; i++) {
      const gap = attempts[i].startedAt.getTime() - attempts[i - 1].startedAt.getTime();
      expect(gap).toBeGreaterThanOrEqual(Math.floor(RETRY_SCHEDULE_SECONDS[i - 1] * 1000 * TIME_SCALE * 0.9));
    }
    // The endpoint was disabled by a failure a (scaled) day after the first.
    const day = 24 * 3600 * 1000 * TIME_SCALE;
    expect(disabled.disabledAt!.getTime() - attempts[0].startedAt.getTime()).toBeGreaterThanOrEqual(day);
    const state = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(state.attempts).toBe(attempts.length);
    expect(receiver.at("failing").every((r) => r.id === receiver.at("failing")[0].id)).toBe(true);

    // While disabled, a new event queues but is not sent.
    const second = await makeDecision({ action: "keep" });
    await waitFor("the second delivery queued", async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })) === 2);
    const arrivedBefore = receiver.at("failing").length;
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at("failing").length).toBe(arrivedBefore);
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id, attempts: 0, state: "pending" } })).toBe(1);

    receiver.behave("failing", "ok");
    expect(await enableEndpoint(adminActor(), endpoint.id)).toBe(true);
    expect(await resendDeliveries(adminActor(), endpoint.id, { deliveryIds: [delivery.id] })).toBe(1);
    await waitFor("both delivered", async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "delivered" } })) === 2);
    const ok = receiver.at("failing").slice(arrivedBefore);
    // The held delivery may go once on enabling and again for the resend: always with its one webhook-id.
    expect([...new Set(ok.map((r) => r.data.id))].sort()).toEqual([first.decision.id, second.decision.id].sort());
    for (const r of ok.filter((r) => r.data.id === first.decision.id)) expect(r.id).toBe(receiver.at("failing")[0].id);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failingSince).toBeNull();
    expect(receiver.rejected).toEqual([]);
  });

  it("hanging past the timeout: each attempt ends as a timeout within twice the timeout, and the endpoint is disabled", async () => {
    const endpoint = await endpointFor("hanging", "hang");
    await makeDecision({ action: "remove" });
    await disabledWithEvent(endpoint.id);
    const attempts = await db.webhookAttempt.findMany({ where: { endpointId: endpoint.id } });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const a of attempts) {
      expect(a).toMatchObject({ outcome: "timeout", statusCode: null });
      expect(a.error).toMatch(/Timed out/);
      expect(a.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      // Generous: the abort comes at twice the timeout, the rest is a busy machine.
      expect(a.durationMs).toBeLessThan(2 * TIMEOUT_MS + 3000);
    }
  });

  it("redirecting: the redirect is recorded and never followed, and the endpoint is disabled", async () => {
    const endpoint = await endpointFor("moving", "redirect");
    await makeDecision({ action: "remove" });
    await disabledWithEvent(endpoint.id);
    const attempts = await db.webhookAttempt.findMany({ where: { endpointId: endpoint.id } });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const a of attempts) {
      expect(a).toMatchObject({ outcome: "redirect", statusCode: 302, responseExcerpt: "moved" });
      expect(a.error).toContain("/elsewhere");
    }
    expect(receiver.followed).toEqual([]);
  });

  it("an endpoint at a metadata or private address is refused at send time, without a connection", async () => {
    await db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
    const metadata = await makeEndpoint("test", "https://169.254.169.254/latest/hook", ["decision.made"]);
    const mapped = await makeEndpoint("test", "http://[::ffff:10.1.2.3]:8080/hook", ["decision.made"]);
    await makeDecision({ action: "remove" });
    await waitFor(
      "an attempt at each",
      async () => (await db.webhookAttempt.groupBy({ by: ["endpointId"], where: { endpointId: { in: [metadata.id, mapped.id] } } })).length === 2,
    );
    for (const id of [metadata.id, mapped.id]) {
      const [a] = await db.webhookAttempt.findMany({ where: { endpointId: id }, orderBy: { startedAt: "asc" }, take: 1 });
      expect(a).toMatchObject({ outcome: "address_refused", statusCode: null });
      expect(a.error).toMatch(/link-local|only to a loopback/);
    }
  });

  it("plain http goes only to loopback at send time too, whatever was registered", async () => {
    await db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
    const publicHttp = await makeEndpoint("test", "http://93.184.216.34/hook", ["decision.made"]);
    await makeDecision({ action: "remove" });
    await waitFor("an attempt", async () => (await db.webhookAttempt.count({ where: { endpointId: publicHttp.id } })) > 0);
    const [a] = await db.webhookAttempt.findMany({ where: { endpointId: publicHttp.id }, take: 1 });
    expect(a).toMatchObject({ outcome: "address_refused", statusCode: null });
    expect(a.error).toMatch(/only to a loopback/);
  });

  it("an answer holding NUL and binary bytes is recorded (as text the database can store) and the delivery is delivered once", async () => {
    const endpoint = await endpointFor("binary", { answer: Buffer.from([0x6f, 0x6b, 0x00, 0x01, 0xff, 0x00]) });
    await makeDecision({ action: "remove" });
    await waitFor(
      () => `delivered (${server.output()})`,
      async () => (await db.webhookDelivery.count({ where: { endpointId: endpoint.id, state: "delivered" } })) === 1,
    );
    const [attempt, ...more] = await db.webhookAttempt.findMany({ where: { endpointId: endpoint.id } });
    expect(more).toEqual([]);
    expect(attempt).toMatchObject({ outcome: "delivered", statusCode: 200 });
    expect(attempt.responseExcerpt.startsWith("ok\uFFFD")).toBe(true);
    expect(attempt.responseExcerpt).not.toContain("\u0000");
    expect(receiver.at("binary")).toHaveLength(1);
  });
});

describe("loopback while DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK is off", () => {
  it("a name that resolves to loopback is refused when the connection is made: the listening receiver hears nothing", async () => {
    await server.stop();
    // A longer timeout: resolving the name counts against connecting, and a busy machine can be slow at it.
    server = await startServer({
      ...SERVER_ENV,
      DOCKET_WEBHOOK_ALLOW_HTTP_LOOPBACK: "0",
      DOCKET_WEBHOOK_TIMEOUT_MS: "3000",
      DOCKET_WEBHOOK_LEASE_SECONDS: "12",
    });
    await db.webhookEndpoint.updateMany({ where: { deletedAt: null }, data: { deletedAt: new Date() } });
    const listening = receiver.endpoint("loopback", "");
    const byName = await makeEndpoint("test", listening.replace("http://127.0.0.1", "https://localhost"), ["decision.made"]);
    const literal = await makeEndpoint("test", listening, ["decision.made"]);
    receiver.endpoint("loopback", byName.secret);
    await makeDecision({ action: "remove" });
    await waitFor(
      "an attempt at each",
      async () => (await db.webhookAttempt.groupBy({ by: ["endpointId"], where: { endpointId: { in: [byName.id, literal.id] } } })).length === 2,
    );
    const attempts = await db.webhookAttempt.findMany({ where: { endpointId: { in: [byName.id, literal.id] } } });
    for (const a of attempts) expect(a).toMatchObject({ outcome: "address_refused", statusCode: null });
    expect(attempts.find((a) => a.endpointId === byName.id)!.error).toMatch(/"localhost" resolves to an address .*loopback/);
    expect(attempts.find((a) => a.endpointId === literal.id)!.error).toMatch(/Plain http is not allowed/);
    expect(receiver.at("loopback")).toEqual([]);
  });
});
