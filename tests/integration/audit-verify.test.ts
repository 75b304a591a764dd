import { afterEach, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { parallelCheck } from "~/modules/audit/parallel-verify.server.ts";
import { eventHash, GENESIS_HASH } from "~/modules/audit/chain.ts";
import { sqliteFilePath } from "~/db-url.server.ts";
import { freshDatabase } from "../support/databases.ts";
import { dropAuditTriggers, forgeEvent, insertEvent, openRaw, runVerifyCommand, seedChain, type RawDb } from "../support/audit-chain.ts";
import { makeDecision } from "../support/audit-fixtures.ts";

const N = 20;
const opened: RawDb[] = [];

/** A database of its own with a valid 20-event chain, for one kind of tampering. */
async function chainDatabase() {
  const url = await freshDatabase();
  const raw = await openRaw(url);
  opened.push(raw);
  const events = await seedChain(raw, N);
  return { url, raw, events };
}

/**
 * Runs the command the single-pass way and with worker threads (SQLite): both must fail and name
 * the same event (the threaded pass finds that something is off; the single pass then names it).
 */
async function expectBroken(url: string, message: string) {
  const variants = [["--read-only"], ["--read-only", "--workers", "2"]];
  const runs = await Promise.all(variants.map((args) => runVerifyCommand(url, args)));
  runs.forEach((run, i) => {
    expect(run.status, `${variants[i].join(" ")}: ${run.output}`).toBe(1);
    expect(run.stderr).toContain(message);
  });
}

afterEach(async () => {
  while (opened.length) await opened.pop()!.close();
});

describe("npm run audit:verify", () => {
  it("exits 0 on an intact log written by the console, and records the run as an audit event", async () => {
    await makeDecision({ action: "remove" });
    await makeDecision({ action: "keep" });
    const before = await db.auditEvent.count();
    const run = await runVerifyCommand(process.env.DATABASE_URL!);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toContain(`${before} events checked`);
    const last = await db.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(last.seq).toBe(before + 1);
    expect(last.action).toBe("audit.verified");
    expect(JSON.parse(last.payload)).toMatchObject({ ok: true, checked: before });
    // The recorded run is itself part of the chain, which still verifies.
    expect((await verifyChain()).ok).toBe(true);
  });

  it("--read-only verifies without writing, in one pass or with worker threads", async () => {
    const { url, raw } = await chainDatabase();
    const run = await runVerifyCommand(url, ["--read-only"]);
    expect(run.status, run.output).toBe(0);
    expect(run.stdout).toContain(`${N} events checked`);
    const threaded = await runVerifyCommand(url, ["--read-only", "--workers", "3"]);
    expect(threaded.status, threaded.output).toBe(0);
    expect(threaded.stdout).toContain(`${N} events checked`);
    const [{ n }] = await raw.all<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "AuditEvent"`);
    expect(Number(n)).toBe(N);
  });

  it("the database refuses to edit or delete audit events while the triggers stand", async () => {
    const { raw } = await chainDatabase();
    await expect(raw.run(`UPDATE "AuditEvent" SET "payload" = '{}' WHERE "seq" = 3`)).rejects.toThrow(/append-only/);
    await expect(raw.run(`DELETE FROM "AuditEvent" WHERE "seq" = 3`)).rejects.toThrow(/append-only/);
  });

  it("an edited payload (triggers dropped) fails and names the event", async () => {
    const { url, raw } = await chainDatabase();
    await dropAuditTriggers(raw);
    await raw.run(`UPDATE "AuditEvent" SET "payload" = $1 WHERE "seq" = 7`, ['{"n":7,"note":"rewritten"}']);
    await expectBroken(url, "broken at event 7 (edited)");
  });

  it("a deleted event fails and names it", async () => {
    const { url, raw } = await chainDatabase();
    await dropAuditTriggers(raw);
    await raw.run(`DELETE FROM "AuditEvent" WHERE "seq" = 7`);
    await expectBroken(url, "broken at event 7 (deleted)");
  });

  it("deleting the newest event fails too: the head still records it", async () => {
    const { url, raw } = await chainDatabase();
    await dropAuditTriggers(raw);
    await raw.run(`DELETE FROM "AuditEvent" WHERE "seq" = ${N}`);
    await expectBroken(url, `broken at event ${N} (deleted)`);
  });

  it("an event inserted mid-chain with a valid hash (later events renumbered, head moved) fails and names it", async () => {
    const { url, raw, events } = await chainDatabase();
    await dropAuditTriggers(raw);
    // Make room at seq 8 without tripping the primary key mid-statement.
    await raw.run(`UPDATE "AuditEvent" SET "seq" = -"seq" WHERE "seq" >= 8`);
    await raw.run(`UPDATE "AuditEvent" SET "seq" = 1 - "seq" WHERE "seq" < 0`);
    const forged = forgeEvent(8, events[6].hash, { n: 8, note: "forged" }, new Date(events[6].at.getTime() + 500));
    await insertEvent(raw, forged);
    await raw.run(`UPDATE "AuditHead" SET "seq" = $1 WHERE "id" = 1`, [N + 1]);
    await expectBroken(url, "broken at event 8 (inserted)");
  });

  it("an event appended behind the writer's back (beyond the head) fails and names it", async () => {
    const { url, raw, events } = await chainDatabase();
    await insertEvent(raw, forgeEvent(N + 1, events[N - 1].hash, { note: "forged" }));
    await expectBroken(url, `broken at event ${N + 1} (inserted)`);
  });

  it("two swapped events fail and the first is named", async () => {
    const { url, raw } = await chainDatabase();
    await dropAuditTriggers(raw);
    await raw.run(`UPDATE "AuditEvent" SET "seq" = -1 WHERE "seq" = 7`);
    await raw.run(`UPDATE "AuditEvent" SET "seq" = 7 WHERE "seq" = 8`);
    await raw.run(`UPDATE "AuditEvent" SET "seq" = 8 WHERE "seq" = -1`);
    await expectBroken(url, "broken at event 7 (reordered)");
  });
});

describe("verifyChain", () => {
  it("the threaded check passes an intact chain on its own, and refuses a damaged one", async () => {
    const { url, raw, events } = await chainDatabase();
    const kind = url.startsWith("file:") ? "sqlite" : "postgresql";
    const target = kind === "sqlite" ? sqliteFilePath(url) : url;
    expect(await parallelCheck(kind, target, N, events[N - 1].hash, GENESIS_HASH, 3)).toBe(N);
    expect(await parallelCheck(kind, target, N, "f".repeat(64), GENESIS_HASH, 3)).toBeNull();
    await dropAuditTriggers(raw);
    await raw.run(`UPDATE "AuditEvent" SET "payload" = '{}' WHERE "seq" = 13`);
    expect(await parallelCheck(kind, target, N, events[N - 1].hash, GENESIS_HASH, 3)).toBeNull();
  });

  it("reads back every field exactly: tabs, newlines, backslashes, quotes, other scripts, NULLs and every width of milliseconds", async () => {
    const url = await freshDatabase();
    const raw = await openRaw(url);
    opened.push(raw);
    const awkward = ["tab\there", "line\nbreak\r\n", "back\\slash \\N \\t", 'quote " and \u00e9\u4e2d\u{1F600}', "bell\u0007 form\f vtab\v bs\b"];
    // .000, .100, .120 and .123: PostgreSQL drops a fraction's trailing zeros when it writes a timestamp.
    const times = ["2025-03-01T10:00:00.000Z", "2025-03-01T10:00:01.100Z", "2025-03-01T10:00:02.120Z", "2025-03-01T10:00:03.123Z", "0999-12-31T23:59:59.009Z"];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 5; seq++) {
      const text = awkward[seq - 1];
      const fields = {
        seq,
        at: new Date(times[seq - 1]),
        actorId: seq % 2 ? null : `actor\t${seq}`,
        actorLabel: text,
        action: "test.event",
        subjectType: text,
        subjectId: seq % 2 ? `subject\\${seq}` : null,
        payload: JSON.stringify({ note: text }),
      };
      const e = { ...fields, prevHash: prev, hash: eventHash(prev, fields) };
      await insertEvent(raw, e);
      prev = e.hash;
    }
    await raw.run(`UPDATE "AuditHead" SET "seq" = $1, "hash" = $2 WHERE "id" = 1`, [5, prev]);
    const kind = url.startsWith("file:") ? "sqlite" : "postgresql";
    const target = kind === "sqlite" ? sqliteFilePath(url) : url;
    expect(await parallelCheck(kind, target, 5, prev, GENESIS_HASH, 2)).toBe(5);
    const single = await runVerifyCommand(url, ["--read-only", "--workers", "1"]);
    expect(single.status, single.output).toBe(0);
    expect(single.stdout).toContain("5 events checked");
  });

  it("a timestamp moved by one millisecond fails in the threaded check and is named by the single pass", async () => {
    const { url, raw, events } = await chainDatabase();
    const kind = url.startsWith("file:") ? "sqlite" : "postgresql";
    const target = kind === "sqlite" ? sqliteFilePath(url) : url;
    await dropAuditTriggers(raw);
    await raw.run(`UPDATE "AuditEvent" SET "at" = $1 WHERE "seq" = 11`, [new Date(events[10].at.getTime() + 1)]);
    expect(await parallelCheck(kind, target, N, events[N - 1].hash, GENESIS_HASH, 2)).toBeNull();
    await expectBroken(url, "broken at event 11 (edited)");
  });

  it("checks in batches and reports progress, with the same answer as one big batch", async () => {
    await makeDecision({ action: "restrict" });
    const seen: number[] = [];
    const small = await verifyChain({ batchSize: 2, onProgress: (checked) => seen.push(checked) });
    const big = await verifyChain({ batchSize: 10_000 });
    expect(small.ok).toBe(true);
    expect(big.ok).toBe(true);
    expect(small.checked).toBe(big.checked);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
