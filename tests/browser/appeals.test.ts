// Must hold 4: a platform appeals a removal through the API; a second moderator reviews it in
// Chromium with the keyboard alone and overturns it; the platform reads the reasoned answer; an
// auditor opens the original decision and follows the chain to the decision that replaced it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { db } from "~/db.server.ts";
import { makeDecision } from "../support/audit-fixtures.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
beforeAll(async () => {
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function keyboardLogin(page: Page, email: string) {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.keyboard.press("Enter")]);
}

/** Presses Tab until the focused element matches `selector` (and `text`, when given): proof it is reachable by keyboard. */
async function tabTo(page: Page, selector: string, text?: string) {
  for (let i = 0; i < 250; i++) {
    await page.keyboard.press("Tab");
    const here = await page.evaluate(
      ([sel, words]) => {
        const el = document.activeElement;
        return !!el && el.matches(sel) && (!words || (el.textContent ?? "").includes(words));
      },
      [selector, text ?? ""] as const,
    );
    if (here) return;
  }
  throw new Error(`Tab never reached ${selector}${text ? ` (${text})` : ""}`);
}

describe("an appeal from the platform to the auditor, reviewed by keyboard", () => {
  it("a second moderator overturns a removal; the platform reads the answer; the auditor sees the chain", async () => {
    const made = await makeDecision({ action: "remove" });
    const { token } = await makeApiKey("test");
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
    const received = await api("/api/v1/appeals", {
      method: "POST",
      body: JSON.stringify({
        externalId: `appeal-${made.externalId}`,
        decisionId: made.decision.id,
        appellant: { role: "content_author", externalId: `author-${made.externalId}` },
        statement: "My post reported on the fictional group's rally; it did not praise it.",
      }),
    });
    expect(received.status).toBe(201);
    const { appealId } = (await received.json()) as { appealId: string };

    const reviewer = await makeUser("moderator");
    expect(reviewer.id).not.toBe(made.moderator.id);
    const { page, context } = browser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await keyboardLogin(page, reviewer.email);
    await page.goto(`${server.url}/appeals`);
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    await tabTo(page, "button", "Next appeal");
    await Promise.all([page.waitForURL(`**/appeals/${appealId}`), page.keyboard.press("Enter")]);
    await page.waitForFunction((id) => document.documentElement.dataset.appealScreen === id, appealId);
    await expect(page.getByTestId("appeal-statement").textContent()).resolves.toContain("did not praise it");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Outcome: Tab into the group (Uphold), the arrow key moves to Overturn.
    await tabTo(page, 'input[name="outcome"]');
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => (document.querySelector('input[name="outcome"][value="overturned"]') as HTMLInputElement).checked);
    await tabTo(page, 'input[name="action"]');
    await page.keyboard.press("Space");
    await page.waitForFunction(() => (document.querySelector('input[name="action"][value="keep"]') as HTMLInputElement).checked);
    await tabTo(page, 'input[name="labelIds"][data-key="ve_news_reporting"]');
    await page.keyboard.press("Space");
    await page.waitForFunction(() => (document.querySelector('input[data-key="ve_news_reporting"]') as HTMLInputElement).checked);
    await tabTo(page, "#appeal-rationale");
    await page.keyboard.type("The post reports on the fictional rally in a news frame; the removal misread it.");
    await tabTo(page, "#appeal-summary");
    await page.keyboard.type("Your post reports on events and does not praise the group, so it is available again.");
    await expect(page.getByTestId("answer-preview").textContent()).resolves.toContain("out-of-court dispute settlement");
    await tabTo(page, "button", "Decide the appeal");
    await Promise.all([page.waitForURL(`**/appeals/${appealId}?notice=decided`), page.keyboard.press("Enter")]);
    await expect(page.getByTestId("appeal-outcome").textContent()).resolves.toContain("Overturned");

    const appeal = await db.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(appeal).toMatchObject({ state: "decided", outcome: "overturned", decidedById: reviewer.id });
    const replacement = await db.decision.findUniqueOrThrow({ where: { id: appeal.newDecisionId! } });
    expect(replacement).toMatchObject({ action: "keep", supersedesId: made.decision.id, appealId });
    expect(JSON.parse(replacement.labelKeys)).toEqual(["ve_news_reporting"]);

    const status = await api(`/api/v1/appeals/${appealId}`);
    expect(status.status).toBe(200);
    const body = (await status.json()) as { state: string; outcome: string; answer: string };
    expect(body).toMatchObject({ state: "decided", outcome: "overturned" });
    expect(body.answer).toContain("Your post reports on events and does not praise the group");
    expect(body.answer).toContain("out-of-court dispute settlement");
    expect(body.answer).not.toContain(reviewer.name);

    // The auditor opens the original decision and follows the chain to its replacement.
    const auditor = await makeUser("auditor");
    await context.clearCookies();
    await loginInBrowser(page, server.url, auditor.email, PASSWORD);
    await page.goto(`${server.url}/audit/decisions/${made.decision.id}`);
    const chain = page.getByTestId("decision-chain");
    await chain.waitFor();
    const chainText = (await chain.textContent()) ?? "";
    expect(chainText).toContain(`Appeal ${appealId}`);
    expect(chainText).toContain("Overturned");
    expect(chainText).toContain(`Replaced by decision ${replacement.id}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await Promise.all([
      page.waitForURL(`**/audit/decisions/${replacement.id}`),
      chain
        .getByRole("link", { name: `decision ${replacement.id}` })
        .first()
        .click(),
    ]);
    await page.getByTestId("decision-chain").waitFor();
    const newChain = (await page.getByTestId("decision-chain").textContent()) ?? "";
    expect(newChain).toContain(`supersedes decision ${made.decision.id}`);
    expect(newChain).toContain(`appeal ${appealId}`);
    expect(errors).toEqual([]);
  });
});
