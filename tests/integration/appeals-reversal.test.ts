import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { ACTION_WORDS, DISPUTE_SETTLEMENT_NOTICE } from "~/modules/appeals/answer.ts";
import { claimAppealOrWhy } from "~/modules/appeals/claims.server.ts";
import { AppealError } from "~/modules/appeals/errors.ts";
import { decideAppeal, type AppealDecisionInput } from "~/modules/appeals/review.server.ts";
import { getDecisionRecord } from "~/modules/audit/decisions.server.ts";
import { statementForRecord } from "~/modules/audit/export.server.ts";
import { describeResult, verifyChain } from "~/modules/audit/verify.server.ts";
import type { DecisionAction } from "~/modules/decisions/actions.ts";
import { decide } from "~/modules/decisions/decide.server.ts";
import { ingestFlags } from "~/modules/intake/ingest.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { claimItem } from "~/modules/queue/claims.server.ts";
import { appealAgainst, liveLabelIds } from "../support/appeals.ts";
import { runVerifyCommand } from "../support/audit-chain.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Overturn and modify write a new decision that supersedes the contested one, in one transaction
// with the appeal's outcome, the item's state and the audit events; the platform reads the reversal
// from the decisions feed and the statements of reasons API. Uphold writes no decision.

type User = Awaited<ReturnType<typeof makeUser>>;

const LABEL_FOR: Record<DecisionAction, string> = {
  keep: "ve_news_reporting",
  remove: "ve_glorification",
  restrict: "ve_representation",
  escalate: "ve_needs_specialist",
};
let labels: Map<string, string>;
let server: RunningServer;
let token: string;
let decider: User;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test setup" });
  labels = await liveLabelIds();
  decider = await makeUser("moderator", { email: "dana.placeholder@example.test" });
  await db.user.update({ where: { id: decider.id }, data: { name: "Dana Placeholder" } });
  token = (await makeApiKey("test")).token;
  server = await startServer({ DOCKET_API_MAX_PER_MINUTE: "1000000" });
});
afterAll(() => server?.stop());

/** An item flagged by each reporter and decided by the decider. */
async function decidedItem(action: DecisionAction, reporters = 1) {
  const externalId = `post-${randomUUID().slice(0, 12)}`;
  const flags = Array.from({ length: reporters }, (_, i) => ({
    content: {
      externalId,
      type: "text" as const,
      title: "A post about the Northern Ember Front",
      body: "Fictional test text: praise for the Placeholder Cell and its made-up rally, written for a test.",
      author: { externalId: `author-${externalId}`, handle: `handle_${externalId.replace(/-/g, "_")}` },
    },
    flag: {
      externalId: `${externalId}-flag-${i}`,
      source: "user_report" as const,
      reason: "violent_extremism",
      reporterId: i === 0 ? `reporter-${externalId}` : `reporter-${i}-${externalId}`,
      receivedAt: new Date(Date.now() - 60_000 + i),
    },
  }));
  const [first] = await ingestFlags({ platform: "test", apiKeyId: null, actor: { kind: "system", name: "test intake" } }, flags, "batch");
  const claim = await claimItem(decider, first.itemId);
  if (!claim) throw new Error("could not claim the fixture item");
  await decide(decider, {
    itemId: first.itemId,
    claimId: claim.claimId,
    action,
    labelIds: [labels.get(LABEL_FOR[action])!],
    rationale: "Fictional test rationale for the reversal tests.",
  });
  const decision = await db.decision.findFirstOrThrow({ where: { itemId: first.itemId }, orderBy: { seq: "desc" } });
  return { decision, itemId: first.itemId, externalId };
}

async function claimed(user: User, appealId: string) {
  const claim = await claimAppealOrWhy(user, appealId);
  if ("refused" in claim) throw new Error(`claim refused: ${claim.refused}`);
  return claim;
}

const itemState = async (itemId: string) => (await db.item.findUniqueOrThrow({ where: { id: itemId } })).state;

