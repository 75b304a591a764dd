import { db } from "~/db.server.ts";

/**
 * A real value for each dynamic route segment, read from the demo data the route matrix loads.
 * A route with a new parameter name fails the matrix until a sample is added here.
 */
export const ROUTE_PARAM_SAMPLES: Record<string, () => Promise<string | undefined>> = {
  userId: async () => (await db.user.findFirst({ select: { id: true } }))?.id,
};

// Label sets: the first set, and its live version (a page every role may read).
ROUTE_PARAM_SAMPLES.setId = async () => (await db.labelSet.findFirst({ orderBy: { key: "asc" }, select: { id: true } }))?.id;
ROUTE_PARAM_SAMPLES.versionId = async () =>
  (
    await db.labelSetVersion.findFirst({
      where: { status: "published", labelSet: { key: (await db.labelSet.findFirst({ orderBy: { key: "asc" }, select: { key: true } }))?.key } },
      select: { id: true },
    })
  )?.id;
