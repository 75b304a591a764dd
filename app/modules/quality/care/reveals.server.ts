import { currentTime } from "~/modules/clock/clock.ts";
// Media reveals are exposure, not audit events: a row says that this reviewer saw this item's media
// in the current shift window, nothing more. See docs/decisions/036-moderator-care.md.
import { db } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { qualitySettings } from "~/modules/quality/settings.server.ts";
import { shiftWindow } from "./exposure.server.ts";

/**
 * Records that the user revealed an item's media. At most one row per user and item lies in any
 * shift window: a reveal within the window moves that row's time forward (the item stays counted
 * for a full window after its latest reveal), otherwise a new row starts. Two reveals at the same
 * instant may both start one; counts read distinct items, so that changes no figure.
 */
export async function recordMediaReveal(userId: string, itemId: string, now = currentTime()): Promise<void> {
  const { from } = shiftWindow((await qualitySettings()).shiftHours, now);
  const { count } = await db.mediaReveal.updateMany({ where: { userId, itemId, at: { gt: from, lte: now } }, data: { at: now } });
  if (count === 0) await db.mediaReveal.create({ data: { id: newId(), userId, itemId, at: now } });
}
