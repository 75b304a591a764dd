import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { recordAuditEvent } from "~/modules/audit/writer.server.ts";
import type { AuditPayloadInput } from "~/modules/audit/events.ts";
import { burnPasswordCheck, verifyPassword } from "./password.server.ts";
import { createSessionCookie } from "./session.server.ts";
import { countAttempt, uncountAttempt } from "./rate-limit.server.ts";
import type { Role } from "./capabilities.ts";

export type LoginResult =
  | { ok: true; cookie: string; user: { id: string; role: Role } }
  | { ok: false; status: 401 | 403 | 429; code: LoginRefusal; message: string; retryAfterSeconds?: number };

export type LoginRefusal = "invalid_credentials" | "account_disabled" | "rate_limited";

const MISMATCH = "That email and password do not match an account.";

function anonymousLabel(address: string) {
  return `anonymous from ${address}`;
}

const throttleKeys = (email: string, address: string) => ({
  account: `login:account:${email}`,
  address: `login:address:${address}`,
});

/**
 * Every attempt is counted, per account and per address, before its password is looked at: the
 * count is one atomic statement in the database, so concurrent attempts (in one process or many)
 * each get their own number and only those within the limits reach the password check. A sign-in
 * that succeeds takes its own attempt back, so people who sign in often are never throttled by it,
 * while failures stay counted until their window ends.
 */
export async function login(emailInput: string, password: string, address: string): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const windowSeconds = env.DOCKET_LOGIN_WINDOW_SECONDS;
  const keys = throttleKeys(email, address);
  const perAccount = await countAttempt(keys.account, env.DOCKET_LOGIN_MAX_PER_ACCOUNT, windowSeconds);
  const perAddress = await countAttempt(keys.address, env.DOCKET_LOGIN_MAX_PER_ADDRESS, windowSeconds);
  if (!perAccount.allowed || !perAddress.allowed) {
    await recordAnonymous("auth.login_blocked", email, address, {
      failures: { perAccount: perAccount.count - 1, perAddress: perAddress.count - 1 },
    });
    const retryAfterSeconds = Math.max(perAccount.allowed ? 0 : perAccount.retryAfterSeconds, perAddress.allowed ? 0 : perAddress.retryAfterSeconds);
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return {
      ok: false,
      status: 429,
      code: "rate_limited",
      retryAfterSeconds,
      message: `Too many failed sign-in attempts. Wait ${minutes} minute${minutes === 1 ? "" : "s"} and try again, or ask an admin to check the account.`,
    };
  }
  const user = await db.user.findUnique({ where: { email } });
  if (!user) {
    await burnPasswordCheck(password);
    await recordAnonymous("auth.login_failed", email, address, { reason: "unknown_account" });
    return { ok: false, status: 401, code: "invalid_credentials", message: MISMATCH };
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    await recordAnonymous("auth.login_failed", email, address, { reason: "wrong_password" });
    return { ok: false, status: 401, code: "invalid_credentials", message: MISMATCH };
  }
  if (user.disabled) {
    await recordAnonymous("auth.login_refused", email, address, { reason: "account_disabled" });
    return { ok: false, status: 403, code: "account_disabled", message: "This account is disabled. Ask an admin to re-enable it." };
  }
  await Promise.all([uncountAttempt(keys.account, windowSeconds), uncountAttempt(keys.address, windowSeconds)]);
  const cookie = await createSessionCookie(user.id);
  await recordAuditEvent({
    actor: { kind: "user", id: user.id, email: user.email, role: user.role },
    action: "auth.logged_in",
    subjectType: "account",
    subjectId: email,
    payload: { address },
  });
  return { ok: true, cookie, user: { id: user.id, role: user.role } };
}

type RefusedLogin = "auth.login_blocked" | "auth.login_failed" | "auth.login_refused";

async function recordAnonymous<A extends RefusedLogin>(action: A, email: string, address: string, payload: Omit<AuditPayloadInput<A>, "address">) {
  await recordAuditEvent({
    actor: { kind: "anonymous", label: anonymousLabel(address) },
    action,
    subjectType: "account",
    subjectId: email,
    payload: { address, ...payload } as AuditPayloadInput<A>,
  });
}
