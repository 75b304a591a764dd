import { describe, expect, it } from "vitest";
import { ROLES } from "~/modules/auth/capabilities.ts";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import {
  canTransition,
  decisionTransition,
  DECIDED_STATE,
  ESCALATED_STATE,
  INITIAL_STATE,
  isItemState,
  isLeaseLive,
  isOpen,
  ITEM_STATES,
  mayCause,
  OPEN_STATES,
  STATE_NAMES,
  TRANSITIONS,
  workableStates,
  type Transition,
} from "~/modules/items/lifecycle.ts";

const transitions = Object.keys(TRANSITIONS) as Transition[];

describe("the item lifecycle", () => {
  it("names every state, and its named states are states", () => {
    expect(Object.keys(STATE_NAMES).sort()).toEqual([...ITEM_STATES].sort());
    for (const s of [INITIAL_STATE, ESCALATED_STATE, DECIDED_STATE, ...OPEN_STATES]) expect(isItemState(s)).toBe(true);
    expect(isItemState("archived")).toBe(false);
  });

  it("a new item is open; a decided one is not", () => {
    expect(isOpen(INITIAL_STATE)).toBe(true);
    expect(isOpen(ESCALATED_STATE)).toBe(true);
    expect(isOpen(DECIDED_STATE)).toBe(false);
    expect(isOpen("no such state")).toBe(false);
  });

  it("every transition leaves from and reaches known states, and every state but the initial one is reachable", () => {
    for (const t of transitions) {
      for (const from of TRANSITIONS[t].from) expect(isItemState(from)).toBe(true);
      expect(isItemState(TRANSITIONS[t].to)).toBe(true);
    }
    const reached = new Set<string>([INITIAL_STATE, ...transitions.map((t) => TRANSITIONS[t].to)]);
    expect(ITEM_STATES.filter((s) => !reached.has(s))).toEqual([]);
  });

  it("canTransition allows exactly the listed source states", () => {
    for (const t of transitions) {
      for (const s of ITEM_STATES) expect(canTransition(t, s)).toBe((TRANSITIONS[t].from as readonly string[]).includes(s));
    }
    expect(canTransition("reopenByOrder", DECIDED_STATE)).toBe(true);
    expect(canTransition("reopenByOrder", INITIAL_STATE)).toBe(false);
  });

  it("a decision action picks its transition from the item's state", () => {
    expect(decisionTransition("keep", INITIAL_STATE)).toBe("decide");
    expect(decisionTransition("remove", ESCALATED_STATE)).toBe("decideEscalation");
    expect(decisionTransition("escalate", INITIAL_STATE)).toBe("escalate");
    expect(decisionTransition("escalate", ESCALATED_STATE)).toBeNull();
    for (const a of ACTIONS) expect(decisionTransition(a, DECIDED_STATE)).toBeNull();
    for (const a of ACTIONS) {
      const t = decisionTransition(a, INITIAL_STATE)!;
      expect(TRANSITIONS[t].to).toBe(a === "escalate" ? ESCALATED_STATE : DECIDED_STATE);
    }
  });

  it("who may cause each transition comes from the capability map: leads close escalations, nobody in the console reopens", () => {
    expect(mayCause("moderator", "decide")).toBe(true);
    expect(mayCause("moderator", "escalate")).toBe(true);
    expect(mayCause("moderator", "decideEscalation")).toBe(false);
    expect(mayCause("policy_lead", "decideEscalation")).toBe(true);
    for (const role of ROLES) expect(mayCause(role, "reopenByOrder")).toBe(false);
    expect(mayCause("auditor", "decide")).toBe(false);
    expect(mayCause("admin", "decide")).toBe(false);
  });

  it("a moderator works the pending queue; a lead works both; auditors and admins none", () => {
    expect(workableStates("moderator")).toEqual([INITIAL_STATE]);
    expect(workableStates("policy_lead")).toEqual([INITIAL_STATE, ESCALATED_STATE]);
    expect(workableStates("auditor")).toEqual([]);
    expect(workableStates("admin")).toEqual([]);
  });

  it("a lease is live only while its expiry lies ahead", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    expect(isLeaseLive(new Date("2026-01-01T12:00:01Z"), now)).toBe(true);
    expect(isLeaseLive(new Date("2026-01-01T12:00:00Z"), now)).toBe(false);
    expect(isLeaseLive(new Date("2026-01-01T11:59:59Z"), now)).toBe(false);
    expect(isLeaseLive(null, now)).toBe(false);
    expect(isLeaseLive(undefined, now)).toBe(false);
  });
});
