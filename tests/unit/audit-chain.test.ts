import { describe, expect, it } from "vitest";
import { canonicalJson, eventBody, eventBodyAround, eventHash, GENESIS_HASH, type ChainedFields } from "~/modules/audit/chain.ts";
import { createHash } from "node:crypto";

const sample = (over: Partial<ChainedFields> = {}): ChainedFields => ({
  seq: 42,
  at: new Date("2025-11-03T10:00:00.123Z"),
  actorId: null,
  actorLabel: 'mod "one" <mod@example.test>\n',
  action: "decision.made",
  subjectType: "item",
  subjectId: "item-1",
  payload: canonicalJson({ b: 1, a: ["x", { d: null, c: "é\u2028" }] }),
  ...over,
});

describe("the chain's canonical encoding", () => {
  it("the fast event encoding is byte-for-byte the canonical JSON of the same fields", () => {
    for (const e of [sample(), sample({ actorId: "u-1", subjectId: null }), sample({ seq: 1, payload: "{}" })]) {
      const viaCanonical = canonicalJson({ ...e, at: e.at.toISOString() });
      expect(eventBody(e)).toBe(viaCanonical);
      expect(eventHash(GENESIS_HASH, e)).toBe(createHash("sha256").update(`${GENESIS_HASH}\n${viaCanonical}`).digest("hex"));
    }
  });

  it("the encoding split around the sequence number joins back into the event's encoding at any number", () => {
    for (const e of [sample(), sample({ actorId: "u-1", subjectId: null }), sample({ actorLabel: ',"seq":7,"subjectId":"x"' })]) {
      const { before, after } = eventBodyAround(e);
      for (const seq of [1, 9, 10, 42, 2_147_483_647]) expect(before + String(seq) + after).toBe(eventBody({ ...e, seq }));
    }
  });

  it("canonical JSON does not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("every chained field changes the hash", () => {
    const base = eventHash(GENESIS_HASH, sample());
    const changes: Partial<ChainedFields>[] = [
      { seq: 43 },
      { at: new Date("2025-11-03T10:00:00.124Z") },
      { actorId: "someone" },
      { actorLabel: "other" },
      { action: "decision.changed" },
      { subjectType: "decision" },
      { subjectId: "item-2" },
      { payload: "{}" },
    ];
    for (const c of changes) expect(eventHash(GENESIS_HASH, sample(c))).not.toBe(base);
    expect(eventHash("1".repeat(64), sample())).not.toBe(base);
  });
});
