import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";
import { can, type Role } from "~/modules/auth/capabilities.ts";
import { hashPassword } from "~/modules/auth/password.server.ts";
import { createApiKey } from "~/modules/auth/api-keys.server.ts";
import type { ApiScope } from "~/modules/auth/scopes.ts";

export const PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

/**
 * A user; reviewers (moderators and leads) join every live queue unless `queues` names the ones to
 * join, so tests that are not about routing find the starter queues' items as before.
 */
export async function makeUser(role: Role, overrides: { email?: string; disabled?: boolean; queues?: string[] } = {}) {
  passwordHash ??= hashPassword(PASSWORD);
  const user = await db.user.create({
    data: {
      id: randomUUID(),
      email: overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`,
      name: `Test ${role}`,
      role,
      passwordHash: await passwordHash,
      disabled: overrides.disabled ?? false,
    },
  });
  if (can(role, "queue:review")) {
    const queueIds = overrides.queues ?? (await db.queue.findMany({ where: { deletedAt: null }, select: { id: true } })).map((q) => q.id);
    if (queueIds.length > 0) await db.queueMember.createMany({ data: queueIds.map((queueId) => ({ queueId, userId: user.id })) });
  }
  return user;
}

/** One account per role, for tests that walk the console as each of them. */
export async function makeTeam() {
  const [moderator, policy_lead, auditor, admin] = await Promise.all([makeUser("moderator"), makeUser("policy_lead"), makeUser("auditor"), makeUser("admin")]);
  return { moderator, policy_lead, auditor, admin };
}

export async function makeApiKey(platform = "test", scopes?: ApiScope[]) {
  const admin = (await db.user.findFirst({ where: { role: "admin" } })) ?? (await makeUser("admin"));
  const { key, token } = await createApiKey(
    { id: admin.id, email: admin.email, name: admin.name, role: admin.role, revealMedia: false },
    { name: `key ${platform}`, platform, scopes },
  );
  return { key, token };
}
