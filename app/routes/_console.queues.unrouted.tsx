import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { buttonClass, Notice, PageHeader } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission } from "~/modules/http/forms.server.ts";
import { STATE_NAMES } from "~/modules/items/lifecycle.ts";
import { routeUnroutedAgain } from "~/modules/queue/assignment.server.ts";
import { UNROUTED_PAGE, unroutedItems } from "~/modules/queue/placement.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Unrouted items · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  return json({ ...(await unroutedItems()), shown: UNROUTED_PAGE, now: new Date().toISOString() });
}

const RouteAgain = z.object({ intent: z.literal("route_again") });

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, RouteAgain);
  if (submission.status !== "success") return invalidForm(submission);
  const { routed, stillUnrouted } = await routeUnroutedAgain(user);
  return redirect(`/queues/unrouted?routed=${routed}&still=${stillUnrouted}`);
}

export default function Unrouted() {
  const { items, total, shown, now } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const routed = params.get("routed");
  return (
    <>
      <PageHeader
        title="Unrouted items"
        description="Open items no routing rule sends to an open queue: no rule matched, or the matching rule points at a closed or deleted queue. Nobody can claim them until they are routed or moved."
      />
      {routed !== null ? (
        <Notice tone="success">
          Routed {Number(routed).toLocaleString("en")} item(s) with the live rules; {Number(params.get("still") ?? 0).toLocaleString("en")} still match no open
          queue.
        </Notice>
      ) : null}
      <div className="mb-4 flex flex-wrap items-center gap-4">
        <p className="text-sm">
          <strong className="text-lg">{total.toLocaleString("en")}</strong> unrouted open item(s).{" "}
          <Link to="/routing" className="text-blue-800 underline">
            See the routing rules
          </Link>
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="route_again" />
          <button type="submit" className={buttonClass} disabled={total === 0 || navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Routing…" : "Route them again with the live rules"}
          </button>
        </Form>
      </div>
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Unrouted open items, soonest deadline first</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                Item
              </th>
              <th scope="col" className="px-3 py-2">
                Source
              </th>
              <th scope="col" className="px-3 py-2">
                Deadline
              </th>
              <th scope="col" className="px-3 py-2">
                Why unrouted
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Place</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-3 py-6 text-center text-slate-600">
                  Every open item waits in a queue.
                </td>
              </tr>
            ) : null}
            {items.map((i) => (
              <tr key={i.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <span className="font-medium">{i.title || i.externalId}</span>
                  <span className="block text-xs text-slate-500">
                    {STATE_NAMES[i.state]} · {i.topReason}
                  </span>
                </td>
                <td className="px-3 py-2">
                  <SourceBadge source={i.strongestSource} />
                </td>
                <td className="px-3 py-2">
                  <Deadline dueAt={i.dueAt} now={now} />
                </td>
                <td className="px-3 py-2 text-slate-700">{i.routeNote ?? "Not routed."}</td>
                <td className="px-3 py-2">
                  <Link to={`/items/${i.id}/queue`} className="text-blue-800 underline">
                    Move<span className="sr-only"> {i.title || i.externalId}</span>
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > shown ? <p className="mt-2 text-sm text-slate-600">The {shown} with the soonest deadlines are shown.</p> : null}
    </>
  );
}
