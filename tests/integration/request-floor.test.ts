import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionResourceRoutes } from "~/modules/http/resource-routes.server.ts";
import { ROOT } from "../support/databases.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// The API and the health check are matched against their own routes only; they must answer
// exactly as the whole route tree would, and keep every header and refusal the policy adds.
let routes: ServerBuild["routes"];
let server: RunningServer;

beforeAll(async () => {
  routes = ((await import(pathToFileURL(path.join(ROOT, "build/index.js")).href)) as ServerBuild).routes;
  server = await startServer();
});
afterAll(() => server?.stop());

type Node = { id: string; path?: string; index?: boolean; children: Node[] };
function tree(manifest: ServerBuild["routes"], parentId?: string): Node[] {
  return Object.values(manifest)
    .filter((r) => r?.parentId === parentId)
    .map((r) => ({ id: r!.id, path: r!.path, index: r!.index, children: tree(manifest, r!.id) }));
}
const leaf = (manifest: ServerBuild["routes"], pathname: string) =>
  matchRoutes(tree(manifest) as Parameters<typeof matchRoutes>[0], pathname)?.at(-1)?.route.id ?? null;

const paths = [
  "/healthz",
  "/HEALTHZ",
  "/healthz/",
  "/healthz/extra",
  "/api/v1/flags",
  "/api/v1/flags/",
  "/api/v1/flags/batch",
  "/Api/V1/Flags",
  "/api/v1/decisions",
  "/api/v1/label-sets",
  "/api/v1/statements-of-reasons",
  "/api/v2/anything",
  "/api",
  "/api/",
  "/logout",
  "/login",
  "/",
  "/queue",
  "/review/some-item",
  "/audit/export/file",
  "/api/../login",
  "/api/%2e%2e/settings",
  "/healthz/../queue",
];

describe("the resource-route partition", () => {
  it("sends a path to a segment's own routes only when they match it as the whole tree does", () => {
    const partition = partitionResourceRoutes(routes);
    expect([...partition.segments.keys()].sort()).toEqual(expect.arrayContaining(["api", "healthz"]));
    for (const target of paths) {
      const segment = partition.segmentFor(target);
      const pathname = new URL(target, "http://docket.invalid").pathname;
      if (segment === null) continue;
      expect(leaf(partition.segments.get(segment)!, pathname), target).toBe(leaf(routes, pathname));
      expect(leaf(routes, pathname), target).not.toBeNull();
    }
    expect(partition.segmentFor("/healthz/extra")).toBeNull();
    expect(partition.segmentFor("/api/../login")).toBeNull();
    expect(partition.segmentFor("/api/v1/flags?_data=root")).toBeNull();
    expect(partition.segmentFor("/login")).toBeNull();
    expect(partition.segmentFor("/api/v1/flags")).toBe("api");
  });

  it("partitions nothing once a route's path begins with a parameter", () => {
    const withParam = { ...routes, "routes/$slug": { ...routes["routes/login"]!, id: "routes/$slug", path: ":slug", parentId: "root" } };
    const partition = partitionResourceRoutes(withParam);
    expect(partition.segments.size).toBe(0);
    expect(partition.segmentFor("/healthz")).toBeNull();
  });
});

function rawGet(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: server.port, path: target }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("over HTTP", () => {
  it("the health check and the API keep the security headers", async () => {
    for (const target of ["/healthz", "/api/v1/flags", "/api/nothing-here"]) {
      const res = await fetch(server.url + target);
      expect(res.headers.get("content-security-policy"), target).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
      expect(res.headers.get("x-frame-options"), target).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), target).toBe("nosniff");
    }
  });

  it("each response gets its own nonce", async () => {
    const nonces = await Promise.all(
      [1, 2, 3].map(async () => /'nonce-([^']+)'/.exec((await fetch(`${server.url}/healthz`)).headers.get("content-security-policy")!)![1]),
    );
    expect(new Set(nonces).size).toBe(3);
  });

  it("answers paths under a partitioned segment as the whole tree does", async () => {
    const health = await fetch(`${server.url}/HEALTHZ`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const below = await fetch(`${server.url}/healthz/extra`);
    expect(below.status).toBe(404);
    expect(below.headers.get("content-type")).toMatch(/text\/html/);
    const unknownApi = await fetch(`${server.url}/api/v9/nothing`);
    expect(unknownApi.status).toBe(401);
    expect((await unknownApi.json()).error.code).toBe("unauthorized");
    // Sent as written (fetch would tidy the path first): Remix sees "/login", so the whole tree answers.
    const climbed = await rawGet("/api/../login");
    expect(climbed.status).toBe(200);
    expect(climbed.body).toMatch(/<form/);
  });

  it("serves the files in public/ and nothing else from disk", async () => {
    const icon = await fetch(`${server.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("cache-control")).toMatch(/max-age=3600/);
    expect(icon.headers.get("content-security-policy")).toBeTruthy();
    const missing = await fetch(`${server.url}/no-such-file.svg`);
    expect(missing.status).toBe(404);
  });

  it("the benchmark's bare route does not exist unless the benchmark turns it on", async () => {
    expect((await fetch(`${server.url}/__bare`)).status).toBe(404);
  });
});
