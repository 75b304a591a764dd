import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { receiveAppealRequest } from "~/modules/appeals/http.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";

export const access = { kind: "api", scope: "appeals:write" } satisfies Access;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiKey(request, access.scope);
  return methodNotAllowed("POST");
}

export async function action({ request }: ActionFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  if (request.method !== "POST") return methodNotAllowed("POST");
  return receiveAppealRequest(request, client);
}
