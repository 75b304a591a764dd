import { db, transaction } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import type { AuditPayloadInput } from "~/modules/audit/events.ts";
import { burnPasswordCheck, verifyPassword } from "./password.server.ts";
import { createSessionCookie } from "./session.server.ts";
import type { Role } from "./capabilities.ts";

export type LoginResult =
  | { ok: true; cookie: string; user: { id: string; role: Role } }
  | { ok: false; status: 401 | 403 | 429; message: string };

const FAILED = "auth.login_failed";

/**
 * Failed attempts are counted from the audit log itself: a refused login writes its audit event
 * and nothing else, and every process sees the same count.
 */
async function recentFailures(windowStart: Date, email: string, address: string) {
  const [perAccount, perAddress] = await Promise.all([
    db.auditEvent.count({ where: { action: FAILED, at: { gte: windowStart }, subjectId: email } }),
    db.auditEvent.count({ where: { action: FAILED, at: { gte: windowStart }, actorLabel: anonymousLabel(address) } }),
  ]);
  return { perAccount, perAddress };
}

function anonymousLabel(address: string) {
  return `anonymous from ${address}`;
}

export async function login(emailInput: string, password: string, address: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const windowSeconds = env.DOCKET_LOGIN_WINDOW_SECONDS;
  const windowStart = new Date(Date.now() - windowSeconds * 1000);
  const failures = await recentFailures(windowStart, email, address);
  if (failures.perAccount >= env.DOCKET_LOGIN_MAX_PER_ACCOUNT || failures.perAddress >= env.DOCKET_LOGIN_MAX_PER_ADDRESS) {
    await recordAnonymous("auth.login_blocked", email, address, { failures });
    const minutes = Math.ceil(windowSeconds / 60);
    return {
      ok: false,
      status: 429,
      message: `Too many failed sign-in attempts. Wait up to ${minutes} minutes and try again, or ask an admin to check the account.`,
    };
  }
  const user = await db.user.findUnique({ where: { email } });
  if (!user) {
    await burnPasswordCheck(password);
    await recordAnonymous(FAILED, email, address, { reason: "unknown_account" });
    return { ok: false, status: 401, message: "That email and password do not match an account." };
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    await recordAnonymous(FAILED, email, address, { reason: "wrong_password" });
    return { ok: false, status: 401, message: "That email and password do not match an account." };
  }
  if (user.disabled) {
    await recordAnonymous("auth.login_refused", email, address, { reason: "account_disabled" });
    return { ok: false, status: 403, message: "This account is disabled. Ask an admin to re-enable it." };
  }
  const cookie = await createSessionCookie(user.id);
  await transaction((tx) =>
    appendAuditEvent(tx, {
      actor: { kind: "user", id: user.id, email: user.email, role: user.role },
      action: "auth.logged_in",
      subjectType: "account",
      subjectId: email,
      payload: { address },
    }),
  );
  return { ok: true, cookie, user: { id: user.id, role: user.role } };
}

type RefusedLogin = "auth.login_blocked" | "auth.login_failed" | "auth.login_refused";

async function recordAnonymous<A extends RefusedLogin>(action: A, email: string, address: string, payload: Omit<AuditPayloadInput<A>, "address">) {
  await transaction((tx) =>
    appendAuditEvent(tx, {
      actor: { kind: "anonymous", label: anonymousLabel(address) },
      action,
      subjectType: "account",
      subjectId: email,
      payload: { address, ...payload } as AuditPayloadInput<A>,
    }),
  );
}