/** Everything an appeal decision could write. */
async function record(appealId: string, itemId: string) {
  const [appeal, item, decisions, labelsWritten, events, head] = await Promise.all([
    db.appeal.findUniqueOrThrow({ where: { id: appealId } }),
    db.item.findUniqueOrThrow({ where: { id: itemId }, select: { state: true, decidedAt: true } }),
    db.decision.count(),
    db.decisionLabel.count(),
    db.auditEvent.groupBy({ by: ["action"], _count: true }),
    db.auditHead.findUniqueOrThrow({ where: { id: 1 } }),
  ]);
  return { appeal, item, decisions, labelsWritten, events: Object.fromEntries(events.map((e) => [e.action, e._count])), head: head.seq };
}

const overturn = (appealId: string, claimId: string, action: "keep" | "remove" | "restrict"): AppealDecisionInput => ({
  appealId,
  claimId,
  outcome: "overturned",
  action,
  labelIds: [labels.get(LABEL_FOR[action])!],
  rationale: "Fictional test rationale: on a second look the first decision was wrong.",
  summary: "On a second look the content was judged differently; the decision is reversed.",
});

async function api(path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return res;
}

async function statementsAround(at: Date) {
  const from = new Date(at.getTime() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const text = await (await api(`/api/v1/statements-of-reasons?from=${from}&to=${to}`)).text();
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => (JSON.parse(line) as { statements: { puid: string; [k: string]: unknown }[] }).statements);
}

