import type { SubmissionResult } from "@conform-to/react";
import { Form, Link } from "@remix-run/react";
import { secondaryButtonClass } from "~/components/ui/page.tsx";
import type { Issue } from "~/modules/labels/format.ts";
import type { LabelView } from "~/modules/labels/types.ts";
import { Badge } from "./label-details.tsx";
import { formValuesOf, LabelForm } from "./label-form.tsx";

/** The small forms that act on one label of the draft; each names the label, the draft and what to do. */
function LabelButton({
  draftId,
  labelId,
  intent,
  direction,
  disabled,
  label,
  children,
}: {
  draftId: string;
  labelId: string;
  intent: "move" | "retire" | "restore";
  direction?: "up" | "down";
  disabled?: boolean;
  label: string;
  children: string;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="versionId" value={draftId} />
      <input type="hidden" name="labelId" value={labelId} />
      {direction ? <input type="hidden" name="direction" value={direction} /> : null}
      <button type="submit" disabled={disabled} className={`${secondaryButtonClass} disabled:opacity-40`} aria-label={label}>
        {children}
      </button>
    </Form>
  );
}

/** One label of the draft: its name, key, state against the live version, its issues, its buttons, and its form while edited. */
export function LabelCard({
  label: l,
  draftId,
  first,
  last,
  issues,
  change,
  editing,
  lastResult,
  otherKeys,
  earlier,
  base,
}: {
  label: LabelView;
  draftId: string;
  first: boolean;
  last: boolean;
  issues: Issue[];
  change: "new" | "changed" | undefined;
  editing: boolean;
  lastResult: SubmissionResult<string[]> | undefined;
  otherKeys: string[];
  earlier: Record<string, string>;
  base: string;
}) {
  const removal = l.retired ? "Restore" : earlier[l.key] ? "Retire" : "Remove";
  return (
    <li
      id={`card-${l.id}`}
      className={`rounded border bg-white p-4 ${l.retired ? "border-dashed border-slate-300" : issues.length ? "border-red-300" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h3 className="flex flex-wrap items-baseline gap-2 font-semibold">
            <span>{l.name}</span>
            <code className="text-xs font-normal text-slate-600">{l.key}</code>
            {l.retired ? <Badge className="bg-slate-200 text-slate-700">Retired</Badge> : null}
            {change === "new" ? <Badge className="bg-blue-100 text-blue-900">New</Badge> : null}
            {change === "changed" ? <Badge className="bg-amber-100 text-amber-900">Changed</Badge> : null}
          </h3>
          {!editing ? <p className="mt-1 text-sm text-slate-700">{l.definition}</p> : null}
          {issues.length ? (
            <ul className="mt-2 text-sm text-red-700">
              {issues.map((issue, n) => (
                <li key={n}>{issue.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="flex flex-wrap gap-2">
          {!editing ? (
            <Link to={`${base}?label=${l.id}#card-${l.id}`} className={secondaryButtonClass} aria-label={`Edit ${l.name}`}>
              Edit
            </Link>
          ) : null}
          <LabelButton draftId={draftId} labelId={l.id} intent="move" direction="up" disabled={first} label={`Move ${l.name} up`}>
            ↑ Up
          </LabelButton>
          <LabelButton draftId={draftId} labelId={l.id} intent="move" direction="down" disabled={last} label={`Move ${l.name} down`}>
            ↓ Down
          </LabelButton>
          <LabelButton draftId={draftId} labelId={l.id} intent={l.retired ? "restore" : "retire"} label={`${removal} ${l.name}`}>
            {removal}
          </LabelButton>
        </div>
      </div>
      {editing ? (
        <div className="mt-4 border-t border-slate-100 pt-4">
          <LabelForm
            idPrefix={`l-${l.id.slice(0, 8)}`}
            labelId={l.id}
            draftId={draftId}
            values={formValuesOf(l)}
            lastResult={lastResult}
            otherKeys={otherKeys}
            earlierGroups={earlier}
            lockedKey={earlier[l.key] ? l.key : undefined}
            cancelTo={`${base}#card-${l.id}`}
          />
        </div>
      ) : null}
    </li>
  );
}
