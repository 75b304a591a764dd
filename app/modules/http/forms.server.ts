import type { z } from "zod";

export type FieldErrors = Record<string, string>;

/** Parses a submitted form with a zod schema, returning typed data or per-field messages. */
export async function parseForm<S extends z.ZodTypeAny>(
  request: Request,
  schema: S,
): Promise<{ ok: true; data: z.infer<S>; form: FormData } | { ok: false; errors: FieldErrors; form: FormData }> {
  const form = await request.formData();
  const values: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    values[key] = key.endsWith("[]") ? all : all[0];
  }
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, form };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "form";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, form };
}
