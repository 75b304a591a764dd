import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let removed: Awaited<ReturnType<typeof makeDecision>>;
let auditorEmail: string;

beforeAll(async () => {
  removed = await makeDecision({ action: "remove", sources: ["removal_order", "user_report"], receivedAgoMs: 15 * 60_000 });
  await makeDecision({ action: "keep", sources: ["user_report"] });
  await makeDecision({ action: "restrict", sources: ["trusted_flagger"] });
  auditorEmail = (await makeUser("auditor")).email;
  server = await startServer();
  browser = await openBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("an auditor in the browser", () => {
  it("searches the log, opens a decision, verifies the chain and downloads an export", { timeout: 180_000 }, async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, auditorEmail, PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/audit");
    // Interact once the page's scripts have loaded and hydrated, so clicks are never lost in between.
    await page.waitForLoadState("networkidle");

    // Search: decisions on items that carried a removal order, with the outcome "remove".
    await page.getByLabel("Flag source").selectOption("removal_order");
    await page.getByLabel("Outcome").selectOption("remove");
    await Promise.all([page.waitForURL(/source=removal_order/), page.getByRole("button", { name: "Search" }).click()]);
    const rows = page.locator("tbody tr");
    // The filtered page replaces the table once its data has loaded.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await page.waitForLoadState("networkidle");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The decision's page: the snapshot, the labels with their text, the removal-order hour.
    await Promise.all([
      page.waitForURL(/\/audit\/decisions\//, { timeout: 60_000 }),
      rows
        .first()
        .getByRole("link", { name: /Decision/ })
        .click(),
    ]);
    expect(new URL(page.url()).pathname).toBe(`/audit/decisions/${removed.decision.id}`);
    await page.getByRole("heading", { name: "Decision", exact: true }).waitFor();
    const main = page.locator("main");
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain(removed.externalId);
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain("Glorification");
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain("Met: actioned before");
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain(`docket-${removed.decision.id}`);
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The decision's audit event, with its hashes.
    await Promise.all([page.waitForURL(/\/audit\/events\//), page.getByRole("link", { name: `Audit event ${removed.decision.seq}` }).click()]);
    await page.getByRole("heading", { name: `Audit event ${removed.decision.seq}` }).waitFor();
    await expect.poll(() => main.textContent(), { timeout: 15_000 }).toContain("decision.made");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Verify the chain from its page.
    await page.goto(`${server.url}/audit/verify`);
    await page.getByRole("button", { name: "Verify now" }).click();
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 15_000 }).toContain("The audit log is intact");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Export: count first, then the streamed download.
    await page.goto(`${server.url}/audit/export`);
    await page.getByRole("heading", { name: "Export the audit log" }).waitFor();
    await page.getByLabel("What").selectOption("statements");
    await Promise.all([page.waitForURL(/kind=statements/), page.getByRole("button", { name: "Count rows" }).click()]);
    await expect.poll(() => page.getByRole("status").textContent(), { timeout: 15_000 }).toMatch(/2\s*restricting decisions/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^docket-statements-.*\.ndjson$/);
    const file = readFileSync((await download.path())!, "utf8");
    const batches = file
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(batches).toHaveLength(1);
    expect(batches[0].statements).toHaveLength(2);

    const exported = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { seq: "desc" } });
    expect(exported.actorLabel).toContain(auditorEmail);
  });
});
