// The console's webhook pages over HTTP, as a browser without JavaScript uses them: every endpoint with
// its disabled notice, one endpoint's deliveries and attempts (third-party response text shown as
// text), the admin's actions with their audit events, and the refusal every other role meets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { registerEndpoint } from "~/modules/webhooks/endpoints.server.ts";
import { disableEndpoint } from "~/modules/webhooks/states.server.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client, markupText as html } from "../support/http.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { endpointWithHistory, HOSTILE_EXCERPT } from "../support/webhook-history.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ DOCKET_WEBHOOKS: "0" });
});
afterAll(() => server?.stop());

async function signedIn(role: "moderator" | "policy_lead" | "auditor" | "admin") {
  const client = new Client(server.url);
  await client.login((await makeUser(role)).email, PASSWORD);
  return client;
}

const events = (action: string, subjectId: string) => db.auditEvent.count({ where: { action, subjectId } });

describe("who may use the webhook pages", () => {
  it("every role but admin is refused, and their posts change nothing", async () => {
    const { endpointId } = await endpointWithHistory("refusals");
    for (const role of ["moderator", "policy_lead", "auditor"] as const) {
      const client = await signedIn(role);
      const list = await client.get("/admin/webhooks");
      expect(list.status).toBe(403);
      expect(html(await list.text())).toContain("webhooks:manage");
      expect((await client.get(`/admin/webhooks/${endpointId}`)).status).toBe(403);
      for (const intent of ["disable", "delete", "resend_failed"]) {
        expect((await client.post(`/admin/webhooks/${endpointId}`, { intent })).status).toBe(403);
      }
    }
    const anonymous = new Client(server.url);
    const redirected = await anonymous.get("/admin/webhooks");
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toMatch(/^\/login/);
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(row.disabledAt).toBeNull();
    expect(row.deletedAt).toBeNull();
    expect(await db.auditEvent.count({ where: { subjectId: endpointId, action: { not: "webhook.endpoint_created" } } })).toBe(0);
  });
});

describe("the pages", () => {
  it("the list shows every platform's endpoints with counts, and a notice for each disabled one", async () => {
    const shown = await endpointWithHistory("listing");
    const other = await registerEndpoint({ actor: { kind: "system", name: "test" }, via: "console" }, "other-platform", {
      url: "https://93.184.216.35/other",
      events: ["decision.made"],
      description: "",
    });
    await disableEndpoint({ kind: "system", name: "webhook dispatcher" }, other.id, "Every attempt failed for a day; the last answered 500.");
    const admin = await signedIn("admin");
    const res = await admin.get("/admin/webhooks");
    expect(res.status).toBe(200);
    const page = html(await res.text());
    expect(page).toContain(shown.url);
    expect(page).toContain("https://93.184.216.35/other");
    expect(page).toContain("other-platform");
    expect(page).toMatch(
      /The endpoint https:\/\/93\.184\.216\.35\/other of platform other-platform is disabled since \d{4}-\d\d-\d\d [\d:]+ UTC: Every attempt failed for a day; the last answered 500\./,
    );
    expect(page).not.toMatch(new RegExp(`The endpoint ${shown.url.replace(/[./]/g, "\\$&")} of platform`));
    expect(page).toContain(`href="/admin/webhooks/${shown.endpointId}"`);
    expect(page).toMatch(/<a[^>]*href="\/admin\/webhooks"[^>]*>Webhooks<\/a>/);
  });

  it("an endpoint's page lists deliveries with their attempts; response text is shown as text", async () => {
    const shown = await endpointWithHistory("detail");
    const admin = await signedIn("admin");
    const res = await admin.get(`/admin/webhooks/${shown.endpointId}`);
    expect(res.status).toBe(200);
    const raw = await res.text();
    expect(raw).not.toContain("<script>alert");
    expect(raw).not.toContain("<img src=x");
    expect(raw).toContain("&lt;script&gt;alert");
    const page = html(raw);
    expect(page).toContain(HOSTILE_EXCERPT.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, '"'));
    for (const d of shown.deliveries) expect(page).toContain(d.messageId);
    expect(page).toContain("decision.made");
    expect(page).toContain("item.reopened");
    expect(page).toContain("http_error");
    expect(page).toContain("1234 ms");
    expect(page).toContain("503");
    expect(page).toContain("connect ECONNREFUSED");
    expect(page).toMatch(/Deliveries to this endpoint, newest first \(page 1 of 1, 3 in all\)/);

    const failed = html(await (await admin.get(`/admin/webhooks/${shown.endpointId}?state=failed`)).text());
    expect(failed).toContain(shown.deliveries.find((d) => d.state === "failed")!.messageId);
    expect(failed).not.toContain(shown.deliveries.find((d) => d.state === "delivered")!.messageId);
    expect((await admin.get(`/admin/webhooks/${shown.endpointId}?state=nonsense&page=zz`)).status).toBe(200);
    expect((await admin.get("/admin/webhooks/ep_no_such_endpoint")).status).toBe(404);
  });
});

