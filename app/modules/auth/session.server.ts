import { createHash } from "node:crypto";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import { db } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import type { Role } from "./capabilities.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Lucia's storage, on our own Prisma client. Session ids are hashed before they touch the database,
 * so a leaked copy of the table holds no usable cookies.
 */
class HashedSessionAdapter implements Adapter {
  async getSessionAndUser(sessionId: string): Promise<[DatabaseSession | null, DatabaseUser | null]> {
    const row = await db.session.findUnique({ where: { id: hashToken(sessionId) }, include: { user: true } });
    if (!row) return [null, null];
    const { user } = row;
    return [
      { id: sessionId, userId: row.userId, expiresAt: row.expiresAt, attributes: {} },
      { id: user.id, attributes: { email: user.email, name: user.name, role: user.role, disabled: user.disabled, revealMedia: user.revealMedia } },
    ];
  }
  async getUserSessions(userId: string): Promise<DatabaseSession[]> {
    const rows = await db.session.findMany({ where: { userId } });
    return rows.map((r) => ({ id: r.id, userId: r.userId, expiresAt: r.expiresAt, attributes: {} }));
  }
  async setSession(session: DatabaseSession): Promise<void> {
    await db.session.create({ data: { id: hashToken(session.id), userId: session.userId, expiresAt: session.expiresAt } });
  }
  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    await db.session.updateMany({ where: { id: hashToken(sessionId) }, data: { expiresAt } });
  }
  async deleteSession(sessionId: string): Promise<void> {
    await db.session.deleteMany({ where: { id: hashToken(sessionId) } });
  }
  async deleteUserSessions(userId: string): Promise<void> {
    await db.session.deleteMany({ where: { userId } });
  }
  async deleteExpiredSessions(): Promise<void> {
    await db.session.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  }
}

export const SESSION_COOKIE = "docket_session";

export const lucia = new Lucia(new HashedSessionAdapter(), {
  sessionExpiresIn: new TimeSpan(env.DOCKET_SESSION_DAYS * 24, "h"),
  sessionCookie: {
    name: SESSION_COOKIE,
    // A browser-session cookie: the server-side expiry (extended while in use) is what counts, so the
    // cookie never has to be rewritten on an ordinary request.
    expires: false,
    attributes: { secure: env.DOCKET_HTTPS, sameSite: "lax" },
  },
  getUserAttributes: (attributes) => attributes,
});

declare module "lucia" {
  interface Register {
    Lucia: typeof lucia;
    DatabaseUserAttributes: { email: string; name: string; role: Role; disabled: boolean; revealMedia: boolean };
  }
}

export type SessionUser = { id: string; email: string; name: string; role: Role; revealMedia: boolean };

export async function createSessionCookie(userId: string): Promise<string> {
  const session = await lucia.createSession(userId, {});
  return lucia.createSessionCookie(session.id).serialize();
}

export function blankSessionCookie(): string {
  return lucia.createBlankSessionCookie().serialize();
}

export function sessionIdFrom(request: Request): string | null {
  return lucia.readSessionCookie(request.headers.get("Cookie") ?? "");
}
