import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { can, ROLES, type Role } from "~/modules/auth/capabilities.ts";
import { createSessionCookie } from "~/modules/auth/session.server.ts";
import { loadDemo } from "~/demo/load.server.ts";
import { DEMO_ACCOUNTS } from "~/demo/accounts.server.ts";
import { env } from "~/env.server.ts";
import { concretePath, discoverRoutes } from "../support/build-routes.ts";
import { startServer, type RunningServer } from "../support/server.ts";

type Identity = "anonymous" | Role;
const IDENTITIES: Identity[] = ["anonymous", ...ROLES];

let server: RunningServer;
let routes: Awaited<ReturnType<typeof discoverRoutes>>;
const userIds = new Map<Role, string>();

beforeAll(async () => {
  await loadDemo();
  for (const account of DEMO_ACCOUNTS) {
    const user = await db.user.findUniqueOrThrow({ where: { email: account.email } });
    if (!userIds.has(user.role)) userIds.set(user.role, user.id);
  }
  routes = await discoverRoutes();
  server = await startServer();
});
afterAll(() => server?.stop());

async function request(identity: Identity, method: "GET" | "POST", url: string, apiKey?: string) {
  const headers = new Headers({ Origin: server.url });
  // A fresh session per request: a route that signs the user out cannot spoil the next check.
  if (identity !== "anonymous") headers.set("Cookie", (await createSessionCookie(userIds.get(identity)!)).split(";")[0]);
  if (apiKey) headers.set("Authorization", `Bearer ${apiKey}`);
  const init: RequestInit = { method, headers, redirect: "manual" };
  if (method === "POST") {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    init.body = "";
  }
  return fetch(server.url + url, init);
}

/**
 * A 4xx meant for a program (a data request or the API) must carry the one error shape. Returns what
 * is wrong with it, or null.
 */
async function errorShapeProblem(res: Response): Promise<string | null> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | null)?.error;
  if (!error || typeof error !== "object") return `no "error" object: ${text.slice(0, 120)}`;
  if (typeof error.code !== "string" || !error.code) return `"error.code" is not a non-empty string: ${text.slice(0, 120)}`;
  if (typeof error.message !== "string" || !error.message) return `"error.message" is not a non-empty string: ${text.slice(0, 120)}`;
  if (!Array.isArray(error.issues)) return `"error.issues" is not an array: ${text.slice(0, 120)}`;
  return null;
}

/** The same request as Remix's own client would make it for one route's loader or action. */
function dataUrl(url: string, routeId: string) {
  return `${url}${url.includes("?") ? "&" : "?"}_data=${encodeURIComponent(routeId)}`;
}

function describeOutcome(res: Response) {
  return `${res.status}${res.headers.get("location") ? ` → ${res.headers.get("location")}` : ""}`;
}

