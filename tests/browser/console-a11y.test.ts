import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { NAV } from "~/components/nav.ts";
import { can } from "~/modules/auth/capabilities.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await loadDemo();
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("every page of the console, as each role sees it", () => {
  for (const role of ["moderator", "policy_lead", "auditor", "admin"] as const) {
    it(`has no serious accessibility findings and no script errors for a ${role}`, async () => {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const { page, context } = browser;
      await context.clearCookies();
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(e.message);
      page.on("pageerror", onError);
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      const findings: { path: string; violations: unknown[] }[] = [];
      for (const entry of NAV.filter((n) => can(role, n.capability))) {
        await page.goto(server.url + entry.to);
        await page.getByRole("navigation", { name: "Main" }).waitFor();
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) findings.push({ path: entry.to, violations });
      }
      page.off("pageerror", onError);
      expect(findings).toEqual([]);
      expect(errors).toEqual([]);
    });
  }
});
