import type { SerializeFrom } from "@remix-run/node";
import { Form, Link, useSearchParams } from "@remix-run/react";
import { formatTime } from "~/components/labels/label-details.tsx";
import { lastResultOf, refusalMessage, textOf } from "~/components/ui/form.ts";
import { Notice, PageHeader, secondaryButtonClass } from "~/components/ui/page.tsx";
import type { draftEditor } from "~/modules/routing/draft.server.ts";
import type { RoutingRule } from "~/modules/routing/rules.ts";
import { StartDraftButton } from "./draft-start.tsx";
import { PublishPanel } from "./publish-panel.tsx";
import { RuleForm } from "./rule-form.tsx";
import { conditionsSentence, queueInWords, stageInWords, type QueueNames } from "./rule-words.ts";

export type RoutingDraftData = SerializeFrom<Awaited<ReturnType<typeof draftEditor>>>;

/** The server's issues for a refused publish, by field. */
function publishErrors(actionData: unknown): { changeNote?: string; acknowledgeWarnings?: string } {
  if (!lastResultOf(actionData, "publish") && !lastResultOf(actionData, "note")) return {};
  const issues = (actionData as { error: { issues?: { path: string; message: string }[] } }).error.issues ?? [];
  return {
    changeNote: issues.find((i) => i.path === "changeNote")?.message,
    acknowledgeWarnings: issues.find((i) => i.path === "acknowledgeWarnings")?.message,
  };
}

const CHANGE_NAMES = { new: "New", changed: "Changed", moved: "Moved" } as const;

/** The draft of the routing rules: each rule editable in place, reordering, adding, publishing. */
export function RoutingDraftEditor({ data, actionData }: { data: RoutingDraftData; actionData: unknown }) {
  const { draft, live, queues, labelSets, warnings, changes } = data;
  const [search] = useSearchParams();
  const refusal = refusalMessage(actionData);
  const saved = lastResultOf(actionData, "save");
  if (!draft) {
    return (
      <>
        <PageHeader
          title="Routing: no draft"
          description="Rules change in a draft copied from the live version. Nothing changes for intake or escalations until the draft is published."
        />
        {refusal ? <Notice tone="error">{refusal}</Notice> : null}
        <StartDraftButton live={live} />
      </>
    );
  }
  const rules = draft.rules as RoutingRule[];
  const names: QueueNames = Object.fromEntries(queues.map((q) => [q.id, q]));
  const savedRuleId = saved ? textOf(saved.initialValue?.ruleId) || null : undefined;
  const editing = search.get("rule");
  const adding = search.get("new") !== null || savedRuleId === null;
  const published = lastResultOf(actionData, "publish") ?? lastResultOf(actionData, "note");
  const base = "/routing/draft";
  const savedName = (id: string | null) => rules.find((r) => r.id === id)?.name ?? "the rule";

  return (
    <>
      <PageHeader
        title={`Routing: draft version ${draft.number}`}
        description={`Started ${formatTime(draft.createdAt)}${draft.createdBy ? ` by ${draft.createdBy}` : ""}. Items keep being routed by ${live ? `version ${live.number}` : "no rules"} until this draft is published. Rules are tried in order; the first that matches decides the queue.`}
        actions={
          live ? (
            <Link to={`/routing/diff?from=${live.number}&to=${draft.number}`} className={secondaryButtonClass}>
              Review changes against version {live.number}
            </Link>
          ) : null
        }
      />
      {search.get("saved") ? <Notice tone="success">Saved “{savedName(search.get("saved"))}” in the draft.</Notice> : null}
      {search.get("unchanged") ? <Notice>Nothing changed in “{savedName(search.get("unchanged"))}”.</Notice> : null}
      {search.get("removed") ? <Notice tone="success">Removed “{search.get("removed")}” from the draft.</Notice> : null}
      {search.get("note") ? <Notice tone="success">Saved the change note.</Notice> : null}
      {refusal && !saved ? <Notice tone="error">{refusal}</Notice> : null}

      <section aria-labelledby="rules-title" className="mb-6">
        <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
          <h2 id="rules-title" className="text-lg font-semibold">
            Rules <span className="text-sm font-normal text-slate-600">({rules.length})</span>
          </h2>
          <Link to={`${base}?new=1#new-rule`} className={secondaryButtonClass}>
            Add a rule
          </Link>
        </div>
        {rules.length === 0 ? (
          <p className="rounded border border-slate-200 bg-white p-4 text-sm">No rules yet: with none, every item waits on the unrouted list.</p>
        ) : null}
        <ol className="space-y-3">
          {rules.map((rule, i) => {
            const change = changes[rule.id];
            const open = editing === rule.id || savedRuleId === rule.id;
            return (
              <li key={rule.id} id={`rule-${rule.id}`} className="rounded border border-slate-200 bg-white p-4">
                <h3 className="flex flex-wrap items-baseline gap-2 font-semibold">
                  <span className="tabular-nums text-slate-600">{i + 1}.</span> {rule.name}
                  {change ? <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">{CHANGE_NAMES[change]}</span> : null}
                </h3>
                <p className="mt-1 text-sm">
                  {stageInWords(rule.stage)}. {conditionsSentence(rule)} Sends to <strong>{queueInWords(rule.queueId, names)}</strong>.
                </p>
                {open ? (
                  <div className="mt-3 border-t border-slate-100 pt-3">
                    <RuleForm
                      idPrefix={`rule-${rule.id}`}
                      draftId={draft.id}
                      rule={rule}
                      lastResult={savedRuleId === rule.id ? saved : undefined}
                      queues={queues}
                      labelSets={labelSets}
                      cancelTo={`${base}#rule-${rule.id}`}
                    />
                  </div>
                ) : (
                  <div className="mt-3 flex flex-wrap gap-2">
                    <Link to={`${base}?rule=${rule.id}#rule-${rule.id}`} className={secondaryButtonClass}>
                      Edit<span className="sr-only"> {rule.name}</span>
                    </Link>
                    {(["up", "down"] as const).map((direction) =>
                      (direction === "up" ? i > 0 : i < rules.length - 1) ? (
                        <Form method="post" key={direction}>
                          <input type="hidden" name="intent" value="move" />
                          <input type="hidden" name="versionId" value={draft.id} />
                          <input type="hidden" name="ruleId" value={rule.id} />
                          <input type="hidden" name="direction" value={direction} />
                          <button type="submit" className={secondaryButtonClass}>
                            Move {direction}
                            <span className="sr-only"> {rule.name}</span>
                          </button>
                        </Form>
                      ) : null,
                    )}
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="versionId" value={draft.id} />
                      <input type="hidden" name="ruleId" value={rule.id} />
                      <button type="submit" className={secondaryButtonClass}>
                        Remove<span className="sr-only"> {rule.name}</span>
                      </button>
                    </Form>
                  </div>
                )}
              </li>
            );
          })}
        </ol>
        {adding ? (
          <div id="new-rule" className="mt-3 rounded border border-blue-200 bg-white p-4">
            <h3 className="mb-3 font-semibold">New rule (added last)</h3>
            <RuleForm
              idPrefix="new-rule"
              draftId={draft.id}
              rule={null}
              lastResult={savedRuleId === null ? saved : undefined}
              queues={queues}
              labelSets={labelSets}
              cancelTo={base}
            />
          </div>
        ) : null}
      </section>

      <PublishPanel
        draft={{ id: draft.id, number: draft.number }}
        warnings={warnings}
        changeNote={published ? textOf(published.initialValue?.changeNote) : draft.changeNote}
        errors={publishErrors(actionData)}
      />
    </>
  );
}
