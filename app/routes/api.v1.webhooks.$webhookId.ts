import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { badRequest } from "~/modules/http/errors.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";
import { removeWebhook, showWebhook } from "~/modules/webhooks/api.server.ts";
import { WebhookId } from "~/modules/webhooks/schema.ts";

export const access = { kind: "api", scope: "webhooks:manage" } satisfies Access;

/** One of the key's platform's endpoints; another platform's is as unknown as a missing one. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  const id = WebhookId.safeParse(params.webhookId ?? "");
  if (!id.success) return badRequest(id.error, "The webhookId is invalid; see issues.");
  return showWebhook(client, id.data);
}

export async function action({ request, params }: ActionFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  if (request.method !== "DELETE") return methodNotAllowed("GET, DELETE");
  const id = WebhookId.safeParse(params.webhookId ?? "");
  if (!id.success) return badRequest(id.error, "The webhookId is invalid; see issues.");
  return removeWebhook(client, id.data);
}