describe("deciding an appeal", () => {
  it("an overturn writes a new decision that supersedes the contested one; the feed carries it, the original's statement stays", async () => {
    const made = await decidedItem("remove");
    expect(await itemState(made.itemId)).toBe("decided");
    const { appealId } = await appealAgainst(made);
    expect(await itemState(made.itemId)).toBe("appealed");
    const reviewer = await makeUser("moderator");
    const claim = await claimed(reviewer, appealId);
    const before = await record(appealId, made.itemId);
    const decided = await decideAppeal(reviewer, overturn(appealId, claim.claimId, "keep"));

    const after = await record(appealId, made.itemId);
    expect(after.decisions).toBe(before.decisions + 1);
    expect(after.events["decision.made"]).toBe(before.events["decision.made"] + 1);
    expect(after.events["appeal.decided"] ?? 0).toBe((before.events["appeal.decided"] ?? 0) + 1);
    expect(after.item.state).toBe("decided");
    const fresh = await db.decision.findUniqueOrThrow({ where: { id: decided.newDecisionId! }, include: { labels: { include: { label: true } } } });
    expect(fresh).toMatchObject({ itemId: made.itemId, action: "keep", supersedesId: made.decision.id, appealId, userId: reviewer.id });
    expect(fresh.labels.map((l) => l.label.key)).toEqual(["ve_news_reporting"]);
    expect(after.appeal).toMatchObject({
      state: "decided",
      outcome: "overturned",
      newDecisionId: fresh.id,
      decidedById: reviewer.id,
      claimId: null,
      claimedById: null,
    });
    // The decision's event comes first (its seq is the decision's), the appeal's outcome last.
    const made_ = await db.auditEvent.findFirstOrThrow({ where: { action: "decision.made", seq: fresh.seq } });
    expect(JSON.parse(made_.payload)).toMatchObject({ decisionId: fresh.id, supersedes: made.decision.id, appealId, action: "keep" });
    const outcome = await db.auditEvent.findFirstOrThrow({ where: { action: "appeal.decided", subjectId: appealId } });
    expect(outcome.seq).toBeGreaterThan(fresh.seq);
    expect(JSON.parse(outcome.payload)).toMatchObject({ outcome: "overturned", newDecisionId: fresh.id, decisionId: made.decision.id });

    const feed = await (await api(`/api/v1/decisions?after=${made.decision.seq - 1}&limit=1000`)).json();
    const original = feed.decisions.find((d: { id: string }) => d.id === made.decision.id);
    const replacement = feed.decisions.find((d: { id: string }) => d.id === fresh.id);
    expect(original).toMatchObject({ action: "remove", supersedes: null, appealId: null });
    expect(replacement).toMatchObject({ action: "keep", supersedes: made.decision.id, appealId, externalId: made.externalId });
    expect(Number(replacement.cursor)).toBeGreaterThan(Number(original.cursor));

    const statements = await statementsAround(made.decision.createdAt);
    expect(statements.map((s) => s.puid)).toContain(`docket-${made.decision.id}`);
    // Keeping content restricts nothing: no statement for the overturn itself.
    expect(statements.map((s) => s.puid)).not.toContain(`docket-${fresh.id}`);
  });

  it("a modification from removal to restriction, and a notifier's overturn of a keep, each get a statement of reasons; the originals keep theirs", async () => {
    const removed = await decidedItem("remove");
    const kept = await decidedItem("keep");
    const reviewer = await makeUser("moderator");
    const a1 = (await appealAgainst(removed)).appealId;
    const modified = await decideAppeal(reviewer, {
      ...overturn(a1, (await claimed(reviewer, a1)).claimId, "restrict"),
      outcome: "modified",
    });
    const a2 = (await appealAgainst(kept, { role: "notifier" })).appealId;
    const reversed = await decideAppeal(reviewer, overturn(a2, (await claimed(reviewer, a2)).claimId, "remove"));

    const statements = await statementsAround(removed.decision.createdAt);
    const puids = statements.map((s) => s.puid);
    expect(puids).toContain(`docket-${removed.decision.id}`);
    expect(puids).toContain(`docket-${modified.newDecisionId}`);
    expect(puids).toContain(`docket-${reversed.newDecisionId}`);
    expect(puids).not.toContain(`docket-${kept.decision.id}`);
    const onAppeal = statements.find((s) => s.puid === `docket-${reversed.newDecisionId}`)!;
    expect(JSON.stringify(onAppeal)).toContain("internal complaint");
    expect(JSON.stringify(statements.find((s) => s.puid === `docket-${removed.decision.id}`))).not.toContain("internal complaint");
    // The auditor's decision page shows the statement the export sends.
    expect(await statementForRecord((await getDecisionRecord(reversed.newDecisionId!))!)).toEqual(onAppeal);
    // The item's decision time stays the first decision's: a removal order met within the hour stays met.
    expect((await db.item.findUniqueOrThrow({ where: { id: removed.itemId } })).decidedAt).toEqual(removed.decision.createdAt);

    const feed = await (await api(`/api/v1/decisions?after=${removed.decision.seq - 1}&limit=1000`)).json();
    expect(feed.decisions.find((d: { id: string }) => d.id === modified.newDecisionId)).toMatchObject({ action: "restrict", supersedes: removed.decision.id });
    expect(feed.decisions.find((d: { id: string }) => d.id === reversed.newDecisionId)).toMatchObject({ action: "remove", supersedes: kept.decision.id });
  });

  it("uphold writes no decision: the appeal's outcome, its answer and one appeal.decided event", async () => {
    const made = await decidedItem("remove");
    const { appealId } = await appealAgainst(made);
    const reviewer = await makeUser("moderator");
    const claim = await claimed(reviewer, appealId);
    const before = await record(appealId, made.itemId);
    const decided = await decideAppeal(reviewer, {
      appealId,
      claimId: claim.claimId,
      outcome: "upheld",
      rationale: "Fictional: the praise is plain.",
      summary: "The post praises the fictional group; the removal stands.",
    });
    expect(decided.newDecisionId).toBeNull();
    expect(decided.answer).toContain("The post praises the fictional group; the removal stands.");
    expect(decided.answer.endsWith(DISPUTE_SETTLEMENT_NOTICE)).toBe(true);
    const after = await record(appealId, made.itemId);
    expect(after.decisions).toBe(before.decisions);
    expect(after.labelsWritten).toBe(before.labelsWritten);
    expect(after.events["decision.made"]).toBe(before.events["decision.made"]);
    expect(after.head).toBe(before.head + 1);
    expect(after.events["appeal.decided"] ?? 0).toBe((before.events["appeal.decided"] ?? 0) + 1);
    expect(after.item).toEqual({ ...before.item, state: "decided" });
    expect(after.appeal).toMatchObject({ state: "decided", outcome: "upheld", newDecisionId: null });
  });

  it("an outcome that does not fit, a missing reason or an answer naming a person: 400, nothing written, the lease still held", async () => {
    const made = await decidedItem("remove");
    const { appealId } = await appealAgainst(made);
    const reviewer = await makeUser("moderator");
    await db.user.update({ where: { id: reviewer.id }, data: { name: "Robin Sample" } });
    const { claimId } = await claimed(reviewer, appealId);
    const base = overturn(appealId, claimId, "keep");
    const cases: { name: string; input: AppealDecisionInput; status: number; path?: string }[] = [
      {
        name: "an overturn that does not reverse",
        input: { ...base, action: "restrict", labelIds: [labels.get("ve_representation")!] },
        status: 400,
        path: "action",
      },
      { name: "an overturn without an action", input: { ...base, action: undefined }, status: 400, path: "action" },
      {
        name: "an overturn to an escalation",
        input: { ...base, action: "escalate" as "keep", labelIds: [labels.get("ve_needs_specialist")!] },
        status: 400,
        path: "action",
      },
      { name: "a modification that reverses", input: { ...base, outcome: "modified" }, status: 400, path: "action" },
      {
        name: "a modification that changes nothing",
        input: { ...base, outcome: "modified", action: "remove", labelIds: [labels.get("ve_glorification")!] },
        status: 400,
        path: "labelIds",
      },
      { name: "an unknown label", input: { ...base, labelIds: ["no-such-label"] }, status: 400, path: "labelIds" },
      { name: "no rationale", input: { ...base, rationale: "  " }, status: 400, path: "rationale" },
      { name: "no summary", input: { ...base, summary: "" }, status: 400, path: "summary" },
      { name: "a summary over the limit", input: { ...base, summary: "x".repeat(2001) }, status: 400, path: "summary" },
      {
        name: "a summary naming the decider",
        input: { ...base, summary: "Dana Placeholder made a mistake; the content stays." },
        status: 400,
        path: "summary",
      },
      { name: "a summary giving the decider's address", input: { ...base, summary: "Ask dana.placeholder@example.test why." }, status: 400, path: "summary" },
      { name: "a summary naming the reviewer", input: { ...base, summary: "Reviewed again by robin sample: it stays." }, status: 400, path: "summary" },
      {
        name: "an uphold naming the decider",
        input: { appealId, claimId, outcome: "upheld", rationale: "Fictional.", summary: "Dana Placeholder was right." },
        status: 400,
        path: "summary",
      },
      { name: "another claim id", input: { ...base, claimId: randomUUID() }, status: 409 },
    ];
    const before = await record(appealId, made.itemId);
    for (const c of cases) {
      const error = await decideAppeal(reviewer, c.input).catch((e: unknown) => e);
      expect(error, c.name).toBeInstanceOf(AppealError);
      expect((error as AppealError).status, c.name).toBe(c.status);
      if (c.path) expect((error as AppealError).path, c.name).toBe(c.path);
      expect((error as AppealError).message.length, c.name).toBeGreaterThan(15);
      expect(await record(appealId, made.itemId), c.name).toEqual(before);
    }
    // The lease survived every refusal: the right input goes through.
    const decided = await decideAppeal(reviewer, { ...base, outcome: "modified", action: "restrict", labelIds: [labels.get("ve_representation")!] });
    expect(decided.outcome).toBe("modified");
    expect(decided.answer).not.toMatch(/Dana|Robin/i);
  });

  it("two reviewers overturning two appeals against one decision at once: one reversal, the other answered with it", async () => {
    for (let round = 0; round < 3; round++) {
      const made = await decidedItem("keep", 2);
      const first = (await appealAgainst(made, { role: "notifier" })).appealId;
      const second = (await appealAgainst(made, { role: "notifier", appellantId: `reporter-1-${made.externalId}` })).appealId;
      const [r1, r2] = await Promise.all([makeUser("moderator"), makeUser("moderator")]);
      const [c1, c2] = await Promise.all([claimed(r1, first), claimed(r2, second)]);
      const results = await Promise.all([decideAppeal(r1, overturn(first, c1.claimId, "remove")), decideAppeal(r2, overturn(second, c2.claimId, "restrict"))]);
      const written = await db.decision.findMany({ where: { supersedesId: made.decision.id } });
      expect(written).toHaveLength(1);
      expect(await db.decision.count({ where: { itemId: made.itemId } })).toBe(2);
      // The later answer reports the reversal the earlier one made: the notice was acted on.
      expect(results.map((r) => r.outcome)).toEqual(["overturned", "overturned"]);
      expect(results.map((r) => r.newDecisionId)).toEqual([written[0].id, written[0].id]);
      const later = results.find((r) => !written.some((w) => w.appealId === r.appealId))!;
      expect(later.answer).toContain(ACTION_WORDS[written[0].action]);
      expect(await itemState(made.itemId)).toBe("decided");
    }
    expect((await verifyChain()).ok).toBe(true);
  });

  it("the answer may not name whoever answered an earlier appeal on the item either", async () => {
    const made = await decidedItem("keep", 2);
    const first = (await appealAgainst(made, { role: "notifier" })).appealId;
    const second = (await appealAgainst(made, { role: "notifier", appellantId: `reporter-1-${made.externalId}` })).appealId;
    const earlier = await makeUser("moderator", { email: "alex.sample@example.test" });
    await db.user.update({ where: { id: earlier.id }, data: { name: "Alex Sample" } });
    await decideAppeal(earlier, {
      appealId: first,
      claimId: (await claimed(earlier, first)).claimId,
      outcome: "upheld",
      rationale: "Fictional.",
      summary: "The post reports news; it stays.",
    });
    const reviewer = await makeUser("moderator");
    const { claimId } = await claimed(reviewer, second);
    const before = await record(second, made.itemId);
    for (const summary of ["Alex Sample already looked at this; it stays.", "As alex.sample explained, it stays."]) {
      const refused = await decideAppeal(reviewer, { appealId: second, claimId, outcome: "upheld", rationale: "Fictional.", summary }).catch((e: unknown) => e);
      expect(refused, summary).toMatchObject({ status: 400, path: "summary" });
      expect(await record(second, made.itemId)).toEqual(before);
    }
  });

  it("the item goes decided → appealed → decided; with two open appeals it stays appealed until both are answered", async () => {
    const made = await decidedItem("keep", 2);
    expect(await itemState(made.itemId)).toBe("decided");
    const first = (await appealAgainst(made, { role: "notifier" })).appealId;
    const second = (await appealAgainst(made, { role: "notifier", appellantId: `reporter-1-${made.externalId}` })).appealId;
    expect(await itemState(made.itemId)).toBe("appealed");
    const reviewer = await makeUser("moderator");
    const reversed = await decideAppeal(reviewer, overturn(first, (await claimed(reviewer, first)).claimId, "remove"));
    expect(reversed.newDecisionId).toBeTruthy();
    expect(await itemState(made.itemId)).toBe("appealed");
    // The second appeal contests a decision that no longer stands: it is answered with the reversal,
    // whatever outcome the reviewer picked, and nothing is decided again.
    const other = await makeUser("moderator");
    const { claimId } = await claimed(other, second);
    const answered = await decideAppeal(other, {
      appealId: second,
      claimId,
      outcome: "upheld",
      rationale: "Fictional: already reversed.",
      summary: "The content has since been removed on another complaint.",
    });
    expect(answered).toMatchObject({ outcome: "overturned", newDecisionId: reversed.newDecisionId });
    expect(answered.answer).toContain("removed");
    expect(answered.answer).not.toContain("kept the decision in place");
    expect(await db.decision.count({ where: { itemId: made.itemId } })).toBe(2);
    expect(await itemState(made.itemId)).toBe("decided");
    expect((await verifyChain()).ok).toBe(true);
  });
});

