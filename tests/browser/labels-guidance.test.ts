import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { leadActor } from "../support/labels.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let lead: Awaited<ReturnType<typeof makeUser>>;
let moderator: Awaited<ReturnType<typeof makeUser>>;
let setId: string;

const NEW_GUIDANCE = "A headline alone is not a news frame: when the Northern Ember Front's own material is most of the item, it is distribution.";
const OLD_GUIDANCE = "It embeds unedited propaganda, links to it, or adds praise.";

beforeAll(async () => {
  lead = await makeUser("policy_lead");
  moderator = await makeUser("moderator");
  const starter = await ensureStarterLabelSet(leadActor(lead));
  setId = (await db.labelSetVersion.findUniqueOrThrow({ where: { id: starter.versionId } })).labelSetId;
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signOut() {
  const { page } = browser;
  await Promise.all([page.waitForURL(/\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
}

describe("a lead changes guidance and moderators see it", () => {
  it("the lead edits a label's guidance in the draft editor and publishes; the diff shows the change; a moderator then sees the new guidance on the review screen", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, lead.email, PASSWORD);

    await page.goto(`${server.url}/labels`);
    await page.getByRole("link", { name: "Violent extremism" }).click();
    await Promise.all([page.waitForURL(/\/draft$/), page.getByRole("button", { name: "Edit: start a new draft" }).click()]);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "Edit News reporting" }).click();
    const form = page.getByRole("form", { name: "Edit News reporting" });
    const notWhen = form.getByLabel("Not when");
    await expect(notWhen.inputValue()).resolves.toBe(OLD_GUIDANCE);

    // Live validation: clearing the definition shows the error next to the field before any submit.
    const definition = form.getByLabel("Definition");
    const definitionText = await definition.inputValue();
    await definition.fill("");
    await expect(form.getByText("A label needs a definition: what it covers.").isVisible()).resolves.toBe(true);
    await definition.fill(definitionText);
    await expect(form.getByText("A label needs a definition: what it covers.").count()).resolves.toBe(0);

    await notWhen.fill(NEW_GUIDANCE);
    await Promise.all([page.waitForURL(/saved=ve_news_reporting/), form.getByRole("button", { name: "Save label" }).click()]);
    await page.getByRole("status").filter({ hasText: "Saved “ve_news_reporting” in the draft." }).waitFor();

    await page.getByLabel("Change note").fill("News reporting: a headline alone is not a news frame.");
    await Promise.all([page.waitForURL(/\/versions\//), page.getByRole("button", { name: "Publish version 2" }).click()]);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("version 2");
    await expect(page.locator("#label-ve_news_reporting").textContent()).resolves.toContain(NEW_GUIDANCE);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByRole("link", { name: "Changes from the previous version" }).click();
    const change = page.getByRole("region", { name: /News reporting/ });
    const row = change.getByRole("row", { name: /Not when/ });
    await expect(row.getByRole("cell").nth(0).textContent()).resolves.toBe(OLD_GUIDANCE);
    await expect(row.getByRole("cell").nth(1).textContent()).resolves.toBe(NEW_GUIDANCE);
    await expect(page.getByRole("status").textContent()).resolves.toContain("1 changed");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signOut();

    // A flag arrives, and a moderator takes it from the queue.
    const { token } = await makeApiKey("browser-labels");
    const flag = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        content: {
          externalId: "labels-guidance-1",
          type: "text",
          body: "Headline: the fictional Northern Ember Front releases a new message. (Synthetic test item.)",
          language: "en",
        },
        flag: { source: "user_report", reason: "violent_extremism" },
      }),
    });
    expect(flag.status).toBe(201);

    await loginInBrowser(page, server.url, moderator.email, PASSWORD);
    await page.goto(`${server.url}/queue`);
    await Promise.all([page.waitForURL(/\/review\//), page.getByRole("button", { name: /Next item/ }).click()]);
    const news = page.locator("li").filter({ has: page.getByRole("checkbox", { name: /News reporting/ }) });
    await news.getByText("Definition").click();
    await expect(news.getByText(NEW_GUIDANCE).isVisible()).resolves.toBe(true);
    await expect(page.getByText(OLD_GUIDANCE).count()).resolves.toBe(0);
    expect(await db.labelSetVersion.count({ where: { labelSetId: setId, status: "published" } })).toBe(1);
    await signOut();
  });
});

describe("the label pages for keyboard and screen-reader users", () => {
  it("the sets list, set page, import page and a new-label form have no serious accessibility findings", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    for (const path of ["/labels", `/labels/${setId}`, "/labels/import"]) {
      await page.goto(`${server.url}${path}`);
      expect(await seriousA11yViolations(page), path).toEqual([]);
    }
    await page.goto(`${server.url}/labels/${setId}`);
    await Promise.all([page.waitForURL(/\/draft$/), page.getByRole("button", { name: "Edit: start a new draft" }).click()]);
    await page.getByRole("link", { name: "Add a violating label" }).click();
    const form = page.getByRole("form", { name: "New label" });
    await form.getByLabel("Key").fill("ve_news_reporting");
    await expect(form.getByText("Another label in this draft already uses the key “ve_news_reporting”.").isVisible()).resolves.toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signOut();
  });
});
