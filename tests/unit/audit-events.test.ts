import { describe, expect, it } from "vitest";
import { AUDIT_EVENTS, AuditPayloadError, checkedPayload, EARLIER_NAMES, parseAuditPayload, recordedNames } from "~/modules/audit/events.ts";

describe("reading audit payloads back", () => {
  it("a registered action's payload comes back typed", () => {
    const r = parseAuditPayload(
      "audit.exported",
      JSON.stringify({ kind: "events", format: "csv", from: "2025-01-01T00:00:00.000Z", to: "2025-02-01T00:00:00.000Z", rows: 3 }),
    );
    expect(r.status).toBe("typed");
  });

  it("a payload that breaks its action's schema is marked invalid with the reasons", () => {
    const r = parseAuditPayload("audit.verified", JSON.stringify({ ok: true, checked: "many" }));
    expect(r.status).toBe("invalid");
    if (r.status === "invalid") expect(r.issues.join(" ")).toMatch(/checked/);
  });

  it("an action without a schema is marked unregistered, and text that is not JSON is invalid", () => {
    expect(parseAuditPayload("test.event", "{}").status).toBe("unregistered");
    const notJson = parseAuditPayload("user.created", "{oops");
    expect(notJson).toMatchObject({ status: "invalid", stored: "{oops" });
  });

  it("an event stored under an earlier name is read as the current action, and its stored payload is kept as is", () => {
    const text = JSON.stringify({ versionId: "v-2", number: 2, labelKey: "ve_placeholder" });
    const r = parseAuditPayload("label.retired", text);
    expect(r).toMatchObject({ status: "typed", action: "label_set.label_retired", recordedAs: "label.retired", stored: JSON.parse(text) });
    expect(parseAuditPayload("auth.logout", "{}")).toMatchObject({ status: "typed", action: "auth.logged_out" });
  });

  it("every earlier name points at a registered action, and searching either name finds both", () => {
    for (const [earlier, current] of Object.entries(EARLIER_NAMES)) {
      expect(AUDIT_EVENTS).toHaveProperty([current]);
      expect(AUDIT_EVENTS).not.toHaveProperty([earlier]);
      expect(recordedNames(current)).toEqual([current, earlier]);
      expect(recordedNames(earlier)).toEqual([current, earlier]);
    }
    expect(recordedNames("decision.made")).toEqual(["decision.made"]);
  });
});

describe("checking payloads before they are chained", () => {
  it("returns what goes on the chain, with times as ISO text", () => {
    const at = new Date("2031-05-06T07:08:09.000Z");
    expect(checkedPayload("item.claimed", { itemId: "i", claimId: "c", queue: "pending", leaseExpiresAt: at })).toEqual({
      itemId: "i",
      claimId: "c",
      queue: "pending",
      leaseExpiresAt: "2031-05-06T07:08:09.000Z",
    });
  });

  it("refuses an unregistered action, a wrong type, a missing field and an extra one, naming the field", () => {
    expect(() => checkedPayload("user.teleported", {})).toThrow(AuditPayloadError);
    expect(() => checkedPayload("flags.batch_received", {})).toThrow(/not registered/);
    expect(() => checkedPayload("user.created", { email: 7, role: "admin" })).toThrow(/email/);
    expect(() => checkedPayload("user.created", { email: "a@example.test" })).toThrow(/role/);
    expect(() => checkedPayload("user.created", { email: "a@example.test", role: "admin", password: "x" })).toThrow(/password/);
    expect(() => checkedPayload("item.claimed", { itemId: "i", claimId: "c", queue: "pending", leaseExpiresAt: new Date(Number.NaN) })).toThrow(
      /leaseExpiresAt/,
    );
  });
});

describe("action names", () => {
  it("are <subject>.<past_tense_verb>, the verb optionally led by what changed (or followed by in/out)", () => {
    const irregular = new Set(["made", "split", "resent"]);
    for (const action of Object.keys(AUDIT_EVENTS)) {
      expect(action).toMatch(/^[a-z]+(_[a-z]+)*\.([a-z]+_)*[a-z]+$/);
      const verb = action
        .replace(/_(in|out)$/, "")
        .split(/[._]/)
        .pop()!;
      expect(verb.endsWith("ed") || irregular.has(verb), `${action} ends in a past-tense verb`).toBe(true);
    }
  });
});
