import { currentTime } from "~/modules/clock/clock.ts";
import { db } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import type { Actor } from "~/modules/audit/writer.server.ts";
import { AppealError } from "./errors.ts";
import { receiveAppeal, type ReceivedAppeal } from "./intake.server.ts";
import { RECORDED_PREFIX, type RecordAppealForm } from "./schema.ts";

/**
 * A lead records an appeal that arrived by email, letter or phone: the same admissibility rules and
 * the same queue as one from the API, with the channel and the lead on the record. The lead's
 * reference (a letter's number) makes a second entry of the same letter answer the first.
 */
export async function recordAppeal(lead: Extract<Actor, { kind: "user" }>, form: RecordAppealForm, now: Date = currentTime()): Promise<ReceivedAppeal> {
  const receivedAt = new Date(form.receivedAt);
  if (Number.isNaN(receivedAt.getTime())) throw new AppealError(400, "invalid_request", "The time received is not a date and time.", "receivedAt");
  if (!form.decisionId === !form.itemExternalId) {
    throw new AppealError(
      400,
      "invalid_request",
      "Name the contested decision by its id, or the item whose latest decision is contested (one of the two).",
      "decisionId",
    );
  }
  return receiveAppeal(
    { platform: form.platform, actor: lead, apiKeyId: null, recordedById: lead.id, channel: form.channel },
    {
      externalId: `${RECORDED_PREFIX}${form.reference || newId()}`,
      decisionId: form.decisionId || undefined,
      itemExternalId: form.itemExternalId || undefined,
      appellant: { role: form.role, externalId: form.appellantId },
      statement: form.statement,
      receivedAt,
    },
    now,
  );
}

/** The platforms an appeal can be recorded for: those with items in Docket. */
export async function recordablePlatforms(): Promise<string[]> {
  const rows = await db.item.findMany({ distinct: ["platform"], select: { platform: true }, orderBy: { platform: "asc" } });
  return rows.map((r) => r.platform);
}
