import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { z } from "zod";

/**
 * Checks a form in the browser before sending it, with the schema the server uses and the way the
 * server parses (modules/http/forms.server.ts): empty fields stay empty strings, so a schema's own
 * message for an empty field ("Enter a name.") is the one people read.
 */
export function validateWith<S extends z.ZodTypeAny>(schema: S) {
  return ({ formData }: { formData: FormData }) => parseWithZod(formData, { schema, disableAutoCoercion: true });
}

/** The shape a console form's refusal has (see modules/http/forms.server.ts). */
type Refused = { error: { code: string; message: string }; form: SubmissionResult<string[]> };

function isRefused(data: unknown): data is Refused {
  return typeof data === "object" && data !== null && "form" in data && "error" in data;
}

/** The form library's last result from an action's answer, when the form with this intent sent it. */
export function lastResultOf(data: unknown, intent?: string): SubmissionResult<string[]> | undefined {
  if (!isRefused(data)) return undefined;
  if (intent !== undefined && data.form.initialValue?.intent !== intent) return undefined;
  return data.form;
}

/** The refusal's message, to show above the form. */
export function refusalMessage(data: unknown): string | undefined {
  return isRefused(data) ? data.error.message : undefined;
}

/** The first message for a field, from the form library's field metadata. */
export const firstError = (errors: string[] | undefined) => errors?.[0];

/** A submitted text value to fill a field with again (conform keeps them as strings or lists). */
export function textOf(value: unknown): string {
  return typeof value === "string" ? value : "";
}
