import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { lastResultOf, refusalMessage } from "~/components/ui/form.ts";
import { buttonClass, inputClass, Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Access } from "~/modules/auth/capabilities.ts";
import { requireCapability } from "~/modules/auth/guard.server.ts";
import { notFound } from "~/modules/http/errors.server.ts";
import { invalidForm, parseSubmission, refuseForm } from "~/modules/http/forms.server.ts";
import { STATE_NAMES } from "~/modules/items/lifecycle.ts";
import { AssignmentRefusedError, assignItem, handOver, moveItem, unassignItem } from "~/modules/queue/assignment.server.ts";
import { PlacementIntent } from "~/modules/queue/placement-intent.ts";
import { itemPlacement } from "~/modules/queue/placement.server.ts";

export const access: Access = { kind: "user", capability: "queue:manage" };
export const meta: MetaFunction = () => [{ title: "Queue and assignment · Docket" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCapability(request, "queue:manage");
  const placement = await itemPlacement(params.itemId ?? "");
  if (!placement) throw notFound("That item does not exist.");
  return json({ ...placement, now: new Date().toISOString() });
}

const DONE: Record<PlacementIntent["intent"], string> = {
  move: "Moved: the item waits in its new queue.",
  assign: "Assigned: the item waits first in that member's Next item.",
  unassign: "Assignment ended: any member of the queue can take the item.",
  hand_over: "Handed over: the holder's lease ended and the item waits first in the new member's Next item.",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCapability(request, "queue:manage");
  const submission = await parseSubmission(request, PlacementIntent);
  if (submission.status !== "success") return invalidForm(submission);
  const itemId = params.itemId ?? "";
  const input = submission.value;
  try {
    if (input.intent === "move") await moveItem(user, { itemId, queueId: input.queueId, reason: input.reason });
    else if (input.intent === "assign") await assignItem(user, { itemId, assigneeId: input.assigneeId, reason: input.reason });
    else if (input.intent === "unassign") await unassignItem(user, { itemId, reason: input.reason });
    else await handOver(user, { itemId, toUserId: input.assigneeId, reason: input.reason });
  } catch (e) {
    if (!(e instanceof AssignmentRefusedError)) throw e;
    return refuseForm(submission, {
      status: e.status,
      code: e.status === 404 ? "not_found" : e.status === 409 ? "conflict" : "invalid_form",
      message: e.message,
      fieldErrors: e.field ? { [e.field]: [e.message] } : undefined,
    });
  }
  return redirect(`/items/${encodeURIComponent(itemId)}/queue?done=${input.intent}`);
}

export default function ItemPlacement() {
  const { item, queue, members, queues, assignee, holder, now } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const refusal = refusalMessage(result);
  const errorsOf = (intent: string) => (lastResultOf(result, intent)?.error ?? {}) as Record<string, string[] | undefined>;
  const [params] = useSearchParams();
  const done = DONE[params.get("done") as PlacementIntent["intent"]];
  const open = item.state === "pending" || item.state === "escalated";
  const held = !!holder && !!item.leaseExpiresAt && item.leaseExpiresAt > now;
  const others = members.filter((m) => m.id !== item.claimedById);
  return (
    <>
      <PageHeader title="Queue and assignment" description={item.title || item.externalId} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      {refusal ? <Notice tone="error">{refusal}</Notice> : null}
      <dl className="mb-6 grid gap-x-6 gap-y-2 rounded border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">State</dt>
        <dd>{STATE_NAMES[item.state]}</dd>
        <dt className="font-medium">Queue</dt>
        <dd>
          {queue ? (
            <>
              {queue.name}
              {queue.deletedAt ? " (deleted)" : !queue.open ? " (closed)" : ""}
            </>
          ) : open ? (
            <span className="font-semibold text-amber-800">Unrouted</span>
          ) : (
            "none"
          )}
          {item.routeNote ? <span className="block text-slate-600">{item.routeNote}</span> : null}
        </dd>
        <dt className="font-medium">Source</dt>
        <dd>
          <SourceBadge source={item.strongestSource} /> <span className="text-slate-600">{item.topReason}</span>
        </dd>
        <dt className="font-medium">Deadline</dt>
        <dd>
          <Deadline dueAt={item.dueAt} now={now} />
        </dd>
        <dt className="font-medium">Assigned to</dt>
        <dd>{assignee ? `${assignee.name} (${assignee.email})` : "nobody"}</dd>
        <dt className="font-medium">Held by</dt>
        <dd>{held ? `${holder.name} (${holder.email}) until ${item.leaseExpiresAt!.slice(11, 16)} UTC` : "nobody"}</dd>
      </dl>
      <p className="mb-6 text-sm">
        <Link to={`/review/${item.id}`} className="text-blue-800 underline">
          Open the item
        </Link>
      </p>
      {open ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <PlacementForm intent="move" title="Move to another queue" submit="Move" errors={errorsOf("move")}>
            <label htmlFor="move-queue" className="block text-sm font-medium">
              Queue
            </label>
            <select
              id="move-queue"
              name="queueId"
              required
              className={inputClass}
              defaultValue=""
              aria-invalid={errorsOf("move").queueId ? true : undefined}
              aria-describedby={errorsOf("move").queueId ? "move-queueId-error" : undefined}
            >
              <option value="" disabled>
                Choose a queue
              </option>
              {queues
                .filter((q) => q.id !== item.queueId)
                .map((q) => (
                  <option key={q.id} value={q.id} disabled={!q.open}>
                    {q.name}
                    {q.open ? "" : " (closed)"}
                  </option>
                ))}
            </select>
            <FieldError id="move-queueId-error" errors={errorsOf("move").queueId} />
          </PlacementForm>
          {queue ? (
            held ? (
              <PlacementForm intent="hand_over" title="Hand over to another member" submit="Hand over" errors={errorsOf("hand_over")}>
                <MemberSelect id="handover-member" members={others} errors={errorsOf("hand_over")} />
              </PlacementForm>
            ) : (
              <PlacementForm intent="assign" title={assignee ? "Assign to someone else" : "Assign to a member"} submit="Assign" errors={errorsOf("assign")}>
                <MemberSelect id="assign-member" members={members.filter((m) => m.id !== item.assignedToId)} errors={errorsOf("assign")} />
              </PlacementForm>
            )
          ) : null}
          {assignee ? <PlacementForm intent="unassign" title="End the assignment" submit="End the assignment" errors={errorsOf("unassign")} secondary /> : null}
        </div>
      ) : (
        <p className="text-sm text-slate-600">A decided item waits in no queue; a removal order or an appeal reopens it.</p>
      )}
    </>
  );
}

