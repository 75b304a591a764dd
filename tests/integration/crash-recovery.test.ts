import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { describeResult, verifyChain } from "~/modules/audit/verify.server.ts";
import { runVerifyCommand } from "../support/audit-chain.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { claimProblems, missingAcknowledgedWrites, sequenceProblems, unpairedWrites } from "../support/write-invariants.ts";
import { FlagSender, Ledger, Reviewer, runLoad, type Servers } from "../support/write-load.ts";

// The server is killed with SIGKILL in the middle of a load of claims, decisions and flags, then
// started again on the same database. Whatever it answered with success before it died must be
// there afterwards, whole: the row and its audit event, no item held twice, the chain intact.

const ROUNDS = 4;
const MODERATORS = 6;
const SENDERS = 2;
// The load must never be throttled: a 429 would only hide writes from the test.
const SERVER_ENV = { DOCKET_API_MAX_PER_MINUTE: "1000000" };

/**
 * When each round dies: a few milliseconds after its Nth acknowledged decision, N drawn from the
 * round's own window (early, midway, late in its load, whatever the machine's speed). Right after an
 * acknowledgement is where a write answered before its commit would be lost, and the other reviewers
 * and the platform are then somewhere inside their own requests. Shuffled, so the order differs from
 * run to run too.
 */
function killMoments(): { afterDecisions: number; thenMs: number }[] {
  const windows = [
    [1, 3],
    [3, 6],
    [6, 9],
    [9, 13],
  ];
  const moments = windows.map(([from, to]) => ({ afterDecisions: from + Math.floor(Math.random() * (to - from)), thenMs: Math.floor(Math.random() * 20) }));
  for (let i = moments.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [moments[i], moments[j]] = [moments[j], moments[i]];
  }
  return moments;
}

// Rounds are paced by acknowledged decisions, so a busy machine makes them slower rather than
// emptier; past this the kill comes regardless, and the checks below notice a round that did nothing.
const ROUND_LIMIT_MS = 20_000;

function killMoment(moment: { afterDecisions: number; thenMs: number }): Promise<void> {
  return new Promise((resolve) => {
    let decisions = 0;
    const fire = () => {
      ledger.onAck = undefined;
      clearTimeout(limit);
      setTimeout(resolve, moment.thenMs);
    };
    const limit = setTimeout(fire, ROUND_LIMIT_MS);
    ledger.onAck = (a) => {
      if (a.kind === "decision" && ++decisions >= moment.afterDecisions) fire();
    };
  });
}

let server: RunningServer | undefined;
let apiKeyId: string;
let token: string;
let reviewers: Reviewer[];
let senders: FlagSender[];
const servers: Servers = { urls: [] };
const ledger = new Ledger();

beforeAll(async () => {
  const { versionId } = await starterLabels();
  const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;
  const labels = { keep: await label("ve_news_reporting"), remove: await label("ve_glorification"), restrict: await label("ve_representation") };
  const { key, token: t } = await makeApiKey("crash");
  apiKeyId = key.id;
  token = t;
  await seedItems(400);
  const moderators = await Promise.all(Array.from({ length: MODERATORS }, () => makeUser("moderator")));
  reviewers = moderators.map((m) => new Reviewer(m, servers, labels, ledger));
  senders = Array.from({ length: SENDERS }, () => new FlagSender(token, servers, ledger, 40));
});
afterAll(() => server?.stop());

/** Everything that must hold on the database a killed server left behind. */
async function expectRecovered(when: string) {
  expect(await missingAcknowledgedWrites(ledger), `${when}: acknowledged writes`).toEqual([]);
  expect(await claimProblems(), `${when}: claims`).toEqual([]);
  expect(await unpairedWrites(apiKeyId), `${when}: writes without their audit events`).toEqual([]);
  const sequence = await sequenceProblems();
  expect(sequence.problems, `${when}: audit sequence`).toEqual([]);
  const verified = await verifyChain();
  expect(verified.ok, `${when}: ${describeResult(verified)}`).toBe(true);
  expect(verified.headSeq, `${when}: the head names the last event`).toBe(sequence.count);
}

describe("a server killed with SIGKILL in the middle of a load", () => {
  it("loses no acknowledged decision, claim or flag, leaves no item held twice, and keeps the audit chain intact, round after round", async () => {
    const rounds: { moment: string; ms: number; acks: number; decisions: number; inFlight: number }[] = [];
    for (const [round, moment] of killMoments().entries()) {
      server = await startServer(SERVER_ENV);
      servers.urls = [server.url];
      if (round > 0) await expectRecovered(`after the kill in round ${round}`);
      // Reviewers sign in once; their sessions must outlive the crashes. After a crash nobody knows
      // which in-flight write landed, so each reviewer asks for its item again.
      if (round === 0) await Promise.all(reviewers.map((r) => r.login()));
      for (const r of reviewers) r.holding = undefined;
      const acksBefore = ledger.acks.length;
      const decisionsBefore = ledger.of("decision").length;
      let killed = false;
      const started = Date.now();
      const load = runLoad([...reviewers, ...senders], ledger, { stop: () => killed, killed: () => killed });
      await killMoment(moment);
      const inFlight = ledger.inFlight;
      killed = true;
      await server.kill();
      await load;
      expect(ledger.unexpected, server.output()).toEqual([]);
      rounds.push({
        moment: `${moment.afterDecisions}+${moment.thenMs}ms`,
        ms: Date.now() - started,
        acks: ledger.acks.length - acksBefore,
        decisions: ledger.of("decision").length - decisionsBefore,
        inFlight,
      });
    }

    server = await startServer(SERVER_ENV);
    servers.urls = [server.url];
    await expectRecovered(`after the kill in round ${ROUNDS}`);
    // The restarted server works the same queue: every reviewer gets its held item back or a new one.
    for (const r of reviewers) r.holding = undefined;
    await Promise.all(reviewers.map((r) => r.step()));
    await expectRecovered("after the restarted server took more work");
    const command = await runVerifyCommand(process.env.DATABASE_URL!, ["--read-only"]);
    expect(command.status, command.output).toBe(0);

    console.log(
      `crash rounds (kill moment, ms of load, acknowledged writes, decisions, requests in flight at the kill): ${rounds.map((r) => `${r.moment} ${r.ms}/${r.acks}/${r.decisions}/${r.inFlight}`).join(", ")}`,
    );
    // The test means something only if the kills landed under load.
    expect(rounds.filter((r) => r.decisions > 0).length).toBe(ROUNDS);
    expect(rounds.filter((r) => r.inFlight > 0).length).toBeGreaterThanOrEqual(ROUNDS - 1);
  }, 240_000);
});
