// Must hold 5 of quality review: in Chromium, a lead sets a 100% sampling rule; a moderator decides an
// item; a second moderator reviews it blind and disagrees; the lead rules on the pair and corrects the
// first decision through the supersede path; the agreement page shows the pair.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { db } from "~/db.server.ts";
import { openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { rawFlag, settleOpenItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await starterLabels();
  // Only this test's rule samples, no calibration item is served in between, and no care cap holds
  // back the item: the flow below meets nothing but its own item and review.
  await db.samplingRule.updateMany({ data: { active: false } });
  await db.qualitySettings.update({ where: { id: 1 }, data: { calibrationPercent: 0, highSeverityCap: null } });
  await settleOpenItems();
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
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Presses Tab until the focused element matches `selector` (and `text`, when given): proof it is reachable by keyboard. */
async function tabTo(page: Page, selector: string, text?: string) {
  for (let i = 0; i < 300; i++) {
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

const checked = (page: Page, selector: string) =>
  page.waitForFunction((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.checked === true, selector);

/** Gives a test account a name of its own, so the page can be searched for it. */
async function named(role: "moderator" | "policy_lead", name: string) {
  const user = await makeUser(role);
  return db.user.update({ where: { id: user.id }, data: { name } });
}

describe("a blind second review from sampling rule to corrected decision", () => {
  it("a lead samples everything, two moderators disagree blind, the lead corrects the first decision, and the agreement page shows the pair", async () => {
    const lead = await named("policy_lead", "Rowan Lead");
    const first = await named("moderator", "Avery Firstdecider");
    const second = await named("moderator", "Blake Secondlook");
    const { token } = await makeApiKey("test");
    const intake = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(rawFlag({ content: { title: "Quality flow: rally footage" }, flag: { source: "trusted_flagger" } })),
    });
    expect(intake.status).toBeLessThan(300);
    const { itemId } = (await intake.json()) as { itemId: string };
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });

    const { page, context } = browser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    // 1. The lead creates a rule sampling every decision of the first moderator.
    await keyboardLogin(page, lead.email);
    await page.goto(`${server.url}/quality/sampling`);
    await page.getByRole("heading", { name: "New sampling rule" }).waitFor();
    await page.getByLabel("Name").focus();
    await page.keyboard.type("Every decision of the flow test");
    await page.getByLabel("Decisions by").selectOption({ label: first.name });
    await page.getByLabel(/Share of decisions sampled/).focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("100");
    await tabTo(page, "button", "Create the rule");
    await Promise.all([page.waitForURL("**/quality/sampling?notice=created"), page.keyboard.press("Enter")]);
    await page.getByText("Rule created.").waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    const rule = await db.samplingRule.findFirstOrThrow({ where: { name: "Every decision of the flow test" } });
    expect(rule).toMatchObject({ percent: 100, moderatorId: first.id, queueId: null, active: true, createdById: lead.id });

    // 2. The first moderator takes the item with Next item and removes it under a violating label.
    await context.clearCookies();
    await keyboardLogin(page, first.email);
    await page.goto(`${server.url}/queue`);
    await page.waitForFunction(() => document.documentElement.dataset.nextKey === "on");
    await Promise.all([page.waitForURL(`**/review/${itemId}`), page.keyboard.press("n")]);
    await page.waitForFunction((id) => document.documentElement.dataset.reviewKeys === id, itemId);
    const propaganda = await page.locator('input[data-key="ve_propaganda_distribution"]').getAttribute("id");
    await page.keyboard.type(propaganda!.replace("label-", ""));
    await checked(page, 'input[data-key="ve_propaganda_distribution"]');
    await page.keyboard.press("r");
    await checked(page, 'input[name="action"][value="remove"]');
    const firstRationale = "Relays the made-up group's recruitment clip with no news frame.";
    await page.keyboard.press("/");
    await page.keyboard.type(firstRationale);
    await page.keyboard.press("Escape");
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith(`/review/${itemId}`)), page.keyboard.press("Control+Enter")]);
    const firstDecision = await db.decision.findFirstOrThrow({ where: { itemId, userId: first.id } });
    expect(firstDecision).toMatchObject({ action: "remove", rationale: firstRationale });
    expect(JSON.parse(firstDecision.labelKeys)).toEqual(["ve_propaganda_distribution"]);
    const review = await db.qualityReview.findUniqueOrThrow({ where: { decisionId: firstDecision.id } });
    expect(review).toMatchObject({ state: "open", ruleId: rule.id, firstUserId: first.id, queueId: item.queueId, versionId: firstDecision.versionId });

    // 3. The second moderator presses Next review and decides blind: keep, as news reporting.
    await context.clearCookies();
    await keyboardLogin(page, second.email);
    await page.goto(`${server.url}/quality`);
    await expect(page.getByTestId("reviews-waiting").textContent()).resolves.toBe("1");
    await tabTo(page, "button", "Next review");
    await Promise.all([page.waitForURL(`**/quality/reviews/${review.id}`), page.keyboard.press("Enter")]);
    await page.getByRole("heading", { name: "Your decision" }).waitFor();
    await expect(page.getByTestId("content-title").textContent()).resolves.toBe("Quality flow: rally footage");
    // Blind: nothing of the first decision in the page, its HTML or its loader data.
    const html = await page.content();
    for (const secret of [first.name, first.email, firstRationale, firstDecision.id, itemId]) expect(html).not.toContain(secret);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await tabTo(page, 'input[name="action"][value="keep"]');
    await page.keyboard.press("Space");
    await checked(page, 'input[name="action"][value="keep"]');
    await tabTo(page, 'input[name="labelIds"][data-key="ve_news_reporting"]');
    await page.keyboard.press("Space");
    await checked(page, 'input[data-key="ve_news_reporting"]');
    const secondRationale = "A news report on the rally, quoting the clip to explain it.";
    await tabTo(page, "#review-rationale");
    await page.keyboard.type(secondRationale);
    await tabTo(page, "button", "Save and take the next review");
    await Promise.all([page.waitForURL("**/quality?notice=saved-none-waiting"), page.keyboard.press("Enter")]);
    const reviewed = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    expect(reviewed).toMatchObject({ state: "disagreed", reviewerId: second.id, action: "keep", rationale: secondRationale });
    expect(JSON.parse(reviewed.labelKeys)).toEqual(["ve_news_reporting"]);

    // 4. The lead opens the disagreement, sees both side by side, rules for the second and corrects.
    await context.clearCookies();
    await keyboardLogin(page, lead.email);
    await page.goto(`${server.url}/quality`);
    await tabTo(page, `a[href="/quality/adjudications/${review.id}"]`);
    await Promise.all([page.waitForURL(`**/quality/adjudications/${review.id}`), page.keyboard.press("Enter")]);
    await page.getByRole("heading", { name: "Rule on the disagreement" }).waitFor();
    const firstSide = (await page.getByTestId("first-decision").textContent()) ?? "";
    const secondSide = (await page.getByTestId("second-review").textContent()) ?? "";
    for (const words of ["remove", firstRationale, first.name]) expect(firstSide).toContain(words);
    for (const words of ["keep", secondRationale, second.name]) expect(secondSide).toContain(words);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabTo(page, 'input[name="ruling"]');
    await page.keyboard.press("ArrowDown");
    await checked(page, 'input[name="ruling"][value="second"]');
    await tabTo(page, 'input[name="errorType"]');
    await page.keyboard.press("Space");
    await checked(page, 'input[name="errorType"][value="false_positive"]');
    const note = "The clip is quoted inside a news report; the guidance on reporting needs an example of this.";
    await tabTo(page, "#adjudication-note");
    await page.keyboard.type(note);
    await tabTo(page, 'input[name="correct"]');
    await page.keyboard.press("Space");
    await checked(page, 'input[name="correct"]');
    // The correction starts from the second review's answer under the live label set.
    await checked(page, 'input[name="action"][value="keep"]');
    await checked(page, 'input[name="labelIds"][data-key="ve_news_reporting"]');
    expect(await page.locator('input[name="labelIds"]:checked').count()).toBe(1);
    const correction = "News reporting on the made-up group's rally; the removal misread the frame.";
    await tabTo(page, "#correction-rationale");
    await page.keyboard.type(correction);
    await tabTo(page, "button", "Record the ruling");
    await Promise.all([page.waitForURL(`**/quality/adjudications/${review.id}?notice=ruled`), page.keyboard.press("Enter")]);
    await page.getByText("Ruling recorded.").waitFor();
    await expect(page.getByRole("region", { name: "Ruling" }).textContent()).resolves.toContain("The second review was right; False positive");

    const ruled = await db.qualityReview.findUniqueOrThrow({ where: { id: review.id } });
    expect(ruled).toMatchObject({ state: "adjudicated", ruling: "second", errorType: "false_positive", adjudicationNote: note, adjudicatedById: lead.id });
    const replacement = await db.decision.findUniqueOrThrow({ where: { id: ruled.correctionDecisionId! } });
    expect(replacement).toMatchObject({
      itemId,
      userId: lead.id,
      action: "keep",
      rationale: correction,
      supersedesId: firstDecision.id,
      qualityReviewId: review.id,
    });
    expect(JSON.parse(replacement.labelKeys)).toEqual(["ve_news_reporting"]);
    expect(await db.decision.count({ where: { supersedesId: firstDecision.id } })).toBe(1);
    // A correction is itself a second look: it is not sampled again.
    expect(await db.qualityReview.count({ where: { decisionId: replacement.id } })).toBe(0);

    // 5. The agreement page, on the first decision's label set version, shows the pair without names.
    await page.goto(`${server.url}/quality/agreement`);
    await page.getByLabel("Label set version").selectOption(firstDecision.versionId!);
    await Promise.all([page.waitForURL((u) => u.searchParams.get("version") === firstDecision.versionId), page.getByRole("button", { name: "Show" }).click()]);
    const row = page.getByRole("row", { name: new RegExp(item.externalId) });
    await expect(row.count()).resolves.toBe(1);
    const cells = await row.locator("th, td").allTextContents();
    expect(cells[0]).toBe(item.externalId);
    expect(cells.slice(3)).toEqual(["remove", "ve_propaganda_distribution", "keep", "ve_news_reporting", "No", "Disagreed, ruled on"]);
    const agreementHtml = await page.content();
    for (const person of [first.name, first.email, second.name, second.email]) expect(agreementHtml).not.toContain(person);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
