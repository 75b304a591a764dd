import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { HOME } from "~/modules/auth/capabilities.ts";
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
beforeEach(() => browser.context.clearCookies());
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("signing in through the real form", () => {
  for (const account of DEMO_ACCOUNTS) {
    it(`${account.email} lands on the ${account.role} home, sees that role's navigation, and signs out`, async () => {
      const { page } = browser;
      await loginInBrowser(page, server.url, account.email, DEMO_PASSWORD);
      expect(new URL(page.url()).pathname).toBe(HOME[account.role]);

      const nav = page.getByRole("navigation", { name: "Main" });
      for (const entry of NAV) {
        const link = nav.getByRole("link", { name: entry.label, exact: true });
        const expected = can(account.role, entry.capability) ? 1 : 0;
        expect({ entry: entry.label, count: await link.count() }).toEqual({ entry: entry.label, count: expected });
      }

      const cookies = await browser.context.cookies(server.url);
      const session = cookies.find((c) => c.name === "docket_session");
      expect(session?.httpOnly).toBe(true);
      expect(session?.sameSite).toBe("Lax");

      await Promise.all([page.waitForURL(/\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
      expect((await browser.context.cookies(server.url)).find((c) => c.name === "docket_session")).toBeUndefined();
      await page.goto(`${server.url}${HOME[account.role]}`);
      expect(new URL(page.url()).pathname).toBe("/login");
    });
  }

  it("a wrong password shows a clear message on the form", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill("mod1@docket.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("do not match an account");
  });

  it("the sign-in page and the admin's pages have no serious accessibility findings", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/login`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await loginInBrowser(page, server.url, "admin@docket.test", DEMO_PASSWORD);
    for (const path of ["/admin/users", "/admin/api-keys", "/settings"]) {
      await page.goto(server.url + path);
      expect({ path, violations: await seriousA11yViolations(page) }).toEqual({ path, violations: [] });
    }
  });
});
