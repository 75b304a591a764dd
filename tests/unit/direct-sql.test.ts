import { describe, expect, it } from "vitest";
import { literal, withLiterals } from "~/db-direct.server.ts";

describe("statements sent with literal values", () => {
  it("escape quotes and backslashes, write dates as UTC timestamps and fill placeholders in order", () => {
    expect(literal("it's \\ here").trim()).toBe("E'it''s \\\\ here'");
    expect(literal(null)).toBe("NULL");
    expect(literal(new Date("2026-12-01T10:00:00.123Z"))).toBe("'2026-12-01T10:00:00.123Z'::timestamp(3)");
    expect(withLiterals(`UPDATE "T" SET "a" = ?, "b" = ? WHERE "id" = ?`, ['x\'); DROP TABLE "T"; --', 2, true])).toBe(
      `UPDATE "T" SET "a" = 'x''); DROP TABLE "T"; --', "b" = 2 WHERE "id" = TRUE`,
    );
  });

  it("refuse a statement whose placeholders and values do not match", () => {
    expect(() => withLiterals(`SELECT ?, ?`, [1])).toThrow(/2 placeholders for 1 values/);
    expect(() => literal(Number.NaN)).toThrow();
  });
});
