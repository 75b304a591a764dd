import { describe, expect, it } from "vitest";
import { db, dialect, transaction } from "~/db.server.ts";
import { eventBody, eventHash, GENESIS_HASH } from "~/modules/audit/chain.ts";
import { verifyChain } from "~/modules/audit/verify.server.ts";
import { appendAuditEvent, recordAuditEvent } from "~/modules/audit/writer.server.ts";

// Text that encodings disagree about: quotes, backslashes, control characters, U+2028, bidi
// controls, combining marks, characters outside the BMP, and JSON that looks like a field.
const HOSTILE = [
  'quote " and backslash \\ and \\" both',
  "line\nbreak\ttab\r\u0001\u001f\u007f",
  "\u2028\u2029 separators",
  "\u202eright-to-left override\u202c",
  "e\u0301 combining, \u{1F6A9} outside the BMP, 中文",
  '","seq":1,"x":"',
  "",
];

const anonymous = (label: string) => ({ kind: "anonymous" as const, label });

async function chainRows() {
  return db.auditEvent.findMany({ orderBy: { seq: "asc" } });
}

describe(`sealing audit events (${dialect})`, () => {
  it("events sealed on their own and inside ORM transactions hash exactly as the verifier recomputes them, whatever their text", async () => {
    for (const text of HOSTILE) {
      await recordAuditEvent({
        actor: anonymous(text),
        action: "auth.login_failed",
        subjectType: "account",
        subjectId: text,
        payload: { address: text, reason: "wrong_password" },
      });
      await transaction((tx) =>
        appendAuditEvent(tx, {
          actor: anonymous(text),
          action: "auth.login_refused",
          subjectType: "account",
          subjectId: text,
          payload: { address: text, reason: "account_disabled" },
        }),
      );
    }
    const rows = await chainRows();
    expect(rows.length).toBeGreaterThanOrEqual(HOSTILE.length * 2);
    let prev = GENESIS_HASH;
    for (const [i, row] of rows.entries()) {
      expect(row.seq).toBe(i + 1);
      expect(row.prevHash).toBe(prev);
      expect(row.hash, `event ${row.seq}: ${eventBody(row)}`).toBe(eventHash(prev, row));
      prev = row.hash;
    }
    const head = await db.auditHead.findUniqueOrThrow({ where: { id: 1 } });
    expect({ seq: head.seq, hash: head.hash }).toEqual({ seq: rows.length, hash: prev });
    expect((await verifyChain()).ok).toBe(true);
  });

  it("many events sealed at once get gapless numbers in one chain that verifies", async () => {
    const before = await db.auditEvent.count();
    const sealed = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? transaction((tx) =>
              appendAuditEvent(tx, {
                actor: anonymous(`writer ${i}`),
                action: "auth.login_failed",
                subjectType: "account",
                subjectId: `a${i}`,
                payload: { address: "x", reason: "wrong_password" },
              }),
            )
          : recordAuditEvent({
              actor: anonymous(`writer ${i}`),
              action: "auth.login_failed",
              subjectType: "account",
              subjectId: `a${i}`,
              payload: { address: "x", reason: "wrong_password" },
            }),
      ),
    );
    const seqs = sealed.map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => before + i + 1));
    const result = await verifyChain();
    expect(result.ok && result.checked).toBe(before + 60);
  });

  it("a payload that does not match its action is refused before anything is written", async () => {
    const before = await db.auditEvent.count();
    await expect(
      recordAuditEvent({
        actor: anonymous("x"),
        action: "auth.login_failed",
        subjectType: "account",
        payload: { address: "x", reason: "not-a-reason" } as never,
      }),
    ).rejects.toThrow();
    expect(await db.auditEvent.count()).toBe(before);
  });
});
