import { z } from "zod";
import type { Actor } from "~/modules/audit/writer.server.ts";
import type { Refusal } from "~/modules/http/forms.server.ts";
import { httpStatusOf, importLabelSet, LabelSetError } from "./editor.server.ts";

type Upload = { size: number; text(): Promise<string> };
const isUpload = (v: unknown): v is Upload => typeof v === "object" && v !== null && "size" in v && typeof (v as Upload).text === "function";

/** The import page's form: a JSON file, or the JSON pasted. */
export const ImportForm = z.object({
  file: z.custom<Upload>(isUpload).optional(),
  json: z.string().max(5_000_000).optional(),
});

export type ImportOutcome = { redirect: string } | { refused: Refusal };

const refused = (status: number, code: string, message: string, issues: { path: string; message: string }[]): ImportOutcome => ({
  refused: { status, code, message, issues, fieldErrors: { json: issues.map((i) => i.message) } },
});

/** Imports the uploaded (or pasted) set as a draft; the lead reviews and publishes it. */
export async function importSubmitted(actor: Actor, input: z.infer<typeof ImportForm>): Promise<ImportOutcome> {
  const text = input.file && input.file.size > 0 ? await input.file.text() : (input.json ?? "");
  if (!text.trim()) return refused(400, "invalid_form", "Choose a JSON file or paste the set's JSON.", [{ path: "json", message: "Nothing to import." }]);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return refused(400, "invalid_json", "That is not valid JSON; nothing was imported.", [{ path: "json", message: "The text could not be read as JSON." }]);
  }
  try {
    const result = await importLabelSet(actor, data);
    return { redirect: `/labels/${result.setId}/draft?imported=1` };
  } catch (error) {
    if (error instanceof LabelSetError) return { refused: { status: httpStatusOf(error), code: error.code, message: error.message, issues: error.issues } };
    throw error;
  }
}
