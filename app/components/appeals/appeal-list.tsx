import { Form, Link } from "@remix-run/react";
import { Deadline } from "~/components/queue/deadline.tsx";
import { SourceBadge } from "~/components/queue/source-badge.tsx";
import { OutcomeBadge } from "~/components/audit/format.tsx";
import { inputClass, secondaryButtonClass } from "~/components/ui/page.tsx";
import { APPELLANT_ROLE_WORDS, CHANNEL_WORDS, OUTCOME_WORDS, wordFor } from "./words.ts";

export type AppealRow = {
  id: string;
  appellantRole: string;
  channel: string;
  state: string;
  outcome: string | null;
  receivedAt: string;
  dueAt: string;
  decidedAt: string | null;
  queueId: string | null;
  routeNote: string | null;
  overdue: boolean;
  inReview: boolean;
  decision: { id: string; action: string; labelKeys: string[] };
  item: { id: string; externalId: string; title: string | null; strongestSource: string };
};

/**
 * The appeals as a table: deadline (overdue marked), who appeals and how it came, the contested action
 * and labels, the item, and where it stands. An unrouted appeal shows why; a lead can move it here.
 */
export function AppealList({
  appeals,
  queues,
  now,
  canMove,
}: {
  appeals: AppealRow[];
  queues: { id: string; name: string; open: boolean }[];
  now: string;
  canMove: boolean;
}) {
  const queueName = new Map(queues.map((q) => [q.id, q.name]));
  if (appeals.length === 0) return <p className="rounded border border-slate-200 bg-white p-3 text-sm text-slate-600">No appeals match.</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Appeals with their deadline, appellant, contested decision, item and state</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Appeal
            </th>
            <th scope="col" className="px-3 py-2">
              Deadline
            </th>
            <th scope="col" className="px-3 py-2">
              Appellant
            </th>
            <th scope="col" className="px-3 py-2">
              Contested decision
            </th>
            <th scope="col" className="px-3 py-2">
              Item
            </th>
            <th scope="col" className="px-3 py-2">
              Queue
            </th>
            <th scope="col" className="px-3 py-2">
              State
            </th>
          </tr>
        </thead>
        <tbody>
          {appeals.map((a) => (
            <tr key={a.id} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-3 py-2 text-left font-medium">
                <Link to={`/appeals/${a.id}`} className="text-blue-800 underline">
                  Appeal of {a.receivedAt.slice(0, 10)}
                </Link>
              </th>
              <td className="px-3 py-2 whitespace-nowrap">
                {a.state === "open" ? (
                  <>
                    <Deadline dueAt={a.dueAt} now={now} />
                    {a.overdue ? <span className="ml-1 rounded bg-red-100 px-1.5 text-xs font-semibold text-red-900">overdue</span> : null}
                  </>
                ) : (
                  <span className="text-slate-600">answered {a.decidedAt ? a.decidedAt.slice(0, 10) : ""}</span>
                )}
              </td>
              <td className="px-3 py-2">
                {wordFor(APPELLANT_ROLE_WORDS, a.appellantRole)}
                <span className="block text-xs text-slate-600">{wordFor(CHANNEL_WORDS, a.channel)}</span>
              </td>
              <td className="px-3 py-2">
                <OutcomeBadge action={a.decision.action} />
                <span className="block font-mono text-xs">{a.decision.labelKeys.join(", ") || "no labels"}</span>
              </td>
              <td className="px-3 py-2">
                <span className="block break-words">{a.item.title || a.item.externalId}</span>
                <SourceBadge source={a.item.strongestSource} />
              </td>
              <td className="px-3 py-2">
                {a.queueId ? (
                  (queueName.get(a.queueId) ?? a.queueId)
                ) : (
                  <>
                    <span className="rounded bg-amber-100 px-1.5 text-xs font-semibold text-amber-900">unrouted</span>
                    {a.routeNote ? <span className="block text-xs text-slate-600">{a.routeNote}</span> : null}
                  </>
                )}
                {canMove && a.state === "open" ? <MoveForm appealId={a.id} queues={queues} /> : null}
              </td>
              <td className="px-3 py-2">
                {a.state === "decided" ? <span className="font-medium">{wordFor(OUTCOME_WORDS, a.outcome)}</span> : a.inReview ? "in review" : "waiting"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MoveForm({ appealId, queues }: { appealId: string; queues: { id: string; name: string; open: boolean }[] }) {
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-blue-800 underline">Move to a queue</summary>
      <Form method="post" action={`/appeals/${appealId}`} className="mt-1 grid gap-1">
        <input type="hidden" name="intent" value="move" />
        <label htmlFor={`move-queue-${appealId}`} className="text-xs font-medium">
          Queue
        </label>
        <select id={`move-queue-${appealId}`} name="queueId" className={inputClass}>
          {queues
            .filter((q) => q.open)
            .map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
        </select>
        <label htmlFor={`move-reason-${appealId}`} className="text-xs font-medium">
          Why it moves
        </label>
        <input id={`move-reason-${appealId}`} name="reason" required minLength={3} className={inputClass} />
        <button type="submit" className={secondaryButtonClass}>
          Move
        </button>
      </Form>
    </details>
  );
}
