import { describe, expect, it } from "vitest";
import { EU_COUNTRIES, StatementBatch, StatementOfReasons } from "~/modules/audit/statement-of-reasons.ts";

// The example from the shared field table: a valid statement to break one rule at a time.
const valid = {
  decision_visibility: ["DECISION_VISIBILITY_CONTENT_REMOVED"],
  decision_ground: "DECISION_GROUND_INCOMPATIBLE_CONTENT",
  incompatible_content_ground: "Community guidelines, violent extremism: glorification",
  incompatible_content_explanation: "The post celebrated an attack claimed by a fictional group and had no news, analytical or condemning frame.",
  content_type: ["CONTENT_TYPE_TEXT"],
  category: "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
  category_specification: ["KEYWORD_TERRORIST_CONTENT"],
  territorial_scope: [...EU_COUNTRIES],
  content_language: "EN",
  content_date: "2025-11-03",
  application_date: "2025-11-04",
  decision_facts:
    "Reported by a user notice. A trained moderator reviewed it under the violent-extremism policy and applied the glorification label. Content removed; account not restricted.",
  source_type: "SOURCE_ARTICLE_16",
  automated_detection: "No",
  automated_decision: "AUTOMATED_DECISION_NOT_AUTOMATED",
  puid: "docket-decision-000123",
};

const without = (key: keyof typeof valid) => {
  const copy: Record<string, unknown> = { ...valid };
  delete copy[key];
  return copy;
};

const failsOn = (statement: Record<string, unknown>, path: string) => {
  const r = StatementOfReasons.safeParse(statement);
  expect(r.success, `expected a failure on ${path}`).toBe(false);
  expect(r.error!.issues.map((i) => i.path.join("."))).toContain(path);
};

