import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db, isUniqueViolation, transaction } from "~/db.server.ts";
import { releaseLeasesOf } from "~/modules/queue/claims.server.ts";
import { releaseAppealLeasesOf } from "~/modules/appeals/claims.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { can, ROLES, type Role } from "./capabilities.ts";
import { OPEN_STATES } from "~/modules/items/lifecycle.ts";
import { hashPassword } from "./password.server.ts";
import { userActor } from "./actor.ts";
import type { SessionUser } from "./session.server.ts";

export const NewUser = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address.").max(320),
  name: z.string().trim().min(1, "Enter a name.").max(200),
  role: z.enum(ROLES, { errorMap: () => ({ message: "Choose a role." }) }),
  password: z.string().min(12, "Use at least 12 characters.").max(1024),
});

/** Everything the users page can submit, told apart by `intent`. */
export const UserAdminAction = z.discriminatedUnion("intent", [
  NewUser.extend({ intent: z.literal("create") }),
  z.object({ intent: z.literal("role"), userId: z.string().min(1), role: z.enum(ROLES) }),
  z.object({ intent: z.literal("disable"), userId: z.string().min(1) }),
  z.object({ intent: z.literal("enable"), userId: z.string().min(1) }),
]);

export class UserError extends Error {
  constructor(
    readonly code: "email_taken" | "not_found" | "self_change",
    message: string,
  ) {
    super(message);
  }
}

export function listUsers() {
  return db.user.findMany({
    orderBy: [{ disabled: "asc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, disabled: true, createdAt: true },
  });
}

export async function createUser(admin: SessionUser, input: z.infer<typeof NewUser>) {
  const passwordHash = await hashPassword(input.password);
  if (await db.user.findUnique({ where: { email: input.email } })) {
    throw new UserError("email_taken", "An account with that email already exists.");
  }
  return transaction(async (tx) => {
    const user = await tx.user
      .create({ data: { id: randomUUID(), email: input.email, name: input.name, role: input.role, passwordHash } })
      .catch((error: unknown) => {
        // Two admins adding the same address at once: the second gets the same answer as above.
        if (isUniqueViolation(error)) throw new UserError("email_taken", "An account with that email already exists.");
        throw error;
      });
    await appendAuditEvent(tx, {
      actor: userActor(admin),
      action: "user.created",
      subjectType: "user",
      subjectId: user.id,
      payload: { email: user.email, role: user.role },
    });
    return user;
  });
}

/** A role change or a disable ends every session of that user at once. */
export async function updateUser(admin: SessionUser, userId: string, change: { role?: Role; disabled?: boolean }) {
  if (userId === admin.id) throw new UserError("self_change", "You cannot change your own role or disable yourself.");
  return transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw new UserError("not_found", "That user does not exist.");
    const after = await tx.user.update({ where: { id: userId }, data: change });
    await tx.session.deleteMany({ where: { userId } });
    // Their claimed items go back to the queue now rather than when the leases lapse.
    const released = await releaseLeasesOf(tx, userId, change.disabled ? "account disabled" : "role changed");
    const releasedAppeals = await releaseAppealLeasesOf(tx, userId);
    // Items a lead assigned to them go back to their queues: nobody else could take them otherwise.
    const { count: unassigned } = await tx.item.updateMany({
      where: { assignedToId: userId, state: { in: [...OPEN_STATES] } },
      data: { assignedToId: null, assignedAt: null },
    });
    // A role that no longer reviews leaves its queues.
    if (!can(after.role as Role, "queue:review")) await tx.queueMember.deleteMany({ where: { userId } });
    if (change.role !== undefined && change.role !== before.role) {
      await appendAuditEvent(tx, {
        actor: userActor(admin),
        action: "user.role_changed",
        subjectType: "user",
        subjectId: userId,
        payload: { email: after.email, from: before.role, to: after.role, releasedItems: released, unassignedItems: unassigned, releasedAppeals },
      });
    }
    if (change.disabled !== undefined && change.disabled !== before.disabled) {
      await appendAuditEvent(tx, {
        actor: userActor(admin),
        action: after.disabled ? "user.disabled" : "user.enabled",
        subjectType: "user",
        subjectId: userId,
        payload: { email: after.email, releasedItems: released, unassignedItems: unassigned, releasedAppeals },
      });
    }
    return after;
  });
}

export async function setRevealMedia(user: SessionUser, revealMedia: boolean) {
  return transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { revealMedia } });
    await appendAuditEvent(tx, {
      actor: userActor(user),
      action: "user.preference_changed",
      subjectType: "user",
      subjectId: user.id,
      payload: { revealMedia },
    });
  });
}
