import type { LoaderFunctionArgs } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireApiKey } from "~/modules/auth/guard.server.ts";
import { exportContentType, startExport } from "~/modules/audit/export.server.ts";
import { TimeRange } from "~/modules/audit/range.ts";
import { badRequest } from "~/modules/http/errors.server.ts";

export const access = { kind: "api", scope: "statements:read" } satisfies Access;

/** DSA statements of reasons for a time range: NDJSON, one `{"statements": [...]}` batch (≤ 100) per line. */
export async function loader({ request }: LoaderFunctionArgs) {
  const client = await requireApiKey(request, access.scope);
  const parsed = TimeRange.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  // A platform's key sees the statements for its own items only.
  const range = { ...parsed.data, platform: client.platform };
  const { stream, rows } = await startExport({ kind: "api_key", id: client.id, name: client.name }, "statements", "jsonl", range);
  return new Response(stream, {
    headers: { "Content-Type": exportContentType("statements", "jsonl"), "Cache-Control": "no-store", "X-Docket-Statement-Count": String(rows) },
  });
}
