import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { openApiDocument } from "~/modules/api/openapi.server.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { methodNotAllowed } from "~/modules/intake/http.server.ts";

// The document describes the API and holds nothing about any platform, so it needs no key.
export const access = { kind: "public" } satisfies Access;

/** The platform API's OpenAPI 3.1 document. It changes only with a new release of Docket. */
export function loader() {
  return json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=3600" } });
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed("GET");
}
