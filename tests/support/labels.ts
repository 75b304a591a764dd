import { randomUUID } from "node:crypto";
import { db, transaction } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { userActor } from "~/modules/auth/actor.ts";

export const leadActor = (user: { id: string; email: string; role: string }): Actor => userActor(user as never);

/**
 * A decision as the decisions module stores it: the version it was made under and one
 * DecisionLabel row per applied label of that version, with its audit event in the same transaction.
 */
export async function insertDecision(moderator: { id: string; email: string; role: string }, versionId: string, labelKeys: string[]) {
  const labels = await db.label.findMany({ where: { versionId, key: { in: labelKeys } } });
  if (labels.length !== labelKeys.length) throw new Error(`labels ${labelKeys.join(", ")} not all in version ${versionId}`);
  return transaction(async (tx) => {
    const now = new Date();
    const item = await tx.item.create({
      data: {
        id: randomUUID(),
        platform: "test",
        externalId: `post-${randomUUID().slice(0, 8)}`,
        type: "text",
        body: "A news-style report about the fictional Northern Ember Front.",
        state: "decided",
        strongestSource: "user_report",
        topReason: "violent_extremism",
        firstFlaggedAt: now,
        lastFlaggedAt: now,
        decidedAt: now,
      },
    });
    const id = randomUUID();
    const event = await appendAuditEvent(tx, {
      actor: userActor(moderator as never),
      action: "decision.made",
      subjectType: "item",
      subjectId: item.id,
      payload: { decisionId: id, itemId: item.id, externalId: item.externalId, action: "keep", labelKeys, versionId, rationale: "", copyOf: null },
    });
    await tx.decision.create({
      data: {
        id,
        seq: event.seq,
        itemId: item.id,
        userId: moderator.id,
        versionId,
        action: "keep",
        labelKeys: JSON.stringify(labelKeys),
        snapshot: JSON.stringify({ item: { id: item.id } }),
        createdAt: now,
      },
    });
    await tx.decisionLabel.createMany({ data: labels.map((l) => ({ decisionId: id, labelId: l.id })) });
    return { decisionId: id, itemId: item.id };
  });
}