describe("the statement-of-reasons schema", () => {
  it("accepts the field table's example", () => {
    expect(StatementOfReasons.safeParse(valid).success).toBe(true);
  });

  it("needs at least one of visibility, monetary, provision or account", () => {
    failsOn({ ...without("decision_visibility") }, "decision_visibility");
    failsOn({ ...valid, decision_visibility: [] }, "decision_visibility");
    expect(StatementOfReasons.safeParse({ ...without("decision_visibility"), decision_account: "DECISION_ACCOUNT_SUSPENDED" }).success).toBe(true);
    expect(StatementOfReasons.safeParse({ ...without("decision_visibility"), decision_monetary: "DECISION_MONETARY_SUSPENSION" }).success).toBe(true);
    expect(StatementOfReasons.safeParse({ ...without("decision_visibility"), decision_provision: "DECISION_PROVISION_TOTAL_SUSPENSION" }).success).toBe(true);
  });

  it("knows only the listed keys for visibility, monetary, provision and account", () => {
    failsOn({ ...valid, decision_visibility: ["DECISION_VISIBILITY_CONTENT_HIDDEN"] }, "decision_visibility.0");
    failsOn({ ...valid, decision_monetary: "DECISION_MONETARY_FINE" }, "decision_monetary");
    failsOn({ ...valid, decision_provision: "DECISION_PROVISION_SOME" }, "decision_provision");
    failsOn({ ...valid, decision_account: "DECISION_ACCOUNT_BANNED" }, "decision_account");
  });

  it("_OTHER visibility needs decision_visibility_other of at most 500 characters", () => {
    failsOn({ ...valid, decision_visibility: ["DECISION_VISIBILITY_OTHER"] }, "decision_visibility_other");
    failsOn({ ...valid, decision_visibility: ["DECISION_VISIBILITY_OTHER"], decision_visibility_other: "x".repeat(501) }, "decision_visibility_other");
    expect(
      StatementOfReasons.safeParse({ ...valid, decision_visibility: ["DECISION_VISIBILITY_OTHER"], decision_visibility_other: "Shadow limited" }).success,
    ).toBe(true);
  });

  it("the ground is required, and each ground requires its own reasons within their lengths", () => {
    failsOn(without("decision_ground"), "decision_ground");
    failsOn({ ...valid, decision_ground: "DECISION_GROUND_UNSPECIFIED" }, "decision_ground");
    failsOn(without("incompatible_content_ground"), "incompatible_content_ground");
    failsOn(without("incompatible_content_explanation"), "incompatible_content_explanation");
    failsOn({ ...valid, incompatible_content_ground: "x".repeat(501) }, "incompatible_content_ground");
    failsOn({ ...valid, incompatible_content_explanation: "x".repeat(2001) }, "incompatible_content_explanation");
    const illegal = { ...valid, decision_ground: "DECISION_GROUND_ILLEGAL_CONTENT" };
    failsOn(illegal, "illegal_content_legal_ground");
    failsOn({ ...illegal, illegal_content_legal_ground: "TCO Art. 3" }, "illegal_content_explanation");
    failsOn({ ...illegal, illegal_content_legal_ground: "x".repeat(501), illegal_content_explanation: "e" }, "illegal_content_legal_ground");
    failsOn({ ...illegal, illegal_content_legal_ground: "g", illegal_content_explanation: "x".repeat(2001) }, "illegal_content_explanation");
    expect(StatementOfReasons.safeParse({ ...illegal, illegal_content_legal_ground: "g", illegal_content_explanation: "e" }).success).toBe(true);
  });

  it("the reference URL is optional, a URL, at most 500 characters", () => {
    expect(StatementOfReasons.safeParse({ ...valid, decision_ground_reference_url: "https://platform.example/terms" }).success).toBe(true);
    failsOn({ ...valid, decision_ground_reference_url: "not a url" }, "decision_ground_reference_url");
    failsOn({ ...valid, decision_ground_reference_url: `https://platform.example/${"x".repeat(500)}` }, "decision_ground_reference_url");
  });

  it("content_type is a required, non-empty array of keys; _OTHER needs content_type_other", () => {
    failsOn(without("content_type"), "content_type");
    failsOn({ ...valid, content_type: [] }, "content_type");
    failsOn({ ...valid, content_type: ["CONTENT_TYPE_POST"] }, "content_type.0");
    failsOn({ ...valid, content_type: ["CONTENT_TYPE_OTHER"] }, "content_type_other");
  });

  it("category is one listed key; keywords are KEYWORD_* keys", () => {
    failsOn(without("category"), "category");
    failsOn({ ...valid, category: "STATEMENT_CATEGORY_TERRORISM" }, "category");
    failsOn({ ...valid, category: ["STATEMENT_CATEGORY_VIOLENCE"] }, "category");
    failsOn({ ...valid, category_specification: ["TERRORIST_CONTENT"] }, "category_specification.0");
  });

  it("territorial scope holds EEA country codes (Greece is GR, not EL)", () => {
    failsOn({ ...valid, territorial_scope: ["EL"] }, "territorial_scope.0");
    failsOn({ ...valid, territorial_scope: ["US"] }, "territorial_scope.0");
    failsOn({ ...valid, territorial_scope: [] }, "territorial_scope");
  });

  it("content language is an upper-case ISO 639-1 code", () => {
    failsOn({ ...valid, content_language: "en" }, "content_language");
    failsOn({ ...valid, content_language: "ENG" }, "content_language");
    failsOn({ ...valid, content_language: "XX" }, "content_language");
    expect(StatementOfReasons.safeParse(without("content_language")).success).toBe(true);
  });

  it("dates are YYYY-MM-DD; content_date not before 2000; application_date required", () => {
    failsOn(without("content_date"), "content_date");
    failsOn(without("application_date"), "application_date");
    failsOn({ ...valid, content_date: "1999-12-31" }, "content_date");
    failsOn({ ...valid, content_date: "03/11/2025" }, "content_date");
    failsOn({ ...valid, application_date: "2025-02-30" }, "application_date");
    failsOn({ ...valid, application_date: "2025-11-04T10:00:00Z" }, "application_date");
  });

  it("restriction end dates are a date or null", () => {
    expect(StatementOfReasons.safeParse({ ...valid, end_date_visibility_restriction: null }).success).toBe(true);
    expect(StatementOfReasons.safeParse({ ...valid, end_date_account_restriction: "2026-01-01" }).success).toBe(true);
    failsOn({ ...valid, end_date_monetary_restriction: "soon" }, "end_date_monetary_restriction");
    failsOn({ ...valid, end_date_service_restriction: "2026-13-01" }, "end_date_service_restriction");
  });

  it("decision_facts is required, at most 5000 characters, and free of personal data", () => {
    failsOn(without("decision_facts"), "decision_facts");
    failsOn({ ...valid, decision_facts: "x".repeat(5001) }, "decision_facts");
    failsOn({ ...valid, decision_facts: "Reported by mod@example.test." }, "decision_facts");
    failsOn({ ...valid, decision_facts: "Posted by @ember_fan99." }, "decision_facts");
    failsOn({ ...valid, decision_facts: "See https://platform.example/p/1." }, "decision_facts");
    failsOn({ ...valid, decision_facts: "Posted at www.platform.example." }, "decision_facts");
  });

  it("source_type is a listed key; source_identity at most 500 and dropped for voluntary", () => {
    failsOn(without("source_type"), "source_type");
    failsOn({ ...valid, source_type: "SOURCE_AUTHORITY" }, "source_type");
    failsOn({ ...valid, source_identity: "x".repeat(501) }, "source_identity");
    failsOn({ ...valid, source_type: "SOURCE_VOLUNTARY", source_identity: "Classifier v3" }, "source_identity");
    expect(StatementOfReasons.safeParse({ ...valid, source_type: "SOURCE_TRUSTED_FLAGGER", source_identity: "A fictional flagger association" }).success).toBe(
      true,
    );
  });

  it("automated_detection is the literal Yes or No; automated_decision a key", () => {
    failsOn({ ...valid, automated_detection: "AUTOMATED_DETECTION_NO" }, "automated_detection");
    failsOn({ ...valid, automated_detection: false }, "automated_detection");
    failsOn({ ...valid, automated_decision: "No" }, "automated_decision");
    failsOn(without("automated_decision"), "automated_decision");
  });

  it("puid is required, at most 500 characters of [a-zA-Z0-9-_]", () => {
    failsOn(without("puid"), "puid");
    failsOn({ ...valid, puid: "docket decision 1" }, "puid");
    failsOn({ ...valid, puid: "docket/1" }, "puid");
    failsOn({ ...valid, puid: "d".repeat(501) }, "puid");
  });

  it("refuses fields the database does not know", () => {
    const r = StatementOfReasons.safeParse({ ...valid, moderator_email: "x" });
    expect(r.success).toBe(false);
  });

  it("a batch holds 1 to 100 statements", () => {
    expect(StatementBatch.safeParse({ statements: [valid] }).success).toBe(true);
    expect(StatementBatch.safeParse({ statements: [] }).success).toBe(false);
    expect(StatementBatch.safeParse({ statements: Array.from({ length: 101 }, () => valid) }).success).toBe(false);
  });
});
