// The transparency report for a period and a platform, computed from the report rollups alone (a
// few range scans of ReportCount), so a year's report costs what a week's does. Each figure names
// what it counts and links the audit search that re-counts it from the log.
// See docs/decisions/048-transparency-report.md.
import { currentTime } from "~/modules/clock/clock.ts";
import { addDays, type DayRange } from "./days.ts";
import { medianOfBins } from "./metrics.ts";
import { totalCounts, type Count } from "./read.server.ts";
import type { Figure, TransparencyReport } from "./transparency.ts";

const AUTOMATION_STATEMENT =
  "No decision is taken by automated means alone: every decision is made by a person, either on the item itself or applied by that person to near-duplicate copies of it. Automated detection only brings items to review.";

const SAFE_FIELD = /^[A-Za-z0-9_.-]{1,100}$/;

type Match = { k1?: string | ((k1: string) => boolean); k2?: string | ((k2: string) => boolean) };
const matches = (c: Count, m: Match) =>
  (m.k1 === undefined || (typeof m.k1 === "string" ? c.k1 === m.k1 : m.k1(c.k1))) &&
  (m.k2 === undefined || (typeof m.k2 === "string" ? c.k2 === m.k2 : m.k2(c.k2)));
const sum = (counts: Count[], m: Match = {}) => counts.reduce((n, c) => (matches(c, m) ? n + c.n : n), 0);

function resolutionOf(seconds: number | null): "minute" | "hour" | "day" | null {
  if (seconds === null) return null;
  return seconds < 7200 ? "minute" : seconds < 604_800 ? "hour" : "day";
}

