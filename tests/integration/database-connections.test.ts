import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, dialect } from "~/db.server.ts";
import { sqliteRead } from "~/db-direct.server.ts";
import { makeApiKey } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

// PostgreSQL ends connections on its own schedule (a restart, a failover, an administrator ending a
// backend). A dropped connection must cost at most the request it was serving, never the process.
const flag = (i: number) => ({
  content: { externalId: `conn-${i}`, type: "text", body: `A report about the fictional Grey Lantern Union, number ${i}.` },
  flag: { externalId: `conn-flag-${i}`, source: "user_report", reason: "violent_extremism" },
});

describe.skipIf(dialect !== "postgresql")("connections the database ends", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it("the server keeps answering after every one of its connections is terminated, idle or in use", async () => {
    const { token } = await makeApiKey("connections");
    const send = (i: number) =>
      fetch(`${server.url}/api/v1/flags`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(flag(i)),
      });
    for (let i = 0; i < 10; i++) expect((await send(i)).status).toBe(201);
    for (let round = 0; round < 3; round++) {
      // Some requests in flight while their connections are ended under them.
      const inFlight = Array.from({ length: 8 }, (_, k) => send(100 * (round + 1) + k).catch(() => null));
      await db.$queryRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
      const statuses = (await Promise.all(inFlight)).map((r) => r?.status ?? 0);
      expect(
        statuses.every((s) => s === 201 || s === 500 || s === 503),
        JSON.stringify(statuses),
      ).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status, server.output().slice(-2000)).toBe(200);
      expect((await send(1000 + round)).status).toBe(201);
    }
  });
});

describe.skipIf(dialect !== "sqlite")("commits on SQLite", () => {
  it("the connection the claim, decide and intake writes use flushes the log at every commit (synchronous = FULL)", async () => {
    const level = await sqliteRead((tx) => tx.prepare("PRAGMA synchronous").pluck().get());
    expect(level).toBe(2);
  });
});
