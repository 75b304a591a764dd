import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { HOME, type Access } from "~/modules/auth/capabilities.ts";
import { getSessionUser } from "~/modules/auth/guard.server.ts";

export const access: Access = { kind: "public" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request);
  return redirect(user ? HOME[user.role] : "/login");
}
