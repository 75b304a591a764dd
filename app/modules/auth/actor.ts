import type { Actor } from "~/modules/audit/writer.server.ts";
import type { SessionUser } from "./session.server.ts";

export const userActor = (user: Pick<SessionUser, "id" | "email" | "role">): Actor => ({
  kind: "user",
  id: user.id,
  email: user.email,
  role: user.role,
});
