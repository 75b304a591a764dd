import { currentTime } from "~/modules/clock/clock.ts";
import { db, dialect, type Tx } from "~/db.server.ts";
import { newId } from "~/modules/ids.ts";
import { literal, pgValue, pgWrite, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";
import type { AuditPayloadInput } from "~/modules/audit/events.ts";
import { prepareAuditEvent, sealOnPostgresSql, sealOnSqlite, type Actor, type PreparedEvent } from "~/modules/audit/writer.server.ts";
import {
  CLUSTER_CHUNK,
  clusterDecisionProgress,
  clusterStartOnPostgresSql,
  membersToDecide,
  newClusterStart,
  runClusterDecision,
  writeClusterStartOnSqlite,
  type ClusterDecisionProgress,
  type ClusterStart,
} from "~/modules/clusters/decide.server.ts";
import type { Role } from "~/modules/auth/capabilities.ts";
import { deadlineFromFlags } from "~/modules/queue/policy.ts";
import {
  deadlineHoursIn,
  GENERATION_SHARED_SQL,
  routingContextOnPostgres,
  routingContextOnSqlite,
  routedEvent,
  subjectOf,
  type RoutingContext,
} from "~/modules/routing/live.server.ts";
import { routeItem } from "~/modules/routing/rules.ts";
import {
  CLAIM_END,
  DECIDED_STATE,
  ESCALATED_STATE,
  decisionTransition,
  isLeaseLive,
  isOpen,
  mayCause,
  TRANSITIONS,
  type ItemState,
} from "~/modules/items/lifecycle.ts";
import { recentLiveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import type { LabelView, LiveLabelSet } from "~/modules/labels/types.ts";
import { sampleDecision } from "~/modules/quality/sample.server.ts";
import type { DecisionAction } from "./actions.ts";

export type Decider = { id: string; email: string; role: Role };

export type DecideInput = {
  itemId: string;
  claimId: string;
  action: DecisionAction;
  labelIds: string[];
  rationale: string;
  /** Decide the served item's cluster too: all its members in the item's state, or the selected ones. */
  cluster?: { memberIds: string[] | "all" };
};

/** The lease presented is not the item's live lease: nothing was written. */
export class LeaseConflictError extends Error {
  readonly status = 409;
}

/** The decision itself is incomplete or not allowed (missing rationale, unknown labels...). */
export class DecisionInvalidError extends Error {
  readonly status = 400;
  constructor(
    message: string,
    readonly field: "labelIds" | "rationale" | "action" | "form" = "form",
  ) {
    super(message);
  }
}

export type DecideResult = {
  decisionId: string;
  seq: number;
  state: ItemState;
  byLead: boolean;
  /** Members decided (so far, for a cluster decision still running in the background) and skipped. */
  copies: number;
  skippedCopies: number;
  cluster?: ClusterDecisionProgress;
};

type ItemWithFlags = NonNullable<Awaited<ReturnType<typeof loadItem>>>;

export function loadItem(tx: Tx | typeof db, itemId: string) {
  return tx.item.findUnique({ where: { id: itemId }, include: { flags: { orderBy: { receivedAt: "asc" } } } });
}

/** A decision's `decision.made` event, prepared for a write on the direct connection. */
export function decisionMadeEvent(
  actor: Actor,
  item: { id: string; externalId: string },
  payload: Omit<AuditPayloadInput<"decision.made">, "itemId" | "externalId">,
  now: Date,
): PreparedEvent {
  return prepareAuditEvent(
    { actor, action: "decision.made", subjectType: "item", subjectId: item.id, payload: { ...payload, itemId: item.id, externalId: item.externalId } },
    now,
  );
}

/** The item and its flags exactly as reviewed: what the audit trail shows for this decision. */
export function snapshotOf(item: ItemWithFlags) {
  return {
    itemId: item.id,
    platform: item.platform,
    externalId: item.externalId,
    type: item.type,
    title: item.title,
    body: item.body,
    url: item.url,
    mediaUrls: JSON.parse(item.mediaUrls) as string[],
    language: item.language,
    postedAt: item.postedAt?.toISOString() ?? null,
    author: { externalId: item.authorExternalId, handle: item.authorHandle },
    contentDigest: item.contentDigest,
    state: item.state,
    priority: item.priority,
    countsBySource: JSON.parse(item.countsBySource) as Record<string, number>,
    countsByReason: JSON.parse(item.countsByReason) as Record<string, number>,
    dueAt: item.dueAt?.toISOString() ?? null,
    strongestSource: item.strongestSource,
    topReason: item.topReason,
    firstFlaggedAt: item.firstFlaggedAt.toISOString(),
    flags: item.flags.map((f) => ({
      id: f.id,
      externalId: f.externalId,
      source: f.source,
      reason: f.reason,
      note: f.note,
      reporterId: f.reporterId,
      reference: f.reference,
      receivedAt: f.receivedAt.toISOString(),
      dueAt: f.dueAt?.toISOString() ?? null,
    })),
  };
}

/** Which live label version the decision is made under and which of its labels were chosen. */
export function resolveLabels(sets: LiveLabelSet[], input: Pick<DecideInput, "labelIds">): { versionId: string | null; labels: LabelView[] } {
  const ids = [...new Set(input.labelIds)];
  if (ids.length === 0) return { versionId: sets[0]?.versionId ?? null, labels: [] };
  const owning = sets.filter((s) => s.labels.some((l) => ids.includes(l.id)));
  if (owning.length !== 1) {
    throw new DecisionInvalidError(
      owning.length === 0
        ? "Those labels are not in the live label set for this item; reload the page to see the current version."
        : "Choose labels from one label set.",
      "labelIds",
    );
  }
  const set = owning[0];
  const labels = set.labels.filter((l) => ids.includes(l.id));
  if (labels.length !== ids.length) {
    throw new DecisionInvalidError("Some labels are no longer in the live label set; reload the page to see the current version.", "labelIds");
  }
  return { versionId: set.versionId, labels };
}

export function validateDecision(input: Pick<DecideInput, "action" | "rationale">, labels: LabelView[]) {
  if (input.action !== "escalate" && labels.length === 0) {
    throw new DecisionInvalidError("Choose at least one label that explains the decision.", "labelIds");
  }
  const needsRationale = input.action === "escalate" || labels.some((l) => l.group === "violating" || l.rationaleRequired);
  if (needsRationale && input.rationale.trim().length < 3) {
    throw new DecisionInvalidError(
      input.action === "escalate"
        ? "Say why this needs a policy lead: a rationale is required for escalations."
        : "A rationale is required for violating labels.",
      "rationale",
    );
  }
}

// Routing's "copies" condition: the size of the item's near-duplicate cluster.
const COPIES_SQL = `SELECT "size" AS "n" FROM "Cluster" WHERE "id" = ?`;
const COPIES_PG = `SELECT "size" AS "n" FROM "Cluster" WHERE "id" = $1`;

// The decision row's columns in the order of `decide`'s values, its audit sequence number last.
const INSERT_DECISION = `INSERT INTO "Decision" ("id", "itemId", "userId", "claimId", "versionId", "action", "rationale", "labelKeys", "snapshot", "byLead", "createdAt", "clusterDecisionId", "seq")`;

export const LEASE_LOST =
  "You no longer hold this item: your lease expired or was released, and it may have been claimed by someone else. Nothing was saved; take the next item.";
const VERSION_GONE = "The label set version you decided under is no longer live; reload the page to see the current version.";

/** What a decision may be, checked against the item as read: the lease, the transition and the labels. */
async function checkDecision(user: Decider, item: ItemWithFlags | null, input: DecideInput, now: Date, liveSets: (reason: string) => Promise<LiveLabelSet[]>) {
  if (!item) throw new DecisionInvalidError("That item does not exist.");
  const live = item.claimId === input.claimId && item.claimedById === user.id && isLeaseLive(item.leaseExpiresAt, now);
  if (!live || !isOpen(item.state)) throw new LeaseConflictError(LEASE_LOST);
  const transition = decisionTransition(input.action, item.state);
  if (!transition) {
    throw new DecisionInvalidError("This item is already escalated; a policy lead's decision closes it: keep, remove or restrict.", "action");
  }
  if (!mayCause(user.role, transition)) {
    throw new DecisionInvalidError("Only a policy lead can decide an escalated item.", "action");
  }
  const { versionId, labels } = resolveLabels(await liveSets(item.topReason), input);
  validateDecision(input, labels);
  return { item, transition, versionId, labels };
}

/**
 * Decides an item: the decision and its labels, the item's new state, the lease released, and the
 * audit event, in one transaction. A decision made under a lease the user no longer holds writes
 * nothing and raises LeaseConflictError.
 *
 * A single decision reads first and then writes on the direct connection, where the statement that
 * changes the item re-checks the lease and the state it was read in: the write is one synchronous
 * transaction on SQLite, and on PostgreSQL one statement plus the decision rows sent with the
 * COMMIT, so the audit head is locked only for that last round trip.
 *
 * With `cluster`, the served item's decision also starts a cluster decision (its job row and
 * cluster.decision_started in the same transaction); its members are then decided in chunks, within
 * this call for a cluster of up to CLUSTER_CHUNK members, in the background for a larger one (the
 * result's `cluster` says how far it got). See app/modules/clusters/decide.server.ts.
 */
export async function decide(user: Decider, input: DecideInput): Promise<DecideResult> {
  const result = input.cluster ? await decideCluster(user, input, input.cluster.memberIds) : await decideOneAfresh(user, input, null);
  if (result.state === DECIDED_STATE) await sampleAfterDecision(result.decisionId);
  if (result.cluster && result.cluster.total <= CLUSTER_CHUNK) {
    await runClusterDecision(result.cluster.id);
    const cluster = (await clusterDecisionProgress(result.cluster.id))!;
    return { ...result, copies: cluster.decided, skippedCopies: cluster.skipped, cluster };
  }
  if (result.cluster) void runClusterDecision(result.cluster.id);
  return result;
}

async function decideCluster(user: Decider, input: DecideInput, memberIds: string[] | "all"): Promise<DecideResult> {
  if (input.action === "escalate") {
    throw new DecisionInvalidError("A cluster cannot be escalated as a whole: escalate this item on its own, or choose keep, remove or restrict.", "action");
  }
  const item = await db.item.findUnique({ where: { id: input.itemId }, select: { id: true, clusterId: true, state: true } });
  if (!item) throw new DecisionInvalidError("That item does not exist.");
  // Intake and migration 120 give every item a cluster, but the column stays nullable and the
  // benchmark seeds (bench/seed.ts, bench/audit.ts) write items without one: such an item is decided alone.
  if (!item.clusterId) return decideOneAfresh(user, input, null);
  const start = newClusterStart(item.clusterId, await membersToDecide({ ...item, clusterId: item.clusterId }, memberIds), input.labelIds);
  const result = await decideOneAfresh(user, input, start);
  return { ...result, cluster: (await clusterDecisionProgress(start.id))! };
}

async function decideOneAfresh(user: Decider, input: DecideInput, cluster: ClusterStart | null): Promise<DecideResult> {
  try {
    return await decideOne(user, input, false, cluster);
  } catch (e) {
    // The label sets were read a few seconds ago; a lead may have published since. Read them afresh once.
    if (e instanceof DecisionInvalidError && e.field === "labelIds") return decideOne(user, input, true, cluster);
    throw e;
  }
}

/**
 * The decision is committed and will be acknowledged whatever happens here: a failure to sample it
 * for quality review is logged, never reported as a failed decision.
 */
async function sampleAfterDecision(decisionId: string) {
  try {
    await sampleDecision(decisionId);
  } catch (e) {
    console.error(`quality sampling of decision ${decisionId} failed:`, e);
  }
}

async function decideOne(user: Decider, input: DecideInput, freshLabelSets: boolean, cluster: ClusterStart | null): Promise<DecideResult> {
  const now = currentTime();
  const liveSets = (reason: string) => recentLiveLabelSetsForReason(reason, { fresh: freshLabelSets });
  const { item, transition, versionId, labels } = await checkDecision(user, await loadItem(db, input.itemId), input, now, liveSets);
  const state = TRANSITIONS[transition].to;
  const byLead = transition === "decideEscalation";
  const decisionId = newId();
  const labelKeys = labels.map((l) => l.key);
  const event = decisionMadeEvent(
    { kind: "user", id: user.id, email: user.email, role: user.role },
    item,
    {
      decisionId,
      action: input.action,
      labelKeys,
      versionId,
      rationale: input.rationale,
      copyOf: null,
      ...(cluster ? { clusterDecisionId: cluster.id } : {}),
    },
    now,
  );
  const served = { decisionId, itemId: item.id, action: input.action, labelKeys, versionId, rationale: input.rationale, user, now };
  const itemChange = {
    state,
    decidedAt: state === DECIDED_STATE ? now : null,
    guard: [item.id, input.claimId, user.id, now, item.state] as const,
  };
  const decision = [
    decisionId,
    item.id,
    user.id,
    input.claimId,
    versionId,
    input.action,
    input.rationale,
    JSON.stringify(labelKeys),
    JSON.stringify(snapshotOf(item)),
    byLead,
    now,
    cluster?.id ?? null,
  ];
  // An escalation is routed again, with the escalation rules, in the decision's transaction.
  const escalating = state === ESCALATED_STATE;
  const routed = (routing: RoutingContext, copies: number) => {
    const route = routeItem(routing.version, routing.queues, subjectOf(item, "escalation", routing, copies >= 2));
    // The deadline follows the queue the escalation lands in, from the item's flags.
    const dueAt = deadlineFromFlags(item.flags, deadlineHoursIn(routing, route.queueId));
    const event = prepareAuditEvent(
      routedEvent({ kind: "user", id: user.id, email: user.email, role: user.role }, item, route, routing, "escalated", dueAt),
      now,
    );
    return { values: [route.queueId, route.routedBy, route.note, dueAt], event };
  };
  // A decision that closes the item leaves its routing as it stands in the row (a move or a close may
  // have changed it since the read): only an escalation writes it, under the routing lock.
  const routeSet = (placeholders: string[]) =>
    escalating ? `, "queueId" = ${placeholders[0]}, "routedBy" = ${placeholders[1]}, "routeNote" = ${placeholders[2]}, "dueAt" = ${placeholders[3]}` : "";
  let seq: number;
  if (dialect === "sqlite") {
    seq = await sqliteWrite((conn) => {
      const routing = escalating ? routingContextOnSqlite(conn) : null;
      const copies = routing?.usesCopies && item.clusterId ? ((conn.prepare(COPIES_SQL).get(item.clusterId) as { n: number } | undefined)?.n ?? 0) : 0;
      const route = routing ? routed(routing, copies) : null;
      const changed = conn
        .prepare(
          `UPDATE "Item" SET "state" = ?, "decidedAt" = ?, "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ?,
             "assignedToId" = NULL, "assignedAt" = NULL${routeSet(["?", "?", "?", "?"])}
           WHERE "id" = ? AND "claimId" = ? AND "claimedById" = ? AND "leaseExpiresAt" > ? AND "state" = ?`,
        )
        .run(
          state,
          sqliteValue(itemChange.decidedAt),
          sqliteValue(now),
          ...(route?.values.map(sqliteValue) ?? []),
          ...itemChange.guard.map(sqliteValue),
        ).changes;
      if (changed !== 1) throw new LeaseConflictError(LEASE_LOST);
      if (versionId && !conn.prepare(`SELECT 1 FROM "LabelSetVersion" WHERE "id" = ? AND "status" = 'published'`).get(versionId)) {
        throw new DecisionInvalidError(VERSION_GONE, "labelIds");
      }
      conn
        .prepare(`UPDATE "Claim" SET "endedAt" = ?, "endReason" = ? WHERE "itemId" = ? AND "endedAt" IS NULL`)
        .run(sqliteValue(now), CLAIM_END.decided, item.id);
      const [sealed] = sealOnSqlite(conn, [event]);
      conn
        .prepare(
          `${INSERT_DECISION}
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...decision.map(sqliteValue), sealed.seq);
      const label = conn.prepare(`INSERT INTO "DecisionLabel" ("decisionId", "labelId") VALUES (?, ?)`);
      for (const l of labels) label.run(decisionId, l.id);
      if (route) sealOnSqlite(conn, [route.event]);
      if (cluster) writeClusterStartOnSqlite(conn, cluster, served);
      return sealed.seq;
    });
  } else {
    seq = await pgWrite(
      async (tx) => {
        let route: ReturnType<typeof routed> | null = null;
        if (escalating) {
          const [, [{ generation }]] = tx.begun as [unknown[], { generation: number }[]];
          const routing = await routingContextOnPostgres(tx, generation);
          const copies = routing.usesCopies && item.clusterId ? Number((await tx.query<{ n: string }>(COPIES_PG, [item.clusterId]))[0]?.n ?? 0) : 0;
          route = routed(routing, copies);
        }
        const [check] = await tx.query<{ changed: number; live: boolean }>(
          `WITH "changed" AS (
             UPDATE "Item" SET "state" = CAST($1 AS "ItemState"), "decidedAt" = $2, "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $3,
               "assignedToId" = NULL, "assignedAt" = NULL${routeSet(["$11", "$12", "$13", "$14"])}
             WHERE "id" = $4 AND "claimId" = $5 AND "claimedById" = $6 AND "leaseExpiresAt" > $7 AND "state" = CAST($8 AS "ItemState") RETURNING "id"),
           "ended" AS (UPDATE "Claim" SET "endedAt" = $3, "endReason" = $9 WHERE "itemId" IN (SELECT "id" FROM "changed") AND "endedAt" IS NULL)
           SELECT (SELECT COUNT(*) FROM "changed")::int AS "changed",
             ($10::text IS NULL OR EXISTS (SELECT 1 FROM "LabelSetVersion" WHERE "id" = $10 AND "status" = 'published')) AS "live"`,
          [state, itemChange.decidedAt, now, ...itemChange.guard, CLAIM_END.decided, versionId, ...(route?.values ?? [])].map(pgValue),
        );
        if (check.changed !== 1) throw new LeaseConflictError(LEASE_LOST);
        if (!check.live) throw new DecisionInvalidError(VERSION_GONE, "labelIds");
        const [sealed] = await tx.commitWith<{ seq: number }>(
          [
            sealOnPostgresSql(event),
            `${INSERT_DECISION}
             VALUES (${decision.map(literal).join(", ")}, (SELECT "seq" FROM "AuditHead" WHERE "id" = 1))`,
            ...labels.map((l) => `INSERT INTO "DecisionLabel" ("decisionId", "labelId") VALUES (${literal(decisionId)}, ${literal(l.id)})`),
            ...(route ? [sealOnPostgresSql(route.event)] : []),
            ...(cluster ? clusterStartOnPostgresSql(cluster, served) : []),
          ].join(";\n"),
        );
        return Number(sealed.seq);
      },
      // The routing lock is taken (shared) before the item: the lock order of every routing change.
      escalating ? { begin: GENERATION_SHARED_SQL } : {},
    );
  }
  return { decisionId, seq, state, byLead, copies: 0, skippedCopies: 0 };
}
