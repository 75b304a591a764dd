import { createServer, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { loginInBrowser, openBrowser } from "../support/browser.ts";
import { PASSWORD } from "../support/fixtures.ts";
import { rawFlag, starterLabels } from "../support/queue-fixtures.ts";
import { freePort, startServer, type RunningServer } from "../support/server.ts";

// A listener standing in for the hostile links and media: nothing (server or browser) may contact it.
let probe: Server;
let probeUrl: string;
const probeHits: string[] = [];
let server: RunningServer;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  await starterLabels();
  const port = await freePort();
  probe = createServer((req, res) => {
    probeHits.push(req.url ?? "");
    res.end("x");
  });
  await new Promise<void>((r) => probe.listen(port, "127.0.0.1", r));
  probeUrl = `http://127.0.0.1:${port}`;
  server = await startServer();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((r) => probe?.close(r));
});

const PAYLOADS = [
  `<img src=x onerror=alert(1)>`,
  `<script>window.__pwned=1</script>`,
  `"><svg onload="window.__pwned=1">`,
  `javascript:window.__pwned=1//`,
  `<a href="javascript:alert(1)">click</a>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `{{constructor.constructor('window.__pwned=1')()}}`,
];

const HANDLE = `<img src=x onerror=alert(1)><script>window.__pwned=1</script>`;

describe("hostile content renders as inert text", () => {
  it("markup and script payloads in title, body, url, author and note neither run nor fetch, and show verbatim", async () => {
    const { token } = await makeApiKey("test");
    const payload = PAYLOADS.join(" ");
    const res = await fetch(`${server.url}/api/v1/flags`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(
        rawFlag({
          content: {
            type: "image",
            title: payload,
            body: `${payload}\n${probeUrl}/from-body`,
            url: `${probeUrl}/page?q="><script>window.__pwned=1</script>`,
            mediaUrls: [`${probeUrl}/media.png`],
            author: { handle: HANDLE },
          },
          flag: { note: payload, reference: `<b>REF</b>` },
        }),
      ),
    });
    expect(res.status).toBe(201);
    const { itemId: apiItem } = await res.json();
    // Defence in depth: an item that bypassed intake validation, with a javascript: URL.
    const rawItem = randomUUID();
    const now = new Date();
    await db.item.create({
      data: {
        id: rawItem,
        platform: "test",
        externalId: `raw-${rawItem}`,
        type: "link",
        title: payload,
        body: payload,
        url: "javascript:window.__pwned=1",
        mediaUrls: JSON.stringify(["javascript:window.__pwned=1"]),
        authorHandle: HANDLE,
        strongestSource: "user_report",
        topReason: "violent_extremism",
        firstFlaggedAt: now,
        lastFlaggedAt: now,
      },
    });

    const moderator = await makeUser("moderator");
    const { page } = browser;
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await loginInBrowser(page, server.url, moderator.email, PASSWORD);

    for (const itemId of [apiItem, rawItem]) {
      await page.goto(`${server.url}/review/${itemId}`);
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.getByTestId("content-title").textContent()).toBe(payload);
      expect(await page.getByTestId("content-body").textContent()).toContain(payload);
      expect(await page.getByTestId("author").textContent()).toContain(HANDLE);
      expect(await page.locator("a[href^='javascript']").count()).toBe(0);
      expect(await page.locator("main script, main iframe, main svg, main img[src='x']").count()).toBe(0);
      // Links are text, not anchors.
      expect(await page.locator(`a[href^='${probeUrl}']`).count()).toBe(0);
      // Media are behind the guard: blurred and grey until revealed.
      const media = page.getByTestId("media").first();
      expect(await media.getAttribute("class")).toContain("media-guard");
      expect(await media.getAttribute("data-revealed")).toBe("false");
      expect(await media.evaluate((el) => getComputedStyle(el).filter)).toMatch(/blur\(.+grayscale/);
    }
    const note = await (await page.goto(`${server.url}/review/${apiItem}`), page.getByTestId("flag-note").first().textContent());
    expect(note).toBe(payload);

    // Revealing is per item, and per user by preference.
    await page.goto(`${server.url}/review/${apiItem}?reveal=1`);
    expect(await page.getByTestId("media").first().getAttribute("data-revealed")).toBe("true");
    expect(
      await page
        .getByTestId("media")
        .first()
        .evaluate((el) => getComputedStyle(el).filter),
    ).toBe("none");
    await page.goto(`${server.url}/review/${rawItem}`);
    expect(await page.getByTestId("media").first().getAttribute("data-revealed")).toBe("false");
    await db.user.update({ where: { id: moderator.id }, data: { revealMedia: true } });
    await page.goto(`${server.url}/review/${rawItem}`);
    expect(await page.getByTestId("media").first().getAttribute("data-revealed")).toBe("true");

    // The queue list shows the same hostile titles as text.
    await page.goto(`${server.url}/queue/list`);
    await page.waitForLoadState("networkidle");
    expect(await page.getByText(payload, { exact: true }).count()).toBeGreaterThan(0);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(probeHits).toEqual([]);
  });
});
