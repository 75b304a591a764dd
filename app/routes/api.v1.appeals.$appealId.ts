import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { AppealId, appealStatus } from "~/modules/appeals/status.server.ts";
import { badRequest, notFound } from "~/modules/http/errors.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";

export const access = { kind: "api", scope: "appeals:write" } satisfies Access;

/** Where one of the key's platform's appeals stands; another platform's appeal is as unknown as a missing one. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  const parsed = AppealId.safeParse(params.appealId ?? "");
  if (!parsed.success) return badRequest(parsed.error, "The appealId is invalid; see issues.");
  const status = await appealStatus(client.platform, parsed.data);
  if (!status) return notFound("This platform has no appeal with that appealId.");
  return json(status, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiKey(request, access.scope);
  return methodNotAllowed("GET");
}