describe("the route matrix", () => {
  it("finds the console's routes in the build", () => {
    const patterns = routes.map((r) => r.pattern);
    expect(patterns).toEqual(expect.arrayContaining(["/login", "/healthz", "/admin/users", "/admin/api-keys", "/settings"]));
  });

  it("finds the reporting dashboards and their CSV routes in the build", () => {
    const patterns = routes.map((r) => r.pattern);
    const dashboards = ["queues", "deadlines", "speed", "labels", "appeals", "moderators"].map((d) => `/reports/${d}`);
    expect(patterns).toEqual(expect.arrayContaining(["/reports", ...dashboards, "/reports/:dashboard/csv", "/reports/moderators/csv"]));
  });

  it("every route declares who may use it", () => {
    const undeclared = routes.filter((r) => !r.module.access).map((r) => r.id);
    expect(undeclared, "routes without an `access` export").toEqual([]);
  });

  it("every route answers every role and anonymous visitors as its declaration says", async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const access = route.module.access!;
      const methods = [...(route.module.loader ? (["GET"] as const) : []), ...(route.module.action ? (["POST"] as const) : [])];
      if (!route.ownPath) continue; // layouts are exercised through their children
      const url = await concretePath(route.pattern);
      for (const method of methods) {
        for (const identity of IDENTITIES) {
          const res = await request(identity, method, url);
          const outcome = describeOutcome(res);
          await res.arrayBuffer();
          const where = `${method} ${url} as ${identity}`;
          // A refusal sends the visitor to sign in and come back; signing out ends on a plain /login.
          const toLogin = res.status === 302 && (res.headers.get("location") ?? "").startsWith("/login?redirectTo=");
          if (res.status >= 500) failures.push(`${where}: server error ${outcome}`);
          else if (access.kind === "public") {
            if (res.status === 401 || res.status === 403) failures.push(`${where}: public route refused (${outcome})`);
          } else if (access.kind === "api") {
            if (res.status !== 401) failures.push(`${where}: API route without a key should be 401, got ${outcome}`);
          } else if (identity === "anonymous") {
            if (!toLogin) failures.push(`${where}: expected a redirect to /login, got ${outcome}`);
          } else if (!can(identity, access.capability)) {
            if (res.status !== 403) failures.push(`${where}: lacks ${access.capability}, expected 403, got ${outcome}`);
          } else if (toLogin || res.status === 401 || res.status === 403) {
            failures.push(`${where}: holds ${access.capability} but was refused (${outcome})`);
          } else if (method === "GET" && res.status !== 200 && res.status !== 400 && !(res.status >= 300 && res.status < 400)) {
            // 400 is an allowed answer: resource routes such as exports refuse a request without their parameters.
            failures.push(`${where}: expected the page, got ${outcome}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("every refusal a program receives has the shape { error: { code, message, issues } }", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      if (!route.ownPath) continue;
      const access = route.module.access!;
      const isDocumentRoute = Boolean(route.module.default);
      const methods = [...(route.module.loader ? (["GET"] as const) : []), ...(route.module.action ? (["POST"] as const) : [])];
      const url = await concretePath(route.pattern);
      for (const method of methods) {
        for (const identity of IDENTITIES) {
          // Pages are asked the way the browser's router asks them; resource and API routes answer as they are.
          const target = isDocumentRoute ? dataUrl(url, route.id) : url;
          const res = await request(identity, method, target);
          if (res.status < 400 || res.status >= 500) {
            await res.arrayBuffer();
            continue;
          }
          // A form submitted with nothing in it is answered in the form itself, field by field: that is
          // the page's own state, not a refusal.
          if (isDocumentRoute && method === "POST" && access.kind !== "public" && res.status === 400) {
            await res.arrayBuffer();
            continue;
          }
          checked += 1;
          const problem = await errorShapeProblem(res);
          if (problem) failures.push(`${method} ${target} as ${identity} → ${res.status}: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });

  it("a page refused to a role renders a readable error page, and its data request the error shape", async () => {
    const page = routes.find((r) => r.pattern === "/admin/users")!;
    const html = await request("moderator", "GET", "/admin/users");
    expect(html.status).toBe(403);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    const text = await html.text();
    expect(text).toContain("Not allowed");
    expect(text).toContain("users:manage");
    const data = await request("moderator", "GET", dataUrl("/admin/users", page.id));
    expect(data.status).toBe(403);
    expect(await data.json()).toEqual({
      error: { code: "forbidden", message: expect.stringContaining("users:manage"), issues: [] },
    });
  });

  it("the request policy and missing things answer in the same shape", async () => {
    const crossOrigin = await fetch(`${server.url}/admin/users`, { method: "POST", headers: { Origin: "https://elsewhere.example" }, body: "" });
    expect(crossOrigin.status).toBe(403);
    expect(await errorShapeProblem(crossOrigin)).toBeNull();
    const setPage = routes.find((r) => r.pattern === "/labels/:setId")!;
    const missing = await request("auditor", "GET", dataUrl("/labels/no-such-set", setPage.id));
    expect(missing.status).toBe(404);
    expect(await errorShapeProblem(missing)).toBeNull();
    const missingHtml = await request("auditor", "GET", "/labels/no-such-set");
    expect(missingHtml.status).toBe(404);
    expect(await missingHtml.text()).toContain("That label set does not exist.");
  });

  it("API routes accept a valid key and refuse a revoked or unknown one", async () => {
    const apiRoutes = routes.filter((r) => r.module.access?.kind === "api");
    const failures: string[] = [];
    for (const route of apiRoutes) {
      const url = await concretePath(route.pattern);
      const method = route.module.loader ? "GET" : "POST";
      const ok = await request("anonymous", method, url, env.DOCKET_DEMO_API_KEY);
      if (ok.status === 401 || ok.status === 403 || ok.status >= 500) failures.push(`${method} ${url} with the demo key: ${ok.status}`);
      const bad = await request("anonymous", method, url, "not-a-real-key");
      if (bad.status !== 401) failures.push(`${method} ${url} with an unknown key: ${bad.status}`);
      const problem = await errorShapeProblem(bad);
      if (problem) failures.push(`${method} ${url} with an unknown key: ${problem}`);
      await ok.arrayBuffer();
    }
    expect(failures).toEqual([]);
  });
});
