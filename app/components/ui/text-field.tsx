import type { FieldMetadata } from "@conform-to/react";
import type { InputHTMLAttributes } from "react";
import { firstError, textOf } from "./form.ts";
import { FieldError, inputClass } from "./page.tsx";

type TextFieldProps = {
  id: string;
  label: string;
  field: FieldMetadata<unknown>;
  /** What the field shows before anything was submitted. */
  fallback?: string;
} & Pick<InputHTMLAttributes<HTMLInputElement>, "type" | "autoComplete" | "required">;

/**
 * A labelled input of a conform form, with its message tied to it for screen readers. It shows what was
 * last submitted (never for passwords: the server does not send them back).
 */
export function TextField({ id, label, field, fallback = "", type = "text", autoComplete, required = true }: TextFieldProps) {
  const message = firstError(field.errors);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={field.name}
        type={type}
        autoComplete={autoComplete}
        required={required}
        defaultValue={type === "password" ? undefined : textOf(field.initialValue) || fallback}
        className={inputClass}
        aria-describedby={`${id}-error`}
        aria-invalid={message ? true : undefined}
      />
      <FieldError id={`${id}-error`} message={message} />
    </div>
  );
}

/** A labelled text area of a conform form, with an optional hint after its label and its message tied to it. */
export function TextAreaField({
  id,
  label,
  hint,
  field,
  rows = 3,
  labelClassName = "block font-semibold",
}: {
  id: string;
  label: string;
  hint?: string;
  field: FieldMetadata<unknown>;
  rows?: number;
  labelClassName?: string;
}) {
  const message = firstError(field.errors);
  return (
    <div>
      <label htmlFor={id} className={labelClassName}>
        {label} {hint ? <span className="font-normal text-slate-600">({hint})</span> : null}
      </label>
      <textarea
        id={id}
        name={field.name}
        rows={rows}
        defaultValue={textOf(field.initialValue)}
        className={inputClass}
        aria-describedby={`${id}-error`}
        aria-invalid={message ? true : undefined}
      />
      <FieldError id={`${id}-error`} message={message} />
    </div>
  );
}
