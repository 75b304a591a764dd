/*
 * Checked by `npx tsc --noEmit` (never run): the audit writer takes only a registered action, with
 * that action's payload. Each `@ts-expect-error` fails the typecheck if its line ever compiles.
 */
import type { Tx } from "~/db.server.ts";
import { parseAuditPayload } from "~/modules/audit/events.ts";
import { appendAuditEvent, type Actor } from "~/modules/audit/writer.server.ts";

const actor: Actor = { kind: "system", name: "type test" };

export async function writerTypeChecks(tx: Tx) {
  // A registered action with its payload compiles; times may be passed as Dates.
  await appendAuditEvent(tx, { actor, action: "user.created", subjectType: "user", payload: { email: "a@example.test", role: "admin" } });
  await appendAuditEvent(tx, {
    actor,
    action: "item.claimed",
    subjectType: "item",
    payload: { itemId: "i", claimId: "c", queue: "pending", leaseExpiresAt: new Date() },
  });

  // @ts-expect-error an action that is not registered
  await appendAuditEvent(tx, { actor, action: "user.teleported", subjectType: "user", payload: {} });

  // @ts-expect-error an action under its earlier name: new events use the current one
  await appendAuditEvent(tx, { actor, action: "flags.batch_received", subjectType: "intake", payload: {} });

  // @ts-expect-error a plain string is not an action
  await appendAuditEvent(tx, { actor, action: "user.created" as string, subjectType: "user", payload: { email: "a@example.test", role: "admin" } });

  // @ts-expect-error a field of the wrong type
  await appendAuditEvent(tx, { actor, action: "user.created", subjectType: "user", payload: { email: 42, role: "admin" } });

  // @ts-expect-error a required field missing
  await appendAuditEvent(tx, { actor, action: "user.created", subjectType: "user", payload: { email: "a@example.test" } });

  // @ts-expect-error a field the action's payload does not have
  await appendAuditEvent(tx, { actor, action: "user.created", subjectType: "user", payload: { email: "a@example.test", role: "admin", password: "x" } });

  // @ts-expect-error another action's payload
  await appendAuditEvent(tx, { actor, action: "decision.made", subjectType: "item", payload: { revealMedia: true } });

  // @ts-expect-error the payload may not be left out
  await appendAuditEvent(tx, { actor, action: "user.preference_changed", subjectType: "user" });
}

export function readerTypeChecks(action: string, payloadText: string) {
  const event = parseAuditPayload(action, payloadText);
  if (event.status === "typed" && event.action === "audit.verified") {
    // Narrowed by action, then by the payload's own discriminant.
    if (!event.payload.ok) return event.payload.firstBadSeq;
    // @ts-expect-error an intact run has no first bad event
    return event.payload.firstBadSeq;
  }
  if (event.status === "typed" && event.action === "decision.made") {
    const labels: string[] = event.payload.labelKeys;
    return labels.length;
  }
  return null;
}
