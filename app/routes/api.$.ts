import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";

export const access = { kind: "api", scope: null } satisfies Access;

// A platform's client that calls a path Docket does not have gets the API's error shape, not an HTML page.
async function unknownEndpoint(request: Request): Promise<never> {
  await requireApiKey(request, access.scope);
  throw notFound(`There is no API endpoint ${request.method} ${new URL(request.url).pathname}. The endpoints are described at /api/v1/openapi.json.`);
}

export const loader = ({ request }: LoaderFunctionArgs) => unknownEndpoint(request);
export const action = ({ request }: ActionFunctionArgs) => unknownEndpoint(request);
