import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { utc } from "~/components/audit/format.tsx";
import { refusalMessage } from "~/components/ui/form.ts";
import { DataTable } from "~/components/ui/data-table.tsx";
import { Notice, PageHeader, buttonClass, inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { endpointDeliveries, liveEndpointState } from "~/modules/webhooks/admin.server.ts";
import { DELIVERY_STATES, DeliveryFilter, EndpointAction } from "~/modules/webhooks/console.ts";
import { deleteEndpoint } from "~/modules/webhooks/endpoints.server.ts";
import { WebhookError } from "~/modules/webhooks/errors.ts";
import { disableEndpoint, enableEndpoint, resendDeliveries } from "~/modules/webhooks/states.server.ts";

export const access: Access = { kind: "user", capability: "webhooks:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.endpoint.url ?? "Endpoint"} · Webhooks · Docket` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "webhooks:manage");
  const search = new URL(request.url).searchParams;
  const filter = DeliveryFilter.parse({ state: search.get("state") ?? undefined, page: search.get("page") ?? 1 });
  const found = await endpointDeliveries(params.endpointId ?? "", filter);
  if (!found) throw notFound("There is no webhook endpoint with that id; it may have been deleted.");
  return json({ ...found, state: filter.state ?? null });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const admin = await requireCapability(request, "webhooks:manage");
  const endpointId = params.endpointId ?? "";
  const submission = await parseSubmission(request, EndpointAction);
  if (submission.status !== "success") return invalidForm(submission);
  const actor = { kind: "user" as const, id: admin.id, email: admin.email, role: admin.role };
  const missing = () =>
    refuseForm(submission, { status: 404, code: "not_found", message: "There is no webhook endpoint with that id; it may have been deleted." });
  const found = await liveEndpointState(endpointId);
  if (!found) return missing();
  const action = submission.value;
  switch (action.intent) {
    case "disable": {
      const reason = action.reason || `Disabled by ${admin.email} in the console.`;
      if (!(await disableEndpoint(actor, endpointId, reason)))
        return refuseForm(submission, { status: 409, code: "conflict", message: "The endpoint is already disabled." });
      return json({ message: "Disabled the endpoint. Its deliveries wait until it is enabled again." });
    }
    case "enable":
      if (!(await enableEndpoint(actor, endpointId)))
        return refuseForm(submission, { status: 409, code: "conflict", message: "The endpoint is already enabled." });
      return json({ message: "Enabled the endpoint. Its waiting deliveries are sent again." });
    case "delete":
      try {
        await deleteEndpoint({ actor, via: "console", userId: admin.id }, null, endpointId);
      } catch (e) {
        if (e instanceof WebhookError) return missing();
        throw e;
      }
      return redirect(`/admin/webhooks?${new URLSearchParams({ deleted: endpointId })}`);
    case "resend": {
      const count = await resendDeliveries(actor, endpointId, { deliveryIds: [action.deliveryId] });
      if (count === 0) return refuseForm(submission, { status: 404, code: "not_found", message: "This endpoint has no delivery with that id." });
      return json({ message: `The delivery will be sent again ${when(found.state)}, with the same webhook-id.` });
    }
    case "resend_failed": {
      const count = await resendDeliveries(actor, endpointId, { failed: true });
      return json({
        message:
          count === 0
            ? "There were no failed deliveries to resend."
            : `${count} failed ${count === 1 ? "delivery" : "deliveries"} will be sent again ${when(found.state)}.`,
      });
    }
  }
}

// A disabled endpoint's deliveries wait: saying "shortly" would promise what will not happen.
const when = (state: "enabled" | "disabled") => (state === "disabled" ? "once the endpoint is enabled again" : "shortly");

export default function WebhookEndpoint() {
  const { endpoint, deliveries, page, pages, total, state } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const refusal = refusalMessage(result);
  const done = result && "message" in result ? result.message : undefined;
  const pageLink = (to: number) => `?${new URLSearchParams({ ...(state ? { state } : {}), page: String(to) })}`;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/admin/webhooks" className="text-blue-800 underline">
          All webhook endpoints
        </Link>
      </p>
      <PageHeader title={endpoint.url} description={`Platform ${endpoint.platform}; registered ${utc(endpoint.createdAt)}. ${endpoint.description}`} />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {done ? <Notice tone="success">{done}</Notice> : null}
      {endpoint.state === "disabled" ? (
        <Notice tone="error">
          Disabled since {utc(endpoint.disabledAt)}: {endpoint.disabledReason ?? "no reason was recorded"}. Its deliveries wait until it is enabled again.
        </Notice>
      ) : null}
      {endpoint.failingSince ? <Notice tone="info">Deliveries have been failing since {utc(endpoint.failingSince)}.</Notice> : null}

      <dl className="mb-6 grid grid-cols-2 gap-2 text-sm sm:grid-cols-5">
        <div>
          <dt className="text-slate-600">State</dt>
          <dd>{endpoint.state === "disabled" ? "Disabled" : "Enabled"}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Events</dt>
          <dd>{endpoint.events.join(", ")}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Pending</dt>
          <dd>{endpoint.counts.pending}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Failed</dt>
          <dd>{endpoint.counts.failed}</dd>
        </div>
        <div>
          <dt className="text-slate-600">Delivered</dt>
          <dd>{endpoint.counts.delivered}</dd>
        </div>
      </dl>

      <section aria-labelledby="endpoint-actions" className="mb-8 grid gap-4 rounded border border-slate-200 bg-white p-4 sm:grid-cols-2">
        <h2 id="endpoint-actions" className="text-lg font-semibold sm:col-span-2">
          Manage the endpoint
        </h2>
        {endpoint.state === "enabled" ? (
          <Form method="post" className="grid gap-2">
            <input type="hidden" name="intent" value="disable" />
            <label htmlFor="disable-reason" className="text-sm font-medium">
              Reason for disabling (shown on this page)
            </label>
            <input id="disable-reason" name="reason" maxLength={200} className={inputClass} />
            <button type="submit" className={`${secondaryButtonClass} justify-self-start`}>
              Disable the endpoint
            </button>
          </Form>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="enable" />
            <button type="submit" className={buttonClass}>
              Enable the endpoint
            </button>
          </Form>
        )}
        <Form method="post" className="grid content-start gap-2">
          <input type="hidden" name="intent" value="resend_failed" />
          <p className="text-sm text-slate-600">Failed deliveries start the retry schedule again, with the same webhook-id.</p>
          <button type="submit" className={`${secondaryButtonClass} justify-self-start`}>
            Resend all failed deliveries
          </button>
        </Form>
        <Form method="post" className="grid content-start gap-2 sm:col-span-2">
          <input type="hidden" name="intent" value="delete" />
          <p className="text-sm text-slate-600">
            Deleting stops every delivery to this endpoint; those still waiting are marked failed. The platform can register it again.
          </p>
          <button type="submit" className={`${secondaryButtonClass} justify-self-start text-red-800`}>
            Delete the endpoint
          </button>
        </Form>
      </section>

      <section aria-labelledby="deliveries">
        <h2 id="deliveries" className="mb-2 text-lg font-semibold">
          Deliveries
        </h2>
        <Form method="get" className="mb-4 flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor="state-filter" className="block text-sm font-medium">
              Show deliveries
            </label>
            <select id="state-filter" name="state" defaultValue={state ?? ""} className="mt-1 rounded border border-slate-300 px-3 py-2">
              <option value="">In any state</option>
              {DELIVERY_STATES.map((s) => (
                <option key={s} value={s}>
                  {s[0].toUpperCase() + s.slice(1)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={secondaryButtonClass}>
            Show
          </button>
        </Form>
        {deliveries.length === 0 ? (
          <p className="text-slate-600">No deliveries{state ? ` in the state ${state}` : ""}.</p>
        ) : (
          <DataTable
            caption={`Deliveries to this endpoint, newest first (page ${page} of ${pages}, ${total} in all)`}
            columns={["webhook-id", "Event", "State", "Attempts", { label: "Resend", hidden: true }]}
          >
            {deliveries.map((d) => (
              <tr key={d.id} className="border-t border-slate-100 align-top">
                <th scope="row" className="px-3 py-2 text-left font-mono text-xs font-normal">
                  {d.webhookId}
                  <p className="font-sans text-slate-600">Queued {utc(d.createdAt)}</p>
                </th>
                <td className="px-3 py-2">
                  <code className="text-xs">{d.type}</code>
                </td>
                <td className="px-3 py-2">
                  {d.state}
                  {d.state === "pending" ? <p className="text-xs text-slate-600">Next attempt {utc(d.nextAttemptAt)}</p> : null}
                  {d.deliveredAt ? <p className="text-xs text-slate-600">Delivered {utc(d.deliveredAt)}</p> : null}
                  {d.lastError ? <p className="text-xs text-red-700">{d.lastError}</p> : null}
                </td>
                <td className="px-3 py-2">
                  {d.tries.length === 0 ? (
                    "None yet"
                  ) : (
                    <details>
                      <summary className="cursor-pointer text-blue-800 underline">
                        {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}, last: {d.tries[0].outcome}
                      </summary>
                      <table className="mt-2 text-xs">
                        <caption className="sr-only">Attempts of delivery {d.webhookId}</caption>
                        <thead className="text-left">
                          <tr>
                            <th scope="col" className="pr-3">
                              Started
                            </th>
                            <th scope="col" className="pr-3">
                              Outcome
                            </th>
                            <th scope="col" className="pr-3">
                              Status
                            </th>
                            <th scope="col" className="pr-3">
                              Latency
                            </th>
                            <th scope="col">Response</th>
                          </tr>
                        </thead>
                        <tbody>
                          {d.tries.map((a) => (
                            <tr key={a.id} className="align-top">
                              <td className="pr-3 whitespace-nowrap">{utc(a.startedAt)}</td>
                              <td className="pr-3">{a.outcome}</td>
                              <td className="pr-3">{a.statusCode ?? "—"}</td>
                              <td className="pr-3 whitespace-nowrap">{a.durationMs} ms</td>
                              <td>
                                {/* Third-party text: rendered as text, never as markup. */}
                                {a.error ? <p className="text-red-700">{a.error}</p> : null}
                                {a.responseExcerpt ? <pre className="max-w-md break-all whitespace-pre-wrap">{a.responseExcerpt}</pre> : null}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </details>
                  )}
                </td>
                <td className="px-3 py-2 text-right">
                  <Form method="post">
                    <input type="hidden" name="intent" value="resend" />
                    <input type="hidden" name="deliveryId" value={d.id} />
                    <button type="submit" className={secondaryButtonClass} aria-label={`Resend delivery ${d.webhookId}`}>
                      Resend
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {pages > 1 ? (
          <nav aria-label="Pages of deliveries" className="mt-4 flex gap-4 text-sm">
            {page > 1 ? (
              <Link to={pageLink(page - 1)} className="text-blue-800 underline">
                Newer deliveries
              </Link>
            ) : null}
            <span>
              Page {page} of {pages}
            </span>
            {page < pages ? (
              <Link to={pageLink(page + 1)} className="text-blue-800 underline">
                Older deliveries
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
}
