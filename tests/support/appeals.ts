import { randomUUID } from "node:crypto";
import { db } from "~/db.server.ts";
import { receiveAppeal, type AppealSender } from "~/modules/appeals/intake.server.ts";
import type { AppellantRole } from "~/modules/appeals/standing.ts";

/** The platform "test" sending appeals through its API (what the HTTP route does, without HTTP). */
export const appealSender: AppealSender = {
  platform: "test",
  actor: { kind: "system", name: "test appeals" },
  apiKeyId: null,
  recordedById: null,
  channel: "api",
};

/** An appeal against a decision made by `makeDecision`, by its author (for a removal) or its notifier (for a keep). */
export async function appealAgainst(
  made: { decision: { id: string; action: string }; externalId: string },
  overrides: { role?: AppellantRole; appellantId?: string; externalId?: string; statement?: string; receivedAt?: Date } = {},
) {
  const role = overrides.role ?? (made.decision.action === "keep" ? "notifier" : "content_author");
  const appellantId = overrides.appellantId ?? (role === "notifier" ? `reporter-${made.externalId}` : `author-${made.externalId}`);
  return receiveAppeal(appealSender, {
    externalId: overrides.externalId ?? `appeal-${randomUUID().slice(0, 12)}`,
    decisionId: made.decision.id,
    appellant: { role, externalId: appellantId },
    statement: overrides.statement ?? "Fictional test appeal: the post reported on the made-up group, it did not praise it.",
    receivedAt: overrides.receivedAt,
  });
}

/** The label ids of the live starter set by key. */
export async function liveLabelIds(): Promise<Map<string, string>> {
  const labels = await db.label.findMany({ where: { version: { status: "published" } }, select: { id: true, key: true } });
  return new Map(labels.map((l) => [l.key, l.id]));
}
