import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { badRequest, notFound } from "~/modules/http/errors.server.ts";
import { AGREEMENT_CSV_KINDS, agreementCsv } from "~/modules/quality/agreement-csv.ts";
import { agreementReport, agreementVersions, chooseVersion } from "~/modules/quality/agreement.server.ts";

export const access: Access = { kind: "user", capability: "quality:read" };

const ExportQuery = z.object({ kind: z.enum(AGREEMENT_CSV_KINDS), version: z.string().min(1).max(64).optional() });

/** The agreement pairs, figures or confusion matrix of one label set version as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "quality:read");
  const parsed = ExportQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error, "Choose what to export: kind is pairs, figures or confusion.");
  const { kind, version: requested } = parsed.data;
  const version = chooseVersion(await agreementVersions(), requested ?? null);
  if (!version) return notFound(requested ? "No completed second reviews under that label set version." : "No second review has been completed yet.");
  const report = await agreementReport(version);
  const slug = `${
    version.setName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "labels"
  }-v${version.number}`;
  return new Response(agreementCsv(report, kind), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="agreement-${kind}-${slug}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
