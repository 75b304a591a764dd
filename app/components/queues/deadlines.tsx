import type { FieldMetadata } from "@conform-to/react";
import { firstError, textOf } from "~/components/ui/form.ts";
import { FieldError } from "~/components/ui/page.tsx";
import { SOURCE_NAMES } from "~/modules/items/sources.ts";
import { DEADLINE_KEYS, type DeadlineKey } from "~/modules/routing/rules.ts";

export type Hours = Partial<Record<DeadlineKey, number>>;
export type GlobalHours = Record<DeadlineKey, number | null>;

const KEY_NAMES: Record<DeadlineKey, string> = { ...SOURCE_NAMES, appeal: "Appeals" };

const hint = (key: DeadlineKey, defaults: GlobalHours) =>
  key === "removal_order"
    ? "At most 1 hour (TCO Art. 3(3)); a queue may only shorten it."
    : key === "appeal"
      ? `Global default: ${formatHours(defaults.appeal)}. An appeal against a removal under a removal order is answered within two weeks whatever this says (TCO Art. 10).`
      : `Global default: ${formatHours(defaults[key])}.`;

export const formatHours = (h: number | null | undefined) => (h === null || h === undefined ? "no deadline" : `${h} h`);

/** A queue's deadline per source beside the global default it replaces (or "default" where it sets none). */
export function DeadlineList({ hours, defaults }: { hours: Hours; defaults: GlobalHours }) {
  return (
    <ul className="space-y-0.5 text-xs">
      {DEADLINE_KEYS.map((s) => (
        <li key={s}>
          <span className="text-slate-600">{KEY_NAMES[s]}:</span>{" "}
          {hours[s] === undefined ? (
            <span>
              {formatHours(defaults[s])} <span className="text-slate-500">{"(default)"}</span>
            </span>
          ) : (
            <span className="font-medium">
              {formatHours(hours[s])} <span className="font-normal text-slate-500">{`(default ${formatHours(defaults[s])})`}</span>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * One hours field per source; empty means the global default, which each field names. A removal
 * order's hour is set by law, so its field only accepts something shorter.
 */
export function DeadlineFields({
  idPrefix,
  fields,
  current,
  defaults,
}: {
  idPrefix: string;
  fields: Record<DeadlineKey, FieldMetadata<unknown>>;
  current: Hours;
  defaults: GlobalHours;
}) {
  return (
    <fieldset className="grid gap-3 sm:grid-cols-2">
      <legend className="mb-2 text-sm font-medium">Deadline hours per source and for appeals (leave empty for the global default)</legend>
      {DEADLINE_KEYS.map((s) => {
        const field = fields[s];
        const id = `${idPrefix}-hours-${s}`;
        const message = firstError(field.errors);
        const submitted = field.initialValue;
        const value = submitted === undefined ? (current[s] === undefined ? "" : String(current[s])) : textOf(submitted);
        return (
          <div key={s}>
            <label htmlFor={id} className="block text-sm">
              {KEY_NAMES[s]}
            </label>
            <input
              id={id}
              name={field.name}
              inputMode="decimal"
              defaultValue={value}
              placeholder={`default: ${formatHours(defaults[s])}`}
              className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
              aria-describedby={`${id}-hint ${id}-error`}
              aria-invalid={message ? true : undefined}
            />
            <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
              {hint(s, defaults)}
            </p>
            <FieldError id={`${id}-error`} message={message} />
          </div>
        );
      })}
    </fieldset>
  );
}
