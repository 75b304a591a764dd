import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Access } from "~/modules/auth/capabilities.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { EXPORT_FORMATS, EXPORT_KINDS, exportContentType, exportFileName, startExport } from "~/modules/audit/export.server.ts";
import { TimeRange } from "~/modules/audit/range.ts";
import { badRequest } from "~/modules/http/errors.server.ts";

export const access: Access = { kind: "user", capability: "audit:export" };

const ExportQuery = z.intersection(z.object({ kind: z.enum(EXPORT_KINDS), format: z.enum(EXPORT_FORMATS).default("jsonl") }), TimeRange);

/**
 * The download itself: streamed as it is read (no Content-Length), so the browser's download shows
 * bytes arriving while the server holds one page of rows at a time.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "audit:export");
  const parsed = ExportQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error, "Choose what to export and a valid time range.");
  const { kind, format, from, to } = parsed.data;
  const { stream, rows } = await startExport(userActor(user), kind, format, { from, to });
  return new Response(stream, {
    headers: {
      "Content-Type": exportContentType(kind, format),
      "Content-Disposition": `attachment; filename="${exportFileName(kind, format, { from, to })}"`,
      "Cache-Control": "no-store",
      "X-Docket-Row-Count": String(rows),
    },
  });
}
