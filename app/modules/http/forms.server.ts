import type { Submission, SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json } from "@remix-run/node";
import { z } from "zod";
import { unstorableText } from "~/modules/intake/unicode.ts";
import { apiError, type ApiIssue } from "./errors.server.ts";

/**
 * What a console form answers when it refuses a submission: the error shape every 4xx has, and
 * beside it the form library's reply (submitted values and per-field messages), so the page
 * renders the form again with its errors, with or without JavaScript.
 */
export type FormRefusal = { error: { code: string; message: string; issues: ApiIssue[] }; form: SubmissionResult<string[]> };

/**
 * Parses a submitted form with a zod schema, through conform (which reads repeated and nested
 * names) without its coercion: the schemas are shared with the API and the command line, and keep
 * their own messages for empty fields. The browser checks forms the same way (components/ui/form.ts).
 */
export async function parseSubmission<S extends z.ZodTypeAny>(request: Request, schema: S) {
  return parseWithZod(await readFormData(request), { schema: storable(schema), disableAutoCoercion: true });
}

/**
 * Refuses text the database cannot store exactly as sent (PostgreSQL text cannot hold NUL), beside
 * its field, as intake does. A password is never stored, so it may hold anything.
 */
function storable<S extends z.ZodTypeAny>(schema: S) {
  // On the whole payload, not the schema's output: some forms read fields their schema does not list.
  const checked = z.unknown().superRefine((payload, ctx) => {
    for (const [path, text] of stringsIn(payload)) {
      const problem = path[0] === "password" ? null : unstorableText(path.join("."), text);
      if (problem) ctx.addIssue({ code: "custom", path, message: problem });
    }
  });
  return checked.pipe(schema);
}

function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}

// A body that is not a form (JSON, plain text, a multipart body without its boundary) cannot be read
// as one: that is the sender's mistake, answered in the error shape, not a server error.
async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw apiError(415, "unsupported_media_type", "Send this form as application/x-www-form-urlencoded or multipart/form-data.");
  }
}

export type Refusal = {
  status: number;
  code: string;
  message: string;
  /** Messages for the form's fields, by field name. */
  fieldErrors?: Record<string, string[]>;
  /** Messages for the form as a whole. */
  formErrors?: string[];
  /** The issues to report, when they say more than the field messages (paths into a whole document). */
  issues?: ApiIssue[];
};

/** A 4xx for a console form: the error shape, with the reply the form renders from. */
export function refuseForm(submission: Submission<unknown, string[], unknown>, refusal: Refusal, init?: { headers?: HeadersInit }) {
  // A password is never sent back, not even to the person who typed it.
  const form = submission.reply({ fieldErrors: refusal.fieldErrors, formErrors: refusal.formErrors, hideFields: ["password"] });
  const issues: ApiIssue[] =
    refusal.issues ?? Object.entries(form.error ?? {}).flatMap(([path, messages]) => (messages ?? []).map((message) => ({ path: path || "form", message })));
  return json<FormRefusal>({ error: { code: refusal.code, message: refusal.message, issues }, form }, { status: refusal.status, headers: init?.headers });
}

/** The usual refusal of a submission that failed its schema. */
export function invalidForm(submission: Submission<unknown, string[], unknown>, message = "Check the highlighted fields.") {
  return refuseForm(submission, { status: 400, code: "invalid_form", message });
}
