// A decision that replaces another: an appeal's overturn or modification, or a lead's correction after
// a quality review. It is a new decision on the item (its own audit event, its own statement of reasons
// in the feed) that names the one it supersedes; the replaced decision stays on record as it was.
import type { Tx } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import type { LabelView } from "~/modules/labels/types.ts";
import type { DecisionAction } from "./actions.ts";
import { loadItem, snapshotOf } from "./decide.server.ts";

export type Supersession = {
  item: NonNullable<Awaited<ReturnType<typeof loadItem>>>;
  userId: string;
  supersedes: string;
  action: DecisionAction;
  labels: LabelView[];
  versionId: string | null;
  rationale: string;
  appealId?: string;
  qualityReviewId?: string;
  byLead?: boolean;
  now: Date;
};

/**
 * Writes the replacing decision inside the caller's transaction: the audit event first (its sequence
 * number is the decision's), then the row and its labels. Supersession is unique per decision, so a
 * second replacement of the same decision fails the transaction rather than forking the chain.
 */
export async function writeSupersedingDecision(tx: Tx, actor: Actor, s: Supersession): Promise<string> {
  const decisionId = newId();
  const labelKeys = s.labels.map((l) => l.key);
  const event = await appendAuditEvent(tx, {
    actor,
    action: "decision.made",
    subjectType: "item",
    subjectId: s.item.id,
    payload: {
      decisionId,
      itemId: s.item.id,
      externalId: s.item.externalId,
      action: s.action,
      labelKeys,
      versionId: s.versionId,
      rationale: s.rationale,
      copyOf: null,
      supersedes: s.supersedes,
      ...(s.appealId ? { appealId: s.appealId } : {}),
      ...(s.qualityReviewId ? { qualityReviewId: s.qualityReviewId } : {}),
    },
  });
  await tx.decision.create({
    data: {
      id: decisionId,
      seq: event.seq,
      itemId: s.item.id,
      userId: s.userId,
      versionId: s.versionId,
      action: s.action,
      rationale: s.rationale,
      labelKeys: JSON.stringify(labelKeys),
      snapshot: JSON.stringify(snapshotOf(s.item)),
      supersedesId: s.supersedes,
      appealId: s.appealId ?? null,
      qualityReviewId: s.qualityReviewId ?? null,
      byLead: s.byLead ?? false,
      createdAt: s.now,
    },
  });
  if (s.labels.length > 0) await tx.decisionLabel.createMany({ data: s.labels.map((l) => ({ decisionId, labelId: l.id })) });
  return decisionId;
}
