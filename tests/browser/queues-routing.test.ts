import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { formatSpan } from "~/components/queue/deadline.tsx";
import { db } from "~/db.server.ts";
import { ROLE_NAMES } from "~/modules/auth/capabilities.ts";
import { liveRoutingVersion } from "~/modules/routing/versions.server.ts";
import { launchWithoutScript, loginInBrowser, openBrowser, seriousA11yViolations } from "../support/browser.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

const QUEUE = "Night desk DE";
const RULE = "German to the night desk";
const HOURS = 5;

let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let noScript: Browser;
let lead: Awaited<ReturnType<typeof makeUser>>;
let member: Awaited<ReturnType<typeof makeUser>>;
let outsider: Awaited<ReturnType<typeof makeUser>>;
const pageErrors: string[] = [];

beforeAll(async () => {
  await starterLabels();
  lead = await makeUser("policy_lead");
  // Neither moderator starts in the new queue; the outsider works only the starter queue.
  member = await makeUser("moderator", { queues: [] });
  outsider = await makeUser("moderator", { queues: ["queue-general-review"] });
  server = await startServer();
  browser = await openBrowser();
  browser.page.on("pageerror", (e) => pageErrors.push(`${browser.page.url()}: ${String(e)}`));
  noScript = await launchWithoutScript();
});
afterAll(async () => {
  await noScript?.close();
  await browser?.close();
  await server?.stop();
});