describe("the admin's actions", () => {
  it("disable and enable change the state and record audit events", async () => {
    const { endpointId } = await endpointWithHistory("toggle");
    const admin = await signedIn("admin");
    const disabled = await admin.post(`/admin/webhooks/${endpointId}`, { intent: "disable", reason: "Paused while the platform moves its receiver." });
    expect(disabled.status).toBe(200);
    expect(html(await disabled.text())).toContain("Disabled since");
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(row.disabledAt).not.toBeNull();
    expect(row.disabledReason).toBe("Paused while the platform moves its receiver.");
    expect(await events("webhook.endpoint_disabled", endpointId)).toBe(1);
    expect((await admin.post(`/admin/webhooks/${endpointId}`, { intent: "disable" })).status).toBe(409);
    expect(await events("webhook.endpoint_disabled", endpointId)).toBe(1);

    const enabled = await admin.post(`/admin/webhooks/${endpointId}`, { intent: "enable" });
    expect(enabled.status).toBe(200);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).disabledAt).toBeNull();
    expect(await events("webhook.endpoint_enabled", endpointId)).toBe(1);
    expect((await admin.post(`/admin/webhooks/${endpointId}`, { intent: "enable" })).status).toBe(409);
  });

  it("resends one delivery, then every failed one, with an audit event each", async () => {
    const shown = await endpointWithHistory("resend");
    const admin = await signedIn("admin");
    const delivered = shown.deliveries.find((d) => d.state === "delivered")!;
    const one = await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "resend", deliveryId: delivered.id });
    expect(one.status).toBe(200);
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivered.id } })).toMatchObject({ state: "pending", retryIndex: 0 });
    expect(await events("webhook.deliveries_resent", shown.endpointId)).toBe(1);

    const failed = shown.deliveries.find((d) => d.state === "failed")!;
    const all = await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "resend_failed" });
    expect(all.status).toBe(200);
    expect(html(await all.text())).toContain("1 failed delivery will be sent again shortly.");
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ state: "pending", retryIndex: 0 });
    expect(await events("webhook.deliveries_resent", shown.endpointId)).toBe(2);

    const none = await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "resend_failed" });
    expect(html(await none.text())).toContain("There were no failed deliveries to resend.");
    expect(await events("webhook.deliveries_resent", shown.endpointId)).toBe(2);

    expect((await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "resend", deliveryId: "no-such-delivery" })).status).toBe(404);
    expect((await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "resend" })).status).toBe(400);
    expect((await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "explode" })).status).toBe(400);
    expect(await events("webhook.deliveries_resent", shown.endpointId)).toBe(2);
  });

  it("delete removes the endpoint from the pages, fails its waiting deliveries and records who did it", async () => {
    const shown = await endpointWithHistory("deletion");
    const admin = await signedIn("admin");
    const res = await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "delete" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/admin\/webhooks\?deleted=/);
    const after = html(await (await admin.get(res.headers.get("location")!)).text());
    expect(after).toContain(`Deleted the endpoint ${shown.url}`);
    expect(after).not.toContain(`href="/admin/webhooks/${shown.endpointId}"`);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: shown.endpointId } })).deletedAt).not.toBeNull();
    const pending = shown.deliveries.find((d) => d.state === "pending")!;
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ state: "failed", lastError: "endpoint deleted" });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "webhook.endpoint_deleted", subjectId: shown.endpointId } });
    expect(JSON.parse(event.payload)).toMatchObject({ via: "console" });
    expect(event.actorLabel).toContain("(admin)");
    expect((await admin.get(`/admin/webhooks/${shown.endpointId}`)).status).toBe(404);
    expect((await admin.post(`/admin/webhooks/${shown.endpointId}`, { intent: "delete" })).status).toBe(404);
    // The notice names only an endpoint really deleted, never text from the address.
    const spoofed = html(await (await admin.get(`/admin/webhooks?deleted=${encodeURIComponent("https://evil.example/ — call support")}`)).text());
    expect(spoofed).not.toContain("Deleted the endpoint");
  });
});
