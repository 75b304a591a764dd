import { json } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server.ts";
import type { ApiClient } from "~/modules/auth/guard.server.ts";
import { ApiIssue } from "~/modules/api/error-shape.ts";
import { apiError, badRequest, readJsonBody, zodIssues } from "~/modules/http/errors.server.ts";
import { ingestFlags, type IntakeSender } from "./ingest.server.ts";
import { BatchEnvelope, FlagRequest } from "./schema.ts";

const senderFor = (client: ApiClient): IntakeSender => ({
  platform: client.platform,
  apiKeyId: client.id,
  actor: { kind: "api_key", id: client.id, name: client.name },
});

/** What intake answers for one flag taken (the single call, and each accepted batch entry). */
export const FlagTaken = z.object({
  itemId: z.string().describe("The item the flag is attached to: flags about the same content share one item."),
  flagId: z.string(),
  newItem: z.boolean().describe("Whether this flag created the item."),
  clusterId: z.string().nullable().describe("Near-duplicate items share a cluster id."),
});

/** POST /api/v1/flags: 201 for a new flag, 200 with the same ids when its externalId was already taken. */
export async function receiveFlag(request: Request, client: ApiClient) {
  const body = await readJsonBody(request, env.DOCKET_MAX_BODY_BYTES);
  const parsed = FlagRequest.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error, "The flag is invalid; nothing was stored. See issues.");
  const [result] = await ingestFlags(senderFor(client), [parsed.data], "single");
  const answer = { itemId: result.itemId, flagId: result.flagId, newItem: result.newItem, clusterId: result.clusterId } satisfies z.input<typeof FlagTaken>;
  return json(answer, { status: result.duplicate ? 200 : 201 });
}

export const BatchEntryResult = z.discriminatedUnion("status", [
  FlagTaken.extend({ index: z.number().int(), status: z.literal(201).describe("A new flag.") }),
  FlagTaken.extend({ index: z.number().int(), status: z.literal(200).describe("A flag whose externalId was already taken: the same ids.") }),
  z.object({
    index: z.number().int(),
    status: z.literal(400),
    error: z.object({ code: z.literal("invalid_flag"), message: z.string(), issues: z.array(ApiIssue) }),
  }),
]);
export type BatchEntryResult = z.infer<typeof BatchEntryResult>;

/** POST /api/v1/flags/batch: the counts, then one answer per entry in the order sent. */
export const BatchAnswer = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  refused: z.number().int(),
  results: z.array(BatchEntryResult),
});

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
  } satisfies z.input<typeof BatchAnswer>);
}

export const methodNotAllowed = (allowed: string) => apiError(405, "method_not_allowed", `Use ${allowed} on this endpoint.`, [], { Allow: allowed });
