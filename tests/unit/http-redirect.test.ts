import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/modules/http/redirect.ts";

describe("safeRedirect", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeRedirect("/review/abc?notice=x", "/home")).toBe("/review/abc?notice=x");
  });

  it.each([
    ["another host", "https://evil.example/x"],
    ["a protocol-relative URL", "//evil.example/x"],
    ["a backslash the browser reads as a slash", "/\\evil.example/x"],
    ["a tab the browser drops", "/\t/evil.example/x"],
    ["a newline the browser drops", "/\n/evil.example/x"],
    ["a relative path", "evil"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["the sign-in page itself", "/login?redirectTo=/x"],
  ])("refuses %s", (_, to) => {
    expect(safeRedirect(to, "/home")).toBe("/home");
  });
});
