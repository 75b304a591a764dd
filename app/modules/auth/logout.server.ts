import { transaction } from "~/db.server.ts";
import { appendAuditEvent } from "~/modules/audit/writer.server.ts";
import { userActor } from "./actor.ts";
import { blankSessionCookie, hashToken, sessionIdFrom, type SessionUser } from "./session.server.ts";

export async function logout(request: Request, user: SessionUser): Promise<string> {
  const sessionId = sessionIdFrom(request);
  await transaction(async (tx) => {
    if (sessionId) await tx.session.deleteMany({ where: { id: hashToken(sessionId) } });
    await appendAuditEvent(tx, {
      actor: userActor(user),
      action: "auth.logged_out",
      subjectType: "account",
      subjectId: user.email,
      payload: {},
    });
  });
  return blankSessionCookie();
}
