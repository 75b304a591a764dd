import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { makeUser, PASSWORD } from "../support/fixtures.ts";
import { startServer, type RunningServer } from "../support/server.ts";

const PER_ACCOUNT = 5;
const PER_ADDRESS = 10;
const BURST = 40;

let server: RunningServer;
beforeAll(async () => {
  // Behind a trusted proxy each test can speak from its own address, so the per-address
  // counter of one test never blocks another.
  server = await startServer({
    DOCKET_LOGIN_MAX_PER_ACCOUNT: String(PER_ACCOUNT),
    DOCKET_LOGIN_MAX_PER_ADDRESS: String(PER_ADDRESS),
    DOCKET_TRUST_PROXY: "1",
  });
});
afterAll(() => server?.stop());

function newAddress() {
  const b = randomUUID().replace(/-/g, "");
  return `10.${parseInt(b.slice(0, 2), 16)}.${parseInt(b.slice(2, 4), 16)}.${parseInt(b.slice(4, 6), 16)}`;
}

/** One sign-in attempt from a fresh tab (no cookies), as a browser would post it. */
function attempt(address: string, email: string, password: string) {
  return fetch(`${server.url}/login`, {
    method: "POST",
    headers: { Origin: server.url, "X-Forwarded-For": address, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  }).then(async (res) => ({ status: res.status, body: await res.text() }));
}

function tally(results: { status: number }[]) {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

async function actions(email: string) {
  const events = await db.auditEvent.findMany({ where: { subjectId: email }, select: { action: true } });
  return events.map((e) => e.action);
}

describe("the sign-in throttle under concurrent attempts", () => {
  it("forty wrong passwords at once for one account get at most the limit of password checks; the rest 429", async () => {
    const user = await makeUser("moderator");
    const address = newAddress();
    // The right password goes last, inside the burst: it may only succeed as one of the limited checks.
    const results = await Promise.all([
      ...Array.from({ length: BURST }, (_, i) => attempt(address, user.email, `wrong-${i}`)),
      attempt(address, user.email, PASSWORD),
    ]);
    const counts = tally(results);
    const checked = (counts[401] ?? 0) + (counts[302] ?? 0);
    expect(checked, JSON.stringify(counts)).toBeLessThanOrEqual(PER_ACCOUNT);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(counts[429], JSON.stringify(counts)).toBe(BURST + 1 - checked);
    expect(results.find((r) => r.status === 429)?.body).toContain("Too many failed sign-in attempts");
    // Every refusal is on the record: one event per checked failure, one per blocked attempt.
    const logged = await actions(user.email);
    expect(logged.filter((a) => a === "auth.login_failed").length).toBe(counts[401] ?? 0);
    expect(logged.filter((a) => a === "auth.login_blocked").length).toBe(counts[429]);
  });

  it("a right password sent once the limit is reached inside a burst does not sign in", async () => {
    const user = await makeUser("moderator");
    const address = newAddress();
    let answered = 0;
    let limitReached!: () => void;
    const reached = new Promise<void>((resolve) => (limitReached = resolve));
    // The limit is reached when the first attempt is refused, or when the limit's worth of checks answered.
    const burst = Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        attempt(address, user.email, `wrong-${i}`).then((r) => {
          answered += 1;
          if (r.status === 429 || answered >= PER_ACCOUNT) limitReached();
          return r;
        }),
      ),
    );
    await reached;
    const right = await attempt(address, user.email, PASSWORD);
    await burst;
    expect(right.status).toBe(429);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("forty wrong passwords at once from one address, each for another account, stop at the address limit", async () => {
    const address = newAddress();
    const results = await Promise.all(
      Array.from({ length: BURST }, (_, i) => attempt(address, `sprayed-${i}-${randomUUID().slice(0, 6)}@example.test`, "a guess")),
    );
    const counts = tally(results);
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(PER_ADDRESS);
    expect(counts[429], JSON.stringify(counts)).toBe(BURST - (counts[401] ?? 0));
  });

  it("unknown accounts are throttled exactly like known ones, with the same answers", async () => {
    const address = newAddress();
    const email = `nobody-${randomUUID().slice(0, 8)}@example.test`;
    const results = await Promise.all(Array.from({ length: BURST }, () => attempt(address, email, "a guess")));
    const counts = tally(results);
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(PER_ACCOUNT);
    expect(results.find((r) => r.status === 401)?.body).toContain("That email and password do not match an account.");
    expect(results.find((r) => r.status === 429)?.body).toContain("Too many failed sign-in attempts");
  });

  it("signing in many times in a row is never throttled by its own attempts", async () => {
    const user = await makeUser("auditor");
    const address = newAddress();
    expect((await attempt(address, user.email, "a typo")).status).toBe(401);
    for (let i = 0; i < PER_ADDRESS + 2; i++) {
      expect((await attempt(address, user.email, PASSWORD)).status).toBe(302);
    }
  });
});
