import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server.ts";
import { exportStream, startExport } from "~/modules/audit/export.server.ts";
import { parseSnapshot } from "~/modules/audit/snapshot.ts";
import { EU_COUNTRIES, StatementBatch, StatementOfReasons, TCO_LEGAL_GROUND } from "~/modules/audit/statement-of-reasons.ts";
import { ALL_ACTIONS, ALL_SOURCES, makeDecision } from "../support/audit-fixtures.ts";

const SOURCE_TYPE = {
  removal_order: "SOURCE_TYPE_OTHER_NOTIFICATION",
  authority_referral: "SOURCE_TYPE_OTHER_NOTIFICATION",
  trusted_flagger: "SOURCE_TRUSTED_FLAGGER",
  user_report: "SOURCE_ARTICLE_16",
  automated: "SOURCE_VOLUNTARY",
} as const;

type Made = Awaited<ReturnType<typeof makeDecision>> & { action: string; source: string };
const made: Made[] = [];
let from: Date;

async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

beforeAll(async () => {
  from = new Date(Date.now() - 60_000);
  // Every action from every kind of source.
  for (const action of ALL_ACTIONS) {
    for (const source of ALL_SOURCES) {
      made.push({ ...(await makeDecision({ action, sources: [source] })), action, source });
    }
  }
  // A mixed item: a user notice and a removal order on the same content; the order is the strongest.
  made.push({
    ...(await makeDecision({ action: "remove", sources: ["user_report", "automated", "removal_order"] })),
    action: "remove",
    source: "removal_order",
  });
  // Content types other than text.
  for (const type of ["image", "video", "audio", "link", "document"] as const) {
    made.push({ ...(await makeDecision({ action: "restrict", sources: ["trusted_flagger"], type })), action: "restrict", source: "trusted_flagger" });
  }
}, 120_000);

async function exported() {
  const text = await readAll(exportStream("statements", "jsonl", { from, to: new Date(Date.now() + 60_000) }));
  const lines = text.split("\n").filter(Boolean);
  return lines.map((l) => JSON.parse(l) as { statements: StatementOfReasons[] });
}

