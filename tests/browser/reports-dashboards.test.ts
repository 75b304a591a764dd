// The reporting dashboards in Chromium: with JavaScript off every chart is there as an SVG named and
// described for screen readers, with its data table; with it on, axe finds nothing serious; and the
// range and queue form works from the keyboard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_PASSWORD } from "~/demo/accounts.server.ts";
import { foldPending } from "~/modules/reporting/rollups.server.ts";
import { launchWithoutScript, loginInBrowser, openBrowser, seriousA11yViolations, signInWithoutScript as signInAs } from "../support/browser.ts";
import { startServer, type RunningServer } from "../support/server.ts";

const LEAD = "lead@docket.test";
const MODERATOR = "mod1@docket.test";
const PAGES = ["/reports", "/reports/queues", "/reports/deadlines", "/reports/speed", "/reports/labels", "/reports/appeals", "/reports/moderators"];
const CHARTS: Record<string, number> = {
  "/reports/queues": 3,
  "/reports/deadlines": 3,
  "/reports/speed": 4,
  "/reports/labels": 2,
  "/reports/appeals": 4,
  "/reports/moderators": 2,
};

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let noScript: Browser;

beforeAll(async () => {
  await loadDemo();
  await foldPending();
  server = await startServer();
  browser = await openBrowser();
  noScript = await launchWithoutScript();
});
afterAll(async () => {
  await noScript?.close();
  await browser?.close();
  await server?.stop();
});

const signInWithoutScript = (email: string) => signInAs(noScript, server.url, email, DEMO_PASSWORD);

/** Each figure's picture and table as the server sent them. */
async function chartsOn(page: Page) {
  return page.$$eval("figure", (figures) =>
    figures.map((f) => {
      const svg = f.querySelector("svg[role='img']");
      const title = svg && document.getElementById(svg.getAttribute("aria-labelledby") ?? "");
      const desc = svg && document.getElementById(svg.getAttribute("aria-describedby") ?? "");
      const table = f.querySelector("details[open] table");
      return {
        caption: f.querySelector("figcaption")?.textContent ?? "",
        svg: Boolean(svg),
        title: title?.tagName.toLowerCase() === "title" ? title.textContent : null,
        desc: desc?.tagName.toLowerCase() === "desc" ? desc.textContent : null,
        tableCaption: table?.querySelector("caption")?.textContent ?? null,
        columnHeads: table ? table.querySelectorAll("th[scope='col']").length : 0,
        csv: f.querySelector("a[download]")?.getAttribute("href") ?? null,
      };
    }),
  );
}

describe("the dashboards without JavaScript", () => {
  it("every dashboard page has each chart's SVG, its title and summary, its data table and its CSV link", async () => {
    const { page, close } = await signInWithoutScript(LEAD);
    for (const [path, count] of Object.entries(CHARTS)) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      const charts = await chartsOn(page);
      expect(charts.length, path).toBe(count);
      for (const c of charts) {
        expect(c.svg, `${path}: ${c.caption}`).toBe(true);
        expect(c.title, `${path}: ${c.caption}`).toBe(c.caption);
        expect(c.desc?.length ?? 0, `${path}: ${c.caption}`).toBeGreaterThan(20);
        expect(c.tableCaption, `${path}: ${c.caption}`).toContain(c.caption);
        expect(c.columnHeads, `${path}: ${c.caption}`).toBeGreaterThanOrEqual(2);
        expect(c.csv, `${path}: ${c.caption}`).toMatch(/\/csv\?chart=/);
      }
    }
    await close();
  });

  it("the range form shows a preset without JavaScript", async () => {
    const { page, close } = await signInWithoutScript(LEAD);
    await page.goto(`${server.url}/reports/labels`);
    await Promise.all([page.waitForURL(/days=90/), page.getByRole("button", { name: "90 days" }).click()]);
    await expect(page.getByRole("button", { name: "90 days", pressed: true }).count()).resolves.toBe(1);
    expect(await page.locator("svg[role='img']").count()).toBe(CHARTS["/reports/labels"]);
    await close();
  });
});

describe("the dashboards with JavaScript", () => {
  it("axe finds nothing serious or critical on any dashboard, for a lead", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, LEAD, DEMO_PASSWORD);
    for (const path of PAGES) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      expect(await seriousA11yViolations(page), path).toEqual([]);
    }
  });

  it("the range form and queue filter work from the keyboard", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/reports/queues`);
    const queue = page.getByLabel("Queue", { exact: true });
    await queue.focus();
    await page.keyboard.press("ArrowDown");
    const chosen = await queue.inputValue();
    expect(chosen).not.toBe("");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Show");
    await Promise.all([page.waitForURL((url) => url.searchParams.get("queue") === chosen), page.keyboard.press("Enter")]);
    await page.getByText(/Figures for .* queue /).waitFor();
    // On to the presets, still by keyboard: the queue stays chosen.
    await page.getByRole("button", { name: "Show" }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("30 days");
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get("days") === "30" && url.searchParams.get("queue") === chosen),
      page.keyboard.press("Space"),
    ]);
    await page.getByRole("button", { name: "30 days", pressed: true }).waitFor();
  });

  it("a moderator's own page passes axe too", async () => {
    const { context } = browser;
    await context.clearCookies();
    const { page } = browser;
    await loginInBrowser(page, server.url, MODERATOR, DEMO_PASSWORD);
    await page.goto(`${server.url}/reports/moderators`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
