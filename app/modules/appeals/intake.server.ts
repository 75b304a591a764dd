import { currentTime } from "~/modules/clock/clock.ts";
import { createHash } from "node:crypto";
import { db, isUniqueViolation, transaction, type Tx } from "~/db.server.ts";
import { env } from "~/env.server.ts";
import { clusterSizes } from "~/modules/clusters/sizes.server.ts";
import { newId } from "~/modules/ids.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { canTransition, TRANSITIONS } from "~/modules/items/lifecycle.ts";
import { holdRoutingGeneration, routingContext, subjectOf } from "~/modules/routing/live.server.ts";
import { routeItem } from "~/modules/routing/rules.ts";
import { AppealError } from "./errors.ts";
import { appealDueAt, latestDecision, lockItem } from "./item.server.ts";
import { admissibility, type AppellantRole } from "./standing.ts";

/** Who sends the appeal: a platform through its API key, or a lead recording one on its behalf. */
export type AppealSender = {
  platform: string;
  actor: Actor;
  apiKeyId: string | null;
  recordedById: string | null;
  channel: string;
};

export type AppealIntake = {
  externalId: string;
  decisionId?: string;
  itemExternalId?: string;
  appellant: { role: AppellantRole; externalId: string };
  statement: string;
  receivedAt?: Date;
};

export type ReceivedAppeal = { appealId: string; dueAt: Date; created: boolean };

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The same appeal sent again answers the first one; the same externalId for a different appeal is a conflict. */
async function replayOf(sender: AppealSender, input: AppealIntake, client: Tx | typeof db = db): Promise<ReceivedAppeal | null> {
  const prior = await client.appeal.findUnique({
    where: { platform_externalId: { platform: sender.platform, externalId: input.externalId } },
    select: { id: true, dueAt: true, decisionId: true, appellantRole: true, appellantId: true, item: { select: { externalId: true } } },
  });
  if (!prior) return null;
  const sameTarget = input.decisionId ? prior.decisionId === input.decisionId : prior.item.externalId === input.itemExternalId;
  if (!sameTarget || prior.appellantRole !== input.appellant.role || prior.appellantId !== input.appellant.externalId) {
    throw new AppealError(
      409,
      "external_id_reused",
      `externalId ${input.externalId} already names appeal ${prior.id}, by another appellant or against another decision; use a new externalId.`,
      "externalId",
    );
  }
  return { appealId: prior.id, dueAt: prior.dueAt, created: false };
}

/**
 * Receives an appeal: checks it is admissible, routes it with the live rules' appeal stage, sets its
 * deadline from the queue it lands in, marks the item appealed and records `appeal.received`, in one
 * transaction. A replay of the same externalId answers the appeal it made (also when two arrive at
 * once: the unique key lets one in and the other reads it).
 */
export async function receiveAppeal(sender: AppealSender, input: AppealIntake, now: Date = currentTime()): Promise<ReceivedAppeal> {
  const replay = await replayOf(sender, input);
  if (replay) return replay;
  try {
    return await transaction((tx) => receiveIn(tx, sender, input, now));
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const raced = await replayOf(sender, input);
    if (raced) return raced;
    throw new AppealError(409, "appeal_open", "This appellant already has an open appeal against that decision; its answer will cover this one.", "appellant");
  }
}

