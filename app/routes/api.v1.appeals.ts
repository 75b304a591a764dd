import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { receiveAppealRequest } from "~/modules/appeals/http.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";

export const access: Access = { kind: "api" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiKey(request);
  return methodNotAllowed("POST");
}

export async function action({ request }: ActionFunctionArgs) {
  const client = await requireApiKey(request);
  if (request.method !== "POST") return methodNotAllowed("POST");
  return receiveAppealRequest(request, client);
}
