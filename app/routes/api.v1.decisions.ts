import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { decisionFeed, FeedQuery } from "~/modules/decisions/feed.server.ts";
import { badRequest } from "~/modules/http/errors.server.ts";

export const access = { kind: "api", scope: "decisions:read" } satisfies Access;

export async function loader({ request }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = FeedQuery.safeParse(params);
  if (!parsed.success) return badRequest(parsed.error);
  return json(await decisionFeed(client.platform, parsed.data.after, parsed.data.limit), { headers: { "Cache-Control": "no-store" } });
}
