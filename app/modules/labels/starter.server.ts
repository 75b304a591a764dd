import { currentTime } from "~/modules/clock/clock.ts";
import { bumpRoutingGeneration } from "~/modules/routing/live.server.ts";
import { randomUUID } from "node:crypto";
import { db, transaction } from "~/db.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import starter from "./starter-violent-extremism.json";

/**
 * Publishes the starter violent-extremism set as version 1 unless a set with its key exists.
 * Used by demo mode and by fresh installs that want the starter policy.
 */
export async function ensureStarterLabelSet(actor: Actor): Promise<{ created: boolean; versionId: string }> {
  const existing = await db.labelSet.findUnique({
    where: { key: starter.key },
    include: { versions: { where: { status: "published" }, select: { id: true } } },
  });
  if (existing) return { created: false, versionId: existing.versions[0]?.id ?? "" };
  try {
    return await createStarter(actor);
  } catch (error) {
    // Two processes starting demo mode at once: the set's unique key lets one create it.
    const raced = await db.labelSet.findUnique({
      where: { key: starter.key },
      include: { versions: { where: { status: "published" }, select: { id: true } } },
    });
    if (raced) return { created: false, versionId: raced.versions[0]?.id ?? "" };
    throw error;
  }
}

function createStarter(actor: Actor): Promise<{ created: boolean; versionId: string }> {
  return transaction(async (tx) => {
    await bumpRoutingGeneration(tx);
    const setId = randomUUID();
    const versionId = randomUUID();
    const now = currentTime();
    await tx.labelSet.create({
      data: { id: setId, key: starter.key, name: starter.name, description: starter.description, reasons: JSON.stringify(starter.reasons) },
    });
    await tx.labelSetVersion.create({
      data: {
        id: versionId,
        labelSetId: setId,
        number: 1,
        status: "published",
        changeNote: starter.changeNote,
        createdById: actor.kind === "user" ? actor.id : null,
        publishedAt: now,
        publishedById: actor.kind === "user" ? actor.id : null,
      },
    });
    await tx.label.createMany({
      data: starter.labels.map((l, position) => ({
        id: randomUUID(),
        versionId,
        key: l.key,
        name: l.name,
        group: l.group as "allowed" | "violating" | "process",
        position,
        definition: l.definition,
        cues: JSON.stringify(l.cues),
        notWhen: l.notWhen,
        positiveExamples: JSON.stringify(l.positiveExamples),
        negativeExamples: JSON.stringify(l.negativeExamples),
        severity: l.severity,
        defaultAction: l.defaultAction,
        rationaleRequired: l.rationaleRequired,
        sorCategory: l.sor?.category ?? null,
        sorKeywords: JSON.stringify(l.sor?.keywords ?? []),
        sorGround: l.sor?.ground ?? null,
      })),
    });
    await appendAuditEvent(tx, {
      actor,
      action: "label_set.imported",
      subjectType: "label_set",
      subjectId: setId,
      payload: { setKey: starter.key, versionId, number: 1, labels: starter.labels.length, published: true },
    });
    return { created: true, versionId };
  });
}
