import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { exportStream } from "~/modules/audit/export.server.ts";
import { puidFor } from "~/modules/audit/statement-of-reasons.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { CLUSTER_CHUNK, clusterDecisionProgress, resumeClusterDecision, runClusterDecision } from "~/modules/clusters/decide.server.ts";
import { clusterView } from "~/modules/clusters/view.server.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { mergeClusters } from "~/modules/clusters/merge.server.ts";
import { fingerprintOf } from "~/modules/clusters/fingerprint.ts";
import { splitMember } from "~/modules/clusters/split.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { importLabelSet, publishDraft } from "~/modules/labels/editor.server.ts";
import { liveLabelSetsForReason, recentLiveLabelSetsForReason } from "~/modules/labels/live.server.ts";
import { handleReviewIntent } from "~/modules/review/intents.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { nearDuplicate } from "../support/clusters.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { Client } from "../support/http.ts";
import { flagRequest, seedItems, settleOpenItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// A cluster decision writes every member as a decision of its own, in chunks that are each one
// transaction: a failure (a real database error, raised by a trigger) or a killed process leaves each
// member fully decided or untouched, and the job resumes where it stopped.

const LARGE = 5000;
let recruitment: string;
let labelsPerDecision: number;

beforeAll(async () => {
  await starterLabels();
  const sets = await liveLabelSetsForReason("violent_extremism");
  const labels = sets.flatMap((s) => s.labels);
  recruitment = labels.find((l) => l.key === "ve_recruitment")!.id;
  labelsPerDecision = 1;
}, 60_000);

/** A served item and `members` more, lightly edited copies of one text that the real intake places in one cluster. */
async function clusterWith(members: number) {
  const family = randomUUID().slice(0, 6);
  const ids = await seedItems(members + 1, undefined, (i) =>
    flagRequest({ content: { title: "Repost", body: nearDuplicate(i, family) }, flag: { source: "authority_referral", reference: `IRU-${family}` } }),
  );
  const clusterId = (await db.item.findUniqueOrThrow({ where: { id: ids[0] }, select: { clusterId: true } })).clusterId!;
  const placed = await db.item.findMany({ where: { clusterId }, select: { id: true } });
  expect(placed.map((p) => p.id).sort()).toEqual([...ids].sort());
  return { ids, clusterId, served: ids[0], memberIds: ids.slice(1) };
}

async function decideCluster(user: Awaited<ReturnType<typeof makeUser>>, served: string, memberIds: string[] | "all" = "all") {
  const claim = await claimItem(user, served);
  if (!claim || claim.itemId !== served) throw new Error("could not claim the served item");
  return decide(user, {
    itemId: served,
    claimId: claim.claimId,
    action: "remove",
    labelIds: [recruitment],
    rationale: "Recruitment call copied across accounts (synthetic).",
    cluster: { memberIds },
  });
}

/**
 * Each member of the cluster, fully decided by the job (state, one decision carrying the job and
 * copying the served decision, its label rows, its decision.made event at the decision's seq) or
 * untouched (pending, no decision, no event); anything else is listed as broken.
 */
async function memberStates(ids: string[], jobId: string, servedDecisionId: string) {
  const items = await db.item.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, claimId: true } });
  const decisions = await db.decision.findMany({
    where: { clusterDecisionId: jobId, id: { not: servedDecisionId } },
    select: { id: true, itemId: true, seq: true, copyOfDecisionId: true, labels: { select: { labelId: true } } },
  });
  const events = await db.auditEvent.findMany({ where: { action: "decision.made", payload: { contains: jobId } }, select: { seq: true, subjectId: true } });
  const eventAt = new Map(events.map((e) => [e.seq, e.subjectId]));
  const byItem = new Map<string, typeof decisions>();
  for (const d of decisions) byItem.set(d.itemId, [...(byItem.get(d.itemId) ?? []), d]);
  let decided = 0;
  let untouched = 0;
  const broken: string[] = [];
  for (const item of items) {
    const mine = byItem.get(item.id) ?? [];
    const whole =
      item.state === "decided" &&
      item.claimId === null &&
      mine.length === 1 &&
      mine[0].copyOfDecisionId === servedDecisionId &&
      mine[0].labels.length === labelsPerDecision &&
      eventAt.get(mine[0].seq) === item.id;
    if (whole) decided++;
    else if (item.state === "pending" && mine.length === 0) untouched++;
    else broken.push(`${item.id}: ${item.state}, ${mine.length} decisions`);
  }
  // One event per decision written by the job (the served one's included), none left over.
  expect(events.length).toBe(decisions.length + 1);
  return { decided, untouched, broken };
}

