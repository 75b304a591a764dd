import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { exportStream } from "~/modules/audit/export.server.ts";
import { puidFor } from "~/modules/audit/statement-of-reasons.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { CLUSTER_CHUNK, clusterDecisionProgress, resumeClusterDecision, runClusterDecision } from "~/modules/clusters/decide.server.ts";
import { ClusterError } from "~/modules/clusters/errors.ts";
import { mergeClusters } from "~/modules/clusters/merge.server.ts";
import { splitMember } from "~/modules/clusters/split.server.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { liveLabelSetsForReason } from "~/modules/labels/live.server.ts";
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
    const moved = await db.clusterBand.findMany({ where: { itemId: ids[2] }, select: { bandKey: true, clusterId: true } });
    expect(moved.map((b) => b.bandKey).sort()).toEqual(bands.map((b) => b.bandKey).sort());
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
});