async function receiveIn(tx: Tx, sender: AppealSender, input: AppealIntake, now: Date): Promise<ReceivedAppeal> {
  // The routing lock first (shared), then the item: the lock order of every routing.
  await holdRoutingGeneration(tx);
  const contested = await findContested(tx, sender.platform, input);
  const item = contested.item;
  await lockItem(tx, item.id);
  // Under the item's lock: a copy of this appeal that arrived at the same moment may have just been
  // stored, and it must be answered as a replay, not refused as a second open appeal.
  const replay = await replayOf(sender, input, tx);
  if (replay) return replay;
  const [latest, state, reporters] = await Promise.all([
    latestDecision(tx, item.id),
    tx.item.findUniqueOrThrow({ where: { id: item.id }, select: { state: true } }),
    tx.flag.findMany({
      where: { itemId: item.id, reporterId: { not: null }, createdAt: { lte: contested.createdAt } },
      select: { reporterId: true },
      distinct: ["reporterId"],
    }),
  ]);
  const receivedAt = input.receivedAt ?? now;
  const refusal = admissibility(
    {
      id: contested.id,
      action: contested.action,
      createdAt: contested.createdAt,
      latestDecisionId: latest?.id ?? contested.id,
      itemState: state.state,
      authorExternalId: item.authorExternalId,
      reporterIds: new Set(reporters.map((r) => r.reporterId!)),
    },
    input.appellant,
    receivedAt,
    now,
    env.DOCKET_APPEAL_WINDOW_MONTHS,
  );
  if (refusal) throw new AppealError(refusal.status, refusal.code, refusal.message, refusal.path);
  // One appeal per person and decision: an open one will be answered, and an answered one was the
  // internal review Art. 20 owes (what remains is out-of-court settlement, Art. 21, named in its answer).
  const earlier = await tx.appeal.findFirst({
    where: { decisionId: contested.id, appellantRole: input.appellant.role, appellantId: input.appellant.externalId },
    orderBy: { state: "asc" },
    select: { id: true, state: true },
  });
  if (earlier?.state === "open") {
    throw new AppealError(
      409,
      "appeal_open",
      `This appellant already has an open appeal against that decision (appeal ${earlier.id}); its answer will cover this one.`,
      "appellant",
    );
  }
  if (earlier) {
    throw new AppealError(
      409,
      "already_answered",
      `This appellant's appeal against that decision was answered (appeal ${earlier.id}); a decision is reviewed once on an appellant's complaint. Its answer names out-of-court dispute settlement.`,
      "appellant",
    );
  }

  const routing = await routingContext(tx);
  const copies = routing.usesCopies && item.clusterId ? ((await clusterSizes(tx, [item.clusterId])).get(item.clusterId) ?? 0) : 0;
  const route = routeItem(routing.version, routing.queues, subjectOf(item, "appeal", routing, copies >= 2));
  const queueHours = route.queueId ? routing.queues.get(route.queueId)?.deadlineHours.appeal : undefined;
  const dueAt = await appealDueAt(tx, { receivedAt, itemId: item.id, contestedAction: contested.action }, queueHours);

  const appealId = newId();
  await tx.appeal.create({
    data: {
      id: appealId,
      platform: sender.platform,
      externalId: input.externalId,
      decisionId: contested.id,
      itemId: item.id,
      appellantRole: input.appellant.role,
      appellantId: input.appellant.externalId,
      statement: input.statement,
      channel: sender.channel,
      receivedAt,
      dueAt,
      queueId: route.queueId,
      routedBy: route.routedBy,
      routeNote: route.note,
      apiKeyId: sender.apiKeyId,
      recordedById: sender.recordedById,
      createdAt: now,
    },
  });
  if (canTransition("appeal", state.state)) {
    await tx.item.update({ where: { id: item.id }, data: { state: TRANSITIONS.appeal.to } });
  }
  await appendAuditEvent(tx, {
    actor: sender.actor,
    action: "appeal.received",
    subjectType: "appeal",
    subjectId: appealId,
    payload: {
      appealId,
      externalId: input.externalId,
      platform: sender.platform,
      decisionId: contested.id,
      itemId: item.id,
      appellantRole: input.appellant.role,
      statementDigest: digest(input.statement),
      channel: sender.channel,
      receivedAt,
      dueAt,
      queueId: route.queueId,
      routingVersion: routing.version?.number ?? null,
      note: route.note,
    },
  });
  return { appealId, dueAt, created: true };
}

const contestedSelect = {
  id: true,
  action: true,
  createdAt: true,
  item: {
    select: {
      id: true,
      platform: true,
      externalId: true,
      authorExternalId: true,
      clusterId: true,
      strongestSource: true,
      countsByReason: true,
      language: true,
      type: true,
      queueId: true,
    },
  },
} as const;

/** The decision named, on the sender's platform: another platform's decision is as unknown as a missing one. */
async function findContested(tx: Tx, platform: string, input: AppealIntake) {
  if (input.decisionId) {
    const decision = await tx.decision.findUnique({ where: { id: input.decisionId }, select: contestedSelect });
    if (!decision || decision.item.platform !== platform) {
      throw new AppealError(404, "not_found", "This platform has no decision with that decisionId.", "decisionId");
    }
    return decision;
  }
  const item = await tx.item.findUnique({ where: { platform_externalId: { platform, externalId: input.itemExternalId! } }, select: { id: true } });
  if (!item) throw new AppealError(404, "not_found", "This platform has no item with that itemExternalId.", "itemExternalId");
  const decision = await tx.decision.findFirst({ where: { itemId: item.id }, orderBy: { seq: "desc" }, select: contestedSelect });
  if (!decision) throw new AppealError(404, "not_found", "That item has no decision yet; there is nothing to appeal.", "itemExternalId");
  return decision;
}
