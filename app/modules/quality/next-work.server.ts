import type { Role } from "~/modules/auth/capabilities.ts";
import { claimNext, type ClaimScope } from "~/modules/queue/claims.server.ts";
import { careLimits } from "./care/limits.server.ts";

/** What "Next item" gives the user: a claim within the care limits. */
export async function nextWork(user: { id: string; email: string; role: Role }, scope: ClaimScope): Promise<{ itemId: string } | null> {
  const next = await claimNext(user, { ...scope, excludeReasons: (await careLimits(user.id)).excludeReasons });
  return next ? { itemId: next.itemId } : null;
}
