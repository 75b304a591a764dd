import { json } from "@remix-run/node";
import { db } from "~/db.server.ts";
import type { Access } from "~/modules/auth/capabilities.ts";

export const access: Access = { kind: "public" };

export async function loader() {
  try {
    await db.$queryRaw`SELECT 1`;
    return json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return json({ ok: false, error: "the database does not answer" }, { status: 503 });
  }
}