describe("DSA statements of reasons", () => {
  it("every exported batch passes the schema of the shared field table, for every action and source kind", async () => {
    const batches = await exported();
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      const parsed = StatementBatch.safeParse(batch);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it("restricting decisions get exactly one statement each; keep and escalate get none", async () => {
    const statements = (await exported()).flatMap((b) => b.statements);
    const restricting = made.filter((m) => m.action === "remove" || m.action === "restrict");
    expect(statements.map((s) => s.puid).sort()).toEqual(restricting.map((m) => `docket-${m.decision.id}`).sort());
    const others = made.filter((m) => m.action === "keep" || m.action === "escalate").map((m) => `docket-${m.decision.id}`);
    for (const s of statements) expect(others).not.toContain(s.puid);
  });

  it("maps source, ground, category, content type and dates from what each decision recorded", async () => {
    const byPuid = new Map((await exported()).flatMap((b) => b.statements).map((s) => [s.puid, s]));
    for (const m of made.filter((x) => x.action === "remove" || x.action === "restrict")) {
      const s = byPuid.get(`docket-${m.decision.id}`)!;
      const snap = parseSnapshot(m.decision.snapshot);
      expect(s.source_type).toBe(SOURCE_TYPE[m.source as keyof typeof SOURCE_TYPE]);
      expect(s.automated_detection).toBe(snap.flags.some((f) => f.source === "automated") ? "Yes" : "No");
      expect(s.automated_decision).toBe("AUTOMATED_DECISION_NOT_AUTOMATED");
      if (m.source === "automated") expect(s.source_identity).toBeUndefined();
      expect(s.decision_visibility).toEqual([m.action === "remove" ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_CONTENT_DISABLED"]);
      // Terrorist content goes under public security with its keyword, never under VIOLENCE.
      expect(s.category).toBe("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY");
      expect(s.category_specification).toContain("KEYWORD_TERRORIST_CONTENT");
      if (m.source === "removal_order") {
        expect(s.decision_ground).toBe("DECISION_GROUND_ILLEGAL_CONTENT");
        expect(s.illegal_content_legal_ground).toBe(TCO_LEGAL_GROUND);
        expect(s.illegal_content_explanation).toBeTruthy();
      } else {
        expect(s.decision_ground).toBe("DECISION_GROUND_INCOMPATIBLE_CONTENT");
        expect(s.incompatible_content_ground).toContain("Violent extremism");
      }
      const expectedType = {
        text: "CONTENT_TYPE_TEXT",
        image: "CONTENT_TYPE_IMAGE",
        video: "CONTENT_TYPE_VIDEO",
        audio: "CONTENT_TYPE_AUDIO",
        link: "CONTENT_TYPE_OTHER",
        document: "CONTENT_TYPE_OTHER",
      }[snap.item.type];
      expect(s.content_type).toEqual([expectedType]);
      if (expectedType === "CONTENT_TYPE_OTHER") expect(s.content_type_other).toBeTruthy();
      expect(s.content_date).toBe(snap.item.postedAt!.toISOString().slice(0, 10));
      expect(s.application_date).toBe(m.decision.createdAt.toISOString().slice(0, 10));
      expect(s.content_language).toBe("EN");
      expect(s.territorial_scope).toEqual([...EU_COUNTRIES]);
      expect(s.territorial_scope).toContain("GR");
    }
  });

  it("decision_facts carry no personal data: no handles, author or reporter ids, URLs, emails, nor the rationale", async () => {
    const byPuid = new Map((await exported()).flatMap((b) => b.statements).map((s) => [s.puid, s]));
    for (const m of made.filter((x) => x.action === "remove" || x.action === "restrict")) {
      const facts = byPuid.get(`docket-${m.decision.id}`)!.decision_facts;
      const snap = parseSnapshot(m.decision.snapshot);
      for (const secret of [
        snap.item.authorHandle,
        snap.item.authorExternalId,
        snap.item.url,
        snap.item.externalId,
        m.moderator.email,
        m.decision.rationale,
        ...snap.flags.map((f) => f.reporterId),
      ]) {
        if (secret) expect(facts).not.toContain(secret);
      }
      expect(facts).not.toMatch(/@|https?:|www\./);
    }
  });

  it("puid is derived from the decision id: stable across exports, unique, never reused", async () => {
    const first = (await exported()).flatMap((b) => b.statements).map((s) => s.puid);
    const second = (await exported()).flatMap((b) => b.statements).map((s) => s.puid);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    for (const p of first) expect(p).toMatch(/^docket-[a-zA-Z0-9-_]+$/);
  });

  it("splits into batches of at most 100, one NDJSON line each", async () => {
    const extra = [];
    for (let i = 0; i < 95; i++) extra.push(await makeDecision({ action: "remove", sources: ["user_report"] }));
    const batches = await exported();
    const total = batches.reduce((n, b) => n + b.statements.length, 0);
    expect(total).toBeGreaterThan(100);
    expect(batches.length).toBe(Math.ceil(total / 100));
    for (const b of batches) expect(b.statements.length).toBeLessThanOrEqual(100);
    expect(batches[0].statements.length).toBe(100);
  }, 120_000);

  it("an export is recorded as an audit event with its range and row count", async () => {
    const range = { from, to: new Date(Date.now() + 60_000) };
    const before = await db.auditEvent.count();
    const { rows, eventSeq, stream } = await startExport({ kind: "system", name: "test" }, "statements", "jsonl", range);
    await readAll(stream);
    const event = await db.auditEvent.findUniqueOrThrow({ where: { seq: eventSeq } });
    expect(await db.auditEvent.count()).toBe(before + 1);
    expect(event.action).toBe("audit.exported");
    expect(JSON.parse(event.payload)).toMatchObject({ kind: "statements", rows, from: range.from.toISOString() });
  });
});
