// The lease columns items, appeals and quality reviews share (claimId, claimedById, leaseExpiresAt):
// a lease is live while its expiry lies ahead, free once it lapsed, and held by one user at a time.
// Appeals and quality reviews are open or done; these are the conditions on their open rows.
import { Prisma } from "~/db.server.ts";

/** The row under `alias` is free to lease: never leased, or its lease lapsed. */
export const leaseFreeSql = (now: Date, alias: string) =>
  Prisma.sql`(${Prisma.raw(alias)}."leaseExpiresAt" IS NULL OR ${Prisma.raw(alias)}."leaseExpiresAt" < ${now})`;

/** Where an open row's live lease is the user's (with its token, when one is named). */
export const liveLeaseOf = (userId: string, now: Date, claimId?: string) => ({
  ...(claimId ? { claimId } : {}),
  claimedById: userId,
  leaseExpiresAt: { gt: now },
  state: "open" as const,
});

/** The lease columns of a row given back. */
export const NO_LEASE = { claimId: null, claimedById: null, leaseExpiresAt: null };

/** A lease as read from its row, or null when the row holds none. */
export function heldLease(
  row: { id: string; claimId: string | null; leaseExpiresAt: Date | null } | null,
): { id: string; claimId: string; leaseExpiresAt: Date } | null {
  return row?.claimId && row.leaseExpiresAt ? { id: row.id, claimId: row.claimId, leaseExpiresAt: row.leaseExpiresAt } : null;
}
