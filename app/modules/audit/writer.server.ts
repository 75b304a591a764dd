import { currentTime } from "~/modules/clock/clock.ts";
import { dialect, type Tx } from "~/db.server.ts";
import { literal, pgWrite, type SqliteTx, sqliteValue, sqliteWrite } from "~/db-direct.server.ts";
import { canonicalJson, eventBodyAround, eventHash, type ChainedFields } from "./chain.ts";
import { checkedPayload, type AuditAction, type AuditPayloadInput } from "./events.ts";

export type Actor =
  | { kind: "user"; id: string; email: string; role: string }
  | { kind: "api_key"; id: string; name: string }
  | { kind: "system"; name: string }
  | { kind: "anonymous"; label: string };

function actorFields(actor: Actor): { actorId: string | null; actorLabel: string } {
  switch (actor.kind) {
    case "user":
      return { actorId: actor.id, actorLabel: `${actor.email} (${actor.role})` };
    case "api_key":
      return { actorId: `api_key:${actor.id}`, actorLabel: `API key ${actor.name}` };
    case "system":
      return { actorId: null, actorLabel: `system: ${actor.name}` };
    case "anonymous":
      return { actorId: null, actorLabel: actor.label };
  }
}

/** One event to record: a registered action with that action's payload. */
export type AuditInput<A extends AuditAction> = {
  actor: Actor;
  action: A;
  subjectType: string;
  subjectId?: string | null;
  payload: AuditPayloadInput<A>;
};

export type AppendedEvent = { seq: number; hash: string; at: Date };

/** An event ready to seal: every chained field but its place in the chain, which sealing gives it. */
export type PreparedEvent = Omit<ChainedFields, "seq"> & { before: string; after: string };

/**
 * Checks the payload against its action's schema and encodes the event, before any lock is taken:
 * a bad payload throws here, and sealing only has to number and hash.
 */
export function prepareAuditEvent<A extends AuditAction>(input: AuditInput<A>, at = currentTime()): PreparedEvent {
  const fields = {
    at,
    ...actorFields(input.actor),
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    payload: canonicalJson(checkedPayload(input.action, input.payload)),
  };
  return { ...fields, ...eventBodyAround(fields) };
}

/**
 * Seals events into the chain inside a synchronous SQLite transaction (which already holds the
 * database's write lock): each takes the next number and the hash of the one before.
 */
export function sealOnSqlite(conn: SqliteTx, events: PreparedEvent[]): AppendedEvent[] {
  const head = conn.prepare(`SELECT "seq", "hash" FROM "AuditHead" WHERE "id" = 1`).get() as { seq: number; hash: string } | undefined;
  if (!head) throw new Error("the audit head row is missing");
  const insert = conn.prepare(
    `INSERT INTO "AuditEvent" ("seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let { seq, hash } = head;
  const out: AppendedEvent[] = [];
  for (const e of events) {
    seq += 1;
    const prevHash = hash;
    hash = eventHash(prevHash, { ...e, seq });
    insert.run(seq, sqliteValue(e.at), e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId, e.payload, prevHash, hash);
    out.push({ seq, hash, at: e.at });
  }
  conn.prepare(`UPDATE "AuditHead" SET "seq" = ?, "hash" = ? WHERE "id" = 1`).run(seq, hash);
  return out;
}

/**
 * The statement that seals one event on PostgreSQL (docket_audit_append, migration 070), with its
 * values as literals so it can travel in the same round trip as the COMMIT after it. It answers
 * one row: the event's "seq" and "hash".
 */
export function sealOnPostgresSql(e: PreparedEvent): string {
  const args = [e.at, e.actorId, e.actorLabel, e.action, e.subjectType, e.subjectId, e.payload, e.before, e.after].map(literal);
  return `SELECT "seq", "hash" FROM docket_audit_append(${args.join(", ")})`;
}

/**
 * Appends one event to the chain inside the caller's ORM transaction, so the event exists exactly
 * when the change it records does. The head is locked from here until commit, which keeps sequence
 * order the commit order; callers append last. (The hot paths seal in their final round trip
 * instead: see claims, decide and intake.)
 */
export async function appendAuditEvent<A extends AuditAction>(tx: Tx, input: AuditInput<A>): Promise<AppendedEvent> {
  const e = prepareAuditEvent(input);
  if (dialect === "postgresql") {
    const rows = await tx.$queryRaw<{ seq: number; hash: string }[]>`
      SELECT "seq", "hash" FROM docket_audit_append(CAST(${e.at.toISOString()} AS TIMESTAMP(3)), ${e.actorId}, ${e.actorLabel}, ${e.action},
        ${e.subjectType}, ${e.subjectId}, ${e.payload}, ${e.before}, ${e.after})`;
    return { seq: Number(rows[0].seq), hash: rows[0].hash, at: e.at };
  }
  const head = await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`
    UPDATE "AuditHead" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "seq", "hash"`;
  if (head.length !== 1) throw new Error("the audit head row is missing");
  const seq = Number(head[0].seq);
  const prevHash = head[0].hash;
  const hash = eventHash(prevHash, { ...e, seq });
  const { before: _b, after: _a, ...fields } = e;
  await tx.auditEvent.create({ data: { ...fields, seq, prevHash, hash } });
  await tx.$executeRaw`UPDATE "AuditHead" SET "hash" = ${hash} WHERE "id" = 1`;
  return { seq, hash, at: e.at };
}

/**
 * Records one event on its own (a sign-in, an export): one synchronous transaction on SQLite, one
 * round trip on PostgreSQL, so the head is never locked while Node waits.
 */
export async function recordAuditEvent<A extends AuditAction>(input: AuditInput<A>): Promise<AppendedEvent> {
  const e = prepareAuditEvent(input);
  if (dialect === "sqlite") return (await sqliteWrite((conn) => sealOnSqlite(conn, [e])))[0];
  const [row] = await pgWrite((tx) => tx.commitWith<{ seq: number; hash: string }>(sealOnPostgresSql(e)));
  return { seq: Number(row.seq), hash: row.hash, at: e.at };
}
