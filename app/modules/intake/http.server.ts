import { json } from "@remix-run/node";
import { env } from "~/env.server.ts";
import type { ApiClient } from "~/modules/auth/guard.server.ts";
import { apiError, badRequest, readJsonBody, zodIssues, type ApiIssue } from "~/modules/http/errors.server.ts";
import { ingestFlags, type IntakeSender } from "./ingest.server.ts";
import { BatchEnvelope, FlagRequest } from "./schema.ts";

const senderFor = (client: ApiClient): IntakeSender => ({
  platform: client.platform,
  apiKeyId: client.id,
  actor: { kind: "api_key", id: client.id, name: client.name },
});

/** POST /api/v1/flags: 201 for a new flag, 200 with the same ids when its externalId was already taken. */
export async function receiveFlag(request: Request, client: ApiClient) {
  const body = await readJsonBody(request, env.DOCKET_MAX_BODY_BYTES);
  const parsed = FlagRequest.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error, "The flag is invalid; nothing was stored. See issues.");
  const [result] = await ingestFlags(senderFor(client), [parsed.data], "single");
  return json({ itemId: result.itemId, flagId: result.flagId, newItem: result.newItem, clusterId: result.clusterId }, { status: result.duplicate ? 200 : 201 });
}

export type BatchEntryResult =
  | { index: number; status: 200 | 201; itemId: string; flagId: string; newItem: boolean; clusterId: string | null }
  | { index: number; status: 400; error: { code: "invalid_flag"; message: string; issues: ApiIssue[] } };

/** POST /api/v1/flags/batch: each entry is answered on its own; bad entries are refused, good ones taken. */
export async function receiveBatch(request: Request, client: ApiClient) {
  const body = await readJsonBody(request, env.DOCKET_MAX_BATCH_BODY_BYTES);
  const envelope = BatchEnvelope.safeParse(body);
  if (!envelope.success) return badRequest(envelope.error, "The batch is invalid; nothing was stored. See issues.");
  const answers: (BatchEntryResult | null)[] = [];
  const good: { index: number; data: FlagRequest }[] = [];
  envelope.data.flags.forEach((entry, index) => {
    const parsed = FlagRequest.safeParse(entry);
    if (parsed.success) {
      good.push({ index, data: parsed.data });
      answers.push(null);
    } else {
      answers.push({
        index,
        status: 400,
        error: { code: "invalid_flag", message: `Entry ${index} is invalid and was refused.`, issues: zodIssues(parsed.error, `flags.${index}`) },
      });
    }
  });
  const refused = answers.length - good.length;
  if (good.length > 0) {
    const results = await ingestFlags(
      senderFor(client),
      good.map((g) => g.data),
      "batch",
      refused,
    );
    results.forEach((r, i) => {
      answers[good[i].index] = {
        index: good[i].index,
        status: r.duplicate ? 200 : 201,
        itemId: r.itemId,
        flagId: r.flagId,
        newItem: r.newItem,
        clusterId: r.clusterId,
      };
    });
  }
  const list = answers as BatchEntryResult[];
  return json({
    accepted: list.filter((a) => a.status === 201).length,
    duplicates: list.filter((a) => a.status === 200).length,
    refused,
    results: list,
  });
}

export const methodNotAllowed = (allowed: string) => apiError(405, "method_not_allowed", `Use ${allowed} on this endpoint.`, [], { Allow: allowed });