async function signOut(page: Page) {
  await Promise.all([page.waitForURL(/\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
}

/** Opens a console page and checks it with axe once it has rendered. */
async function a11y(page: Page, path: string) {
  await page.goto(`${server.url}${path}`);
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  expect(await seriousA11yViolations(page), path).toEqual([]);
}

describe("a lead routes German items to a new queue and only its member gets them", () => {
  let queueId = "";
  let itemId = "";
  let title = "";

  it("the lead creates the queue with a 5-hour user-notice deadline and adds one moderator", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    await page.goto(`${server.url}/queues`);
    const create = page.getByRole("region", { name: "Create a queue" });
    await create.getByLabel("Name").fill(QUEUE);
    await create.getByLabel("Description").fill("German-language items overnight.");
    await create.getByLabel("User notice").fill(String(HOURS));
    await Promise.all([page.waitForURL(/\/queues\/[^/]+\?done=created$/), create.getByRole("button", { name: "Create queue" }).press("Enter")]);
    queueId = new URL(page.url()).pathname.split("/")[2]!;
    await page.getByText("Queue created. Add its members, then point a routing rule at it.").waitFor();
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(QUEUE);

    // Both moderators are offered; only one is added.
    const picker = page.getByLabel("Add a member");
    const option = (u: typeof member) => `${u.name} · ${u.email} (${ROLE_NAMES[u.role]})`;
    await expect(picker.locator("option").allTextContents()).resolves.toEqual(expect.arrayContaining([option(member), option(outsider)]));
    await picker.selectOption({ label: option(member) });
    await Promise.all([page.waitForURL(/done=member_added/), page.getByRole("button", { name: "Add", exact: true }).press("Enter")]);
    const members = page.getByRole("table", { name: "Members" });
    await members.getByRole("cell", { name: member.email, exact: true }).waitFor();
    await expect(members.getByRole("button", { name: `Remove ${member.email} from this queue` }).count()).resolves.toBe(1);
    await expect(members.getByRole("cell", { name: outsider.email, exact: true }).count()).resolves.toBe(0);

    const stored = await db.queue.findUniqueOrThrow({ where: { id: queueId }, include: { members: true } });
    expect(stored.members.map((m) => m.userId)).toEqual([member.id]);
  });

  it("the lead starts a routing draft, adds the rule, moves it first and publishes", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/routing`);
    await Promise.all([page.waitForURL(/\/routing\/draft$/), page.getByRole("button", { name: "Start a draft from version 2" }).press("Enter")]);
    await page.getByRole("heading", { level: 1, name: "Routing: draft version 3" }).waitFor();

    await Promise.all([page.waitForURL(/\/routing\/draft\?new=1/), page.getByRole("link", { name: "Add a rule" }).press("Enter")]);
    const form = page.getByRole("form", { name: "New rule" });
    await form.getByLabel("Name").fill(RULE);
    await form.getByLabel("Sends to queue").selectOption({ label: QUEUE });
    await form.getByLabel("Languages").fill("de");
    await Promise.all([page.waitForURL(/\/routing\/draft\?saved=/), form.getByRole("button", { name: "Add rule" }).press("Enter")]);

    // The form appends; the starter catch-all would win unless the new rule moves above it.
    const position = (n: number) => page.getByRole("heading", { level: 3, name: new RegExp(`^${n}\\.\\s+${RULE}`) });
    await position(4).waitFor();
    await page.getByRole("button", { name: `Move up ${RULE}` }).press("Enter");
    await position(3).waitFor();
    await page.getByRole("button", { name: `Move up ${RULE}` }).press("Enter");
    await position(2).waitFor();
    await page.getByRole("button", { name: `Move up ${RULE}` }).press("Enter");
    await position(1).waitFor();
    await expect(page.getByRole("button", { name: `Move up ${RULE}` }).count()).resolves.toBe(0);

    await page.getByLabel("Change note").fill("German-language items go to the night desk first.");
    // The starter catch-alls still cover every source, escalations and appeals, so there is nothing to acknowledge.
    await page.getByText("No warnings: every flag source, escalations and appeals have a rule, and every rule points at an open queue.").waitFor();
    await expect(page.getByLabel("I have read the warnings").count()).resolves.toBe(0);
    await Promise.all([page.waitForURL(/\/routing\/versions\/3\?published=1$/), page.getByRole("button", { name: "Publish version 3" }).press("Enter")]);
    await page.getByRole("heading", { level: 1, name: "Routing version 3" }).waitFor();

    const live = await liveRoutingVersion();
    expect(live?.number).toBe(3);
    expect(live?.rules[0]).toMatchObject({ name: RULE, stage: "review", queueId, when: { languages: ["de"] } });
  });

  it("a German user notice sent through the API lands in the queue with the queue's deadline", async () => {
    const { token } = await makeApiKey("queues-routing");
    const body = rawFlag({ content: { language: "de", title: "Nachtbericht über eine Kundgebung" }, flag: { source: "user_report" } });
    title = body.content.title as string;
    const res = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    ({ itemId } = (await res.json()) as { itemId: string });

    const flag = await db.flag.findFirstOrThrow({ where: { itemId } });
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.queueId).toBe(queueId);
    expect(item.dueAt?.getTime()).toBe(flag.receivedAt.getTime() + HOURS * 3_600_000);
  });

  it("a moderator outside the queue sees nothing of it, and Next item gives them nothing", async () => {
    const { page } = browser;
    await signOut(page);
    await loginInBrowser(page, server.url, outsider.email, PASSWORD);
    await page.goto(`${server.url}/queue`);
    const queues = page.getByRole("table", { name: /Your queues/ });
    const general = queues.getByRole("row", { name: /General review/ });
    await general.waitFor();
    await expect(general.getByRole("cell").nth(0).textContent()).resolves.toBe("0");
    await expect(queues.getByRole("row").count()).resolves.toBe(2);
    await expect(page.getByText(QUEUE).count()).resolves.toBe(0);
    await expect(page.getByText(title).count()).resolves.toBe(0);

    // Nothing waits for them, so the button is off; the server says the same when the form is sent anyway.
    const next = page.getByRole("button", { name: /Next item/ });
    await expect(next.isDisabled()).resolves.toBe(true);
    await Promise.all([page.waitForURL(/\/queue\?notice=empty$/), next.evaluate((button) => (button as HTMLButtonElement).form!.requestSubmit())]);
    await page.getByText("Nothing is waiting for you right now.").waitFor();
    expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).claimId).toBeNull();
    await signOut(page);
  });

  it("the member sees the queue with one item due in 5 hours, and Next item opens it", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, member.email, PASSWORD);
    const openedAt = Date.now();
    await page.goto(`${server.url}/queue`);
    const row = page.getByRole("table", { name: /Your queues/ }).getByRole("row", { name: new RegExp(QUEUE) });
    await row.waitFor();
    const cells = row.getByRole("cell");
    await expect(cells.nth(0).textContent()).resolves.toBe("1");
    await expect(cells.nth(1).textContent()).resolves.toBe("0");
    const flag = await db.flag.findFirstOrThrow({ where: { itemId } });
    const due = new Date(flag.receivedAt.getTime() + HOURS * 3_600_000).toISOString();
    const deadline = cells.nth(2).locator("time");
    await expect(deadline.getAttribute("datetime")).resolves.toBe(due);
    // The countdown reads against some moment between opening the page and now: just under 5 hours.
    const shown = await deadline.textContent();
    const readAt = Date.now();
    const expected = new Set<string>();
    for (let t = openedAt; t < readAt + 30_000; t += 30_000) expected.add(`Due in ${formatSpan(Date.parse(due) - Math.min(t, readAt))}`);
    expect([...expected]).toContain(shown);
    expect(shown).toMatch(/^Due in (4 h \d+ min|5 h 0 min)$/);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await Promise.all([page.waitForURL(`**/review/${itemId}`), page.getByRole("button", { name: /Next item/ }).press("Enter")]);
    await expect(page.getByTestId("content-title").textContent()).resolves.toBe(title);

    // Back to the queue, so the lead can assign it rather than hand it over.
    await page.getByLabel("Release reason").fill("Leaving it for the assignment check.");
    await Promise.all([page.waitForURL(/\/queue\?notice=released$/), page.getByRole("button", { name: "Release to the queue" }).press("Enter")]);
    await signOut(page);
  });

  it("the lead assigns the item to the member with a reason, without JavaScript, and it shows under Assigned to you", async () => {
    const context = await noScript.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.getByLabel("Email").fill(lead.email);
      await page.getByLabel("Password").fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login")), page.getByRole("button", { name: "Sign in" }).click()]);
      await page.goto(`${server.url}/items/${itemId}/queue`);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Queue and assignment");
      const assign = page.getByRole("form", { name: "Assign to a member" });
      const choices = await assign.getByLabel("Member of the item's queue").locator("option").allTextContents();
      expect(choices.some((c) => c.includes(member.email))).toBe(true);
      expect(choices.some((c) => c.includes(outsider.email))).toBe(false);
      await assign.getByLabel("Member of the item's queue").selectOption({ label: `${member.name} (${member.email})` });
      await assign.getByLabel("Reason (goes on the record)").fill("Reads German; on the night shift.");
      await Promise.all([page.waitForURL(/\?done=assign$/), assign.getByRole("button", { name: "Assign" }).press("Enter")]);
      await page.getByText("Assigned: the item waits first in that member's Next item.").waitFor();
      expect((await db.item.findUniqueOrThrow({ where: { id: itemId } })).assignedToId).toBe(member.id);
    } finally {
      await context.close();
    }

    const { page } = browser;
    await loginInBrowser(page, server.url, member.email, PASSWORD);
    await page.goto(`${server.url}/queue`);
    const assigned = page.getByRole("region", { name: "Assigned to you" });
    await assigned.getByRole("link", { name: title }).waitFor();
    await expect(assigned.getByRole("link", { name: title }).getAttribute("href")).resolves.toBe(`/review/${itemId}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signOut(page);
  });

  it("the queue and routing pages have no serious accessibility findings and no script errors", async () => {
    const { page } = browser;
    await loginInBrowser(page, server.url, lead.email, PASSWORD);
    for (const path of [
      "/queues",
      `/queues/${queueId}`,
      "/routing",
      "/routing/versions/3",
      "/routing/diff?from=2&to=3",
      "/queues/unrouted",
      `/items/${itemId}/queue`,
    ]) {
      await a11y(page, path);
    }
    // A draft page needs a draft: start one, check it, and discard it so the live rules stay as they are.
    await page.goto(`${server.url}/routing`);
    await Promise.all([page.waitForURL(/\/routing\/draft$/), page.getByRole("button", { name: "Start a draft from version 3" }).press("Enter")]);
    await page.getByRole("heading", { level: 1, name: "Routing: draft version 4" }).waitFor();
    expect(await seriousA11yViolations(page), "/routing/draft").toEqual([]);
    await page.getByRole("link", { name: "Add a rule" }).press("Enter");
    await page.getByRole("form", { name: "New rule" }).waitFor();
    expect(await seriousA11yViolations(page), "/routing/draft?new=1").toEqual([]);
    await Promise.all([page.waitForURL(/\/routing\?discarded=1$/), page.getByRole("button", { name: "Discard this draft" }).press("Enter")]);
    await signOut(page);
    expect(pageErrors).toEqual([]);
  });
});
