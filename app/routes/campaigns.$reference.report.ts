import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { CampaignKey, REPORT_FORMATS, reportCsv, reportFileName } from "~/modules/campaigns/campaign.ts";
import { campaignReport, resolveCampaign } from "~/modules/campaigns/campaigns.server.ts";
import { apiError, badRequest, notFound } from "~/modules/http/errors.server.ts";

export const access: Access = { kind: "user", capability: "campaigns:read" };

const ReportQuery = CampaignKey.extend({ format: z.enum(REPORT_FORMATS).default("csv") });

/** The outcome report of one campaign, as a CSV or JSON attachment for the referring authority. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "campaigns:read");
  const search = new URL(request.url).searchParams;
  const parsed = ReportQuery.safeParse({
    reference: params.reference,
    platform: search.get("platform") ?? undefined,
    format: search.get("format") ?? undefined,
  });
  if (!parsed.success) return badRequest(parsed.error, "Give the campaign's reference and a format: csv or json.");
  const found = await resolveCampaign(parsed.data.reference, parsed.data.platform);
  if (!found) return notFound("No referral or removal order carries that reference.");
  if ("choices" in found) {
    return apiError(400, "platform_required", "Several platforms have a campaign under this reference; name one with ?platform=.", [
      { path: "platform", message: `One of: ${found.choices.join(", ")}` },
    ]);
  }
  const report = await campaignReport(found.key);
  const { format } = parsed.data;
  const body = format === "csv" ? reportCsv(report) : JSON.stringify(report, null, 2);
  return new Response(body, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${reportFileName(found.key, format)}"`,
      "Cache-Control": "no-store",
    },
  });
}
