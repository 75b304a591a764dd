// The agreement page in Chromium: no serious accessibility violations for a lead or an auditor, and
// the label set version picker works without JavaScript.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { db } from "~/db.server.ts";
import { userActor } from "~/modules/auth/actor.ts";
import { publishDraft, startDraft } from "~/modules/labels/editor.server.ts";
import { launchWithoutScript, loginInBrowser, openBrowser, seriousA11yViolations, signInWithoutScript } from "../support/browser.ts";
import { makeReviewedPair } from "../support/agreement.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let noScript: Browser;
let firstVersionId = "";
let lead: Awaited<ReturnType<typeof makeUser>>;
let auditor: Awaited<ReturnType<typeof makeUser>>;

beforeAll(async () => {
  lead = await makeUser("policy_lead");
  auditor = await makeUser("auditor");
  const reviewer = await makeUser("moderator");
  const pair = (first: ["keep" | "remove", string[]], second: ["keep" | "remove", string[]], day: string, state: "agreed" | "disagreed") =>
    makeReviewedPair({ first, second, state, reviewerId: reviewer.id, reviewedAt: new Date(`${day}T12:00:00Z`) });
  const made = await pair(["remove", ["ve_glorification"]], ["remove", ["ve_glorification"]], "2025-03-02", "agreed");
  firstVersionId = made.decision.versionId!;
  await pair(["keep", ["ve_news_reporting"]], ["remove", ["ve_glorification", "ve_propaganda_distribution"]], "2025-03-09", "disagreed");
  await pair(["keep", ["ve_news_reporting"]], ["keep", ["ve_news_reporting"]], "2025-04-01", "agreed");
  // A second version of the set, with newer pairs: the page opens on it.
  const { labelSetId } = await db.labelSetVersion.findUniqueOrThrow({ where: { id: firstVersionId } });
  const draft = await startDraft(userActor(lead), labelSetId);
  await publishDraft(userActor(lead), draft.versionId, "Fictional: a new version for the agreement page test.");
  await pair(["remove", ["ve_glorification"]], ["keep", ["ve_news_reporting"]], "2025-05-02", "disagreed");
  await pair(["remove", ["ve_glorification"]], ["remove", ["ve_glorification"]], "2025-05-03", "agreed");
  server = await startServer();
  browser = await openBrowser();
  noScript = await launchWithoutScript();
});
afterAll(async () => {
  await noScript?.close();
  await browser?.close();
  await server?.stop();
});

describe("the agreement page in a browser", () => {
  it("has no serious accessibility violations for a lead", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    await page.goto(`${server.url}/quality/agreement`);
    await page.getByRole("heading", { level: 1, name: "Agreement" }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${server.url}/quality/agreement?version=${firstVersionId}`);
    await page.getByRole("table", { name: /Rows: labels of the first decision/ }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it("an auditor without JavaScript picks the earlier version with the form", async () => {
    const { page, close } = await signInWithoutScript(noScript, server.url, auditor.email, PASSWORD);
    await page.goto(`${server.url}/quality/agreement`);
    await expect(page.getByRole("heading", { level: 2, name: /version 2$/ }).count()).resolves.toBe(1);
    await page.getByLabel("Label set version").selectOption(firstVersionId);
    await Promise.all([page.waitForURL(/version=/), page.getByRole("button", { name: "Show" }).click()]);
    expect(new URL(page.url()).searchParams.get("version")).toBe(firstVersionId);
    await expect(page.getByRole("heading", { level: 2, name: /version 1$/ }).count()).resolves.toBe(1);
    await expect(page.getByRole("row", { name: /^2025-03/ }).count()).resolves.toBe(1);
    await close();
  });
});
