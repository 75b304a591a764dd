import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { STATE_NAMES } from "~/modules/items/lifecycle.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { endClaim, liveClaims } from "~/modules/queue/claims.server.ts";
import { queueNames, waitingAssignments } from "~/modules/queue/placement.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Claims · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  const [claims, assignments, names] = await Promise.all([liveClaims(), waitingAssignments(), queueNames()]);
  return json({ claims, assignments, names, now: new Date().toISOString() });
}

const Release = z.object({
  itemId: z.string().min(1),
  claimId: z.string().min(1),
  reason: z.string().trim().min(1, "Say why you release this lease.").max(500),
});

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, Release);
  if (submission.status !== "success") {
    const message = submission.error?.reason?.[0] ?? "Check the form.";
    return refuseForm(submission, { status: 400, code: "invalid_form", message });
  }
  const ok = await endClaim(user, { ...submission.value, kind: "lead_released" });
  if (!ok) return refuseForm(submission, { status: 409, code: "lease_ended", message: "That lease has already ended." });
  return json({ message: "Released: the item is back in the queue." });
}

/** Rows grouped by queue name (unrouted last), each group in its original order. */
function byQueue<T extends { queueId: string | null }>(rows: T[], names: Record<string, string>): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const name = row.queueId ? (names[row.queueId] ?? row.queueId) : "Unrouted";
    groups.set(name, [...(groups.get(name) ?? []), row]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === "Unrouted" ? 1 : b === "Unrouted" ? -1 : a.localeCompare(b)));
}

export default function Claims() {
  const { claims, assignments, names, now } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const waiting = assignments.filter((a) => !(a.claimedById && a.leaseExpiresAt && a.leaseExpiresAt > now));
  return (
    <>
      <PageHeader
        title="Claims"
        description="Who holds what right now, by queue, and the assignments still waiting for their member. Releasing a lease returns the item to its queue; the holder's decision will then be refused. Hand an item over from its queue page."
      />
      {refusalMessage(result) ? <Notice tone="error">{refusalMessage(result)}</Notice> : null}
      {result && "message" in result ? <Notice tone="success">{result.message}</Notice> : null}
      <h2 className="mb-2 text-lg font-semibold">Live leases</h2>
      {claims.length === 0 ? (
        <p className="mb-6 rounded border border-slate-200 bg-white px-3 py-6 text-center text-sm text-slate-600">Nobody holds an item right now.</p>
      ) : null}
      {byQueue(claims, names).map(([queue, rows]) => (
        <section key={queue} className="mb-6" aria-label={`Leases in ${queue}`}>
          <h3 className="mb-1 font-semibold">
            {queue} <span className="text-sm font-normal text-slate-600">({rows.length})</span>
          </h3>
          <div className="overflow-x-auto rounded border border-slate-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Live leases in {queue}</caption>
              <thead className="bg-slate-50 text-left">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Holder
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Item
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Source
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Item deadline
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Lease ends
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Release or hand over
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.claimId} className="border-t border-slate-100 align-top">
                    <td className="px-3 py-2">{c.holder ? `${c.holder.name} (${c.holder.email})` : "unknown"}</td>
                    <td className="px-3 py-2">
                      <span className="font-medium">{c.title || c.externalId}</span>
                      <span className="block text-xs text-slate-500">{STATE_NAMES[c.state]}</span>
                    </td>
                    <td className="px-3 py-2">
                      <SourceBadge source={c.strongestSource} />
                    </td>
                    <td className="px-3 py-2">
                      <Deadline dueAt={c.dueAt} now={now} />
                    </td>
                    <td className="px-3 py-2">{c.leaseExpiresAt ? <time dateTime={c.leaseExpiresAt}>{c.leaseExpiresAt.slice(11, 16)} UTC</time> : null}</td>
                    <td className="px-3 py-2">
                      <Form method="post" className="flex items-end gap-2">
                        <input type="hidden" name="itemId" value={c.id} />
                        <input type="hidden" name="claimId" value={c.claimId ?? ""} />
                        <div>
                          <label htmlFor={`reason-${c.claimId}`} className="sr-only">
                            Reason for releasing {c.holder?.email}'s lease
                          </label>
                          <input id={`reason-${c.claimId}`} name="reason" required placeholder="Reason" className={`${inputClass} mt-0 py-1`} />
                        </div>
                        <button type="submit" className={secondaryButtonClass}>
                          Release
                        </button>
                      </Form>
                      <Link to={`/items/${c.id}/queue`} className="mt-1 inline-block text-blue-800 underline">
                        Hand over<span className="sr-only"> {c.title || c.externalId}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      <h2 className="mb-2 mt-8 text-lg font-semibold">Assignments waiting</h2>
      {waiting.length === 0 ? (
        <p className="rounded border border-slate-200 bg-white px-3 py-6 text-center text-sm text-slate-600">No assignment is waiting.</p>
      ) : null}
      {byQueue(waiting, names).map(([queue, rows]) => (
        <section key={queue} className="mb-6" aria-label={`Assignments in ${queue}`}>
          <h3 className="mb-1 font-semibold">
            {queue} <span className="text-sm font-normal text-slate-600">({rows.length})</span>
          </h3>
          <ul className="divide-y divide-slate-100 rounded border border-slate-200 bg-white text-sm">
            {rows.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-3 px-3 py-2">
                <span className="font-medium">{a.title || a.externalId}</span>
                <span>assigned to {a.assignee ? `${a.assignee.name} (${a.assignee.email})` : "unknown"}</span>
                {a.assignedAt ? (
                  <time dateTime={a.assignedAt} className="text-slate-600">
                    since {a.assignedAt.slice(0, 16).replace("T", " ")} UTC
                  </time>
                ) : null}
                <Deadline dueAt={a.dueAt} now={now} />
                <Link to={`/items/${a.id}/queue`} className="text-blue-800 underline">
                  Change<span className="sr-only"> the assignment of {a.title || a.externalId}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
