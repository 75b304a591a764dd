import { describe, expect, it } from "vitest";
import { parseAuditPayload } from "~/modules/audit/events.ts";

describe("reading audit payloads back", () => {
  it("a registered action's payload comes back typed", () => {
    const r = parseAuditPayload("audit.exported", JSON.stringify({ kind: "events", format: "csv", from: "2025-01-01T00:00:00.000Z", to: "2025-02-01T00:00:00.000Z", rows: 3 }));
    expect(r.status).toBe("typed");
  });

  it("a payload that breaks its action's schema is marked invalid with the reasons", () => {
    const r = parseAuditPayload("audit.verified", JSON.stringify({ ok: true, checked: "many" }));
    expect(r.status).toBe("invalid");
    if (r.status === "invalid") expect(r.issues.join(" ")).toMatch(/checked/);
  });

  it("an action without a schema is marked unregistered, and text that is not JSON is invalid", () => {
    expect(parseAuditPayload("user.created", "{}").status).toBe("unregistered");
    expect(parseAuditPayload("user.created", "{oops").status).toBe("invalid");
  });
});
