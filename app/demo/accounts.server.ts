import { randomUUID } from "node:crypto";
import { db, transaction } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { hashPassword } from "~/modules/auth/password.server.ts";
import { hashToken } from "~/modules/auth/session.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";

export const DEMO_PASSWORD = "docket-demo-password";

export const DEMO_ACCOUNTS: { email: string; name: string; role: Role }[] = [
  { email: "admin@docket.test", name: "Ada Admin", role: "admin" },
  { email: "lead@docket.test", name: "Lee Lead", role: "policy_lead" },
  { email: "mod1@docket.test", name: "Mo One", role: "moderator" },
  { email: "mod2@docket.test", name: "Max Two", role: "moderator" },
  { email: "auditor@docket.test", name: "Aud Itor", role: "auditor" },
];

const system = { kind: "system", name: "demo" } as const;

/** Creates the contract's demo accounts and API key, skipping any that already exist. */
export async function ensureDemoAccounts(): Promise<{ created: number }> {
  let created = 0;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of DEMO_ACCOUNTS) {
    if (await db.user.findUnique({ where: { email: account.email } })) continue;
    await transaction(async (tx) => {
      const user = await tx.user.create({ data: { id: randomUUID(), ...account, passwordHash } });
      await appendAuditEvent(tx, {
        actor: system,
        action: "user.created",
        subjectType: "user",
        subjectId: user.id,
        payload: { email: user.email, role: user.role, demo: true },
      });
    });
    created++;
  }
  const hash = hashToken(env.DOCKET_DEMO_API_KEY);
  if (!(await db.apiKey.findUnique({ where: { hash } }))) {
    const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@docket.test" } });
    await transaction(async (tx) => {
      const key = await tx.apiKey.create({
        data: { id: randomUUID(), name: "Demo platform", platform: "demo", prefix: env.DOCKET_DEMO_API_KEY.slice(0, 7), hash, createdById: admin.id },
      });
      await appendAuditEvent(tx, {
        actor: system,
        action: "api_key.created",
        subjectType: "api_key",
        subjectId: key.id,
        payload: { name: key.name, platform: key.platform, prefix: key.prefix, demo: true },
      });
    });
    created++;
  }
  return { created };
}
