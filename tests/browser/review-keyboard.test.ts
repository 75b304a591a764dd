import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { db } from "~/db.server.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { openBrowser, seriousA11yViolations, reviewKeysReady } from "../support/browser.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
beforeAll(async () => {
  await starterLabels();
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

describe("reviewing with the keyboard alone", () => {
  it("next item, labels by number, action, submit, escalate, two-digit labels, help overlay and skip", async () => {
    const { token } = await makeApiKey("test");
    const post = (body: unknown) =>
      fetch(`${server.url}/api/v1/flags`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then((r) => r.json());
    // Sources set the order: trusted flagger, then user report, then automated detection.
    const first = await post(rawFlag({ content: { title: "First: rally report" }, flag: { source: "trusted_flagger" } }));
    const second = await post(rawFlag({ content: { title: "Second: unclear post" }, flag: { source: "user_report" } }));
    const third = await post(rawFlag({ content: { title: "Third: automated find" }, flag: { source: "automated" } }));
    const moderator = await makeUser("moderator");
    const { page } = browser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));

    await keyboardLogin(page, moderator.email);
    await page.goto(`${server.url}/queue`);
    await page.waitForFunction(() => document.documentElement.dataset.nextKey === "on");
    await Promise.all([page.waitForURL(`**/review/${first.itemId}`), page.keyboard.press("n")]);
    await reviewKeysReady(page, first.itemId);
    await expect(page.getByTestId("content-title").textContent()).resolves.toBe("First: rally report");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // Label 1 (news reporting) waits briefly for a second digit, then toggles.
    await page.keyboard.press("1");
    await page.waitForFunction(() => (document.getElementById("label-1") as HTMLInputElement).checked);
    await page.keyboard.press("k");
    expect(await page.locator('input[name="action"][value="keep"]').isChecked()).toBe(true);
    await Promise.all([page.waitForURL(`**/review/${second.itemId}?notice=saved`), page.keyboard.press("Control+Enter")]);
    const d1 = await db.decision.findFirstOrThrow({ where: { itemId: first.itemId } });
    expect(d1.action).toBe("keep");
    expect(JSON.parse(d1.labelKeys)).toEqual(["ve_news_reporting"]);

    await reviewKeysReady(page, second.itemId);
    // Escalate: E, then / to write the rationale, Esc to leave the box, Ctrl+Enter to submit.
    await page.keyboard.press("e");
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("rationale");
    await page.keyboard.type("Could be praise or reporting; needs a policy lead.");
    await page.keyboard.press("Escape");
    await Promise.all([page.waitForURL(`**/review/${third.itemId}?notice=saved`), page.keyboard.press("Control+Enter")]);
    expect((await db.item.findUniqueOrThrow({ where: { id: second.itemId } })).state).toBe("escalated");
    // The next item starts with a clean form: nothing carries over from the previous decision.
    const d2 = await db.decision.findFirstOrThrow({ where: { itemId: second.itemId } });
    expect(JSON.parse(d2.labelKeys)).toEqual([]);

    // Two digits in quick succession pick label 13 (not label 1).
    await reviewKeysReady(page, third.itemId);
    await page.keyboard.press("1");
    await page.keyboard.press("3");
    await page.waitForFunction(() => (document.getElementById("label-13") as HTMLInputElement).checked);
    expect(await page.locator("#label-1").isChecked()).toBe(false);

    // The help overlay opens with ? and closes with Esc.
    await page.keyboard.press("?");
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" }).isVisible()).resolves.toBe(true);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });

    // Skip: the item goes back to the queue for others, and this moderator's queue is now empty.
    await Promise.all([page.waitForURL("**/queue?notice=skipped-empty"), page.keyboard.press("s")]);
    const skipped = await db.claim.findFirstOrThrow({ where: { itemId: third.itemId, userId: moderator.id } });
    expect(skipped.endReason).toBe("skipped");
    expect((await db.item.findUniqueOrThrow({ where: { id: third.itemId } })).claimId).toBeNull();
    expect(errors).toEqual([]);
  });
});

describe("a fast typist", () => {
  it("decides ten items in a row at full speed: a pending label digit is applied before submitting, and the label's default action is preselected", async () => {
    const { token } = await makeApiKey("fast");
    const post = (body: unknown) =>
      fetch(`${server.url}/api/v1/flags`, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) }).then((r) => r.json());
    const mine = new Set<string>();
    for (let i = 0; i < 10; i++) mine.add((await post(rawFlag({ content: { title: `Fast item ${i}` }, flag: { source: "trusted_flagger" } }))).itemId);
    const moderator = await makeUser("moderator");
    const { page, context } = browser;
    await context.clearCookies();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await keyboardLogin(page, moderator.email);
    await page.goto(`${server.url}/queue`);
    await page.waitForFunction(() => document.documentElement.dataset.nextKey === "on");
    await Promise.all([page.waitForURL("**/review/**"), page.keyboard.press("n")]);

    // Four ways to decide, each typed with no pause between keys. Label 1 could start 10 to 13, so
    // it is still pending when the next key arrives.
    const ways: { keys: (p: Page) => Promise<unknown>; action: string; labels: string[] }[] = [
      { keys: (p) => p.keyboard.press("1").then(() => p.keyboard.press("Control+Enter")), action: "keep", labels: ["ve_news_reporting"] },
      {
        keys: async (p) => {
          await p.keyboard.press("6");
          await p.keyboard.press("/");
          await p.keyboard.type("Relays the group's own video with no frame.");
          await p.keyboard.press("Control+Enter");
        },
        action: "remove",
        labels: ["ve_propaganda_distribution"],
      },
      {
        keys: (p) =>
          p.keyboard
            .press("1")
            .then(() => p.keyboard.press("t"))
            .then(() => p.keyboard.press("Control+Enter")),
        action: "restrict",
        labels: ["ve_news_reporting"],
      },
      {
        keys: (p) => p.keyboard.press("1").then(() => p.getByRole("button", { name: /Decide and next/ }).click()),
        action: "keep",
        labels: ["ve_news_reporting"],
      },
    ];
    const expected = new Map<string, (typeof ways)[number]>();
    for (let n = 0; n < 20; n++) {
      const url = new URL(page.url());
      if (!url.pathname.startsWith("/review/")) break;
      const itemId = url.pathname.split("/")[2]!;
      await reviewKeysReady(page, itemId);
      const way = ways[n % ways.length]!;
      expected.set(itemId, way);
      await Promise.all([page.waitForURL((u) => u.pathname !== url.pathname, { timeout: 5_000 }), way.keys(page)]);
    }
    expect(new URL(page.url()).pathname).toBe("/queue");
    for (const id of mine) expect(expected.has(id)).toBe(true);
    for (const [itemId, way] of expected) {
      const decision = await db.decision.findFirstOrThrow({ where: { itemId, userId: moderator.id } });
      expect({ action: decision.action, labels: JSON.parse(decision.labelKeys) }).toEqual({ action: way.action, labels: way.labels });
    }
    expect(errors).toEqual([]);
  });
});
