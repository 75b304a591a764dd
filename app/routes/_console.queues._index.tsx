import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DeadlineList } from "~/components/queues/deadlines.tsx";
import { QueueForm } from "~/components/queues/queue-form.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader } from "~/components/ui/page.tsx";
import { userActor } from "~/modules/auth/actor.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { createQueue, globalDeadlineHours, listQueues, NewQueueForm, QueueError } from "~/modules/queue/queues.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Queues · Docket" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  return json({ ...(await listQueues()), defaults: globalDeadlineHours() });
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, NewQueueForm);
  if (submission.status !== "success") return invalidForm(submission);
  try {
    const queue = await createQueue(userActor(user), submission.value);
    return redirect(`/queues/${queue.id}?done=created`);
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    return refuseForm(submission, { status: error.status, code: error.code, message: error.message, fieldErrors: error.fieldErrors });
  }
}

export default function Queues() {
  const { queues, unrouted, defaults } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const refusal = refusalMessage(result);
  const [params] = useSearchParams();
  const deleted = params.get("deleted");
  return (
    <>
      <PageHeader
        title="Queues"
        description="Where routed items wait and who works them. Each queue may set its own deadline per flag source; where it sets none, the global default applies."
      />
      {deleted !== null ? <Notice tone="success">The queue was deleted. Its decided items and its audit events keep its name.</Notice> : null}
      {unrouted > 0 ? (
        <Notice>
          {unrouted} open item{unrouted === 1 ? "" : "s"} wait{unrouted === 1 ? "s" : ""} outside any queue (unrouted).
        </Notice>
      ) : null}
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Live queues</caption>
          <thead className="bg-slate-50 text-left">
            <tr>
              <th scope="col" className="px-3 py-2">
                Queue
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Members
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Waiting
              </th>
              <th scope="col" className="px-3 py-2">
                Deadlines
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.id} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2">
                  <Link to={`/queues/${q.id}`} className="font-medium text-blue-800 hover:underline">
                    {q.name}
                  </Link>
                  {q.description ? <div className="text-slate-600">{q.description}</div> : null}
                </td>
                <td className="px-3 py-2">{q.open ? "Open" : <span className="text-amber-800">Closed</span>}</td>
                <td className="px-3 py-2 text-right">{q.members}</td>
                <td className="px-3 py-2 text-right">{q.waiting}</td>
                <td className="px-3 py-2">
                  <DeadlineList hours={q.deadlineHours} defaults={defaults} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {queues.length === 0 ? <p className="p-3 text-sm">No queues yet: create one below, then point a routing rule at it.</p> : null}
      </div>

      <section aria-labelledby="new-queue" className="mt-8 max-w-2xl rounded border border-slate-200 bg-white p-4">
        <h2 id="new-queue" className="mb-4 text-lg font-semibold">
          Create a queue
        </h2>
        {refusal ? <Notice tone="error">{refusal}</Notice> : null}
        <QueueForm
          id="new-queue-form"
          intent="create"
          submitLabel="Create queue"
          lastResult={lastResultOf(result, "create")}
          current={{ name: "", description: "", deadlineHours: {} }}
          defaults={defaults}
        />
      </section>
    </>
  );
}
