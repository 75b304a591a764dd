// The care screens in a real browser: a moderator's home page at the limit (break prompt and own
// counts) and the leads' team page, with no serious accessibility findings and no script errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { careLabelSets, careSettings, reviewWith } from "../support/care.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await careLabelSets();
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the care screens", () => {
  it("a moderator at the limit sees the break prompt and their counts; a lead reads the team page; neither has serious findings", async () => {
    await careSettings({ highSeverityCap: 1 });
    const moderator = await makeUser("moderator");
    await reviewWith(moderator, "violent_extremism", ["ve_incitement"]);
    const { page, context } = browser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await loginInBrowser(page, server.url, moderator.email, PASSWORD);
    await page.goto(`${server.url}/queue`);
    await page.getByRole("heading", { name: "Time for a break" }).waitFor();
    expect(await page.getByTestId("exposure-high").textContent()).toBe("1 of 1");
    expect(await seriousA11yViolations(page)).toEqual([]);

    await context.clearCookies();
    const lead = await makeUser("policy_lead");
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    await page.goto(`${server.url}/quality/care`);
    await page.getByRole("heading", { name: "Team care" }).waitFor();
    expect(Number(await page.getByTestId("care-at-cap").textContent())).toBeGreaterThanOrEqual(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
