import { db } from "~/db.server.ts";
import { isOpen } from "~/modules/items/lifecycle.ts";
import type { Ledger } from "./write-load.ts";

// What the database must look like after any load, crash or not. Each check returns the problems it
// found in words, so a failing test names them instead of printing a count.

type Event = { seq: number; action: string; actorId: string | null; subjectId: string | null; payload: Record<string, unknown> };

async function eventsOf(actions: string[]): Promise<Event[]> {
  const rows = await db.auditEvent.findMany({
    where: { action: { in: actions } },
    select: { seq: true, action: true, actorId: true, subjectId: true, payload: true },
    orderBy: { seq: "asc" },
  });
  return rows.map((r) => ({ ...r, seq: Number(r.seq), payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

const byPayload = (events: Event[], field: string) => new Map(events.map((e) => [String(e.payload[field]), e]));

function countBy<T>(list: T[], key: (t: T) => string) {
  const m = new Map<string, number>();
  for (const t of list) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
}

/** Every write the server acknowledged is in the database, with its audit event. */
export async function missingAcknowledgedWrites(ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  const events = await eventsOf([
    "decision.made",
    "item.claimed",
    "claim.released",
    "claim.skipped",
    "flag.received",
    "auth.logged_in",
    "auth.logged_out",
    "auth.login_failed",
  ]);
  const of = (action: string) => events.filter((e) => e.action === action);

  const decisionEvents = byPayload(of("decision.made"), "decisionId");
  const decided = ledger.of("decision");
  const decisions = await db.decision.findMany({
    where: { itemId: { in: decided.map((d) => d.itemId) } },
    select: { id: true, seq: true, itemId: true, userId: true, claimId: true, action: true },
  });
  for (const ack of decided) {
    const row = decisions.find((d) => d.itemId === ack.itemId && d.userId === ack.userId && d.claimId === ack.claimId);
    if (!row) {
      problems.push(`acknowledged decision on ${ack.itemId} by ${ack.userId} under claim ${ack.claimId} is missing`);
      continue;
    }
    if (row.action !== ack.action) problems.push(`decision ${row.id} on ${ack.itemId} is "${row.action}", "${ack.action}" was acknowledged`);
    const event = decisionEvents.get(row.id);
    if (!event) problems.push(`acknowledged decision ${row.id} on ${ack.itemId} has no decision.made event`);
    else if (event.seq !== Number(row.seq) || event.actorId !== ack.userId || event.subjectId !== ack.itemId) {
      problems.push(`decision ${row.id} and its event disagree: event ${event.seq} by ${event.actorId} on ${event.subjectId}, decision seq ${row.seq}`);
    }
  }

  const claimRows = await db.claim.findMany({
    where: { userId: { in: [...new Set(ledger.acks.flatMap((a) => ("userId" in a ? [a.userId] : [])))] } },
    select: { id: true, itemId: true, userId: true, endReason: true },
  });
  const claimEvents = byPayload(of("item.claimed"), "claimId");
  for (const ack of ledger.of("claim")) {
    const rows = claimRows.filter((c) => c.itemId === ack.itemId && c.userId === ack.userId);
    if (!rows.some((c) => claimEvents.has(c.id)))
      problems.push(`acknowledged claim of ${ack.itemId} by ${ack.userId} is missing (or has no item.claimed event)`);
  }
  for (const [kind, action, endReason] of [
    ["release", "claim.released", "released"],
    ["skip", "claim.skipped", "skipped"],
  ] as const) {
    const ended = byPayload(of(action), "claimId");
    for (const ack of ledger.of(kind)) {
      const row = claimRows.find((c) => c.id === ack.claimId);
      if (row?.endReason !== endReason)
        problems.push(`acknowledged ${kind} of claim ${ack.claimId} on ${ack.itemId}: the claim ended as ${row?.endReason ?? "(no such claim)"}`);
      if (!ended.has(ack.claimId)) problems.push(`acknowledged ${kind} of claim ${ack.claimId} on ${ack.itemId} has no ${action} event`);
    }
  }

  const flagAcks = ledger.of("flag");
  const flags = new Map(
    (await db.flag.findMany({ where: { id: { in: flagAcks.map((f) => f.flagId) } }, select: { id: true, itemId: true } })).map((f) => [f.id, f.itemId]),
  );
  const flagEvents = byPayload(of("flag.received"), "flagId");
  for (const ack of flagAcks) {
    if (flags.get(ack.flagId) !== ack.itemId) problems.push(`acknowledged flag ${ack.flagId} on ${ack.itemId} is missing`);
    if (!flagEvents.has(ack.flagId)) problems.push(`acknowledged flag ${ack.flagId} has no flag.received event`);
  }

  for (const [kind, action, key] of [
    ["login", "auth.logged_in", "actorId"],
    ["logout", "auth.logged_out", "actorId"],
    ["login_failed", "auth.login_failed", "subjectId"],
  ] as const) {
    const recorded = countBy(of(action), (e) => String(e[key]));
    const acked = countBy(ledger.of(kind), (a) => ("userId" in a ? a.userId : a.email));
    for (const [who, n] of acked) {
      if ((recorded.get(who) ?? 0) < n) problems.push(`${n} acknowledged ${kind} for ${who}, ${recorded.get(who) ?? 0} ${action} events`);
    }
  }
  return problems;
}

/** Nobody shares an item: at most one open claim per item, the item points at it, one live lease per reviewer and queue. */
export async function claimProblems(): Promise<string[]> {
  const problems: string[] = [];
  const now = new Date();
  const open = await db.claim.findMany({ where: { endedAt: null }, select: { id: true, itemId: true, userId: true } });
  for (const [itemId, n] of countBy(open, (c) => c.itemId)) if (n > 1) problems.push(`item ${itemId} has ${n} open claims`);
  const held = await db.item.findMany({
    where: { OR: [{ claimId: { not: null } }, { claimedById: { not: null } }, { id: { in: open.map((c) => c.itemId) } }] },
    select: { id: true, state: true, claimId: true, claimedById: true, leaseExpiresAt: true },
  });
  const items = new Map(held.map((i) => [i.id, i]));
  for (const c of open) {
    const item = items.get(c.itemId);
    if (item?.claimId !== c.id || item.claimedById !== c.userId) {
      problems.push(
        `open claim ${c.id} of ${c.userId} on ${c.itemId}, but the item is held by ${item?.claimedById ?? "nobody"} under ${item?.claimId ?? "no claim"}`,
      );
    }
  }
  const openIds = new Set(open.map((c) => c.id));
  for (const item of held) {
    if (item.claimId && !openIds.has(item.claimId)) problems.push(`item ${item.id} is held under claim ${item.claimId}, which is not an open claim`);
    if (!item.claimId !== !item.claimedById || !item.claimId !== !item.leaseExpiresAt) problems.push(`item ${item.id} has a half-written lease`);
    if (item.claimId && !isOpen(item.state)) problems.push(`item ${item.id} is ${item.state} but still leased`);
  }
  const live = held.filter((i) => i.claimedById && i.leaseExpiresAt && i.leaseExpiresAt > now);
  for (const [holder, n] of countBy(live, (i) => `${i.claimedById} in ${i.state}`)) if (n > 1) problems.push(`${holder} holds ${n} items at once`);
  const decisions = await db.decision.findMany({ where: { action: { not: "escalate" } }, select: { itemId: true } });
  for (const [itemId, n] of countBy(decisions, (d) => d.itemId)) if (n > 1) problems.push(`item ${itemId} was decided ${n} times`);
  return problems;
}

/**
 * Each write and its audit event are one unit: every decision, claim and API flag has its event and
 * every such event its row, with nothing half-written by a crash.
 */
export async function unpairedWrites(apiKeyId: string): Promise<string[]> {
  const problems: string[] = [];
  const events = await eventsOf(["decision.made", "item.claimed", "claim.released", "claim.skipped", "flag.received"]);
  const of = (action: string) => events.filter((e) => e.action === action);

  const decisions = await db.decision.findMany({ select: { id: true, seq: true } });
  const decisionSeq = new Map(decisions.map((d) => [d.id, Number(d.seq)]));
  const decisionEvents = byPayload(of("decision.made"), "decisionId");
  for (const d of decisions)
    if (decisionEvents.get(d.id)?.seq !== Number(d.seq)) problems.push(`decision ${d.id} has no decision.made event at its seq ${d.seq}`);
  for (const [id, e] of decisionEvents) if (!decisionSeq.has(id)) problems.push(`decision.made event ${e.seq} names decision ${id}, which does not exist`);

  const claims = await db.claim.findMany({ select: { id: true, endReason: true } });
  const claimIds = new Map(claims.map((c) => [c.id, c.endReason]));
  const claimed = byPayload(of("item.claimed"), "claimId");
  for (const c of claims) if (!claimed.has(c.id)) problems.push(`claim ${c.id} has no item.claimed event`);
  for (const [id, e] of claimed) if (!claimIds.has(id)) problems.push(`item.claimed event ${e.seq} names claim ${id}, which does not exist`);
  for (const [action, endReasons] of [
    ["claim.released", ["released", "lead_released"]],
    ["claim.skipped", ["skipped"]],
  ] as const) {
    const ended = byPayload(of(action), "claimId");
    const endedAs = (id: string) => (endReasons as readonly string[]).includes(claimIds.get(id) ?? "");
    for (const c of claims) if (endedAs(c.id) && !ended.has(c.id)) problems.push(`claim ${c.id} ended as ${c.endReason} without a ${action} event`);
    for (const [id, e] of ended)
      if (!endedAs(id)) problems.push(`${action} event ${e.seq} names claim ${id}, which ended as ${claimIds.get(id) ?? "(missing)"}`);
  }

  const flags = await db.flag.findMany({ where: { apiKeyId }, select: { id: true } });
  const flagIds = new Set(flags.map((f) => f.id));
  const received = byPayload(of("flag.received"), "flagId");
  for (const f of flags) if (!received.has(f.id)) problems.push(`flag ${f.id} has no flag.received event`);
  for (const [id, e] of received) if (!flagIds.has(id)) problems.push(`flag.received event ${e.seq} names flag ${id}, which does not exist`);
  return problems;
}

/** The log's sequence numbers run 1..N with no gap or repeat. */
export async function sequenceProblems(): Promise<{ count: number; problems: string[] }> {
  const rows = await db.auditEvent.findMany({ select: { seq: true }, orderBy: { seq: "asc" } });
  const problems: string[] = [];
  rows.forEach((r, i) => {
    if (Number(r.seq) !== i + 1 && problems.length < 10) problems.push(`position ${i + 1} holds event ${r.seq}`);
  });
  return { count: rows.length, problems };
}

/** Audit events by action, to compare before and after a load. */
export async function eventCounts(): Promise<Record<string, number>> {
  const groups = await db.auditEvent.groupBy({ by: ["action"], _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.action, g._count._all]));
}
