import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";

type RouteManifest = ServerBuild["routes"];
type RouteNode = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: RouteNode[] };

/**
 * Where a request may skip the full route tree. Remix ranks and matches the whole tree on every
 * request, at least twice (its handler, then its static router), compiling each candidate's pattern
 * afresh: with Docket's few dozen routes that was most of what a health check or an API call cost.
 *
 * A first path segment under which every route is a resource route (no page, no error boundary: the
 * platform API, the health check) can be served by a handler built on just those routes and their
 * ancestors, and it answers exactly as the whole tree would, because no other route can match a path
 * that starts with that segment. That holds only while no route's path begins with a dynamic or
 * optional segment; if one ever does, nothing is partitioned and every request takes the whole tree.
 */
export type ResourceRoutePartition = {
  /** The routes each partitioned segment is served from, by lower-cased segment. */
  segments: Map<string, RouteManifest>;
  /** The segment whose routes answer this request target (path and query), or null when only the whole tree may. */
  segmentFor(target: string): string | null;
};

export function partitionResourceRoutes(routes: RouteManifest): ResourceRoutePartition {
  const all = Object.values(routes).filter((r) => r !== undefined);
  const fullPath = (id: string | undefined): string => {
    const route = id ? routes[id] : undefined;
    if (!route) return "";
    return [fullPath(route.parentId), route.path ?? ""].filter(Boolean).join("/");
  };
  const bySegment = new Map<string, string[]>();
  for (const route of all) {
    const first = fullPath(route.id).split("/")[0];
    if (first === "") continue;
    if (/^[:*]|\?$/.test(first)) return { segments: new Map(), segmentFor: () => null };
    const key = first.toLowerCase();
    bySegment.set(key, [...(bySegment.get(key) ?? []), route.id]);
  }
  const segments = new Map<string, RouteManifest>();
  const trees = new Map<string, RouteNode[]>();
  for (const [segment, ids] of bySegment) {
    if (!ids.every((id) => isResourceRoute(routes[id]))) continue;
    const subset: RouteManifest = {};
    for (const id of ids) for (let at: string | undefined = id; at && !subset[at]; at = routes[at]?.parentId) subset[at] = routes[at];
    segments.set(segment, subset);
    trees.set(segment, treeOf(subset));
  }
  return {
    segments,
    segmentFor(target) {
      // Parsed as Remix parses it, so "/api/../login" is judged as the "/login" Remix will see.
      const { pathname, searchParams } = new URL(target, "http://docket.invalid");
      const segment = pathname.split("/")[1]?.toLowerCase() ?? "";
      const tree = trees.get(segment);
      // A ?_data request names a route by id, which may lie outside the segment.
      if (!tree || searchParams.has("_data")) return null;
      const matches = matchRoutes(tree as Parameters<typeof matchRoutes>[0], pathname);
      const leaf = matches?.[matches.length - 1]?.route.id;
      return leaf && isResourceRoute(routes[leaf]) ? segment : null;
    },
  };
}

function isResourceRoute(route: RouteManifest[string]): boolean {
  return route !== undefined && route.module.default == null && route.module.ErrorBoundary == null;
}

function treeOf(subset: RouteManifest, parentId?: string): RouteNode[] {
  return Object.values(subset)
    .filter((r) => r !== undefined && r.parentId === parentId)
    .map((r) => ({ id: r!.id, path: r!.path, index: r!.index, caseSensitive: r!.caseSensitive, children: treeOf(subset, r!.id) }));
}
