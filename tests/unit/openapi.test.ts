import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "~/modules/api/openapi.server.ts";
import { referenceOf } from "~/modules/api/reference.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { API_SCOPES } from "~/modules/auth/scopes.ts";
import { WEBHOOK_EVENT_TYPES } from "~/modules/webhooks/events.ts";
import { ROOT } from "../support/databases.ts";

type Operation = {
  operationId?: string;
  description?: string;
  security?: Record<string, string[]>[];
  "x-required-scope"?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const doc = openApiDocument() as unknown as { openapi: string; paths: Record<string, Partial<Record<string, Operation>>>; webhooks: Record<string, unknown> };
const operations = Object.entries(doc.paths).flatMap(([p, item]) => METHODS.flatMap((m) => (item[m] ? [{ path: p, method: m, op: item[m]! }] : [])));

/** The URL path a Remix v2 flat route file answers: dots separate segments, `$name` is a parameter, `[.]` a literal dot. */
function routePath(file: string): string {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < file.length; i++) {
    if (file[i] === "[") {
      const end = file.indexOf("]", i);
      current += file.slice(i + 1, end);
      i = end;
    } else if (file[i] === ".") {
      segments.push(current);
      current = "";
    } else current += file[i];
  }
  segments.push(current);
  return `/${segments.map((s) => (s.startsWith("$") ? `{${s.slice(1)}}` : s)).join("/")}`;
}

const apiRouteFiles = readdirSync(path.join(ROOT, "app/routes"))
  .filter((f) => f.startsWith("api.v1."))
  .map((f) => ({ file: f, path: routePath(f.replace(/\.tsx?$/, "")) }));

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("reads flat route file names as Remix does", () => {
    expect(routePath("api.v1.items.$externalId")).toBe("/api/v1/items/{externalId}");
    expect(routePath("api.v1.openapi[.]json")).toBe("/api/v1/openapi.json");
    expect(routePath("api.v1.webhooks.$webhookId.rotate-secret")).toBe("/api/v1/webhooks/{webhookId}/rotate-secret");
  });

  it("documents every api.v1 route file, under the scope the route demands", async () => {
    expect(apiRouteFiles.length).toBeGreaterThanOrEqual(9);
    const problems: string[] = [];
    for (const route of apiRouteFiles) {
      const item = doc.paths[route.path];
      if (!item) {
        problems.push(`${route.file}: ${route.path} is not in the document`);
        continue;
      }
      const { access } = (await import(path.join(ROOT, "app/routes", route.file))) as { access: Access };
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const scope = access.kind === "api" ? access.scope : null;
        if ((op["x-required-scope"] ?? null) !== scope)
          problems.push(`${m.toUpperCase()} ${route.path}: documents ${op["x-required-scope"]}, the route demands ${scope}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every operation names its scope, or is public and says so", () => {
    const problems: string[] = [];
    for (const { path: p, method, op } of operations) {
      const where = `${method.toUpperCase()} ${p}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      const scope = op["x-required-scope"];
      if (scope === undefined) {
        if (JSON.stringify(op.security) !== "[]") problems.push(`${where}: no scope, yet not public`);
        continue;
      }
      if (!(API_SCOPES as readonly string[]).includes(scope)) problems.push(`${where}: unknown scope ${scope}`);
      if (JSON.stringify(op.security) !== JSON.stringify([{ apiKey: [] }])) problems.push(`${where}: not secured by the API key`);
      if (!op.description?.includes(`\`${scope}\``)) problems.push(`${where}: the description does not name ${scope}`);
      for (const status of ["401", "403", "429"]) if (!op.responses[status]) problems.push(`${where}: no ${status} response`);
    }
    expect(problems).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(14);
  });

  it("describes every refusal with the one error shape", () => {
    const problems: string[] = [];
    for (const { path: p, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith("4")) continue;
        if (response.content?.["application/json"]?.schema?.$ref !== "#/components/schemas/Error") problems.push(`${method.toUpperCase()} ${p} ${status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("describes every webhook event with the { type, timestamp, data } body and the Standard Webhooks headers", () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    const { events } = referenceOf(doc);
    for (const event of events) {
      expect(event.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(["header:webhook-id", "header:webhook-timestamp", "header:webhook-signature"]);
      expect(event.body?.fields.filter((f) => !f.field.includes(".")).map((f) => f.field)).toEqual(["type", "timestamp", "data"]);
    }
    const decision = events.find((e) => e.path === "decision.made")!;
    expect(decision.body?.fields.map((f) => f.field)).toContain("data.supersedes");
  });

  it("is built once per process", () => {
    expect(openApiDocument()).toBe(openApiDocument());
  });
});
