import { json } from "@remix-run/node";
import type { ZodError, z } from "zod";
import type { ErrorBody as ErrorBodySchema, ApiIssue as ApiIssueSchema } from "~/modules/api/error-shape.ts";

export type ApiIssue = z.infer<typeof ApiIssueSchema>;

/**
 * The one shape of every refusal Docket sends, from the console and the API alike: a stable
 * machine-readable code, a sentence a person can act on, and the offending fields (often none).
 */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function errorBody(code: string, message: string, issues: ApiIssue[] = []): ErrorBody {
  return { error: { code, message, issues } };
}

/**
 * A refusal as a response. Routes `throw` it from loaders so that document requests render the root
 * error page (which shows `message`) and data and API requests receive the JSON itself.
 */
export function apiError(status: number, code: string, message: string, issues: ApiIssue[] = [], headers?: HeadersInit) {
  return json(errorBody(code, message, issues), { status, headers });
}

export const notFound = (message: string) => apiError(404, "not_found", message);

export const forbidden = (message: string) => apiError(403, "forbidden", message);

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
