import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";
import { listWebhooks, registerWebhook } from "~/modules/webhooks/api.server.ts";

export const access = { kind: "api", scope: "webhooks:manage" } satisfies Access;

/** The key's platform's webhook endpoints. */
export async function loader({ request }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  return listWebhooks(client);
}

export async function action({ request }: ActionFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  if (request.method !== "POST") return methodNotAllowed("GET, POST");
  return registerWebhook(request, client);
}