function PlacementForm(props: {
  intent: string;
  title: string;
  submit: string;
  errors: Record<string, string[] | undefined>;
  secondary?: boolean;
  children?: React.ReactNode;
}) {
  const reasonId = `${props.intent}-reason`;
  return (
    <Form method="post" className="space-y-2 rounded border border-slate-200 bg-white p-4" aria-labelledby={`${props.intent}-title`}>
      <h2 id={`${props.intent}-title`} className="font-semibold">
        {props.title}
      </h2>
      <input type="hidden" name="intent" value={props.intent} />
      {props.children}
      <label htmlFor={reasonId} className="block text-sm font-medium">
        Reason (goes on the record)
      </label>
      <input
        id={reasonId}
        name="reason"
        required
        minLength={3}
        maxLength={500}
        className={inputClass}
        aria-invalid={props.errors.reason ? true : undefined}
        aria-describedby={props.errors.reason ? `${reasonId}-error` : undefined}
      />
      <FieldError id={`${reasonId}-error`} errors={props.errors.reason} />
      <button type="submit" className={props.secondary ? secondaryButtonClass : buttonClass}>
        {props.submit}
      </button>
    </Form>
  );
}

function MemberSelect({
  id,
  members,
  errors,
}: {
  id: string;
  members: { id: string; name: string; email: string; role: string }[];
  errors: Record<string, string[] | undefined>;
}) {
  return (
    <>
      <label htmlFor={id} className="block text-sm font-medium">
        Member of the item's queue
      </label>
      <select
        id={id}
        name="assigneeId"
        required
        className={inputClass}
        defaultValue=""
        aria-invalid={errors.assigneeId ? true : undefined}
        aria-describedby={errors.assigneeId ? `${id}-error` : undefined}
      >
        <option value="" disabled>
          Choose a member
        </option>
        {members.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} ({m.email})
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} errors={errors.assigneeId} />
    </>
  );
}

function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  return errors?.[0] ? (
    <p id={id} className="text-sm text-red-800">
      {errors[0]}
    </p>
  ) : null;
}
