import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { badRequest } from "~/modules/http/errors.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";
import { rotateWebhookSecret } from "~/modules/webhooks/api.server.ts";
import { WebhookId } from "~/modules/webhooks/schema.ts";

export const access = { kind: "api", scope: "webhooks:manage" } satisfies Access;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiKey(request, access.scope);
  return methodNotAllowed("POST");
}

/** A new signing secret; the previous one keeps signing until previousValidUntil. */
export async function action({ request, params }: ActionFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  if (request.method !== "POST") return methodNotAllowed("POST");
  const id = WebhookId.safeParse(params.webhookId ?? "");
  if (!id.success) return badRequest(id.error, "The webhookId is invalid; see issues.");
  return rotateWebhookSecret(request, client, id.data);
}
