import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { ensureStarterLabelSet } from "~/modules/labels/starter.server.ts";
import { foldOnce, rebuildRollups } from "~/modules/reporting/rollups.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// Two Docket processes on one database each fold the audit log into the report rollups every few
// milliseconds while flags arrive through both, and this process folds small runs at the same time:
// every event is counted once, so the rollups equal a rebuild from the whole log.
let a: RunningServer;
let b: RunningServer;
let apiKey: string;

beforeAll(async () => {
  await ensureStarterLabelSet({ kind: "system", name: "test" });
  apiKey = (await makeApiKey("twin-reports")).token;
  [a, b] = await Promise.all([startServer({ DOCKET_REPORTS_POLL_MS: "10" }), startServer({ DOCKET_REPORTS_POLL_MS: "10" })]);
});
afterAll(() => Promise.all([a?.stop(), b?.stop()]));

const SOURCES = ["user_report", "trusted_flagger", "automated", "authority_referral", "removal_order"] as const;
const entry = (i: number) => ({
  content: {
    externalId: `twin-post-${i % 70}`,
    type: "text",
    body: `Fictional test post ${i % 70} about the made-up Tidewater Brotherhood, written for a test.`,
  },
  flag: {
    source: SOURCES[i % SOURCES.length],
    reason: i % 4 === 0 ? "hate_speech" : "violent_extremism",
    reporterId: `twin-reporter-${i}`,
    reference: `REF-TWIN-${i}`,
  },
});

const post = (server: RunningServer, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

const rollups = async () =>
  (await db.reportCount.findMany({ orderBy: [{ metric: "asc" }, { day: "asc" }, { platform: "asc" }, { queueId: "asc" }, { k1: "asc" }, { k2: "asc" }] }))
    .filter((c) => c.n !== 0)
    .map((c) => `${c.metric}|${c.day}|${c.platform}|${c.queueId}|${c.k1}|${c.k2}=${c.n}`);

describe("report rollups with two app processes on one database", () => {
  it("counts every event once while both processes and this one fold at the same time", async () => {
    let sending = true;
    const folding = (async () => {
      while (sending) {
        await foldOnce(3);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const singles = Array.from({ length: 80 }, (_, i) => post(i % 2 ? a : b, "/api/v1/flags", entry(i)));
    const batches = Array.from({ length: 6 }, (_, k) =>
      post(k % 2 ? b : a, "/api/v1/flags/batch", { flags: Array.from({ length: 25 }, (_, i) => entry(100 + k * 25 + i)) }),
    );
    const answers = await Promise.all([...singles, ...batches]);
    expect(answers.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    sending = false;
    await folding;

    // Both processes catch up with the log on their own.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [head, audit] = await Promise.all([db.reportHead.findUniqueOrThrow({ where: { id: 1 } }), db.auditHead.findUniqueOrThrow({ where: { id: 1 } })]);
      if (head.seq === audit.seq) break;
      if (Date.now() > deadline) throw new Error(`the rollups stayed behind: ${head.seq} of ${audit.seq}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const incremental = await rollups();
    const flags = await db.flag.count();
    expect(flags).toBe(230);
    const notices = await db.reportCount.aggregate({ where: { metric: "notices.received", platform: "*", queueId: "*" }, _sum: { n: true } });
    expect(notices._sum.n).toBe(flags);
    await rebuildRollups();
    expect(await rollups()).toEqual(incremental);

    // The operator's command does the same from outside, while both servers keep folding.
    await db.reportCount.updateMany({ where: { metric: "notices.received" }, data: { n: 1000 } });
    const { stdout } = await promisify(execFile)("npm", ["run", "-s", "reports:rebuild"], { env: { ...process.env, NODE_ENV: "production" }, timeout: 60_000 });
    expect(stdout).toMatch(/report rollups rebuilt: \d+ events folded/);
    expect(await rollups()).toEqual(incremental);
  }, 120_000);
});
