import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { NAV } from "~/components/nav.ts";
import { can } from "~/modules/auth/capabilities.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { ROUTE_PARAM_SAMPLES } from "../support/route-params.ts";
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

describe("the appeal pages beyond the menu", () => {
  // The list is in the menu; the appeal itself, the record form and the templates are reached from it.
  const PAGES = {
    moderator: (appealId: string) => [`/appeals/${appealId}`],
    policy_lead: (appealId: string) => [`/appeals/${appealId}`, "/appeals/new", "/appeals/templates", "/appeals?show=all"],
    auditor: (appealId: string) => [`/appeals/${appealId}`],
  } as const;
  for (const role of ["moderator", "policy_lead", "auditor"] as const) {
    it(`have no serious accessibility findings for a ${role}`, async () => {
      const appealId = (await ROUTE_PARAM_SAMPLES.appealId())!;
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const { page, context } = browser;
      await context.clearCookies();
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      const findings: { path: string; violations: unknown[] }[] = [];
      for (const path of PAGES[role](appealId)) {
        const res = await page.goto(server.url + path);
        expect(res?.status(), path).toBe(200);
        await page.getByRole("navigation", { name: "Main" }).waitFor();
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) findings.push({ path, violations });
      }
      expect(findings).toEqual([]);
    });
  }
});
