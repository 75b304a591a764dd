import { json } from "@remix-run/node";
import type { ZodError } from "zod";

export type ApiIssue = { path: string; message: string };

/** Every API error has one shape: `{ error: { code, message, issues } }`. */
export function apiError(status: number, code: string, message: string, issues: ApiIssue[] = [], headers?: HeadersInit) {
  return json({ error: { code, message, issues } }, { status, headers });
}

export function zodIssues(error: ZodError, prefix = ""): ApiIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join("."),
    message: i.message,
  }));
}

export function badRequest(error: ZodError, message = "The request is invalid; see issues.") {
  return apiError(400, "invalid_request", message, zodIssues(error));
}

/** Reads a JSON body, refusing more than `limit` bytes even when no Content-Length was sent. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw apiError(413, "payload_too_large", `The body is over the ${limit}-byte limit.`);
  if (!request.body) throw apiError(400, "invalid_json", "The request has no body; send JSON.");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw apiError(413, "payload_too_large", `The body is over the ${limit}-byte limit.`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw apiError(400, "invalid_json", "The body is not valid JSON.");
  }
}
