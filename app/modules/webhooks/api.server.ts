// The platform API's webhook endpoints over HTTP: read and check the request, call the endpoints
// module, answer with the shapes of schema.ts (the OpenAPI document is generated from them).
import { json } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server.ts";
import type { ApiClient } from "~/modules/auth/guard.server.ts";
import { apiError, badRequest, readJsonBody } from "~/modules/http/errors.server.ts";
import { deleteEndpoint, getEndpoint, listEndpoints, registerEndpoint, rotateSecret, type EndpointChanger } from "./endpoints.server.ts";
import { endpointNotFound, WebhookError } from "./errors.ts";
import { SecretRotation, WebhookRegistration, type WebhookCreated, type WebhookList, type SecretRotated } from "./schema.ts";

const NO_STORE = { "Cache-Control": "no-store" };

const changerFor = (client: ApiClient): EndpointChanger => ({
  actor: { kind: "api_key", id: client.id, name: client.name },
  via: "api",
  apiKeyId: client.id,
});

/** A webhook refusal in the one error shape. */
export const webhookRefusal = (e: WebhookError) => apiError(e.status, e.code, e.message, e.field ? [{ path: e.field, message: e.message }] : []);

async function refusing<T>(work: () => Promise<T>): Promise<T | Response> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof WebhookError) return webhookRefusal(e);
    throw e;
  }
}

/** GET /api/v1/webhooks */
export async function listWebhooks(client: ApiClient) {
  return json({ endpoints: await listEndpoints(client.platform) } satisfies z.input<typeof WebhookList>, { headers: NO_STORE });
}

/** POST /api/v1/webhooks: 201 with the signing secret, which is never shown again. */
export async function registerWebhook(request: Request, client: ApiClient) {
  const body = await readJsonBody(request, env.DOCKET_MAX_BODY_BYTES);
  const parsed = WebhookRegistration.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error, "The webhook registration is invalid; nothing was stored. See issues.");
  return refusing(async () => {
    const created = await registerEndpoint(changerFor(client), client.platform, parsed.data);
    return json({ id: created.id, secret: created.secret } satisfies z.input<typeof WebhookCreated>, { status: 201, headers: NO_STORE });
  });
}

/** GET /api/v1/webhooks/{webhookId} */
export async function showWebhook(client: ApiClient, id: string) {
  const endpoint = await getEndpoint(client.platform, id);
  if (!endpoint) return webhookRefusal(endpointNotFound());
  return json(endpoint, { headers: NO_STORE });
}

/** DELETE /api/v1/webhooks/{webhookId}: 204. */
export async function removeWebhook(client: ApiClient, id: string) {
  return refusing(async () => {
    await deleteEndpoint(changerFor(client), client.platform, id);
    return new Response(null, { status: 204 });
  });
}

/** POST /api/v1/webhooks/{webhookId}/rotate-secret: the new secret, and until when the old one still signs. */
export async function rotateWebhookSecret(request: Request, client: ApiClient, id: string) {
  // An empty body asks for the default overlap.
  const declared = request.headers.get("Content-Length");
  const body = declared === "0" || !request.body ? {} : await readJsonBody(request, env.DOCKET_MAX_BODY_BYTES);
  const parsed = SecretRotation.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error, "The rotation request is invalid; the secret was not changed. See issues.");
  return refusing(async () => {
    const rotated = await rotateSecret(changerFor(client), client.platform, id, parsed.data.overlapSeconds);
    return json(rotated satisfies z.input<typeof SecretRotated>, { headers: NO_STORE });
  });
}
