// The item lifecycle: the one place that knows an item's states, which of them are open for review,
// which transitions exist and which capability may cause each. Intake, claims, decisions, the queue
// screens and the reports ask this module; nothing else spells a state. Appeals, quality review and
// queues add their states and transitions here.
import type { Capability } from "~/modules/auth/capabilities.ts";

export const ITEM_STATES = ["pending", "escalated", "decided", "appealed"] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** States in which an item waits for a reviewer (and may be claimed). */
export const OPEN_STATES = ["pending", "escalated"] as const satisfies readonly ItemState[];
export type OpenState = (typeof OPEN_STATES)[number];

/** The state a new item starts in, and the one a reopened item returns to. */
export const INITIAL_STATE = "pending" satisfies ItemState;
/** Where an escalated item waits for a policy lead. */
export const ESCALATED_STATE = "escalated" satisfies ItemState;
/** Where a finally decided item rests until something reopens it. */
export const DECIDED_STATE = "decided" satisfies ItemState;

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

/**
 * Every transition an item can take: its name, the states it leaves from, the state it reaches, and
 * who may cause it (a capability, or "intake" for platforms through the API).
 */
export const TRANSITIONS = {
  /** A moderator (or a lead on an escalation) decides keep, remove or restrict. */
  decide: { from: ["pending"], to: "decided", by: "queue:review" },
  /** A moderator hands the item to the policy leads. */
  escalate: { from: ["pending"], to: "escalated", by: "queue:review" },
  /** A lead decides an escalated item. */
  decideEscalation: { from: ["escalated"], to: "decided", by: "escalations:decide" },
  /** A removal order on a decided item puts it back in the queue (TCO Art. 3: the order must be acted on). */
  reopenByOrder: { from: ["decided"], to: "pending", by: "intake" },
} as const satisfies Record<string, { from: readonly ItemState[]; to: ItemState; by: Capability | "intake" }>;

export type Transition = keyof typeof TRANSITIONS;

export function canTransition(transition: Transition, from: string): boolean {
  return (TRANSITIONS[transition].from as readonly string[]).includes(from);
}

/** A claim's lease is live while its expiry lies in the future. */
export function isLeaseLive(leaseExpiresAt: Date | null | undefined, now: Date = new Date()): boolean {
  return !!leaseExpiresAt && leaseExpiresAt.getTime() > now.getTime();
}
