import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { verifyPassword } from "~/modules/auth/password.server.ts";
import { ROOT } from "../support/databases.ts";

function createAdmin(args: string[], password: string) {
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts/create-admin.ts"), ...args], {
      cwd: ROOT,
      env: { ...process.env, DOCKET_ADMIN_PASSWORD: password },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, out: e.stdout + e.stderr };
  }
}

describe("create-admin", () => {
  it("creates the first admin of a real install with an argon2id hash and an audit event", async () => {
    const result = createAdmin(["first@example.test", "First Admin"], "a-long-enough-password");
    expect(result).toMatchObject({ status: 0 });
    const user = await db.user.findUniqueOrThrow({ where: { email: "first@example.test" } });
    expect(user.role).toBe("admin");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash, "a-long-enough-password")).toBe(true);
    expect(await db.auditEvent.count({ where: { action: "user.created", subjectId: user.id } })).toBe(1);
  });

  it("refuses a bad email or a short password and creates nothing", async () => {
    const before = await db.user.count();
    const result = createAdmin(["not-an-email", "X"], "short");
    expect(result.status).toBe(2);
    expect(result.out).toContain("Enter a valid email address.");
    expect(result.out).toContain("Use at least 12 characters.");
    expect(await db.user.count()).toBe(before);
  });
});
