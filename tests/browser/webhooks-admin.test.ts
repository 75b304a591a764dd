import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { endpointWithHistory, HOSTILE_EXCERPT } from "../support/webhook-history.ts";

// The webhook pages in a real browser: no serious accessibility findings on the list or on an
// endpoint with attempts open, a receiver's hostile answer shown as text and never run, and the
// actions reachable and usable from the keyboard.

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await loadDemo();
  server = await startServer({ DOCKET_WEBHOOKS: "0" });
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the webhook pages", () => {
  it("have no serious accessibility findings, show hostile response text as text, and work from the keyboard", async () => {
    const shown = await endpointWithHistory("browser");
    const admin = DEMO_ACCOUNTS.find((a) => a.role === "admin")!;
    const { page } = browser;
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await loginInBrowser(page, server.url, admin.email, DEMO_PASSWORD);

    await page.goto(`${server.url}/admin/webhooks`);
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByText("A demo endpoint, paused so the demo sends nothing").first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole("link", { name: shown.url }).click();
    await page.getByRole("heading", { name: shown.url, level: 1 }).waitFor();
    for (const summary of await page.locator("summary").all()) await summary.click();
    await page.getByText(HOSTILE_EXCERPT).waitFor();
    expect(await page.locator("img[src=x]").count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel("Reason for disabling (shown on this page)").focus();
    await page.keyboard.type("Paused from the keyboard.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Disabled since").waitFor();
    await page.getByText("Paused from the keyboard.").first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
