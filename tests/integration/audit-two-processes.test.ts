import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { describeResult, verifyChain } from "~/modules/audit/verify.server.ts";
import { makeApiKey, makeUser } from "../support/fixtures.ts";
import { seedItems, starterLabels } from "../support/queue-fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";
import { claimProblems, eventCounts, missingAcknowledgedWrites, sequenceProblems, unpairedWrites } from "../support/write-invariants.ts";
import { FailedLogins, FlagSender, Ledger, Reviewer, runLoad, type DecisionLabels, type Servers } from "../support/write-load.ts";

// Two Docket processes on one database append to one audit chain. Writers hammer both at once with
// every kind of audited write; afterwards the chain must verify, its sequence numbers run 1..N with
// nothing lost or repeated, and it holds exactly one event per acknowledged write on top of the
// events the fixtures made.

const MODERATORS = 8;
// The load must never be throttled: a refusal would record events of its own and hide writes.
const SERVER_ENV = { DOCKET_API_MAX_PER_MINUTE: "1000000", DOCKET_LOGIN_MAX_PER_ADDRESS: "1000000" };
// Enough writes to interleave the processes many times over. The load runs until it has them, so a
// busy machine makes the test slower rather than weaker; the cap only stops a load that stalled.
const TARGET_WRITES = 200;
const LOAD_LIMIT_MS = 60_000;

let a: RunningServer;
let b: RunningServer;
let apiKeyId: string;
let token: string;
let labels: DecisionLabels;
let moderators: { id: string; email: string }[];

beforeAll(async () => {
  const { versionId } = await starterLabels();
  const label = async (key: string) => (await db.label.findFirstOrThrow({ where: { key, versionId } })).id;
  labels = { keep: await label("ve_news_reporting"), remove: await label("ve_glorification"), restrict: await label("ve_representation") };
  const { key, token: t } = await makeApiKey("twin-audit");
  apiKeyId = key.id;
  token = t;
  await seedItems(300);
  moderators = await Promise.all(Array.from({ length: MODERATORS }, () => makeUser("moderator")));
  [a, b] = await Promise.all([startServer(SERVER_ENV), startServer(SERVER_ENV)]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

/** A moderator who signs out and back in every few items, on whichever process answers. */
function reviewerWithSessions(r: Reviewer) {
  let steps = Math.floor(Math.random() * 6);
  return {
    step: async () => {
      if (++steps % 6 === 0) {
        await r.logout();
        await r.login();
      }
      await r.step();
    },
  };
}

describe("two app processes appending to one audit chain", () => {
  it("writers hammering both at once leave a chain that verifies, numbered 1..N, with one event per acknowledged write", async () => {
    const before = await eventCounts();
    const fixtureEvents = Object.values(before).reduce((n, c) => n + c, 0);
    expect(fixtureEvents).toBeGreaterThan(0);

    // Every request goes to either process at random, as behind a load balancer.
    const servers: Servers = { urls: [a.url, b.url] };
    const ledger = new Ledger();
    const reviewers = moderators.map((m) => new Reviewer(m, servers, labels, ledger));
    await Promise.all(reviewers.map((r) => r.login()));
    const workers = [
      ...reviewers.map(reviewerWithSessions),
      new FlagSender(token, servers, ledger),
      new FlagSender(token, servers, ledger),
      new FailedLogins(servers, ledger),
    ];
    const deadline = Date.now() + LOAD_LIMIT_MS;
    await runLoad(workers, ledger, { stop: () => ledger.acks.length >= TARGET_WRITES || Date.now() > deadline || ledger.unexpected.length > 0 });
    expect(ledger.unexpected, `${a.output()}\n${b.output()}`).toEqual([]);

    const sequence = await sequenceProblems();
    expect(sequence.problems).toEqual([]);
    const verified = await verifyChain();
    expect(verified.ok, describeResult(verified)).toBe(true);
    expect(verified.headSeq).toBe(sequence.count);

    const expected = ledger.expectedEvents();
    const acknowledged = Object.values(expected).reduce((n, c) => n + c, 0);
    const after = await eventCounts();
    const added = Object.fromEntries(
      Object.keys({ ...before, ...after })
        .map((action) => [action, (after[action] ?? 0) - (before[action] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
    expect(added).toEqual(expected);
    expect(sequence.count).toBe(fixtureEvents + acknowledged);

    expect(await missingAcknowledgedWrites(ledger)).toEqual([]);
    expect(await unpairedWrites(apiKeyId)).toEqual([]);
    expect(await claimProblems()).toEqual([]);

    console.log(`audited writes acknowledged through two processes: ${acknowledged} (${JSON.stringify(expected)}), ${fixtureEvents} from the fixtures`);
    // The test means something only if every kind of write took part, many times over.
    expect(acknowledged).toBeGreaterThanOrEqual(TARGET_WRITES);
    for (const action of ["auth.logged_in", "auth.logged_out", "auth.login_failed", "item.claimed", "decision.made", "claim.released", "flag.received"]) {
      expect(expected[action] ?? 0, action).toBeGreaterThan(0);
    }
  }, 180_000);
});
