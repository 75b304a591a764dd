import { db, transaction } from "~/db.server.ts";
import { createEndpointRow } from "~/modules/webhooks/endpoints.server.ts";
import { WEBHOOK_EVENT_TYPES } from "~/modules/webhooks/events.ts";
import { disableEndpoint } from "~/modules/webhooks/states.server.ts";

// The demo platform's webhook endpoint, so the admin pages show one. Its host never answers, so it
// is disabled from the start: the demo's events queue for it (it subscribes from the first event) and
// an admin can see them wait, but nothing leaves the machine.
export const DEMO_ENDPOINT_URL = "https://hooks.platform.example/docket";
const DEMO_ACTOR = { kind: "system" as const, name: "demo" };

export async function loadDemoWebhooks(): Promise<string> {
  const existing = await db.webhookEndpoint.findFirst({ where: { platform: "demo", url: DEMO_ENDPOINT_URL }, select: { id: true } });
  if (existing) return "demo webhook endpoint already there";
  await transaction(async (tx) => {
    const { id } = await createEndpointRow(
      tx,
      { actor: DEMO_ACTOR, via: "console" },
      "demo",
      { url: DEMO_ENDPOINT_URL, events: WEBHOOK_EVENT_TYPES, description: "Demo platform receiver (paused)" },
      0,
    );
    await disableEndpoint(DEMO_ACTOR, id, "A demo endpoint, paused so the demo sends nothing; its deliveries wait here.", tx);
  });
  return "1 demo webhook endpoint (disabled)";
}
