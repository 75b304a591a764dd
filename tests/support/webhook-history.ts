import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";
import { registerEndpoint } from "~/modules/webhooks/endpoints.server.ts";

/** What a hostile receiver might answer: it must reach the page as text. */
export const HOSTILE_EXCERPT = `<script>alert("receiver")</script><img src=x onerror=alert(1)> Service Unavailable`;

let nextSeq = 800_000_000;

/**
 * An endpoint of platform "test" with three deliveries as the dispatcher leaves them: one delivered
 * after a failed attempt, one failed after its retries, one pending after a refused connection.
 */
export async function endpointWithHistory(tag: string) {
  const url = `https://93.184.216.34/${tag}-${randomUUID().slice(0, 6)}`;
  const { id: endpointId } = await registerEndpoint({ actor: { kind: "system", name: "test" }, via: "console" }, "test", {
    url,
    events: ["decision.made", "item.reopened"],
    description: `Fictional receiver (${tag})`,
  });
  const base = Date.now() - 3_600_000;
  const plan = [
    {
      state: "delivered",
      type: "decision.made",
      attempts: [
        { outcome: "http_error", statusCode: 503, excerpt: HOSTILE_EXCERPT },
        { outcome: "delivered", statusCode: 200, excerpt: "ok" },
      ],
    },
    { state: "failed", type: "item.reopened", attempts: [{ outcome: "http_error", statusCode: 500, excerpt: "Internal error" }] },
    {
      state: "pending",
      type: "decision.made",
      attempts: [{ outcome: "connect_error", statusCode: null, excerpt: "", error: "connect ECONNREFUSED 93.184.216.34:443" }],
    },
  ] as const;
  const deliveries: { id: string; messageId: string; state: string }[] = [];
  for (const [i, p] of plan.entries()) {
    const messageId = `msg_${randomUUID().replace(/-/g, "").slice(0, 20)}`;
    const id = randomUUID();
    await db.webhookMessage.create({
      data: { id: messageId, seq: nextSeq++, type: p.type, platform: "test", payload: JSON.stringify({ type: p.type, data: {} }) },
    });
    await db.webhookDelivery.create({
      data: {
        id,
        messageId,
        endpointId,
        state: p.state,
        attempts: p.attempts.length,
        retryIndex: p.attempts.length,
        nextAttemptAt: new Date(base + 600_000 * (i + 1)),
        lastAttemptAt: new Date(base + i * 1000),
        lastStatus: p.attempts.at(-1)!.statusCode,
        lastError: p.state === "failed" ? "retries exhausted" : null,
        deliveredAt: p.state === "delivered" ? new Date(base + i * 1000) : null,
        createdAt: new Date(base + i * 1000),
      },
    });
    for (const [n, a] of p.attempts.entries()) {
      await db.webhookAttempt.create({
        data: {
          id: randomUUID(),
          deliveryId: id,
          endpointId,
          startedAt: new Date(base + i * 1000 + n * 100),
          durationMs: 1234,
          statusCode: a.statusCode,
          outcome: a.outcome,
          responseExcerpt: a.excerpt,
          error: "error" in a ? a.error : null,
        },
      });
    }
    deliveries.push({ id, messageId, state: p.state });
  }
  return { endpointId, url, deliveries };
}
