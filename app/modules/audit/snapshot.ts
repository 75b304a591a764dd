import { z } from "zod";
import { ACTIONS } from "~/modules/decisions/actions.ts";
import { REMOVAL_ORDER_HOURS, SOURCES, strongestOf, type Source } from "~/modules/items/sources.ts";

/** A decision's action, as auditors filter by it. */
export const OUTCOMES = ACTIONS;

const dateish = z
  .union([z.string(), z.date(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : new Date(v)));

const SnapshotFlag = z
  .object({
    id: z.string().optional(),
    source: z.enum(SOURCES),
    reason: z.string().default(""),
    note: z.string().nullish(),
    reporterId: z.string().nullish(),
    reference: z.string().nullish(),
    receivedAt: dateish,
    dueAt: dateish,
  })
  .passthrough();

const SnapshotItem = z
  .object({
    id: z.string().optional(),
    platform: z.string().nullish(),
    externalId: z.string().default(""),
    type: z.string().default("text"),
    title: z.string().nullish(),
    body: z.string().nullish(),
    url: z.string().nullish(),
    mediaUrls: z.union([z.array(z.string()), z.string()]).nullish(),
    language: z.string().nullish(),
    postedAt: dateish,
    authorExternalId: z.string().nullish(),
    authorHandle: z.string().nullish(),
    strongestSource: z.enum(SOURCES).nullish(),
    topReason: z.string().nullish(),
    firstFlaggedAt: dateish,
    dueAt: dateish,
  })
  .passthrough();

const Snapshot = z.object({ item: SnapshotItem, flags: z.array(SnapshotFlag).default([]) });
export type DecisionSnapshot = z.infer<typeof Snapshot>;

/**
 * The item and its flags as the reviewer saw them (Decision.snapshot), read through one parser so
 * every screen and export meets the same typed shape. Accepts the decisions module's flat form
 * (item fields at the top, `author: { externalId, handle }`, `flags` inside) as well as
 * `{ item, flags }`.
 */
export function parseSnapshot(json: string): DecisionSnapshot {
  const raw = JSON.parse(json) as Record<string, unknown>;
  if (raw && typeof raw === "object" && "item" in raw) return Snapshot.parse(raw);
  const author = (raw.author ?? {}) as { externalId?: string | null; handle?: string | null };
  const { flags, ...item } = raw;
  return Snapshot.parse({
    item: {
      ...item,
      id: (raw.itemId as string | undefined) ?? (raw.id as string | undefined),
      authorExternalId: (raw.authorExternalId as string | undefined) ?? author.externalId ?? null,
      authorHandle: (raw.authorHandle as string | undefined) ?? author.handle ?? null,
    },
    flags: flags ?? [],
  });
}

/**
 * The strongest source of the item as reviewed, by the one rank of sources: its flags, and the
 * item's own record of it (which alone remains when a snapshot kept no flags).
 */
export function strongestSource(snapshot: DecisionSnapshot): Source | null {
  const recorded = snapshot.item.strongestSource ? [snapshot.item.strongestSource] : [];
  return strongestOf([...recorded, ...snapshot.flags.map((f) => f.source)]);
}

/** The earliest receipt among the flags of a source (for removal orders: when the hour started). */
export function firstReceived(snapshot: DecisionSnapshot, source?: Source): Date | null {
  let first: Date | null = null;
  for (const f of snapshot.flags) {
    if (source && f.source !== source) continue;
    if (f.receivedAt && (!first || f.receivedAt < first)) first = f.receivedAt;
  }
  return first ?? (source ? null : (snapshot.item.firstFlaggedAt ?? null));
}

export const REMOVAL_ORDER_MS = REMOVAL_ORDER_HOURS * 60 * 60 * 1000;

export type DecisionTimings = {
  receivedAt: Date | null;
  decidedAt: Date;
  elapsedMs: number | null;
  removalOrder: { receivedAt: Date; deadline: Date; met: boolean } | null;
};

/** Received → decided, and for removal orders whether the one-hour deadline was met. */
export function decisionTimings(snapshot: DecisionSnapshot, decidedAt: Date, action: string): DecisionTimings {
  const receivedAt = firstReceived(snapshot);
  const orderAt = firstReceived(snapshot, "removal_order");
  const removalOrder = orderAt
    ? {
        receivedAt: orderAt,
        deadline: new Date(orderAt.getTime() + REMOVAL_ORDER_MS),
        met: (action === "remove" || action === "restrict") && decidedAt.getTime() - orderAt.getTime() <= REMOVAL_ORDER_MS,
      }
    : null;
  return { receivedAt, decidedAt, elapsedMs: receivedAt ? decidedAt.getTime() - receivedAt.getTime() : null, removalOrder };
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "unknown";
  const negative = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m ? `${m} min` : "", !d && !h ? `${s} s` : ""].filter(Boolean);
  return `${negative ? "-" : ""}${parts.join(" ")}`;
}
