import { currentTime } from "~/modules/clock/clock.ts";
import { db } from "~/db.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { INITIAL_STATE } from "~/modules/items/lifecycle.ts";
import { claimNext, type ClaimScope } from "~/modules/queue/claims.server.ts";
import { serveCalibration, servedAnswerOf } from "./calibration/answers.server.ts";
import { careLimits, type CareLimits } from "./care/limits.server.ts";
import { qualitySettings } from "./settings.server.ts";

/**
 * What "Next item" gives the user: the item they already hold; else the calibration item already
 * served to them; else, for a moderator working pending items, a calibration item at the rate the
 * leads set; else the next item of their queues, leaving out what their care cap excludes (the
 * caller's reading of it, when it has one). The id
 * returned may be a calibration answer's: the review screen shows it as it shows an item.
 */
export async function nextWork(user: { id: string; email: string; role: Role }, scope: ClaimScope, limits?: CareLimits): Promise<{ itemId: string } | null> {
  const now = currentTime();
  const held = await db.item.findFirst({
    where: { claimedById: user.id, leaseExpiresAt: { gt: now } },
    orderBy: { leaseExpiresAt: "desc" },
    select: { id: true },
  });
  if (held) return { itemId: held.id };
  const served = await servedAnswerOf(user.id, now);
  if (served) return { itemId: served.id };
  const { excludeReasons } = limits ?? (await careLimits(user.id, now));
  if (user.role === "moderator" && (scope.state ?? INITIAL_STATE) === INITIAL_STATE && (await calibrationTurn(user.id, scope.queueId))) {
    const calibration = await serveCalibration(user, excludeReasons);
    if (calibration) return { itemId: calibration.answerId };
  }
  const claimed = await claimNext(user, { ...scope, excludeReasons });
  return claimed ? { itemId: claimed.itemId } : null;
}

/**
 * Whether this press of "Next item" is a calibration one, at the leads' rate. Only for someone who
 * could be given an item at all (a member of an open queue, of the one they chose if they chose),
 * so a calibration item is never the one thing a queue-less moderator is offered.
 */
async function calibrationTurn(userId: string, queueId: string | undefined): Promise<boolean> {
  const { calibrationPercent } = await qualitySettings();
  if (calibrationPercent <= 0 || Math.random() * 100 >= calibrationPercent) return false;
  const member = await db.queueMember.findFirst({
    where: { userId, ...(queueId ? { queueId } : {}), queue: { open: true, deletedAt: null } },
    select: { queueId: true },
  });
  return member !== null;
}
