import type { ReactNode } from "react";
import type { RoutingRule } from "~/modules/routing/rules.ts";
import { conditionsSentence, queueInWords, stageInWords, type QueueNames } from "./rule-words.ts";

/** Rules in the order routing tries them (first match wins), each in words. */
export function RulesTable({
  rules,
  queues,
  caption,
  actions,
}: {
  rules: RoutingRule[];
  queues: QueueNames;
  caption: string;
  actions?: (rule: RoutingRule, index: number) => ReactNode;
}) {
  if (rules.length === 0) return <p className="rounded border border-slate-200 bg-white p-4 text-sm">No rules: every item waits on the unrouted list.</p>;
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2">
              Order
            </th>
            <th scope="col" className="px-3 py-2">
              Rule
            </th>
            <th scope="col" className="px-3 py-2">
              Applies to
            </th>
            <th scope="col" className="px-3 py-2">
              Conditions
            </th>
            <th scope="col" className="px-3 py-2">
              Sends to queue
            </th>
            {actions ? (
              <th scope="col" className="px-3 py-2">
                Actions
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, i) => {
            const queue = queues[rule.queueId];
            const unusable = !queue || queue.deleted || !queue.open;
            return (
              <tr key={rule.id} id={`rule-${rule.id}`} className="border-t border-slate-100 align-top">
                <td className="px-3 py-2 tabular-nums">{i + 1}</td>
                <th scope="row" className="px-3 py-2 text-left font-medium">
                  {rule.name}
                </th>
                <td className="px-3 py-2">{stageInWords(rule.stage)}</td>
                <td className="px-3 py-2">{conditionsSentence(rule)}</td>
                <td className={`px-3 py-2 ${unusable ? "font-medium text-red-800" : ""}`}>
                  {queueInWords(rule.queueId, queues)}
                  {unusable ? <span className="sr-only">: items this rule matches stay unrouted</span> : null}
                </td>
                {actions ? <td className="px-3 py-2">{actions(rule, i)}</td> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
