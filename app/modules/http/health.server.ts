import { db } from "~/db.server.ts";

/** Whether the database answers a trivial query: what the health check reports. */
export async function databaseAnswers(): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