/** Makes the database refuse a write of an appeal decision after its new Decision row exists (so the failure is after it). */
async function injectFailure(kind: "appeal" | "event") {
  const name = `inject_appeal_failure_${kind}`;
  const when =
    kind === "appeal"
      ? `NEW."state" = 'decided' AND EXISTS (SELECT 1 FROM "Decision" d WHERE d."appealId" = NEW."id")`
      : `NEW."action" = 'appeal.decided' AND EXISTS (SELECT 1 FROM "Decision" d WHERE d."appealId" = NEW."subjectId")`;
  const table = kind === "appeal" ? `"Appeal"` : `"AuditEvent"`;
  const event = kind === "appeal" ? "UPDATE" : "INSERT";
  if (dialect === "sqlite") {
    await db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, 'injected appeal failure'); END`);
    return () => db.$executeRawUnsafe(`DROP TRIGGER ${name}`);
  }
  // PostgreSQL allows no subquery in a trigger's WHEN: the function asks instead.
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF ${when} THEN RAISE EXCEPTION 'injected appeal failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(`CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON ${table}`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}

describe("an overturn is one transaction", () => {
  it.each(["appeal", "event"] as const)(
    "a failure after the new decision and before the appeal's outcome is recorded (%s) leaves neither; the same overturn then succeeds",
    async (kind) => {
      const made = await decidedItem("remove");
      const { appealId } = await appealAgainst(made);
      const reviewer = await makeUser("moderator");
      const { claimId } = await claimed(reviewer, appealId);
      const before = await record(appealId, made.itemId);
      const restore = await injectFailure(kind);
      try {
        // SQLite's driver reports a trigger's abort as a constraint failure of the statement it stopped.
        const stopped = kind === "appeal" ? /injected appeal failure|tx\.appeal\.update/ : /injected appeal failure|tx\.auditEvent\.create/;
        await expect(decideAppeal(reviewer, overturn(appealId, claimId, "keep"))).rejects.toThrow(stopped);
      } finally {
        await restore();
      }
      // Neither the new decision (nor its labels), nor its decision.made event, nor any change to the appeal or the item.
      expect(await record(appealId, made.itemId)).toEqual(before);
      expect(await db.decision.count({ where: { supersedesId: made.decision.id } })).toBe(0);
      expect(await db.auditEvent.count({ where: { action: "decision.made", payload: { contains: appealId } } })).toBe(0);
      const verified = await verifyChain();
      expect(verified.ok, describeResult(verified)).toBe(true);

      // The reviewer still holds the appeal; the same overturn now goes through, once.
      const decided = await decideAppeal(reviewer, overturn(appealId, claimId, "keep"));
      expect(await db.decision.count({ where: { supersedesId: made.decision.id } })).toBe(1);
      expect(decided.newDecisionId).toBeTruthy();
      expect(await itemState(made.itemId)).toBe("decided");
      const after = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
      // Exactly the decision's event and the outcome's: no gap was left by the failed attempt.
      expect(after.seq).toBe(before.head + 2);
      expect((await verifyChain()).ok).toBe(true);
    },
  );

  it("npm run audit:verify passes on the log the reversals wrote", async () => {
    const events = await db.auditEvent.count();
    expect(await db.auditEvent.count({ where: { action: "appeal.decided" } })).toBeGreaterThanOrEqual(8);
    const run = await runVerifyCommand(process.env.DATABASE_URL!);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toContain(`${events} events checked`);
  }, 60_000);
});
