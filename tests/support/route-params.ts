import { db } from "~/db.server.ts";

/**
 * A real value for each dynamic route segment, read from the demo data the route matrix loads.
 * A route with a new parameter name fails the matrix until a sample is added here.
 */
export const ROUTE_PARAM_SAMPLES: Record<string, () => Promise<string | undefined>> = {
  userId: async () => (await db.user.findFirst({ select: { id: true } }))?.id,
};
