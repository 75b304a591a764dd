import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ingestCluster, propagandaFamily } from "../support/cluster-fixture.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { loginInBrowser, openBrowser, seriousA11yViolations, reviewKeysReady } from "../support/browser.ts";
import { starterLabels } from "../support/queue-fixtures.ts";
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

describe("a cluster on the review screen", () => {
  it("a moderator opens the next item, sees the members' differences highlighted, and decides the whole cluster by keyboard", async () => {
    const { clusterId, itemIds } = await ingestCluster(propagandaFamily("kb"));
    const moderator = await makeUser("moderator");
    const { page } = browser;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await loginInBrowser(page, server.url, moderator.email, PASSWORD);

    // The queue list shows the cluster as one row; it expands without leaving the page.
    await page.goto(`${server.url}/queue/list`);
    const row = page.locator("details", { hasText: "5 open of 5 members" });
    await row.locator("summary").focus();
    await page.keyboard.press("Enter");
    await expect(row.evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(true);
    expect(await row.getByRole("link").count()).toBe(5);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${server.url}/queue`);
    await page.waitForFunction(() => document.documentElement.dataset.nextKey === "on");
    await Promise.all([page.waitForURL("**/review/**"), page.keyboard.press("n")]);
    const served = new URL(page.url()).pathname.split("/").pop()!;
    expect(itemIds).toContain(served);
    await reviewKeysReady(page, served);

    const panel = page.getByRole("region", { name: /Cluster of 5 members, 5 open/ });
    await expect(panel.locator("ins", { hasText: "BREAKING:" }).count()).resolves.toBe(1);
    await expect(panel.locator("del", { hasText: "Sunday" }).count()).resolves.toBe(1);
    // Not colour alone: added words are underlined, removed words struck through.
    const ins = await panel
      .locator("ins")
      .first()
      .evaluate((e) => getComputedStyle(e).textDecorationLine);
    const del = await panel
      .locator("del")
      .first()
      .evaluate((e) => getComputedStyle(e).textDecorationLine);
    expect(ins).toBe("underline");
    expect(del).toBe("line-through");
    expect(await seriousA11yViolations(page)).toEqual([]);

    // "Selected members": ticking a member (Space on its checkbox) picks that scope, and the ticked id goes with the decide form.
    const box = page.locator('input[name="memberIds"]').first();
    await box.focus();
    await page.keyboard.press("Space");
    await expect(page.getByRole("radio", { name: /Selected members/ }).isChecked()).resolves.toBe(true);
    const formId = await box.getAttribute("form");
    expect(formId).toBe(`decide-${served}`);
    const ticked = await page.evaluate((id) => new FormData(document.getElementById(id!) as HTMLFormElement).getAll("memberIds"), formId);
    expect(ticked).toEqual([await box.getAttribute("value")]);

    // Keys only: label 1, Keep, the rationale, then Tab to the scope and the arrow up to "Whole cluster".
    let posted = "";
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === `/review/${served}`) posted = r.postData() ?? "";
    });
    await page.keyboard.press("1");
    await page.waitForFunction(() => (document.getElementById("label-1") as HTMLInputElement).checked);
    await page.keyboard.press("k");
    await page.keyboard.press("/");
    await page.keyboard.type("Same post as its cluster.");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe("selected");
    await page.keyboard.press("ArrowUp");
    await expect(page.getByRole("radio", { name: "Whole cluster (4 open members)" }).isChecked()).resolves.toBe(true);
    // The letter keys still work with the focus on the scope.
    await page.keyboard.press("r");
    expect(await page.locator('input[name="action"][value="remove"]').isChecked()).toBe(true);
    await page.keyboard.press("k");
    await Promise.all([page.waitForURL((u) => u.search.includes("notice=")), page.keyboard.press("Control+Enter")]);

    const form = new URLSearchParams(posted);
    expect(form.get("intent")).toBe("decide");
    expect(form.get("scope")).toBe("cluster");
    expect(form.get("action")).toBe("keep");
    expect(form.get("rationale")).toBe("Same post as its cluster.");
    const decision = await db.decision.findFirstOrThrow({ where: { itemId: served } });
    expect(decision.action).toBe("keep");
    expect(decision.clusterDecisionId).not.toBeNull();
    // Every member got its own decision from the one the moderator made.
    const members = await db.decision.findMany({ where: { itemId: { in: itemIds } }, select: { itemId: true, action: true, clusterDecisionId: true } });
    expect(new Set(members.map((m) => m.itemId))).toEqual(new Set(itemIds));
    for (const m of members) expect(m).toMatchObject({ action: "keep", clusterDecisionId: decision.clusterDecisionId });

    await page.goto(`${server.url}/clusters/${clusterId}`);
    await page.getByRole("heading", { name: /Members 1–5 of 5/ }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