export async function transparencyReport(period: DayRange, platform: string | null): Promise<TransparencyReport> {
  const scope = { platform };
  const [notices, actions, means, fine, reversed, appealsIn, appealsOut, deadlines] = await Promise.all([
    totalCounts("notices.received", period, scope),
    totalCounts("actions.taken", period, scope),
    totalCounts("actions.means", period, scope),
    totalCounts("ttd.fine", period, scope),
    totalCounts("decisions.reversed", period, scope),
    totalCounts("appeals.received", period, scope),
    totalCounts("appeals.decided", period, scope),
    totalCounts("deadline.result", period, scope),
  ]);

  // The audit search takes [from, to) in UTC; the period's days are both included.
  const range = { from: `${period.from}T00:00`, to: `${addDays(period.to, 1)}T00:00` };
  const link = (params: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...range })) if (v !== undefined) q.set(k, v);
    return `/audit?${q.toString()}`;
  };
  // Decisions carry their item's platform; notices and appeals name theirs in the event's payload.
  const decisions = (p: Record<string, string | undefined>) => link({ action: "decision.made", ...p, platform: platform ?? undefined });
  const fieldsOf = (fields: Record<string, string>) => {
    if (!Object.values(fields).every((v) => SAFE_FIELD.test(v))) return null;
    return Object.entries(fields)
      .map(([k, v]) => `${k}:${v}`)
      .join(",");
  };
  const payloadEvents = (action: string, fields: Record<string, string>) => {
    const field = fieldsOf({ ...fields, ...(platform !== null ? { platform } : {}) });
    return field === null ? null : link({ action, field: field || undefined });
  };
  // Appeal events are narrowed to a platform and a ground through the appeal they are about.
  const appealEvents = (action: "appeal.received" | "appeal.decided", fields: Record<string, string>, ground?: "order" | "terms") => {
    const field = fieldsOf(fields);
    return field === null || (platform !== null && !SAFE_FIELD.test(platform))
      ? null
      : link({ action, field: field || undefined, platform: platform ?? undefined, ground });
  };

  const count = (label: string, value: number, rule: string, recount: string | null): Figure => ({ label, value, unit: "count", rule, recount });
  const median = (label: string, bins: Count[], rule: string, recount: string | null): Figure => {
    const value = medianOfBins(bins.map((c) => [Number(c.k2), c.n] as const));
    return { label, value, unit: "seconds", resolution: resolutionOf(value), rule, recount };
  };

  const notice = (label: string, source: string, rule: string) => count(label, sum(notices, { k1: source }), rule, payloadEvents("flag.received", { source }));
  const categories = [...new Set(notices.map((c) => c.k2))].sort();

  const ACTION_KEYS = { no_action: "keep", remove: "remove", restrict: "restrict" } as const;
  const ACTION_WORDS = { no_action: "No action (kept)", remove: "Removed", restrict: "Restricted (visibility or access)" } as const;
  const actionsBy = (ground?: "order" | "terms") => {
    const g = ground ? ` under ${ground === "order" ? "a removal order" : "the terms"}` : "";
    return Object.fromEntries(
      (Object.keys(ACTION_KEYS) as (keyof typeof ACTION_KEYS)[]).map((k) => [
        k,
        count(
          `${ACTION_WORDS[k]}${g}`,
          sum(actions, { k1: ACTION_KEYS[k], k2: ground }),
          `Reviews closed with the decision ${ACTION_KEYS[k]}${g}, by the day decided; escalations and replacements are not counted.`,
          decisions({ outcome: ACTION_KEYS[k], kind: "closing", ground }),
        ),
      ]),
    ) as Record<keyof typeof ACTION_KEYS, Figure>;
  };
  const groundWords = { order: "a removal order", terms: "the platform's terms" } as const;

  const actionMedian = (ground?: "order" | "terms") =>
    median(
      ground ? `Median time from receipt to decision, under ${groundWords[ground]}` : "Median time from receipt to decision",
      fine.filter((c) => (ground ? c.k1 === `action:${ground}` : c.k1.startsWith("action:"))),
      "Lower median of the time from the item's receipt (or reopening) to the decision closing its review, over reviews closed in the period.",
      decisions({ kind: "closing", ground }),
    );
  const appealMedian = (ground?: "order" | "terms") =>
    median(
      ground ? `Median time to decide a complaint, against decisions under ${groundWords[ground]}` : "Median time to decide a complaint",
      fine.filter((c) => (ground ? c.k1 === `appeal:${ground}` : c.k1.startsWith("appeal:"))),
      "Lower median of the time from a complaint's receipt to its outcome, over complaints decided in the period.",
      appealEvents("appeal.decided", {}, ground),
    );

  const outcomeFigures = (ground?: "order") =>
    Object.fromEntries(
      (["upheld", "overturned", "modified"] as const).map((o) => [
        o,
        count(
          `Complaints ${o === "upheld" ? "rejected (decision upheld)" : o === "overturned" ? "upheld (decision overturned)" : "partly upheld (decision modified)"}${ground ? ", against removals under orders" : ""}`,
          sum(appealsOut, { k1: o, k2: ground }),
          `Complaints decided in the period with the outcome ${o}${ground ? ", against decisions taken under a removal order" : ""}.`,
          appealEvents("appeal.decided", { outcome: o }, ground),
        ),
      ]),
    ) as Record<"upheld" | "overturned" | "modified", Figure>;

  const orderActions = sum(actions, { k2: "order", k1: (a) => a === "remove" || a === "restrict" });
  const met = sum(deadlines, { k1: "removal_order", k2: "met" });
  const missed = sum(deadlines, { k1: "removal_order", k2: "missed" });

  return {
    period: { from: period.from, to: period.to },
    platform,
    generatedAt: currentTime().toISOString(),
    dsa: {
      notices: {
        total: count(
          "All notices",
          sum(notices),
          "Every notice (flag) received in the period, by the day it was received. The audit search lists notices sent one per call; a batch call is one event there (its notices are counted one by one here).",
          payloadEvents("flag.received", {}),
        ),
        bySource: {
          user_notice: notice("Notices from users (Art. 16)", "user_report", "Notices submitted by users of the platform."),
          trusted_flagger: notice("Notices from trusted flaggers (Art. 22)", "trusted_flagger", "Notices submitted by trusted flaggers."),
          authority_referral: notice("Referrals from authorities", "authority_referral", "Referrals from public authorities (not orders)."),
          removal_order: notice(
            "Removal orders from authorities (Art. 9, TCO Art. 3)",
            "removal_order",
            "Orders to remove or disable content, listed apart from notices.",
          ),
        },
        ownInitiative: {
          automated_detection: notice(
            "Own-initiative detection by automated means",
            "automated",
            "Items the platform's automated detection brought to review (own initiative, not notices).",
          ),
        },
        byCategory: Object.fromEntries(
          categories.map((reason) => [
            reason,
            count(
              `Notices for ${reason}`,
              sum(notices, { k2: reason }),
              `Notices of every source received in the period with the category ${reason}.`,
              payloadEvents("flag.received", { reason }),
            ),
          ]),
        ),
      },
      actions: {
        total: count(
          "All actions taken",
          sum(actions),
          "Reviews closed in the period (the first keep, remove or restrict since the item was received or reopened), by the day decided.",
          decisions({ kind: "closing" }),
        ),
        byType: actionsBy(),
        byGround: {
          order: count(
            "Actions under removal orders",
            sum(actions, { k2: "order" }),
            "Reviews closed in the period whose item had a removal order (the legal ground: an order).",
            decisions({ kind: "closing", ground: "order" }),
          ),
          terms: count(
            "Actions under the terms",
            sum(actions, { k2: "terms" }),
            "Reviews closed in the period on the platform's terms and policy (no removal order).",
            decisions({ kind: "closing", ground: "terms" }),
          ),
        },
        byGroundAndType: { order: actionsBy("order"), terms: actionsBy("terms") },
        medianTimeToDecision: { all: actionMedian(), order: actionMedian("order"), terms: actionMedian("terms") },
      },
      automatedMeans: {
        statement: AUTOMATION_STATEMENT,
        decidedByPerson: count(
          "Decided by a person on the item",
          sum(means, { k1: "person" }),
          "Reviews closed by a person deciding the item itself.",
          decisions({ kind: "review" }),
        ),
        appliedToCopies: count(
          "A person's decision applied to near-duplicate copies",
          sum(means, { k1: "copy" }),
          "Reviews closed by a person's decision on one item applied to its near-duplicate copies (a cluster decision).",
          decisions({ kind: "copy" }),
        ),
        automatedDetectionNotices: notice(
          "Items brought to review by automated detection",
          "automated",
          "Notices from automated detection: it flags, a person decides.",
        ),
        decidedByAutomationAlone: count("Decisions taken by automation alone", 0, "Always 0: Docket records no decision without a person who made it.", null),
      },
      complaints: {
        received: count(
          "Complaints received",
          sum(appealsIn),
          "Complaints (appeals) against decisions, by the day received.",
          appealEvents("appeal.received", {}),
        ),
        byBasis: {
          content_author: count(
            "From the author of the content",
            sum(appealsIn, { k1: "content_author" }),
            "Complaints by the person whose content the decision was about.",
            appealEvents("appeal.received", { appellantRole: "content_author" }),
          ),
          notifier: count(
            "From the person who gave notice",
            sum(appealsIn, { k1: "notifier" }),
            "Complaints by the notifier against the decision on their notice.",
            appealEvents("appeal.received", { appellantRole: "notifier" }),
          ),
        },
        byGround: {
          order: count(
            "Against decisions under removal orders",
            sum(appealsIn, { k2: "order" }),
            "Complaints against decisions whose item had a removal order.",
            appealEvents("appeal.received", {}, "order"),
          ),
          terms: count(
            "Against decisions under the terms",
            sum(appealsIn, { k2: "terms" }),
            "Complaints against decisions on the platform's terms.",
            appealEvents("appeal.received", {}, "terms"),
          ),
        },
        decided: count("Complaints decided", sum(appealsOut), "Complaints decided in the period, by the day decided.", appealEvents("appeal.decided", {})),
        byOutcome: outcomeFigures(),
        medianTimeToDecide: { all: appealMedian(), order: appealMedian("order"), terms: appealMedian("terms") },
        reversals: {
          afterComplaint: count(
            "Decisions reversed or modified after a complaint",
            sum(reversed, { k1: "appeal" }),
            "Replacement decisions written by a complaint's outcome (overturned or modified).",
            decisions({ kind: "appeal" }),
          ),
          qualityCorrections: count(
            "Decisions corrected after a quality review",
            sum(reversed, { k1: "quality" }),
            "Replacement decisions written by a lead's correction after a blind second review (not a complaint).",
            decisions({ kind: "quality" }),
          ),
        },
      },
    },
    tco: {
      removalOrdersReceived: count(
        "Removal orders received",
        sum(notices, { k1: "removal_order" }),
        "Removal orders received in the period.",
        payloadEvents("flag.received", { source: "removal_order" }),
      ),
      itemsActioned: {
        total: count(
          "Items removed or disabled under orders",
          orderActions,
          "Reviews under a removal order closed by removing or restricting (disabling access to) the item.",
          null,
        ),
        removed: count(
          "Items removed under orders",
          sum(actions, { k1: "remove", k2: "order" }),
          "Reviews under a removal order closed by removing the item.",
          decisions({ outcome: "remove", kind: "closing", ground: "order" }),
        ),
        restricted: count(
          "Items disabled (restricted) under orders",
          sum(actions, { k1: "restrict", k2: "order" }),
          "Reviews under a removal order closed by disabling access to (restricting) the item.",
          decisions({ outcome: "restrict", kind: "closing", ground: "order" }),
        ),
      },
      withinOneHour: {
        share: {
          label: "Share of removal orders decided within their deadline (one hour, or less where the queue sets less)",
          value: met + missed > 0 ? met / (met + missed) : null,
          unit: "share",
          rule: "Closing decisions (remove, restrict, or keep with reasons) on items under a removal order made by their deadline, over all such closing decisions; the deadline is one hour from receipt, or less where the item's queue sets less.",
          recount: decisions({ kind: "closing", ground: "order" }),
        },
        met: count("Acted on within one hour", met, "Closing decisions under a removal order made by the deadline.", null),
        missed: count("Acted on after one hour", missed, "Closing decisions under a removal order made after the deadline.", null),
      },
      complaints: {
        received: count(
          "Complaints against actions under orders",
          sum(appealsIn, { k2: "order" }),
          "Complaints against decisions taken under a removal order.",
          appealEvents("appeal.received", {}, "order"),
        ),
        byOutcome: outcomeFigures("order"),
      },
    },
  };
}
