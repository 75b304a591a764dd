import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { Client } from "../support/http.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ DOCKET_LOGIN_MAX_PER_ACCOUNT: "3", DOCKET_LOGIN_MAX_PER_ADDRESS: "50" });
});
afterAll(() => server?.stop());

/** Counts every table's rows, so a test can prove a refusal wrote only its audit event. */
async function rowCounts() {
  const [users, sessions, keys, items, flags, audit] = await Promise.all([
    db.user.count(),
    db.session.count(),
    db.apiKey.count(),
    db.item.count(),
    db.flag.count(),
    db.auditEvent.count(),
  ]);
  return { users, sessions, keys, items, flags, audit };
}

async function expectOnlyAudit(before: Awaited<ReturnType<typeof rowCounts>>, action: string) {
  const after = await rowCounts();
  expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
  expect(after.audit).toBe(before.audit + 1);
  const last = await db.auditEvent.findFirst({ orderBy: { seq: "desc" } });
  expect(last?.action).toBe(action);
}

describe("signing in", () => {
  it("a correct password redirects to the role's home and sets an HttpOnly SameSite session cookie", async () => {
    const user = await makeUser("auditor");
    const res = await new Client(server.url).post("/login", { email: user.email, password: PASSWORD });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/audit");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^docket_session=\w+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    // The session id is stored only as a hash.
    const token = cookie.split(";")[0].split("=")[1];
    expect(await db.session.findUnique({ where: { id: token } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: hashToken(token) } })).not.toBeNull();
  });

  it("a wrong password is refused with a clear message and writes only its audit event", async () => {
    const user = await makeUser("moderator");
    const before = await rowCounts();
    const res = await new Client(server.url).post("/login", { email: user.email, password: "not the password" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("That email and password do not match an account.");
    await expectOnlyAudit(before, "auth.login_failed");
  });

  it("an unknown account gets the same answer as a wrong password", async () => {
    const before = await rowCounts();
    const res = await new Client(server.url).post("/login", { email: "nobody@example.test", password: "whatever" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("That email and password do not match an account.");
    await expectOnlyAudit(before, "auth.login_failed");
  });

  it("a disabled account is refused and told so", async () => {
    const user = await makeUser("moderator", { disabled: true });
    const before = await rowCounts();
    const res = await new Client(server.url).post("/login", { email: user.email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("This account is disabled");
    await expectOnlyAudit(before, "auth.login_refused");
  });

  it("a burst of failed logins locks the account with a clear message, even for the right password", async () => {
    const user = await makeUser("moderator");
    const client = new Client(server.url);
    for (let i = 0; i < 3; i++) {
      expect((await client.post("/login", { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    }
    const before = await rowCounts();
    const res = await client.post("/login", { email: user.email, password: PASSWORD });
    expect(res.status).toBe(429);
    expect(await res.text()).toContain("Too many failed sign-in attempts");
    await expectOnlyAudit(before, "auth.login_blocked");
  });

  it("an empty form gets field errors, not a crash", async () => {
    const res = await new Client(server.url).post("/login", { email: "", password: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("Enter your email address.");
    expect(html).toContain("Enter your password.");
  });
});

describe("sessions", () => {
  it("an expired session sends the user to sign in again and writes nothing", async () => {
    const user = await makeUser("moderator");
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    await db.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const before = await rowCounts();
    const res = await client.get("/settings");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fsettings&expired=1");
    const after = await rowCounts();
    expect(after.audit).toBe(before.audit);
    expect(after.users).toBe(before.users);
    const page = await client.get("/login?expired=1");
    expect(await page.text()).toContain("Your session has ended");
  });

  it("disabling a user or changing their role ends their sessions at once", async () => {
    const admin = await makeUser("admin");
    const target = await makeUser("moderator");
    const adminTab = new Client(server.url);
    await adminTab.login(admin.email, PASSWORD);
    const targetTab = new Client(server.url);
    await targetTab.login(target.email, PASSWORD);
    expect((await targetTab.get("/settings")).status).toBe(200);

    const res = await adminTab.post("/admin/users", { intent: "role", userId: target.id, role: "auditor" });
    expect(res.status).toBe(200);
    expect((await targetTab.get("/settings")).status).toBe(302);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("auditor");

    await targetTab.login(target.email, PASSWORD);
    expect((await targetTab.get("/settings")).status).toBe(200);
    expect((await adminTab.post("/admin/users", { intent: "disable", userId: target.id })).status).toBe(200);
    expect((await targetTab.get("/settings")).status).toBe(302);
    const events = await db.auditEvent.findMany({ where: { subjectId: target.id }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["user.role_changed", "user.disabled"]);
  });

  it("logging out ends the session on the server", async () => {
    const user = await makeUser("policy_lead");
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    const stolen = client.cookie;
    const res = await client.post("/logout");
    expect(res.status).toBe(302);
    const replay = new Client(server.url);
    replay.cookie = stolen;
    expect((await replay.get("/settings")).status).toBe(302);
  });
});

describe("request policy", () => {
  it("a cross-origin POST is refused before it reaches any route, and writes nothing", async () => {
    const user = await makeUser("admin");
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    const before = await rowCounts();
    const res = await client.request("/admin/users", {
      method: "POST",
      headers: { Origin: "https://attacker.example" },
      form: { intent: "create", email: "x@example.test", name: "X", role: "admin", password: "a-long-password-1" },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("cross_origin");
    expect(await rowCounts()).toEqual(before);
  });

  it("a POST without Origin or Referer is refused", async () => {
    const res = await fetch(`${server.url}/login`, { method: "POST", body: new URLSearchParams({ email: "a@b.c", password: "x" }) });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("origin_required");
  });

  it("an oversized body is refused with 413 and writes nothing", async () => {
    const before = await rowCounts();
    const res = await new Client(server.url).post("/login", { email: "a@example.test", password: "x".repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await rowCounts()).toEqual(before);
  });

  it("pages carry a strict Content-Security-Policy and the usual hardening headers", async () => {
    const res = await fetch(`${server.url}/login`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("GET /healthz answers ok when the database does", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
