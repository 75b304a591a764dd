import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { badRequest, notFound } from "~/modules/http/errors.server.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";
import { ExternalIdSegment, itemStatus } from "~/modules/items/status.server.ts";

export const access = { kind: "api", scope: "items:read" } satisfies Access;

/** Where one of the key's platform's items stands. Another platform's item is as unknown as a missing one. */
export async function loader({ request }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  // The id is read from the address as sent: the router's own decoding turns an encoded "%2F" in an
  // id into a slash and leaves a malformed encoding undecoded, so neither could round-trip.
  const segment = new URL(request.url).pathname.split("/")[4] ?? "";
  const parsed = ExternalIdSegment.safeParse(segment);
  if (!parsed.success) return badRequest(parsed.error, "The item's externalId is invalid; see issues.");
  const status = await itemStatus(client.platform, parsed.data);
  if (!status) return notFound("This platform has no item with that externalId.");
  return json(status, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  await requireApiKey(request, access.scope);
  return methodNotAllowed("GET");
}
