import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { QueueMembers } from "~/components/queues/members.tsx";
import { QueueForm } from "~/components/queues/queue-form.tsx";
import { doneMessage } from "~/components/queues/notices.ts";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import { userActor } from "~/modules/auth/actor.ts";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import {
  addMember,
  closeQueue,
  deleteQueue,
  getQueue,
  globalDeadlineHours,
  QueueChange,
  QueueError,
  removeMember,
  reopenQueue,
  updateQueue,
} from "~/modules/queue/queues.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.queue.name ?? "Queue"} · Docket` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  const queue = await getQueue(params.queueId ?? "");
  if (!queue) throw notFound("That queue does not exist or was deleted.");
  return json({ queue, defaults: globalDeadlineHours() });
}

/** Carries out one form of the page; answers where to go next. */
async function carryOut(actor: ReturnType<typeof userActor>, id: string, input: QueueChange): Promise<string> {
  const here = `/queues/${encodeURIComponent(id)}`;
  switch (input.intent) {
    case "update": {
      const { changed } = await updateQueue(actor, id, input);
      return `${here}?done=${changed.length > 0 ? "updated" : "unchanged"}`;
    }
    case "close": {
      const queue = await getQueue(id);
      const waiting = (queue?.waiting ?? 0) + (queue?.waitingAppeals ?? 0);
      if (waiting > 0 && input.confirm !== "on") {
        throw new QueueError("invalid", `Closing makes the ${waiting} open items and appeals waiting here unrouted: tick the box to confirm.`, {
          confirm: ["Tick to confirm that these items become unrouted."],
        });
      }
      const { unroutedItems } = await closeQueue(actor, id);
      return unroutedItems === null ? `${here}?done=already_closed` : `${here}?done=closed&n=${unroutedItems}`;
    }
    case "reopen":
      return `${here}?done=${(await reopenQueue(actor, id)).reopened ? "reopened" : "already_open"}`;
    case "delete":
      await deleteQueue(actor, id);
      return "/queues?deleted=1";
    case "add_member":
      return `${here}?done=${(await addMember(actor, id, input.userId)).added ? "member_added" : "already_member"}`;
    case "remove_member": {
      const { removed, unassignedItems } = await removeMember(actor, id, input.userId);
      return removed ? `${here}?done=member_removed&n=${unassignedItems}` : `${here}?done=not_member`;
    }
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, QueueChange);
  if (submission.status !== "success") return invalidForm(submission);
  try {
    return redirect(await carryOut(userActor(user), params.queueId ?? "", submission.value));
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    return refuseForm(submission, { status: error.status, code: error.code, message: error.message, fieldErrors: error.fieldErrors });
  }
}

export default function QueuePage() {
  const { queue, defaults } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const refusal = refusalMessage(result);
  const [params] = useSearchParams();
  const done = doneMessage(params.get("done"), Number(params.get("n") ?? 0));
  const addError = lastResultOf(result, "add_member")?.error?.userId?.[0];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/queues" className="text-blue-800 hover:underline">
          Queues
        </Link>{" "}
        /
      </p>
      <PageHeader
        title={queue.name}
        description={
          <>
            {queue.open ? "Open: routing may send items here." : "Closed: routing sends nothing here until it is reopened."} {queue.waiting} open item
            {queue.waiting === 1 ? "" : "s"} waiting, {queue.members.length} member{queue.members.length === 1 ? "" : "s"}.
          </>
        }
      />
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      {done && !refusal ? <Notice tone="success">{done}</Notice> : null}

      <section aria-labelledby="edit" className="mb-8 max-w-2xl rounded border border-slate-200 bg-white p-4">
        <h2 id="edit" className="mb-1 text-lg font-semibold">
          Definition
        </h2>
        <p className="mb-4 text-sm text-slate-600">Deadline hours apply to items routed here from now on; items already waiting keep their deadlines.</p>
        <QueueForm
          id="edit-queue"
          intent="update"
          submitLabel="Save changes"
          lastResult={lastResultOf(result, "update")}
          current={{ name: queue.name, description: queue.description, deadlineHours: queue.deadlineHours }}
          defaults={defaults}
        />
      </section>

      <section aria-labelledby="members" className="mb-8">
        <h2 id="members" className="mb-2 text-lg font-semibold">
          Members
        </h2>
        <p className="mb-3 text-sm text-slate-600">Only members claim this queue&apos;s items. Removing someone takes back the items assigned to them here.</p>
        <QueueMembers members={queue.members} candidates={queue.candidates} addError={addError} />
      </section>

      <section aria-labelledby="status" className="mb-8 max-w-2xl rounded border border-slate-200 bg-white p-4">
        <h2 id="status" className="mb-2 text-lg font-semibold">
          Open, close or delete
        </h2>
        <Form method="post" className="mb-4">
          <input type="hidden" name="intent" value={queue.open ? "close" : "reopen"} />
          <p className="mb-2 text-sm text-slate-700">
            {queue.open
              ? "Closing stops routing to this queue and makes its open items unrouted (anyone holding one may still finish it)."
              : "Reopening lets routing send items here again; items unrouted when it closed stay unrouted."}
          </p>
          {queue.open && queue.waiting + queue.waitingAppeals > 0 ? (
            <p className="mb-2 flex items-center gap-2 text-sm">
              <input type="checkbox" id="close-confirm" name="confirm" required />
              <label htmlFor="close-confirm">
                I understand that the {waitingWords(queue.waiting, queue.waitingAppeals)} waiting here will become unrouted.
              </label>
            </p>
          ) : null}
          <button type="submit" className={secondaryButtonClass}>
            {queue.open ? "Close queue" : "Reopen queue"}
          </button>
        </Form>
        <Form method="post">
          <input type="hidden" name="intent" value="delete" />
          <p className="mb-2 text-sm text-slate-700">
            {queue.waiting > 0
              ? `A queue can be deleted only when no open item waits in it; ${queue.waiting} do now.`
              : "Deleting removes the queue from routing and its members; decided items and the audit log keep its name."}
          </p>
          <button type="submit" className="rounded border border-red-300 bg-white px-3 py-1.5 text-sm text-red-800 hover:bg-red-50">
            Delete queue
          </button>
        </Form>
      </section>
    </>
  );
}

const waitingWords = (items: number, appeals: number) =>
  [items > 0 ? `${items} open item${items === 1 ? "" : "s"}` : "", appeals > 0 ? `${appeals} open appeal${appeals === 1 ? "" : "s"}` : ""]
    .filter(Boolean)
    .join(" and ");
