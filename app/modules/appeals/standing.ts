// Whether an appeal may be lodged: the rules of DSA Art. 20 (who may complain, about what, for how
// long) as a pure function of the contested decision, so the API, the console's record form and the
// tests ask one place. See docs/decisions/032-appeals.md.
import type { DecisionAction } from "~/modules/decisions/actions.ts";

export const APPELLANT_ROLES = ["content_author", "notifier"] as const;
export type AppellantRole = (typeof APPELLANT_ROLES)[number];

export const APPEAL_OUTCOMES = ["upheld", "overturned", "modified"] as const;
export type AppealOutcome = (typeof APPEAL_OUTCOMES)[number];

/** How an appeal reached Docket: through the platform's API, or recorded by a lead from another channel. */
export const RECORDED_CHANNELS = ["email", "letter", "phone", "other"] as const;
export type RecordedChannel = (typeof RECORDED_CHANNELS)[number];

/** Actions that take content down or limit it: what an author may contest. */
export const RESTRICTING: readonly DecisionAction[] = ["remove", "restrict"];
export const isRestricting = (action: string) => (RESTRICTING as readonly string[]).includes(action);

/** A receipt time up to this far ahead of our clock is taken as clock skew, not a mistake. */
const SKEW_MS = 5 * 60_000;

export type AppealRefusal = { status: 400 | 404 | 409 | 422; code: string; message: string; path?: string };

/** The decision as the appeal finds it, with what standing is judged against. */
export type ContestedDecision = {
  id: string;
  action: string;
  createdAt: Date;
  /** The item's latest decision: a replaced decision cannot be appealed, its replacement can. */
  latestDecisionId: string;
  itemState: string;
  authorExternalId: string | null;
  /** Who had sent a notice about the item when the decision was made. */
  reporterIds: ReadonlySet<string>;
};

/** The last moment an appeal against a decision made at `decidedAt` is received in time. */
export function windowEnd(decidedAt: Date, months: number): Date {
  const end = new Date(decidedAt);
  end.setUTCMonth(end.getUTCMonth() + months);
  return end;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Null when the appellant may contest the decision, or why not: an escalation is not a final
 * decision, a replaced decision is answered by its replacement, the window closes `windowMonths`
 * after the decision, an author contests a removal or restriction of their own content, and a
 * notifier a decision not to act on a notice they sent.
 */
export function admissibility(
  contested: ContestedDecision,
  appellant: { role: AppellantRole; externalId: string },
  receivedAt: Date,
  now: Date,
  windowMonths: number,
): AppealRefusal | null {
  if (contested.action === "escalate") {
    return {
      status: 409,
      code: "not_final",
      message: `Decision ${contested.id} handed the item to the policy leads; it is not a final decision. Appeal the decision that closes the item.`,
      path: "decisionId",
    };
  }
  if (contested.latestDecisionId !== contested.id) {
    return {
      status: 409,
      code: "decision_replaced",
      message: `Decision ${contested.id} was replaced by decision ${contested.latestDecisionId}; an appeal contests the decision that stands.`,
      path: "decisionId",
    };
  }
  if (contested.itemState === "pending" || contested.itemState === "escalated") {
    return {
      status: 409,
      code: "under_review",
      message: "The item is being reviewed again after new notices; its next decision will be published and can be appealed.",
      path: "decisionId",
    };
  }
  if (receivedAt.getTime() > now.getTime() + SKEW_MS) {
    return { status: 400, code: "invalid_request", message: "receivedAt is in the future.", path: "receivedAt" };
  }
  if (receivedAt.getTime() < contested.createdAt.getTime()) {
    return { status: 400, code: "invalid_request", message: "receivedAt is before the decision the appeal contests.", path: "receivedAt" };
  }
  const closes = windowEnd(contested.createdAt, windowMonths);
  if (receivedAt.getTime() > closes.getTime()) {
    return {
      status: 422,
      code: "out_of_window",
      message: `Appeals against a decision are open for ${windowMonths} months after it (DSA Art. 20(1)); the window for decision ${contested.id} of ${day(contested.createdAt)} closed on ${day(closes)}.`,
      path: "receivedAt",
    };
  }
  if (appellant.role === "content_author") {
    if (!isRestricting(contested.action)) {
      return {
        status: 422,
        code: "no_standing",
        message: `An author may appeal a removal or restriction of their content; decision ${contested.id} kept it available.`,
        path: "appellant.role",
      };
    }
    if (contested.authorExternalId !== null && contested.authorExternalId !== appellant.externalId) {
      return {
        status: 422,
        code: "no_standing",
        message: "The appellant is not the author of the content: appellant.externalId differs from the item's author.",
        path: "appellant.externalId",
      };
    }
    return null;
  }
  if (isRestricting(contested.action)) {
    return {
      status: 422,
      code: "no_standing",
      message: `A notifier may appeal a decision not to act on their notice; decision ${contested.id} acted on it (${contested.action}).`,
      path: "appellant.role",
    };
  }
  if (!contested.reporterIds.has(appellant.externalId)) {
    return {
      status: 422,
      code: "no_standing",
      message: "The appellant sent no notice about this item before the decision: no flag carries that reporterId.",
      path: "appellant.externalId",
    };
  }
  return null;
}

/** Hours to answer, from the queue's setting or the default; a removal under a removal order is answered within two weeks (TCO Art. 10(2)). */
export function appealHours(queueHours: number | undefined, defaultHours: number, underRemovalOrder: boolean): number {
  const hours = queueHours ?? defaultHours;
  return underRemovalOrder ? Math.min(hours, 14 * 24) : hours;
}

/** What an answer reports when the contested decision was replaced by `standing` before the appeal was decided. */
export function outcomeBetween(contested: { action: string; labelKeys: string[] }, standing: { action: string; labelKeys: string[] }): AppealOutcome {
  if (isRestricting(contested.action) !== isRestricting(standing.action)) return "overturned";
  const same = contested.action === standing.action && [...contested.labelKeys].sort().join(",") === [...standing.labelKeys].sort().join(",");
  return same ? "upheld" : "modified";
}

export type OutcomeChoice = { outcome: AppealOutcome; action?: string; labelKeys?: string[] };

/**
 * Whether an outcome fits what it would write: upholding writes no decision; overturning reverses
 * the contested one (from taking content down or limiting it to keeping it, or the other way round);
 * modifying keeps that direction and changes the action or the labels.
 */
export function outcomeIssue(choice: OutcomeChoice, contested: { action: string; labelKeys: string[] }): { path: string; message: string } | null {
  if (choice.outcome === "upheld") return null;
  if (!choice.action || choice.action === "escalate") {
    return { path: "action", message: "Choose the action that replaces the contested one: keep, remove or restrict." };
  }
  const reverses = isRestricting(choice.action) !== isRestricting(contested.action);
  if (choice.outcome === "overturned" && !reverses) {
    return {
      path: "action",
      message: `An overturn reverses the decision: the contested one was "${contested.action}", so the new action must ${isRestricting(contested.action) ? "keep the content" : "remove or restrict it"}. To change the action or labels in the same direction, choose modify.`,
    };
  }
  if (choice.outcome === "modified") {
    if (reverses) return { path: "action", message: "That reverses the decision: choose overturn." };
    const same = choice.action === contested.action && [...(choice.labelKeys ?? [])].sort().join(",") === [...contested.labelKeys].sort().join(",");
    if (same) return { path: "labelIds", message: "A modification changes the action or the labels; these are the contested decision's own. Choose uphold." };
  }
  return null;
}
