import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { logout } from "~/modules/auth/logout.server.ts";

export const access: Access = { kind: "user", capability: "account:self" };

// Logging out changes state, so it is a POST; a GET just goes home.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "account:self");
  return redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "account:self");
  const cookie = await logout(request, user);
  return redirect("/login", { headers: { "Set-Cookie": cookie } });
}
