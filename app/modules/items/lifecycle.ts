import { currentTime } from "~/modules/clock/clock.ts";
// The item lifecycle: the one place that knows an item's states, which of them are open for review,
// which transitions exist and which capability may cause each, and when a claim's lease is live.
// Intake, claims, decisions, the queue screens and the reports ask this module; nothing else spells
// a state. Quality review adds its states and transitions here.
import { can, type Capability, type Role } from "~/modules/auth/capabilities.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";

export const ITEM_STATES = ["pending", "escalated", "decided", "appealed"] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** States in which an item waits for a reviewer (and may be claimed). Each open state is a queue. */
export const OPEN_STATES = ["pending", "escalated"] as const satisfies readonly ItemState[];
export type OpenState = (typeof OPEN_STATES)[number];

/** The state a new item starts in, and the one a reopened item returns to. */
export const INITIAL_STATE = "pending" satisfies ItemState;
/** Where an escalated item waits for a policy lead. */
export const ESCALATED_STATE = "escalated" satisfies ItemState;
/** Where a finally decided item rests until something reopens it. */
export const DECIDED_STATE = "decided" satisfies ItemState;
/** Where a decided item waits while an appeal against its decision is open. */
export const APPEALED_STATE = "appealed" satisfies ItemState;

export const STATE_NAMES: Record<ItemState, string> = {
  pending: "Pending",
  escalated: "Escalated",
  decided: "Decided",
  appealed: "Appealed",
};

export function isOpen(state: string): state is OpenState {
  return (OPEN_STATES as readonly string[]).includes(state);
}

export function isItemState(state: string): state is ItemState {
  return (ITEM_STATES as readonly string[]).includes(state);
}

/** Who may work (claim and decide) the items waiting in each open state. */
export const QUEUE_CAPABILITY: Record<OpenState, Capability> = {
  pending: "queue:review",
  escalated: "escalations:decide",
};

/** The open states whose items a role may claim, in queue order. */
export function workableStates(role: Role): OpenState[] {
  return OPEN_STATES.filter((state) => can(role, QUEUE_CAPABILITY[state]));
}

/**
 * Every transition an item can take: its name, the states it leaves from, the state it reaches, and
 * who may cause it (a capability, or "intake" for platforms through the API).
 */
export const TRANSITIONS = {
  /** A moderator (or a lead) decides keep, remove or restrict. */
  decide: { from: ["pending"], to: "decided", by: "queue:review" },
  /** A moderator hands the item to the policy leads. */
  escalate: { from: ["pending"], to: "escalated", by: "queue:review" },
  /** A lead decides an escalated item. */
  decideEscalation: { from: ["escalated"], to: "decided", by: "escalations:decide" },
  /** A removal order on a decided item puts it back in the queue (TCO Art. 3: the order must be acted on). */
  reopenByOrder: { from: ["decided", "appealed"], to: "pending", by: "intake" },
  /** A complaint against the item's decision is received (DSA Art. 20): the item waits on its outcome. */
  appeal: { from: ["decided", "appealed"], to: "appealed", by: "intake" },
  /** The last open appeal on the item is answered: it rests as decided, under whatever decision stands. */
  answerAppeal: { from: ["appealed"], to: "decided", by: "appeals:review" },
} as const satisfies Record<string, { from: readonly ItemState[]; to: ItemState; by: Capability | "intake" }>;

export type Transition = keyof typeof TRANSITIONS;

export function canTransition(transition: Transition, from: string): boolean {
  return (TRANSITIONS[transition].from as readonly string[]).includes(from);
}

/** Whether a role may cause a transition; intake's transitions belong to platforms, never to a console role. */
export function mayCause(role: Role, transition: Transition): boolean {
  const by = TRANSITIONS[transition].by;
  return by !== "intake" && can(role, by);
}

/**
 * The transition a decision action takes an item in `from` through: escalating hands it on, every
 * other action closes it. Null when the action cannot apply in that state (escalating an escalation).
 */
export function decisionTransition(action: DecisionAction, from: string): Extract<Transition, "decide" | "escalate" | "decideEscalation"> | null {
  const candidates: readonly ("decide" | "escalate" | "decideEscalation")[] = action === "escalate" ? ["escalate"] : ["decide", "decideEscalation"];
  return candidates.find((t) => canTransition(t, from)) ?? null;
}

/** A claim's lease is live while its expiry lies in the future. */
export function isLeaseLive(leaseExpiresAt: Date | null | undefined, now: Date = currentTime()): boolean {
  return !!leaseExpiresAt && leaseExpiresAt.getTime() > now.getTime();
}

/** Why a claim ended: its lease lapsed, its holder or a lead gave it up, a lead handed it to another member, or a decision closed it. */
export const CLAIM_END = {
  expired: "expired",
  released: "released",
  skipped: "skipped",
  leadReleased: "lead_released",
  handedOver: "handed_over",
  decided: "decided",
} as const;
export type ClaimEndReason = (typeof CLAIM_END)[keyof typeof CLAIM_END];