/** The statements of reasons the export builds, by PUID, for decisions made since `from`. */
async function statementPuids(from: Date) {
  const reader = exportStream("statements", "jsonl", { from, to: new Date(Date.now() + 1000) }).getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  const puids = new Set<string>();
  for (const line of text.split("\n").filter(Boolean)) {
    for (const s of (JSON.parse(line) as { statements: { puid: string }[] }).statements) puids.add(s.puid);
  }
  return puids;
}

/** A trigger that raises on the Nth decision row of a cluster decision: a real database failure mid-job. */
async function failDecisionInsertAt(n: number) {
  if (dialect === "sqlite") {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER inject_cluster_failure BEFORE INSERT ON "Decision"
       WHEN NEW."clusterDecisionId" IS NOT NULL AND (SELECT COUNT(*) FROM "Decision" WHERE "clusterDecisionId" = NEW."clusterDecisionId") >= ${n}
       BEGIN SELECT RAISE(ABORT, 'injected cluster failure'); END`,
    );
    return () => db.$executeRawUnsafe(`DROP TRIGGER inject_cluster_failure`);
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION inject_cluster_failure() RETURNS trigger AS $$ BEGIN
       IF NEW."clusterDecisionId" IS NOT NULL AND (SELECT COUNT(*) FROM "Decision" WHERE "clusterDecisionId" = NEW."clusterDecisionId") >= ${n} THEN
         RAISE EXCEPTION 'injected cluster failure';
       END IF;
       RETURN NEW;
     END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(`CREATE TRIGGER inject_cluster_failure BEFORE INSERT ON "Decision" FOR EACH ROW EXECUTE FUNCTION inject_cluster_failure()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER inject_cluster_failure ON "Decision"`);
    await db.$executeRawUnsafe(`DROP FUNCTION inject_cluster_failure()`);
  };
}

/** A cluster of CLUSTER_CHUNK + `extra` members whose job stopped after its first chunk (a real database failure). */
async function stoppedAfterFirstChunk(extra: number) {
  const cluster = await clusterWith(CLUSTER_CHUNK + extra);
  const user = await makeUser("moderator");
  const restore = await failDecisionInsertAt(1 + CLUSTER_CHUNK);
  let jobId: string;
  let servedDecisionId: string;
  try {
    const result = await decideCluster(user, cluster.served);
    jobId = result.cluster!.id;
    servedDecisionId = result.decisionId;
    await runClusterDecision(jobId);
  } finally {
    await restore();
  }
  expect(await clusterDecisionProgress(jobId)).toMatchObject({ state: "failed", processed: CLUSTER_CHUNK, decided: CLUSTER_CHUNK });
  return { ...cluster, user, jobId, servedDecisionId };
}

describe("deciding a cluster", () => {
  it(`a ${LARGE}-member cluster: every member gets its decision, labels, audit event and statement of reasons`, async () => {
    await settleOpenItems();
    const { ids, memberIds, served } = await clusterWith(LARGE);
    const user = await makeUser("moderator");
    const from = new Date(Date.now() - 1000);
    const result = await decideCluster(user, served);
    // Too large for one request: the job goes on in the background and the moderator follows its progress.
    expect(result.cluster).toMatchObject({ total: LARGE, state: "running" });
    const jobId = result.cluster!.id;
    await runClusterDecision(jobId);
    expect(await clusterDecisionProgress(jobId)).toMatchObject({ state: "done", total: LARGE, processed: LARGE, decided: LARGE, skipped: 0 });
    expect(await memberStates(memberIds, jobId, result.decisionId)).toEqual({ decided: LARGE, untouched: 0, broken: [] });
    const served$ = await db.decision.findUniqueOrThrow({ where: { id: result.decisionId } });
    expect(served$.clusterDecisionId).toBe(jobId);
    expect(served$.copyOfDecisionId).toBeNull();
    const events = await db.auditEvent.findMany({
      where: { action: { startsWith: "cluster.decision_" }, payload: { contains: jobId } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["cluster.decision_started", "cluster.decision_finished"]);
    expect(JSON.parse(events[1].payload)).toMatchObject({ decided: LARGE, skipped: 0 });
    const decisions = await db.decision.findMany({ where: { clusterDecisionId: jobId }, select: { id: true } });
    expect(decisions).toHaveLength(ids.length);
    const puids = await statementPuids(from);
    expect(decisions.filter((d) => !puids.has(puidFor(d.id)))).toEqual([]);
    expect((await verifyChain()).ok).toBe(true);
  }, 600_000);

  it("a database failure midway leaves each member fully decided or untouched, and a resume finishes the rest", async () => {
    await settleOpenItems();
    const { memberIds, served } = await clusterWith(LARGE);
    const user = await makeUser("moderator");
    // The served decision and ten chunks commit; the eleventh chunk's transaction fails on its 99th decision.
    const restore = await failDecisionInsertAt(1 + 10 * CLUSTER_CHUNK + 99);
    let jobId: string;
    let servedDecisionId: string;
    try {
      const result = await decideCluster(user, served);
      jobId = result.cluster!.id;
      servedDecisionId = result.decisionId;
      await runClusterDecision(jobId);
    } finally {
      await restore();
    }
    const stopped = await clusterDecisionProgress(jobId);
    expect(stopped).toMatchObject({ state: "failed", processed: 10 * CLUSTER_CHUNK, decided: 10 * CLUSTER_CHUNK, resumable: true });
    expect(stopped!.error).toMatch(/injected cluster failure/);
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: 10 * CLUSTER_CHUNK, untouched: LARGE - 10 * CLUSTER_CHUNK, broken: [] });
    expect((await verifyChain()).ok).toBe(true);
    // Someone else's job is not theirs to resume.
    const other = await makeUser("moderator");
    await expect(resumeClusterDecision(other, jobId)).rejects.toMatchObject({ status: 403 });
    await resumeClusterDecision(user, jobId);
    await runClusterDecision(jobId);
    expect(await clusterDecisionProgress(jobId)).toMatchObject({ state: "done", processed: LARGE, decided: LARGE, skipped: 0 });
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: LARGE, untouched: 0, broken: [] });
    expect((await verifyChain()).ok).toBe(true);
  }, 600_000);

  it("skips members held by someone else, assigned to someone else or outside the decider's queues, and counts them", async () => {
    await settleOpenItems();
    const { memberIds, served } = await clusterWith(7);
    const [held, assigned, elsewhere] = memberIds;
    const item = await db.item.findUniqueOrThrow({ where: { id: served }, select: { queueId: true } });
    const user = await makeUser("moderator", { queues: [item.queueId!] });
    const other = await makeUser("moderator");
    expect(await claimItem(other, held)).toMatchObject({ itemId: held });
    await db.item.update({ where: { id: assigned }, data: { assignedToId: other.id, assignedAt: new Date() } });
    const queue = await db.queue.create({ data: { id: `q-${served}`, name: `Elsewhere ${served.slice(-6)}` } });
    await db.item.update({ where: { id: elsewhere }, data: { queueId: queue.id } });
    const result = await decideCluster(user, served);
    expect(result.cluster).toMatchObject({ state: "done", total: 7, decided: 4, skipped: 3 });
    expect(result).toMatchObject({ copies: 4, skippedCopies: 3 });
    const states = await db.item.findMany({ where: { id: { in: [held, assigned, elsewhere] } }, select: { state: true } });
    expect(states.every((s) => s.state === "pending")).toBe(true);
    expect(await db.item.count({ where: { id: { in: memberIds.slice(3) }, state: "decided" } })).toBe(4);
    // Back where the next test's clean-up can close them.
    await db.item.update({ where: { id: assigned }, data: { assignedToId: null, assignedAt: null } });
    await db.item.update({ where: { id: elsewhere }, data: { queueId: item.queueId } });
  });

  it("a selection decides only the selected members", async () => {
    await settleOpenItems();
    const { memberIds, served } = await clusterWith(5);
    const user = await makeUser("moderator");
    const result = await decideCluster(user, served, [memberIds[1], memberIds[3]]);
    expect(result.cluster).toMatchObject({ state: "done", total: 2, decided: 2, skipped: 0 });
    const decided = await db.item.findMany({ where: { id: { in: memberIds }, state: "decided" }, select: { id: true } });
    expect(decided.map((d) => d.id).sort()).toEqual([memberIds[1], memberIds[3]].sort());
  });

  it("a decider disabled or moved to another role since the job started: the rest is not decided in their name, and the job says why", async () => {
    await settleOpenItems();
    const extra = 20;
    const { memberIds, user, jobId, servedDecisionId } = await stoppedAfterFirstChunk(extra);
    const lead = await makeUser("policy_lead");
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    await resumeClusterDecision(lead, jobId);
    await runClusterDecision(jobId);
    const disabled = await clusterDecisionProgress(jobId);
    expect(disabled).toMatchObject({ state: "failed", processed: CLUSTER_CHUNK, decided: CLUSTER_CHUNK, skipped: 0, resumable: true });
    expect(disabled!.error).toBe(`${user.email} was disabled; the remaining members were not decided.`);
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: CLUSTER_CHUNK, untouched: extra, broken: [] });

    await db.user.update({ where: { id: user.id }, data: { disabled: false, role: "auditor" } });
    await resumeClusterDecision(lead, jobId);
    await runClusterDecision(jobId);
    const demoted = await clusterDecisionProgress(jobId);
    expect(demoted).toMatchObject({ state: "failed", processed: CLUSTER_CHUNK, decided: CLUSTER_CHUNK });
    expect(demoted!.error).toMatch(/is now auditor, a role that may not make this decision; the remaining members were not decided\.$/);
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: CLUSTER_CHUNK, untouched: extra, broken: [] });

    // Back in a role that may decide them, the job finishes.
    await db.user.update({ where: { id: user.id }, data: { role: "moderator" } });
    await resumeClusterDecision(lead, jobId);
    await runClusterDecision(jobId);
    expect(await clusterDecisionProgress(jobId)).toMatchObject({ state: "done", decided: CLUSTER_CHUNK + extra, skipped: 0, error: null });
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: CLUSTER_CHUNK + extra, untouched: 0, broken: [] });
    expect((await verifyChain()).ok).toBe(true);
  }, 300_000);

  it("a lead merging the cluster into another mid-job: the members that moved are still decided", async () => {
    await settleOpenItems();
    const extra = 20;
    const { memberIds, clusterId, user, jobId, servedDecisionId } = await stoppedAfterFirstChunk(extra);
    const other = await clusterWith(1);
    const lead = await makeUser("policy_lead");
    await mergeClusters(lead, { fromClusterId: clusterId, intoClusterId: other.clusterId, reason: "Same text, one word changed." });
    expect(await db.item.count({ where: { id: { in: memberIds }, clusterId: other.clusterId } })).toBe(memberIds.length);
    await resumeClusterDecision(user, jobId);
    await runClusterDecision(jobId);
    expect(await clusterDecisionProgress(jobId)).toMatchObject({ state: "done", decided: CLUSTER_CHUNK + extra, skipped: 0 });
    expect(await memberStates(memberIds, jobId, servedDecisionId)).toEqual({ decided: CLUSTER_CHUNK + extra, untouched: 0, broken: [] });
    // The other cluster's own members were never part of this decision.
    expect(await db.item.count({ where: { id: { in: other.ids }, state: "pending" } })).toBe(other.ids.length);
  }, 300_000);

  it("the review screen offers exactly the members the job decides: not those in a closed queue, of a reason another label set covers, or one the care cap holds back", async () => {
    await settleOpenItems();
    const { clusterId, memberIds, served } = await clusterWith(6);
    const [closedQueue, otherSet, capped] = memberIds;
    const item = await db.item.findUniqueOrThrow({ where: { id: served }, select: { queueId: true } });
    // A closed queue the moderator still belongs to: its items cannot be claimed from it.
    const closed = await db.queue.create({ data: { id: `closed-${served}`, name: `Closed ${served.slice(-6)}`, open: false } });
    const user = await makeUser("moderator", { queues: [item.queueId!, closed.id] });
    await db.item.update({ where: { id: closedQueue }, data: { queueId: closed.id } });
    // A reason another set covers: the served decision's labels mean nothing for it.
    const reason = `bait_${randomUUID().slice(0, 6)}`;
    const system = { kind: "system", name: "test" } as const;
    const imported = await importLabelSet(system, {
      key: reason,
      name: `Bait ${reason}`,
      reasons: [reason],
      labels: [
        { key: `${reason}_none`, name: "Nothing applies", group: "allowed", definition: "Nothing in the policy applies.", severity: 0, defaultAction: "keep" },
      ],
    });
    await publishDraft(system, imported.versionId, "A set for the bait reason.");
    await recentLiveLabelSetsForReason(reason, { fresh: true });
    await db.item.update({ where: { id: otherSet }, data: { topReason: reason } });
    // A reason no set claims is judged by every live set, so it shares the served item's set, and is high-severity.
    await db.item.update({ where: { id: capped }, data: { topReason: `unclaimed_${reason}` } });
    await db.qualitySettings.update({ where: { id: 1 }, data: { highSeverityCap: 0, highSeverityFrom: 4 } });
    try {
      const claim = (await claimItem(user, served))!;
      const view = await clusterView(user, clusterId, { served: { id: served, state: "pending" }, blind: { decisionIds: new Set(), itemIds: new Set() } });
      const result = await decide(user, {
        itemId: served,
        claimId: claim.claimId,
        action: "remove",
        labelIds: [recruitment],
        rationale: "Recruitment call copied across accounts (synthetic).",
        cluster: { memberIds: "all" },
      });
      expect(result.cluster).toMatchObject({ state: "done", total: 6, decided: 3, skipped: 3 });
      expect(view!.decidableCount).toBe(3);
      expect(
        view!.members
          .filter((m) => m.decidable)
          .map((m) => m.id)
          .sort(),
      ).toEqual(memberIds.slice(3).sort());
      const pending = await db.item.findMany({ where: { id: { in: memberIds }, state: "pending" }, select: { id: true } });
      expect(pending.map((p) => p.id).sort()).toEqual([closedQueue, otherSet, capped].sort());
    } finally {
      await db.qualitySettings.update({ where: { id: 1 }, data: { highSeverityCap: null, highSeverityFrom: 3 } });
      await db.item.update({ where: { id: closedQueue }, data: { queueId: item.queueId } });
    }
  });

  it("deciding a cluster is refused, writing nothing, to a role without clusters:decide", async () => {
    const { served } = await clusterWith(2);
    const auditor = await makeUser("auditor");
    const outcome = await handleReviewIntent(auditor, served, {
      status: "success",
      payload: {},
      value: {
        intent: "decide",
        claimId: "none",
        action: "remove",
        labelIds: [recruitment],
        rationale: "Recruitment call (synthetic).",
        scope: "cluster",
        memberIds: [],
      },
      reply: () => ({}),
    } as never);
    expect(outcome).toMatchObject({ refused: { status: 403, code: "forbidden" } });
    expect(await db.decision.count({ where: { itemId: served } })).toBe(0);
  });
});

describe("splitting and merging clusters", () => {
  it("a member split out goes to a cluster of its own with its band keys, on the record", async () => {
    const { ids, clusterId } = await clusterWith(3);
    // A band key the member brought to the cluster, whatever intake recorded for it.
    await db.clusterBand.create({ data: { bandKey: 7n, clusterId, itemId: ids[2] } });
    const bands = await db.clusterBand.findMany({ where: { clusterId, itemId: ids[2] }, select: { bandKey: true } });
    const user = await makeUser("moderator");
    const split = await splitMember(user, { itemId: ids[2], reason: "A news report quoting the post." });
    expect(split.fromClusterId).toBe(clusterId);
    expect((await db.item.findUniqueOrThrow({ where: { id: ids[2] } })).clusterId).toBe(split.toClusterId);
    expect(await db.cluster.findUniqueOrThrow({ where: { id: clusterId } })).toMatchObject({ size: 3 });
    expect(await db.cluster.findUniqueOrThrow({ where: { id: split.toClusterId } })).toMatchObject({ size: 1, representativeItemId: ids[2] });
    // The rows it brought stay with the old cluster, naming a remaining member (the family stays
    // findable); the new cluster holds every key of its text.
    const kept = await db.clusterBand.findMany({ where: { clusterId, bandKey: { in: bands.map((b) => b.bandKey) } }, select: { itemId: true } });
    expect(kept).toHaveLength(bands.length);
    expect(kept.every((b) => b.itemId !== ids[2] && ids.includes(b.itemId))).toBe(true);
    const item = await db.item.findUniqueOrThrow({ where: { id: ids[2] } });
    const moved = await db.clusterBand.findMany({ where: { itemId: ids[2] }, select: { bandKey: true, clusterId: true } });
    expect(moved.map((b) => Number(b.bandKey)).sort()).toEqual(fingerprintOf([item.title, item.body]).keys.sort());
    expect(moved.every((b) => b.clusterId === split.toClusterId)).toBe(true);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "cluster.member_split", subjectId: clusterId } });
    expect(JSON.parse(event.payload)).toEqual({
      itemId: ids[2],
      fromClusterId: clusterId,
      toClusterId: split.toClusterId,
      reason: "A news report quoting the post.",
    });
    // Alone now: there is nothing to split it from.
    await expect(splitMember(user, { itemId: ids[2], reason: "Again." })).rejects.toMatchObject({ status: 409 });
    expect((await verifyChain()).ok).toBe(true);
  });

  it("a lead merges two clusters; a moderator cannot", async () => {
    const a = await clusterWith(2);
    const b = await clusterWith(1);
    await db.clusterBand.createMany({
      data: [
        { bandKey: 10n, clusterId: a.clusterId, itemId: a.ids[0] },
        { bandKey: 10n, clusterId: b.clusterId, itemId: b.ids[0] },
        { bandKey: 11n, clusterId: b.clusterId, itemId: b.ids[1] },
      ],
    });
    const moderator = await makeUser("moderator");
    const refused = await mergeClusters(moderator, { fromClusterId: b.clusterId, intoClusterId: a.clusterId, reason: "Same text." }).catch((e) => e);
    expect(refused).toBeInstanceOf(ClusterError);
    expect(refused).toMatchObject({ status: 403 });
    expect(await db.item.count({ where: { clusterId: a.clusterId } })).toBe(3);
    const lead = await makeUser("policy_lead");
    const merged = await mergeClusters(lead, { fromClusterId: b.clusterId, intoClusterId: a.clusterId, reason: "Same text, one word changed." });
    expect(merged).toEqual({ fromClusterId: b.clusterId, intoClusterId: a.clusterId, members: 2 });
    expect(await db.item.count({ where: { clusterId: a.clusterId } })).toBe(5);
    expect(await db.cluster.findUniqueOrThrow({ where: { id: a.clusterId } })).toMatchObject({ size: 5 });
    expect(await db.cluster.findUniqueOrThrow({ where: { id: b.clusterId } })).toMatchObject({ size: 0, mergedIntoId: a.clusterId });
    const bands = await db.clusterBand.findMany({ where: { bandKey: { in: [10n, 11n] } }, orderBy: { bandKey: "asc" } });
    expect(bands).toEqual([
      { bandKey: 10n, clusterId: a.clusterId, itemId: a.ids[0] },
      { bandKey: 11n, clusterId: a.clusterId, itemId: b.ids[1] },
    ]);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "cluster.merged", subjectId: a.clusterId } });
    expect(JSON.parse(event.payload)).toMatchObject({ fromClusterId: b.clusterId, intoClusterId: a.clusterId, members: 2 });
    // Once merged away, a cluster cannot be merged again.
    await expect(mergeClusters(lead, { fromClusterId: b.clusterId, intoClusterId: a.clusterId, reason: "Again." })).rejects.toMatchObject({ status: 409 });
  });

  it("a cluster's page of members is read in index order, without sorting every member", async () => {
    const { clusterId } = await clusterWith(1);
    if (dialect === "sqlite") {
      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN SELECT "id" FROM "Item" WHERE "clusterId" = ? ORDER BY "firstFlaggedAt" ASC, "id" ASC LIMIT 50 OFFSET 100`,
        clusterId,
      );
      const details = plan.map((p) => p.detail).join("\n");
      expect(details).toContain("Item_clusterId_firstFlaggedAt_id_idx");
      expect(details).not.toContain("TEMP B-TREE");
    } else {
      const rows = await db.$queryRawUnsafe<{ indexdef: string }[]>(
        `SELECT "indexdef" FROM "pg_indexes" WHERE "indexname" = 'Item_clusterId_firstFlaggedAt_id_idx'`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].indexdef).toContain(`("clusterId", "firstFlaggedAt", id)`);
    }
  });

  it("merging into a cluster of 130,000 members recounts it in the database", async () => {
    const big = await clusterWith(1);
    const small = await clusterWith(1);
    const source = await db.item.findUniqueOrThrow({ where: { id: big.ids[0] }, select: { dueAt: true } });
    expect(source.dueAt).not.toBeNull();
    const copies = 130_000;
    const columns = (
      dialect === "sqlite"
        ? await db.$queryRawUnsafe<{ name: string }[]>(`SELECT "name" FROM pragma_table_info('Item')`)
        : await db.$queryRawUnsafe<{ name: string }[]>(
            `SELECT "column_name" AS "name" FROM information_schema.columns WHERE "table_name" = 'Item' AND "table_schema" = current_schema()`,
          )
    ).map((c) => c.name);
    const made: Record<string, string> = { id: `'bulk-' || n.i || '-' || s."id"`, externalId: `'bulk-' || n.i || '-' || s."externalId"` };
    const list = columns.map((c) => `"${c}"`).join(", ");
    const values = columns.map((c) => made[c] ?? `s."${c}"`).join(", ");
    const numbers =
      dialect === "sqlite"
        ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${copies})`
        : `WITH n(i) AS (SELECT generate_series(1, ${copies}))`;
    await db.$executeRawUnsafe(`INSERT INTO "Item" (${list}) ${numbers} SELECT ${values} FROM "Item" s, n WHERE s."id" = '${big.ids[0]}'`);
    try {
      const lead = await makeUser("policy_lead");
      const merged = await mergeClusters(lead, { fromClusterId: small.clusterId, intoClusterId: big.clusterId, reason: "Same text." });
      expect(merged.members).toBe(2);
      const cluster = await db.cluster.findUniqueOrThrow({ where: { id: big.clusterId } });
      expect(cluster).toMatchObject({ size: copies + 4, representativeItemId: big.ids[0] });
      const earliest = await db.item.aggregate({ where: { clusterId: big.clusterId, state: "pending" }, _min: { dueAt: true } });
      expect(cluster.firstDueAt).toEqual(earliest._min.dueAt);
    } finally {
      await db.$executeRawUnsafe(`DELETE FROM "Item" WHERE "id" LIKE 'bulk-%'`);
    }
  }, 300_000);
});

describe("a cluster decision survives its server", () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.stop());

  it("killed with SIGKILL mid-job, the server started again resumes it; the decide form and the progress page work over HTTP", async () => {
    await settleOpenItems();
    const members = LARGE;
    const { memberIds, served } = await clusterWith(members);
    const user = await makeUser("moderator");
    server = await startServer();
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    const claim = (await claimItem(user, served))!;
    const res = await client.post(`/review/${served}`, {
      intent: "decide",
      claimId: claim.claimId,
      action: "remove",
      labelIds: recruitment,
      rationale: "Recruitment call copied across accounts (synthetic).",
      scope: "cluster",
    });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/clusters\/decisions\/[\w-]+$/);
    const jobId = location.split("/").pop()!;
    // Killed once the first chunk is in, well before the last.
    for (let i = 0; ; i++) {
      const job = await db.clusterDecision.findUniqueOrThrow({ where: { id: jobId } });
      if (job.nextIndex >= CLUSTER_CHUNK) break;
      if (i > 3000) throw new Error("the job made no progress");
      await new Promise((r) => setTimeout(r, 5));
    }
    await server.kill();
    const stopped = await db.clusterDecision.findUniqueOrThrow({ where: { id: jobId } });
    expect(stopped.state).toBe("running");
    expect(stopped.nextIndex).toBeLessThan(members);
    const servedDecision = await db.decision.findUniqueOrThrow({ where: { id: stopped.decisionId } });
    const half = await memberStates(memberIds, jobId, servedDecision.id);
    expect(half.broken).toEqual([]);
    expect(half.decided).toBe(stopped.decided);
    server = await startServer();
    const again = new Client(server.url);
    await again.login(user.email, PASSWORD);
    const page = await (await again.get(location)).text();
    expect(page).toContain("<progress");
    for (let i = 0; ; i++) {
      const job = await db.clusterDecision.findUniqueOrThrow({ where: { id: jobId } });
      if (job.state === "done") break;
      if (i > 1200) throw new Error(`the restarted server did not finish the job: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await memberStates(memberIds, jobId, servedDecision.id)).toEqual({ decided: members, untouched: 0, broken: [] });
    const done = (await (await again.get(location)).text()).replaceAll("<!-- -->", "");
    expect(done).toContain("Next item");
    expect(done).toContain(`${members} of ${members} members processed`);
    expect((await verifyChain()).ok).toBe(true);
  }, 600_000);

  it("over HTTP: a moderator splits a member out from the review screen; an empty selection is refused and writes nothing", async () => {
    server ??= await startServer();
    const { memberIds, served, clusterId } = await clusterWith(3);
    const user = await makeUser("moderator");
    const client = new Client(server.url);
    await client.login(user.email, PASSWORD);
    const claim = (await claimItem(user, served))!;
    const empty = await client.post(`/review/${served}`, {
      intent: "decide",
      claimId: claim.claimId,
      action: "remove",
      labelIds: recruitment,
      rationale: "Recruitment call (synthetic).",
      scope: "selected",
    });
    expect(empty.status).toBe(400);
    expect(await db.decision.count({ where: { itemId: served } })).toBe(0);
    const res = await client.post(`/review/${served}`, { intent: "split", itemId: memberIds[1], reason: "A news report quoting the post." });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/review/${served}?notice=split`);
    const moved = await db.item.findUniqueOrThrow({ where: { id: memberIds[1] }, select: { clusterId: true } });
    expect(moved.clusterId).not.toBe(clusterId);
    expect(await db.auditEvent.count({ where: { action: "cluster.member_split", subjectId: clusterId } })).toBe(1);
    const short = await client.post(`/review/${served}`, { intent: "split", itemId: memberIds[0], reason: "" });
    expect(short.status).toBe(400);
    expect((await db.item.findUniqueOrThrow({ where: { id: memberIds[0] } })).clusterId).toBe(clusterId);
  });

  it("over HTTP: a cluster decision's progress page is its owner's and the leads', not another moderator's", async () => {
    server ??= await startServer();
    const { served } = await clusterWith(2);
    const owner = await makeUser("moderator");
    const result = await decideCluster(owner, served);
    const location = `/clusters/decisions/${result.cluster!.id}`;
    const readers = { owner, lead: await makeUser("policy_lead"), other: await makeUser("moderator") };
    const status: Record<string, number> = {};
    for (const [who, user] of Object.entries(readers)) {
      const client = new Client(server.url);
      await client.login(user.email, PASSWORD);
      status[who] = (await client.get(location)).status;
    }
    expect(status).toEqual({ owner: 200, lead: 200, other: 404 });
  });
});
