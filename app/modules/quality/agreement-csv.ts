import { GAP_WORDS, type Kappa } from "./agreement.ts";
import type { AgreementReport } from "./agreement.server.ts";
import { csvLine as line } from "~/modules/reports/csv.ts";

// The agreement figures and the pairs behind them as CSV, for auditors' spreadsheets. Like the page,
// no column names or identifies a reviewer.

export const AGREEMENT_CSV_KINDS = ["pairs", "figures", "confusion"] as const;
export type AgreementCsvKind = (typeof AGREEMENT_CSV_KINDS)[number];

function kappaCells(k: Kappa) {
  return [k.n, k.kappa, k.se, k.ciLow, k.ciHigh, k.observed, k.chance, k.gap ? GAP_WORDS[k.gap] : null];
}

const KAPPA_COLUMNS = ["pairs", "kappa", "se", "ci_low", "ci_high", "observed_agreement", "chance_agreement", "note"];

export function agreementCsv(report: AgreementReport, kind: AgreementCsvKind): string {
  const { version } = report;
  const head = [version.setName, version.number] as const;
  const out: string[] = [];
  if (kind === "pairs") {
    out.push(
      line([
        "label_set",
        "version",
        "item_external_id",
        "first_decision_id",
        "first_decided_at",
        "second_reviewed_at",
        "first_action",
        "first_labels",
        "second_action",
        "second_labels",
        "agreed",
        "state",
      ]),
    );
    for (const p of report.pairs) {
      out.push(
        line([
          ...head,
          p.itemExternalId,
          p.firstDecisionId,
          p.firstDecidedAt,
          p.secondReviewedAt,
          p.first.action,
          p.first.labelKeys.join(" "),
          p.second.action,
          p.second.labelKeys.join(" "),
          p.agreed,
          p.state,
        ]),
      );
    }
  } else if (kind === "figures") {
    out.push(
      line([
        "label_set",
        "version",
        "period",
        "measure",
        "label_key",
        "label_name",
        ...KAPPA_COLUMNS,
        "first_applied",
        "second_applied",
        "guidance_needs_work",
      ]),
    );
    out.push(line([...head, "all", "action", null, null, ...kappaCells(report.action), null, null, null]));
    for (const l of report.labels) {
      out.push(line([...head, "all", "label", l.key, l.name, ...kappaCells(l), l.firstApplied, l.secondApplied, l.needsWork]));
    }
    for (const m of report.months) {
      out.push(line([...head, m.month, "action", null, null, ...kappaCells(m.action), null, null, null]));
      for (const l of report.labels) out.push(line([...head, m.month, "label", l.key, l.name, ...kappaCells(m.labels[l.key]), null, null, null]));
    }
  } else {
    out.push(line(["label_set", "version", "first_label", "second_label", "count"]));
    const { keys, cells } = report.confusion;
    keys.forEach((a, i) => keys.forEach((b, j) => out.push(line([...head, a, b, cells[i][j]]))));
  }
  return out.join("");
}
