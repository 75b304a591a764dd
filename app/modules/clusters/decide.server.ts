import { currentTime, currentTimeMs } from "~/modules/clock/clock.ts";
import { randomUUID } from "node:crypto";
import { db, dialect } from "~/db.server.ts";
import { literal, pgValue, pgWrite, type SqliteTx, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";
import { prepareAuditEvent, sealOnPostgresSql, sealOnSqlite, type Actor, type PreparedEvent } from "~/modules/audit/writer.server.ts";
import { decisionMadeEvent, snapshotOf, type Decider } from "~/modules/decisions/decide.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { can, ROLE_NAMES, type Role } from "~/modules/auth/capabilities.ts";
import { CLAIM_END, DECIDED_STATE, ESCALATED_STATE, INITIAL_STATE, isLeaseLive, mayCause, type Transition } from "~/modules/items/lifecycle.ts";
import { newId } from "~/modules/ids.ts";
import { clusterLineage, decidableReasons, deciderQueueIds, eligibleSql, isEligible, type Eligibility } from "./eligibility.server.ts";
import { clusterConflict, clusterForbidden, clusterNotFound } from "./errors.ts";

// A cluster decision: the served item's decision, then every member's, each its own Decision row
// with its labels, its decision.made event and its item's state change. Members are written in
// chunks, each ONE transaction that also moves the job's counters, so a failure leaves each member
// fully decided or untouched and the job resumes at its nextIndex. See docs/decisions/039-cluster-decisions.md.

/** Members per chunk (and per transaction); a cluster of at most this many members is decided within the request. */
export const CLUSTER_CHUNK = 250;
/** How long a runner holds a job without finishing a chunk before anyone may resume it. */
export const RUNNER_LEASE_MS = 15_000;

// This process's name as a runner: a job whose runnerId is another process's belongs to it until its lease lapses.
const RUNNER_ID = `runner-${randomUUID()}`;
const runs = new Map<string, Promise<void>>();

export type ClusterStart = { id: string; clusterId: string; memberIds: string[]; labelIds: string[] };
export type ServedDecision = {
  decisionId: string;
  itemId: string;
  action: DecisionAction;
  labelKeys: string[];
  versionId: string | null;
  rationale: string;
  user: Decider;
  now: Date;
};

export type ClusterDecisionProgress = {
  id: string;
  clusterId: string;
  itemId: string;
  userId: string;
  total: number;
  processed: number;
  decided: number;
  skipped: number;
  state: "running" | "done" | "failed";
  error: string | null;
  /** Nobody is running it: its runner stopped (a crash) or it failed; the owner or a lead may resume it. */
  resumable: boolean;
  createdAt: Date;
  finishedAt: Date | null;
};

const actorOf = (user: Decider): Actor => ({ kind: "user", id: user.id, email: user.email, role: user.role });

/**
 * The members a cluster decision covers, in the order they are decided (earliest flagged first):
 * the served item's cluster's members in its state, or those of the selection that are in the
 * cluster. Who may decide each is checked again as it is written.
 */
export async function membersToDecide(item: { id: string; clusterId: string; state: string }, memberIds: string[] | "all"): Promise<string[]> {
  const selected = memberIds === "all" ? null : [...new Set(memberIds)].filter((id) => id !== item.id);
  if (selected && selected.length === 0) return [];
  const rows = await db.item.findMany({
    where: { clusterId: item.clusterId, id: selected ? { in: selected } : { not: item.id }, ...(selected ? {} : { state: item.state as never }) },
    select: { id: true },
    orderBy: [{ firstFlaggedAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => r.id).filter((id) => id !== item.id);
}

export function newClusterStart(clusterId: string, memberIds: string[], labelIds: string[]): ClusterStart {
  return { id: newId(), clusterId, memberIds, labelIds: [...new Set(labelIds)] };
}

function startedEvent(start: ClusterStart, served: ServedDecision): PreparedEvent {
  return prepareAuditEvent(
    {
      actor: actorOf(served.user),
      action: "cluster.decision_started",
      subjectType: "cluster",
      subjectId: start.clusterId,
      payload: {
        clusterDecisionId: start.id,
        clusterId: start.clusterId,
        itemId: served.itemId,
        decisionId: served.decisionId,
        action: served.action,
        labelKeys: served.labelKeys,
        versionId: served.versionId,
        members: start.memberIds.length,
      },
    },
    served.now,
  );
}

const JOB_COLUMNS = `INSERT INTO "ClusterDecision" ("id", "clusterId", "itemId", "decisionId", "userId", "action", "labelIds", "labelKeys", "versionId", "rationale",
  "memberIds", "total", "runnerId", "leaseExpiresAt", "createdAt", "updatedAt")`;

function jobValues(start: ClusterStart, served: ServedDecision) {
  return [
    start.id,
    start.clusterId,
    served.itemId,
    served.decisionId,
    served.user.id,
    served.action,
    JSON.stringify(start.labelIds),
    JSON.stringify(served.labelKeys),
    served.versionId,
    served.rationale,
    JSON.stringify(start.memberIds),
    start.memberIds.length,
    RUNNER_ID,
    new Date(served.now.getTime() + RUNNER_LEASE_MS),
    served.now,
    served.now,
  ];
}

/** The job row and its cluster.decision_started event, in the served decision's SQLite transaction (after its own event). */
export function writeClusterStartOnSqlite(conn: SqliteTx, start: ClusterStart, served: ServedDecision) {
  sealOnSqlite(conn, [startedEvent(start, served)]);
  const values = jobValues(start, served);
  conn.prepare(`${JOB_COLUMNS} VALUES (${values.map(() => "?").join(", ")})`).run(...values.map(sqliteValue));
}

/** The same as statements for the served decision's final round trip on PostgreSQL. */
export function clusterStartOnPostgresSql(start: ClusterStart, served: ServedDecision): string[] {
  return [sealOnPostgresSql(startedEvent(start, served)), `${JOB_COLUMNS} VALUES (${jobValues(start, served).map(literal).join(", ")})`];
}

type Job = NonNullable<Awaited<ReturnType<typeof loadJob>>>;
const loadJob = (id: string) => db.clusterDecision.findUnique({ where: { id } });

function progressOf(job: Job, now = currentTime()): ClusterDecisionProgress {
  const state = job.state as ClusterDecisionProgress["state"];
  return {
    id: job.id,
    clusterId: job.clusterId,
    itemId: job.itemId,
    userId: job.userId,
    total: job.total,
    processed: job.nextIndex,
    decided: job.decided,
    skipped: job.skipped,
    state,
    error: job.error,
    resumable: state === "failed" || (state === "running" && !isLeaseLive(job.leaseExpiresAt, now)),
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

export async function clusterDecisionProgress(jobId: string): Promise<ClusterDecisionProgress | null> {
  const job = await loadJob(jobId);
  return job ? progressOf(job) : null;
}

/**
 * Runs a job this process holds to its end, chunk by chunk; a second call while it runs joins the
 * first. A chunk that fails marks the job failed (its transaction wrote nothing) for a resume.
 */
export function runClusterDecision(jobId: string): Promise<void> {
  const existing = runs.get(jobId);
  if (existing) return existing;
  const run = (async () => {
    try {
      for (;;) {
        const job = await loadJob(jobId);
        if (!job || job.state !== "running" || job.runnerId !== RUNNER_ID) return;
        await runChunk(job);
      }
    } catch (e) {
      console.error(`cluster decision ${jobId} stopped:`, e);
      await db.clusterDecision.updateMany({
        where: { id: jobId, runnerId: RUNNER_ID, state: "running" },
        data: { state: "failed", error: (e instanceof Error ? e.message : String(e)).slice(0, 500), leaseExpiresAt: null },
      });
    } finally {
      runs.delete(jobId);
    }
  })();
  runs.set(jobId, run);
  return run;
}

/** Takes a job whose runner is gone (lease lapsed) or that failed, for this process. */
async function takeJob(jobId: string, now = currentTime()): Promise<boolean> {
  const { count } = await db.clusterDecision.updateMany({
    where: {
      id: jobId,
      OR: [{ state: "failed" }, { state: "running", OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: now } }] }],
    },
    data: { state: "running", error: null, runnerId: RUNNER_ID, leaseExpiresAt: new Date(now.getTime() + RUNNER_LEASE_MS) },
  });
  return count === 1;
}

/** Who may follow a cluster decision's progress and resume it: the moderator who made it, or a policy lead. */
export function mayFollow(user: Pick<Decider, "id" | "role">, job: { userId: string }): boolean {
  return job.userId === user.id || user.role === "policy_lead";
}

/** The Resume button: the job's owner or a lead takes a stopped job and runs the rest in the background. */
export async function resumeClusterDecision(user: Decider, jobId: string): Promise<ClusterDecisionProgress> {
  const job = await loadJob(jobId);
  if (!job) throw clusterNotFound("That cluster decision does not exist.");
  if (!mayFollow(user, job)) throw clusterForbidden("Only the moderator who made this cluster decision, or a policy lead, can resume it.");
  if (!progressOf(job).resumable || runs.has(jobId) || !(await takeJob(jobId))) {
    throw clusterConflict(job.state === "done" ? "This cluster decision is already finished." : "This cluster decision is still running.");
  }
  void runClusterDecision(jobId);
  return progressOf((await loadJob(jobId))!);
}

/**
 * At server start: every job still marked running was left by a process that stopped. Each is taken
 * once its runner's lease lapses (at once, or when the lease would have run out: a process that is
 * still alive keeps renewing it and keeps its job).
 */
export async function resumeLapsedClusterDecisions(): Promise<number> {
  const jobs = await db.clusterDecision.findMany({ where: { state: "running" }, select: { id: true, leaseExpiresAt: true } });
  for (const job of jobs) {
    const wait = Math.max(0, (job.leaseExpiresAt?.getTime() ?? 0) - currentTimeMs()) + 50;
    setTimeout(() => {
      takeJob(job.id)
        .then((taken) => (taken ? runClusterDecision(job.id) : undefined))
        .catch((e) => console.error(`resuming cluster decision ${job.id} failed:`, e));
    }, wait).unref();
  }
  return jobs.length;
}

type Member = { itemId: string; event: PreparedEvent; decision: unknown[] };

/**
 * Why the job's decider may no longer decide its members, or null when they still may: the job acts
 * in their name, so an account disabled, or moved to a role that may not make this decision, since
 * the job started (or since it stopped, for a resume) ends it.
 */
function deciderRefusal(user: { email: string; role: Role; disabled: boolean } | null, transition: Transition): string | null {
  const rest = "the remaining members were not decided.";
  if (!user) return `The account that made this cluster decision no longer exists; ${rest}`;
  if (user.disabled) return `${user.email} was disabled; ${rest}`;
  if (!can(user.role, "clusters:decide") || !mayCause(user.role, transition)) {
    return `${user.email} is now ${ROLE_NAMES[user.role].toLowerCase()}, a role that may not make this decision; ${rest}`;
  }
  return null;
}

/** Writes the next chunk of a job in one transaction: the members that may be decided, the counters, the lease. */
async function runChunk(job: Job) {
  const memberIds = (JSON.parse(job.memberIds) as string[]).slice(job.nextIndex, job.nextIndex + CLUSTER_CHUNK);
  const [served, servedItem, account] = await Promise.all([
    db.decision.findUniqueOrThrow({ where: { id: job.decisionId }, select: { byLead: true } }),
    db.item.findUniqueOrThrow({ where: { id: job.itemId }, select: { topReason: true } }),
    db.user.findUnique({ where: { id: job.userId }, select: { id: true, email: true, role: true, disabled: true } }),
  ]);
  // The served item was pending (a moderator's decision) or escalated (a lead's closing decision): members in that state follow it.
  const fromState = served.byLead ? ESCALATED_STATE : INITIAL_STATE;
  const refusal = deciderRefusal(account && { ...account, role: account.role as Role }, served.byLead ? "decideEscalation" : "decide");
  if (refusal) {
    await db.clusterDecision.updateMany({
      where: { id: job.id, runnerId: RUNNER_ID, state: "running", nextIndex: job.nextIndex },
      data: { state: "failed", error: refusal, leaseExpiresAt: null, updatedAt: currentTime() },
    });
    return;
  }
  const user = { id: account!.id, email: account!.email, role: account!.role as Role };
  const actor = actorOf(user);
  const labelIds = JSON.parse(job.labelIds) as string[];
  const labelKeys = JSON.parse(job.labelKeys) as string[];
  const [mine, clusterIds, loaded] = await Promise.all([
    deciderQueueIds(user.id),
    clusterLineage(job.clusterId),
    db.item.findMany({ where: { id: { in: memberIds } }, include: { flags: { orderBy: { receivedAt: "asc" } } } }),
  ]);
  const items = new Map(loaded.map((i) => [i.id, i]));
  const now = currentTime();
  const reasons = await decidableReasons(
    loaded.map((i) => i.topReason),
    { versionIds: job.versionId ? [job.versionId] : null, deciderId: user.id, state: fromState, servedReason: servedItem.topReason, now },
  );
  const eligibility: Eligibility = { clusterIds, state: fromState, deciderId: user.id, queueIds: mine, reasons, now };
  // Members are decided only where the decider could have claimed them; the statement that changes
  // each item checks all of this again, so what changed since this read is skipped, not overwritten.
  const members: Member[] = [];
  for (const id of memberIds) {
    const item = items.get(id);
    if (!item || !isEligible(item, eligibility)) continue;
    const decisionId = newId();
    const event = decisionMadeEvent(
      actor,
      item,
      { decisionId, action: job.action, labelKeys, versionId: job.versionId, rationale: job.rationale, copyOf: job.decisionId, clusterDecisionId: job.id },
      now,
    );
    const decision = [
      decisionId,
      item.id,
      user.id,
      null,
      job.versionId,
      job.action,
      job.rationale,
      job.labelKeys,
      JSON.stringify(snapshotOf(item)),
      served.byLead,
      now,
      job.decisionId,
      job.id,
    ];
    members.push({ itemId: item.id, event, decision });
  }
  const nextIndex = job.nextIndex + memberIds.length;
  const last = nextIndex >= job.total;
  const lease = new Date(now.getTime() + RUNNER_LEASE_MS);
  const finished = (decided: number) =>
    prepareAuditEvent(
      {
        actor,
        action: "cluster.decision_finished",
        subjectType: "cluster",
        subjectId: job.clusterId,
        payload: { clusterDecisionId: job.id, clusterId: job.clusterId, decided: job.decided + decided, skipped: job.skipped + memberIds.length - decided },
      },
      now,
    );
  const counters = (decided: number) => [
    nextIndex,
    decided,
    memberIds.length - decided,
    last ? "done" : "running",
    last ? null : lease,
    now,
    last ? now : null,
    job.id,
    job.nextIndex,
    RUNNER_ID,
  ];
  if (dialect === "sqlite") {
    await sqliteWrite((conn) => writeChunkOnSqlite(conn, job, members, { eligibility, labelIds, now, last, finished, counters }));
  } else {
    await pgWrite((tx) => writeChunkOnPostgres(tx, job, members, { eligibility, labelIds, now, last, finished, counters }));
  }
}

type ChunkContext = {
  eligibility: Eligibility;
  labelIds: string[];
  now: Date;
  last: boolean;
  finished: (decided: number) => PreparedEvent;
  counters: (decided: number) => unknown[];
};

const INSERT_MEMBER_DECISION = `INSERT INTO "Decision" ("id", "itemId", "userId", "claimId", "versionId", "action", "rationale", "labelKeys", "snapshot", "byLead", "createdAt",
  "copyOfDecisionId", "clusterDecisionId", "seq")`;
const UPDATE_JOB = (p: string[]) =>
  `UPDATE "ClusterDecision" SET "nextIndex" = ${p[0]}, "decided" = "decided" + ${p[1]}, "skipped" = "skipped" + ${p[2]}, "state" = ${p[3]},
     "leaseExpiresAt" = ${p[4]}, "updatedAt" = ${p[5]}, "finishedAt" = ${p[6]}
   WHERE "id" = ${p[7]} AND "nextIndex" = ${p[8]} AND "runnerId" = ${p[9]} AND "state" = 'running'`;

/** Another process took the job (this runner's lease had lapsed): this chunk is theirs to write. */
class JobTakenError extends Error {}

function writeChunkOnSqlite(conn: SqliteTx, job: Job, members: Member[], c: ChunkContext) {
  const written: Member[] = [];
  const params: unknown[] = [];
  const eligible = eligibleSql(c.eligibility, (value) => (params.push(sqliteValue(value)), "?"));
  const change = conn.prepare(
    `UPDATE "Item" SET "state" = ?, "decidedAt" = ?, "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ?,
       "assignedToId" = NULL, "assignedAt" = NULL
     WHERE "id" = ? AND ${eligible}`,
  );
  const endClaims = conn.prepare(`UPDATE "Claim" SET "endedAt" = ?, "endReason" = ? WHERE "itemId" = ? AND "endedAt" IS NULL`);
  const now = sqliteValue(c.now);
  for (const m of members) {
    if (change.run(DECIDED_STATE, now, now, m.itemId, ...params).changes !== 1) continue;
    endClaims.run(now, CLAIM_END.decided, m.itemId);
    written.push(m);
  }
  const sealed = sealOnSqlite(conn, [...written.map((m) => m.event), ...(c.last ? [c.finished(written.length)] : [])]);
  const insert = conn.prepare(`${INSERT_MEMBER_DECISION} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const label = conn.prepare(`INSERT INTO "DecisionLabel" ("decisionId", "labelId") VALUES (?, ?)`);
  written.forEach((m, i) => {
    insert.run(...m.decision.map(sqliteValue), sealed[i].seq);
    for (const l of c.labelIds) label.run(m.decision[0], l);
  });
  const moved = conn.prepare(UPDATE_JOB(Array.from({ length: 10 }, () => "?"))).run(...c.counters(written.length).map(sqliteValue)).changes;
  if (moved !== 1) throw new JobTakenError(`cluster decision ${job.id} was taken by another runner`);
}

async function writeChunkOnPostgres(tx: Parameters<Parameters<typeof pgWrite>[0]>[0], job: Job, members: Member[], c: ChunkContext) {
  const ids = members.map((m) => m.itemId);
  const params: unknown[] = [DECIDED_STATE, c.now, ids, CLAIM_END.decided].map(pgValue);
  const eligible = eligibleSql(c.eligibility, (value) => `$${params.push(pgValue(value))}`);
  const changed =
    ids.length === 0
      ? []
      : await tx.query<{ id: string }>(
          `WITH "changed" AS (
             UPDATE "Item" SET "state" = CAST($1 AS "ItemState"), "decidedAt" = $2, "claimId" = NULL, "claimedById" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = $2,
               "assignedToId" = NULL, "assignedAt" = NULL
             WHERE "id" = ANY($3::text[]) AND ${eligible}
             RETURNING "id"),
           "ended" AS (UPDATE "Claim" SET "endedAt" = $2, "endReason" = $4 WHERE "itemId" IN (SELECT "id" FROM "changed") AND "endedAt" IS NULL)
           SELECT "id" FROM "changed"`,
          params,
        );
  const done = new Set(changed.map((r) => r.id));
  const written = members.filter((m) => done.has(m.itemId));
  const moved = await tx.query(`${UPDATE_JOB(Array.from({ length: 10 }, (_, i) => `$${i + 1}`))} RETURNING "id"`, c.counters(written.length).map(pgValue));
  if (moved.length !== 1) throw new JobTakenError(`cluster decision ${job.id} was taken by another runner`);
  // Each member's event is sealed just before its decision row, which takes the head's number as its seq.
  const statements = written.flatMap((m) => [
    sealOnPostgresSql(m.event),
    `${INSERT_MEMBER_DECISION} VALUES (${m.decision.map(literal).join(", ")}, (SELECT "seq" FROM "AuditHead" WHERE "id" = 1))`,
    ...c.labelIds.map((l) => `INSERT INTO "DecisionLabel" ("decisionId", "labelId") VALUES (${literal(m.decision[0])}, ${literal(l)})`),
  ]);
  if (c.last) statements.push(sealOnPostgresSql(c.finished(written.length)));
  if (statements.length > 0) await tx.commitWith(statements.join(";\n"));
}
