// The production build's routes, for tests that must cover every route rather than a list: each
// with its full URL pattern and its module (whose `access` export says who may use it).
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Access } from "~/modules/auth/capabilities.ts";
import { ROUTE_PARAM_SAMPLES } from "./route-params.ts";
import { ROOT } from "./databases.ts";

type RouteModule = { loader?: unknown; action?: unknown; access?: Access; default?: unknown };
type ManifestRoute = { id: string; parentId?: string; path?: string; index?: boolean; module: RouteModule };

/** Every route of the production build, with its full URL pattern: found from the build, not a list. */
export async function discoverRoutes() {
  const build = (await import(pathToFileURL(path.join(ROOT, "build/index.js")).href)) as { routes: Record<string, ManifestRoute> };
  const routes = Object.values(build.routes);
  const byId = new Map(routes.map((r) => [r.id, r]));
  const fullPath = (r: ManifestRoute): string => {
    const parts: string[] = [];
    for (let cur: ManifestRoute | undefined = r; cur; cur = cur.parentId ? byId.get(cur.parentId) : undefined) {
      if (cur.path) parts.unshift(cur.path);
    }
    return `/${parts.join("/")}`.replace(/\/+/g, "/");
  };
  return routes.filter((r) => r.id !== "root").map((r) => ({ id: r.id, pattern: fullPath(r), ownPath: Boolean(r.path || r.index), module: r.module }));
}

export async function concretePath(pattern: string): Promise<string> {
  const segments = await Promise.all(
    pattern.split("/").map(async (segment) => {
      if (segment === "*") return "sample";
      if (!segment.startsWith(":")) return segment;
      const name = segment.slice(1).replace(/\?$/, "");
      const sample = ROUTE_PARAM_SAMPLES[name];
      if (!sample) throw new Error(`no sample value for route parameter ":${name}" in tests/support/route-params.ts`);
      const value = await sample();
      if (!value) throw new Error(`the sample for ":${name}" found no row in the demo data`);
      return encodeURIComponent(value);
    }),
  );
  return segments.join("/");
}
