import { json } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { databaseAnswers } from "~/modules/http/health.server.ts";

export const access: Access = { kind: "public" };

export async function loader() {
  if (await databaseAnswers()) return json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  return json({ ok: false, error: "the database does not answer" }, { status: 503 });
}
