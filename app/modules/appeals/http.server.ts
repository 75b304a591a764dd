import { json } from "@remix-run/node";
import { z } from "zod";
import { env } from "~/env.server.ts";
import type { ApiClient } from "~/modules/auth/guard.server.ts";
import { apiError, badRequest, readJsonBody } from "~/modules/http/errors.server.ts";
import { AppealError } from "./errors.ts";
import { receiveAppeal } from "./intake.server.ts";
import { AppealRequest } from "./schema.ts";

/** An appeal refusal in the one error shape. */
export const appealRefusal = (e: AppealError) => apiError(e.status, e.code, e.message, e.path ? [{ path: e.path, message: e.message }] : []);

/** What POST /api/v1/appeals answers for an appeal received. */
export const AppealReceived = z.object({
  appealId: z.string().describe("Ask GET /api/v1/appeals/{appealId} for its outcome."),
  dueAt: z.string().datetime().describe("When the appeal is due to be answered."),
});

/** POST /api/v1/appeals: 201 for a new appeal, 200 with the same ids when its externalId was already received. */
export async function receiveAppealRequest(request: Request, client: ApiClient) {
  const body = await readJsonBody(request, env.DOCKET_MAX_BODY_BYTES);
  const parsed = AppealRequest.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error, "The appeal is invalid; nothing was stored. See issues.");
  try {
    const result = await receiveAppeal(
      { platform: client.platform, actor: { kind: "api_key", id: client.id, name: client.name }, apiKeyId: client.id, recordedById: null, channel: "api" },
      parsed.data,
    );
    const answer = { appealId: result.appealId, dueAt: result.dueAt.toISOString() } satisfies z.input<typeof AppealReceived>;
    return json(answer, { status: result.created ? 201 : 200 });
  } catch (e) {
    if (e instanceof AppealError) return appealRefusal(e);
    throw e;
  }
}
