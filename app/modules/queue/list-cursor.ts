// A position in the queue list: the keys of one row in claim order. The order has two phases, each
// walked along its own index: overdue items by deadline (phase "overdue"), then the rest by priority
// and age (phase "rest"); the item id breaks every tie. A cursor travels in the URL as base64url JSON;
// it carries nothing a user could not see, and anything that does not decode to a valid one is ignored.
import { z } from "zod";

// Times both engines can store (years 1970 to 9999): a hand-made cursor outside them is malformed, not a 500.
const epochMs = z
  .number()
  .int()
  .min(0)
  .max(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
const itemId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
// The row's place in the list (0-based) when the cursor was made: it only numbers the page shown.
const position = z.number().int().min(0).max(1e9);

export const ListCursor = z.discriminatedUnion("phase", [
  z.object({ phase: z.literal("overdue"), dueAt: epochMs, id: itemId, at: position }).strict(),
  z
    .object({ phase: z.literal("rest"), priority: z.number().int().min(-2_147_483_648).max(2_147_483_647), firstFlaggedAt: epochMs, id: itemId, at: position })
    .strict(),
]);
export type ListCursor = z.infer<typeof ListCursor>;

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** The cursor a URL parameter holds, or null for anything that is not one. */
export function decodeCursor(value: unknown): ListCursor | null {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,512}$/.test(value)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = ListCursor.safeParse(json);
  return parsed.success ? parsed.data : null;
}
