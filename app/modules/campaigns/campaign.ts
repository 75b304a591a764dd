// A referral campaign: the flags of one platform that carry the same authority-referral or
// removal-order reference. The figures of a campaign are worked out here from its items, each with
// the decision in force, so the page, the report and the tests count the same way; every figure
// names the audit search it re-counts from (docs/decisions/040-referral-campaigns.md).
import { z } from "zod";
import { FlagReference } from "~/modules/intake/schema.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import { csvLine, type CsvValue } from "~/modules/reports/csv.ts";

/** The flag sources whose references form campaigns. */
export const CAMPAIGN_SOURCES = ["authority_referral", "removal_order"] as const;
export type CampaignSource = (typeof CAMPAIGN_SOURCES)[number];
/** The decision actions that close an item; an item whose latest decision is `escalate` is still open. */
export const FINAL_ACTIONS = ["keep", "remove", "restrict"] as const;
export type FinalAction = (typeof FINAL_ACTIONS)[number];

// eslint-disable-next-line no-control-regex
const printable = (v: string) => !/[\u0000-\u001f\u007f]/.test(v);
/** A campaign as named in a URL: its reference (path), and its platform (query) when several share it. */
export const CampaignKey = z.object({
  reference: z.string().min(1, "A campaign needs its reference.").pipe(FlagReference),
  platform: z
    .string()
    .trim()
    .max(200)
    .refine(printable, "A platform has no control characters.")
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type CampaignKey = { reference: string; platform: string };

/** A campaign's page address: the reference percent-encoded, the platform named when needed. */
export const campaignPath = (reference: string, platform?: string, tail = "") =>
  `/campaigns/${encodeURIComponent(reference)}${tail}${platform ? `?${new URLSearchParams({ platform })}` : ""}`;

export const REPORT_FORMATS = ["csv", "json"] as const;

/** The decision in force on an item: its latest, which names the one it superseded, if any. */
export type DecisionInForce = {
  id: string;
  action: string;
  labelKeys: string[];
  labelSet: { key: string; version: number } | null;
  decidedAt: Date;
  auditSeq: number;
  supersedes: string | null;
  clusterDecisionId: string | null;
};

export type CampaignItem = {
  itemId: string;
  platform: string;
  externalId: string;
  title: string | null;
  flagExternalIds: string[];
  sources: CampaignSource[];
  receivedAt: Date;
  clusterId: string | null;
  state: string;
  dueAt: Date | null;
  decision: DecisionInForce | null;
};

/** The audit log search that lists the events a figure re-counts from (app/routes/_console.audit._index.tsx). */
export function auditSearchFor(key: CampaignKey, outcome?: string): string {
  const params = new URLSearchParams({ action: "decision.made", reference: key.reference, platform: key.platform });
  if (outcome) params.set("outcome", outcome);
  return `/audit?${params}`;
}

export type CampaignTotals = {
  itemsReferred: number;
  flags: number;
  decided: number;
  decidedBy: Record<FinalAction, number>;
  open: number;
  escalated: number;
  overdue: number;
  /** The earliest deadline among the open items. */
  deadline: Date | null;
  firstReceivedAt: Date | null;
};

/** A figure, how it is counted, and the audit search it re-counts from. */
export type Figure = { name: string; value: number; recount: string; audit: string | null };

const decidedWith = (item: CampaignItem): FinalAction | null =>
  !isOpen(item.state) && item.decision && (FINAL_ACTIONS as readonly string[]).includes(item.decision.action) ? (item.decision.action as FinalAction) : null;

export function totalsOf(items: CampaignItem[], now: Date): CampaignTotals {
  const decidedBy: Record<FinalAction, number> = { keep: 0, remove: 0, restrict: 0 };
  let open = 0;
  let escalated = 0;
  let overdue = 0;
  let deadline: Date | null = null;
  let firstReceivedAt: Date | null = null;
  let flags = 0;
  for (const item of items) {
    flags += item.sources.length;
    if (!firstReceivedAt || item.receivedAt < firstReceivedAt) firstReceivedAt = item.receivedAt;
    const action = decidedWith(item);
    if (action) decidedBy[action]++;
    if (isOpen(item.state)) {
      open++;
      if (item.state === "escalated") escalated++;
      if (item.dueAt && item.dueAt < now) overdue++;
      if (item.dueAt && (!deadline || item.dueAt < deadline)) deadline = item.dueAt;
    }
  }
  const decided = decidedBy.keep + decidedBy.remove + decidedBy.restrict;
  return { itemsReferred: items.length, flags, decided, decidedBy, open, escalated, overdue, deadline, firstReceivedAt };
}

/** Each total with the rule that re-counts it from the audit log. */
export function figuresOf(key: CampaignKey, t: CampaignTotals): Figure[] {
  const latest = "the latest decision.made event of each referred item";
  // A removal order about decided content reopens it (the one-hour clock runs again): the item is open
  // whatever its last decision said, so the rule names that case.
  const notReopened =
    "and that no removal order reopened since (no removal_order flag on the item received after that event; flags are covered by their flag.received event or their batch's digest)";
  return [
    {
      name: "Items referred",
      value: t.itemsReferred,
      recount:
        "distinct items with a flag under the reference; each flag's row is covered by the digest of its flag.batch_received event (or is its flag.received event)",
      audit: null,
    },
    { name: "Decided", value: t.decided, recount: `items whose ${latest} is keep, remove or restrict, ${notReopened}`, audit: auditSearchFor(key) },
    ...FINAL_ACTIONS.map((a) => ({
      name: `Decided: ${a}`,
      value: t.decidedBy[a],
      recount: `items whose ${latest} is ${a}, ${notReopened}`,
      audit: auditSearchFor(key, a),
    })),
    { name: "Escalated, waiting for a lead", value: t.escalated, recount: `items whose ${latest} is escalate`, audit: auditSearchFor(key, "escalate") },
    { name: "Open", value: t.open, recount: "items referred less those decided (an item a removal order reopened is open again)", audit: auditSearchFor(key) },
    { name: "Overdue", value: t.overdue, recount: "open items past their deadline now", audit: null },
  ];
}

export type ClusterProgress = {
  clusterId: string;
  representative: { itemId: string; externalId: string; title: string | null } | null;
  referred: number;
  decided: number;
  open: number;
};

/** Progress by cluster, largest first: how many of each cluster's referred members are decided and open. */
export function progressByCluster(items: CampaignItem[]): Omit<ClusterProgress, "representative">[] {
  const by = new Map<string, Omit<ClusterProgress, "representative">>();
  for (const item of items) {
    const id = item.clusterId ?? `item:${item.itemId}`;
    const row = by.get(id) ?? { clusterId: id, referred: 0, decided: 0, open: 0 };
    row.referred++;
    if (isOpen(item.state)) row.open++;
    else if (decidedWith(item)) row.decided++;
    by.set(id, row);
  }
  return [...by.values()].sort((a, b) => b.referred - a.referred || b.open - a.open || a.clusterId.localeCompare(b.clusterId));
}

export type CampaignReport = {
  campaign: { platform: string; reference: string; sources: CampaignSource[] };
  generatedAt: Date;
  summary: CampaignTotals & { figures: Figure[] };
  items: CampaignItem[];
};

const ITEM_COLUMNS = [
  "platform",
  "item_external_id",
  "flag_external_ids",
  "received_at",
  "cluster_id",
  "state",
  "decision_action",
  "label_keys",
  "label_set",
  "label_set_version",
  "decided_at",
  "decision_id",
  "audit_seq",
  "supersedes_decision_id",
];

/** The outcome report as CSV: one row per referred item, then the summary figures with their audit searches. */
export function reportCsv(report: CampaignReport): string {
  const out: string[] = [csvLine(ITEM_COLUMNS)];
  for (const i of report.items) {
    const d = i.decision;
    const cells: CsvValue[] = [
      i.platform,
      i.externalId,
      i.flagExternalIds.join(" "),
      i.receivedAt,
      i.clusterId,
      i.state,
      d?.action ?? null,
      d ? d.labelKeys.join(" ") : null,
      d?.labelSet?.key ?? null,
      d?.labelSet?.version ?? null,
      d?.decidedAt ?? null,
      d?.id ?? null,
      d?.auditSeq ?? null,
      d?.supersedes ?? null,
    ];
    out.push(csvLine(cells));
  }
  out.push("\r\n", csvLine(["figure", "value", "recount", "audit_search"]));
  const { campaign, summary } = report;
  out.push(csvLine(["reference", campaign.reference, null, null]), csvLine(["platform", campaign.platform, null, null]));
  out.push(csvLine(["generated_at", report.generatedAt, null, null]), csvLine(["deadline", summary.deadline, null, null]));
  for (const f of summary.figures) out.push(csvLine([f.name, f.value, f.recount, f.audit]));
  return out.join("");
}

/** A file name for the report: the reference's safe characters. */
export function reportFileName(key: CampaignKey, format: (typeof REPORT_FORMATS)[number]): string {
  const slug = `${key.platform}-${key.reference}`.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "campaign";
  return `campaign-${slug.slice(0, 120)}.${format}`;
}
