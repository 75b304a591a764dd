// `npm run create-admin -- EMAIL "Full Name"`: the first admin of a real install (demo accounts exist
// only in demo mode). The password is read from DOCKET_ADMIN_PASSWORD or asked for on the terminal.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { env } from "~/env.server.ts";
import { migrate } from "~/migrate.server.ts";
import { db, transaction } from "~/db.server.ts";
import { hashPassword } from "~/modules/auth/password.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { NewUser } from "~/modules/auth/users.server.ts";

const [email, name] = process.argv.slice(2);
let password = env.DOCKET_ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question("Password (12+ characters): ");
  rl.close();
}
const parsed = NewUser.safeParse({ email, name, role: "admin", password });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`${issue.path.join(".")}: ${issue.message}`);
  console.error('usage: npm run create-admin -- EMAIL "Full Name"');
  process.exit(2);
}
await migrate(env.DATABASE_URL);
if (await db.user.findUnique({ where: { email: parsed.data.email } })) {
  console.error(`${parsed.data.email} already exists`);
  process.exit(1);
}
const passwordHash = await hashPassword(parsed.data.password);
await transaction(async (tx) => {
  const user = await tx.user.create({ data: { id: randomUUID(), email: parsed.data.email, name: parsed.data.name, role: "admin", passwordHash } });
  await appendAuditEvent(tx, {
    actor: { kind: "system", name: "create-admin" },
    action: "user.created",
    subjectType: "user",
    subjectId: user.id,
    payload: { email: user.email, role: user.role },
  });
});
console.log(`created admin ${parsed.data.email}`);
await db.$disconnect();
