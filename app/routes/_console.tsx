import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { NAV } from "~/components/nav.ts";
import { capabilitiesOf, ROLE_NAMES, type Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";

export const access: Access = { kind: "user", capability: "account:self" };

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCapability(request, "account:self");
  return json({ user, capabilities: capabilitiesOf(user.role) });
}

export default function Console() {
  const { user, capabilities } = useLoaderData<typeof loader>();
  const items = NAV.filter((n) => (capabilities as string[]).includes(n.capability));
  return (
    <div className="flex min-h-full flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <a href="/" className="text-lg font-semibold text-blue-900">
            Docket
          </a>
          <nav aria-label="Main" className="flex-1">
            <ul className="flex flex-wrap gap-1">
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.to === "/queue"}
                    className={({ isActive }) =>
                      `block rounded px-3 py-1.5 text-sm ${isActive ? "bg-blue-100 font-medium text-blue-900" : "text-slate-700 hover:bg-slate-100"}`
                    }
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <a href="/settings" className="text-slate-700 hover:underline">
              <span className="font-medium">{user.name}</span> <span className="text-slate-500">({ROLE_NAMES[user.role]})</span>
            </a>
            <Form method="post" action="/logout">
              <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
                Sign out
              </button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
