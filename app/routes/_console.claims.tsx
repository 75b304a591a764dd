import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
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

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Claims · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  return json({ claims: await liveClaims(), now: new Date().toISOString() });
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

export default function Claims() {
  const { claims, now } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <PageHeader
        title="Claims"
        description="Who holds what right now. Releasing a lease returns the item to the queue; the holder's decision will then be refused."
      />
      {refusalMessage(result) ? <Notice tone="error">{refusalMessage(result)}</Notice> : null}
      {result && "message" in result ? <Notice tone="success">{result.message}</Notice> : null}
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Live leases</caption>
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
                Release
              </th>
            </tr>
          </thead>
          <tbody>
            {claims.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-3 py-6 text-center text-slate-600">
                  Nobody holds an item right now.
                </td>
              </tr>
            ) : null}
            {claims.map((c) => (
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
