import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, transaction } from "~/db.server.ts";
import { canonicalJson, eventHash } from "~/modules/audit/chain.ts";
import { AuditPayloadError, type AuditAction } from "~/modules/audit/events.ts";
import { exportStream } from "~/modules/audit/export.server.ts";
import { getEvent, knownActions, searchEvents } from "~/modules/audit/search.server.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";
import { forgeEvent, insertEvent, openRaw, type RawDb } from "../support/audit-chain.ts";

const actor: Actor = { kind: "system", name: "audit events test" };
let raw: RawDb;

beforeAll(async () => {
  raw = await openRaw(process.env.DATABASE_URL!);
});
afterAll(() => raw?.close());

const head = () => db.auditHead.findUniqueOrThrow({ where: { id: 1 } });

/** Appends an event as an earlier Docket did, under a name since changed: correctly chained at the head. */
async function appendUnderEarlierName(action: string, payload: Record<string, unknown>) {
  const h = await head();
  const event = forgeEvent(h.seq + 1, h.hash, payload, new Date(), action);
  await insertEvent(raw, event);
  await raw.run(`UPDATE "AuditHead" SET "seq" = $1, "hash" = $2 WHERE "id" = 1`, [event.seq, event.hash]);
  return event;
}

describe("the audit writer refuses what its schemas do not allow", () => {
  it("a payload that does not match its action's schema is refused before anything is chained", async () => {
    await transaction((tx) => appendAuditEvent(tx, { actor, action: "user.preference_changed", subjectType: "user", payload: { revealMedia: true } }));
    const before = await head();
    const events = await db.auditEvent.count();
    const bad = { revealMedia: "yes" } as unknown as { revealMedia: boolean };
    await expect(transaction((tx) => appendAuditEvent(tx, { actor, action: "user.preference_changed", subjectType: "user", payload: bad }))).rejects.toThrow(
      AuditPayloadError,
    );
    const extra = { revealMedia: true, note: "not in the schema" } as { revealMedia: boolean };
    await expect(transaction((tx) => appendAuditEvent(tx, { actor, action: "user.preference_changed", subjectType: "user", payload: extra }))).rejects.toThrow(
      /note/,
    );
    const unregistered = "user.teleported" as AuditAction;
    await expect(transaction((tx) => appendAuditEvent(tx, { actor, action: unregistered, subjectType: "user", payload: {} as never }))).rejects.toThrow(
      /not registered/,
    );
    expect(await head()).toEqual(before);
    expect(await db.auditEvent.count()).toBe(events);
    expect((await verifyChain()).ok).toBe(true);
  });

  it("times passed as Dates are stored as ISO text and read back as the same text", async () => {
    const leaseExpiresAt = new Date("2030-01-02T03:04:05.678Z");
    const { seq } = await transaction((tx) =>
      appendAuditEvent(tx, {
        actor,
        action: "item.claimed",
        subjectType: "item",
        subjectId: "i-1",
        payload: { itemId: "i-1", claimId: "c-1", queue: "pending", leaseExpiresAt },
      }),
    );
    const stored = await db.auditEvent.findUniqueOrThrow({ where: { seq } });
    expect(JSON.parse(stored.payload).leaseExpiresAt).toBe("2030-01-02T03:04:05.678Z");
    const event = await getEvent(seq);
    expect(event).toMatchObject({ payloadStatus: "typed", payload: { leaseExpiresAt: "2030-01-02T03:04:05.678Z" } });
  });
});

describe("events recorded under an earlier action name", () => {
  it("are read as the current action, found by searching for it, and listed once under it", async () => {
    const old = await appendUnderEarlierName("flags.batch_received", {
      platform: "placeholder",
      digest: "a".repeat(64),
      accepted: 2,
      duplicates: 0,
      refused: 0,
      newItems: 2,
      removalOrders: 0,
    });
    const { seq: current } = await transaction((tx) =>
      appendAuditEvent(tx, {
        actor,
        action: "flag.batch_received",
        subjectType: "intake",
        subjectId: "placeholder",
        payload: { platform: "placeholder", digest: "b".repeat(64), accepted: 1, duplicates: 1, refused: 0, newItems: 0, removalOrders: 0 },
      }),
    );
    expect((await verifyChain()).ok).toBe(true);

    const detail = await getEvent(old.seq);
    expect(detail).toMatchObject({ action: "flag.batch_received", recordedAs: "flags.batch_received", payloadStatus: "typed" });

    const found = await searchEvents({ action: "flag.batch_received" });
    expect(found.rows.map((r) => [r.seq, r.action, r.recordedAs])).toEqual([
      [current, "flag.batch_received", "flag.batch_received"],
      [old.seq, "flag.batch_received", "flags.batch_received"],
    ]);
    const byEarlierName = await searchEvents({ action: "flags.batch_received" });
    expect(byEarlierName.rows.map((r) => r.seq)).toEqual([current, old.seq]);

    const actions = await knownActions();
    expect(actions).toContain("flag.batch_received");
    expect(actions).not.toContain("flags.batch_received");
  });
});

describe("the events export", () => {
  it("writes each payload exactly as stored, and carries on past a stored payload that is not JSON", async () => {
    const from = new Date(Date.now() - 1000);
    const { seq: good } = await transaction((tx) =>
      appendAuditEvent(tx, { actor, action: "user.preference_changed", subjectType: "user", subjectId: "u-1", payload: { revealMedia: false } }),
    );
    // Written straight into the table, as only someone with database access could.
    const h = await head();
    const forged = forgeEvent(h.seq + 1, h.hash, {}, new Date(), "user.preference_changed");
    forged.payload = "not json {";
    forged.hash = eventHash(h.hash, forged);
    await insertEvent(raw, forged);
    await raw.run(`UPDATE "AuditHead" SET "seq" = $1, "hash" = $2 WHERE "id" = 1`, [forged.seq, forged.hash]);

    const text = await new Response(exportStream("events", "jsonl", { from, to: new Date(Date.now() + 60_000) })).text();
    const rows = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    expect(canonicalJson(bySeq.get(good).payload)).toBe(canonicalJson({ revealMedia: false }));
    expect(bySeq.get(forged.seq).payload).toBe("not json {");
  });
});
