import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { claimNext } from "~/modules/queue/claims.server.ts";
import { Client } from "../support/http.ts";
import { makeApiKey, makeUser, PASSWORD } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
let token: string;
beforeAll(async () => {
  await starterLabels();
  token = (await makeApiKey("test")).token;
  server = await startServer();
});
afterAll(() => server?.stop());

const api = (path: string) => fetch(server.url + path, { headers: { Authorization: `Bearer ${token}` } });

describe("bad input gets a 4xx, never a 500", () => {
  it("an unknown API path answers 404 in the API error shape, and 401 without a key", async () => {
    for (const path of ["/api/v1/nope", "/api/v2/flags", "/api/v1/flags/batch/extra"]) {
      const res = await api(path);
      expect(res.status, path).toBe(404);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: "not_found", issues: [] });
      expect(body.error.message).toContain(path);
      const posted = await fetch(server.url + path, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: "{}",
      });
      expect(posted.status, `POST ${path}`).toBe(404);
      expect((await posted.json()).error.code).toBe("not_found");
      expect((await fetch(server.url + path)).status, `${path} without a key`).toBe(401);
    }
  });

  it("an unparseable time range is a 400 with the API error shape", async () => {
    for (const query of ["from=x&to=y", "from=2020-01-01T00:00:00Z&to=y", "from=x&to=2020-01-01T00:00:00Z"]) {
      const res = await api(`/api/v1/statements-of-reasons?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code).toBe("invalid_request");
    }
    const auditor = await makeUser("auditor");
    const tab = new Client(server.url);
    await tab.login(auditor.email, PASSWORD);
    expect((await tab.get("/audit/export/file?kind=events&format=csv&from=2020-01-01&to=y")).status).toBe(400);
  });

  it("a console form sent as something other than a form is a 415 in the error shape", async () => {
    const moderator = await makeUser("moderator");
    const tab = new Client(server.url);
    await tab.login(moderator.email, PASSWORD);
    const anonymous = new Client(server.url);
    for (const [client, path, route] of [
      [anonymous, "/login", "routes/login"],
      [tab, "/settings", "routes/_console.settings"],
      [tab, "/review/no-such-item", "routes/_console.review.$itemId"],
    ] as const) {
      for (const type of ["application/json", "text/plain", "multipart/form-data"]) {
        const send = (url: string) => client.request(url, { method: "POST", headers: { "Content-Type": type }, body: '{"intent":"claim"}' });
        expect((await send(path)).status, `${path} as ${type}`).toBe(415);
        const data = await send(`${path}?_data=${encodeURIComponent(route)}`);
        expect(data.status, `${path} as ${type}, data request`).toBe(415);
        expect((await data.json()).error).toMatchObject({ code: "unsupported_media_type", issues: [] });
      }
    }
  });

  it("a console form holding a NUL character is a 400 naming the field and writes nothing, on every engine", async () => {
    const admin = await makeUser("admin");
    const tab = new Client(server.url);
    await tab.login(admin.email, PASSWORD);
    const res = await tab.post("/admin/api-keys?_data=routes%2F_console.admin.api-keys", { intent: "create", name: "Night\u0000shift", platform: "example" });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("invalid_form");
    expect(error.issues).toEqual([{ path: "name", message: expect.stringContaining("NUL") }]);
    expect(await db.apiKey.count({ where: { name: { startsWith: "Night" } } })).toBe(0);
    const page = await tab.post("/admin/api-keys", { intent: "create", name: "Night\u0000shift", platform: "example" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("may not contain NUL");
  });

  it("a NUL character in an address is a 400 in the error shape, on every engine", async () => {
    const auditor = await makeUser("auditor");
    const tab = new Client(server.url);
    await tab.login(auditor.email, PASSWORD);
    for (const path of ["/audit/decisions/a%00b", "/audit?actor=a%00b", "/audit?item=a%00b", "/labels/a%00b"]) {
      const res = await tab.get(path);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error, path).toMatchObject({ code: "invalid_request", issues: [] });
    }
    expect((await api("/api/v1/decisions?after=%00")).status).toBe(400);
  });

  it("sequence numbers beyond 32 bits are refused or not found, on every engine", async () => {
    expect((await api("/api/v1/decisions?after=2147483648")).status).toBe(400);
    const auditor = await makeUser("auditor");
    const tab = new Client(server.url);
    await tab.login(auditor.email, PASSWORD);
    expect((await tab.get("/audit?before=99999999999")).status).toBe(400);
    expect((await tab.get("/audit?before=1e300")).status).toBe(400);
    expect((await tab.get("/audit/events/2147483648")).status).toBe(404);
  });
});

describe("the request policy", () => {
  it("judges the path the router sees: /api/%2e%2e/ is not the API and still needs a same-origin request", async () => {
    const user = await makeUser("moderator");
    const tab = new Client(server.url);
    await tab.login(user.email, PASSWORD);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: server.port,
          method: "POST",
          path: "/api/%2e%2e/settings",
          headers: { Cookie: tab.cookie, Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded", "Content-Length": "14" },
        },
        (res) => {
          let data = "";
          res.on("data", (c) => (data += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
        },
      );
      req.on("error", reject);
      req.end("revealMedia=on");
    });
    expect(status, body).toBe(403);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).revealMedia).toBe(false);
  });
});

describe("accounts", () => {
  it("disabling a moderator returns the items they held to the queue at once", async () => {
    const [itemId] = await seedItems(1);
    const moderator = await makeUser("moderator");
    const claim = await claimNext(moderator, "pending");
    expect(claim?.itemId).toBe(itemId);
    const admin = await makeUser("admin");
    const tab = new Client(server.url);
    await tab.login(admin.email, PASSWORD);
    expect((await tab.post("/admin/users", { intent: "disable", userId: moderator.id })).status).toBe(200);
    const item = await db.item.findUniqueOrThrow({ where: { id: itemId } });
    expect(item.claimedById).toBeNull();
    expect((await db.claim.findUniqueOrThrow({ where: { id: claim!.claimId } })).endedAt).not.toBeNull();
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "user.disabled", subjectId: moderator.id } });
    expect(JSON.parse(event.payload).releasedItems).toBe(1);
  });
});
