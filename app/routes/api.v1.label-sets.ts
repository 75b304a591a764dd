import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { liveLabelSets, publishedLabelSets } from "~/modules/labels/live.server.ts";

export const access = { kind: "api", scope: "labels:read" } satisfies Access;

/** The rules a platform enforces, for it to show its users: each set's live version and its labels in use. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiKey(request, access.scope);
  return json(publishedLabelSets(await liveLabelSets()), { headers: { "Cache-Control": "no-store" } });
}
