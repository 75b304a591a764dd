import type { Tx } from "~/db.server.ts";
import { canonicalJson, eventHash } from "./chain.ts";
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

/**
 * Appends one event to the chain inside the caller's transaction, so the event exists exactly when
 * the change it records does. Bumping the head row first takes the write lock (SQLite) or the
 * head's row lock (PostgreSQL) until commit, which makes sequence order the commit order. The payload
 * is checked against its action's schema first, so a bad one throws before any lock is taken.
 */
export async function appendAuditEvent<A extends AuditAction>(tx: Tx, input: AuditInput<A>): Promise<AppendedEvent> {
  const payload = canonicalJson(checkedPayload(input.action, input.payload));
  const head = await tx.$queryRaw<{ seq: number | bigint; hash: string }[]>`
    UPDATE "AuditHead" SET "seq" = "seq" + 1 WHERE "id" = 1 RETURNING "seq", "hash"`;
  if (head.length !== 1) throw new Error("the audit head row is missing");
  const seq = Number(head[0].seq);
  const prevHash = head[0].hash;
  const at = new Date();
  const fields = {
    seq,
    at,
    ...actorFields(input.actor),
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    payload,
  };
  const hash = eventHash(prevHash, fields);
  await tx.auditEvent.create({ data: { ...fields, prevHash, hash } });
  await tx.$executeRaw`UPDATE "AuditHead" SET "hash" = ${hash} WHERE "id" = 1`;
  return { seq, hash, at };
}
