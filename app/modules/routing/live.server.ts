// The routing in force: the published rules, the queues they can send to, and which label sets
// cover which reasons, read together and cached per routing generation. Every change that alters
// where items go bumps the generation (first, in its own transaction); every routing reads it in
// the transaction that routes, so it never routes with rules or queues older than its own moment.
// See docs/decisions/028-queues-and-routing.md.
import { db, dialect, type Tx } from "~/db.server.ts";
import type { PgWrite, SqliteTx } from "~/db-direct.server.ts";
import { env } from "~/env.server.ts";
import type { Source } from "~/modules/items/sources.ts";
import type { Actor, AuditInput } from "~/modules/audit/writer.server.ts";
import {
  effectiveDeadlineHours,
  parseDeadlineHours,
  RoutingRules,
  type QueueDeadlineHours,
  type QueueTarget,
  type RoutingRule,
  type RouteResult,
  type RoutingSubject,
  type Stage,
} from "./rules.ts";

export type LiveQueue = QueueTarget & { deadlineHours: QueueDeadlineHours };

export type RoutingContext = {
  generation: number;
  version: { id: string; number: number; rules: RoutingRule[] } | null;
  queues: Map<string, LiveQueue>;
  /** Label set keys by flag reason, from the published label sets. */
  labelSetsByReason: Map<string, string[]>;
  /** Whether any live rule looks at copy groups (only then does routing read them). */
  usesCopies: boolean;
};

export const GENERATION_SQL = `SELECT "generation" FROM "RoutingState" WHERE "id" = 1`;
// A transaction-scoped advisory lock guards the generation on PostgreSQL: routings take it shared,
// changes exclusive. The lock manager queues requests fairly, so a change waiting for routings in
// flight is not overtaken by later ones (a FOR SHARE row lock would let them cut in), and no
// MultiXact is written for the shared holders.
const ROUTING_LOCK_KEY = 7263947;
const SHARED_LOCK_SQL = `SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock_shared(${ROUTING_LOCK_KEY})) AS l`;
const EXCLUSIVE_LOCK_SQL = `SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(${ROUTING_LOCK_KEY})) AS l`;
/**
 * For a PostgreSQL BEGIN message: the shared routing lock, then the generation (two statements, two
 * results; the read comes after the lock so it sees any change that held it).
 */
export const GENERATION_SHARED_SQL = `${SHARED_LOCK_SQL};\n${GENERATION_SQL}`;
const QUEUES_SQL = `SELECT "id", "name", "open", "deletedAt", "deadlineHours" FROM "Queue"`;
const VERSION_SQL = `SELECT "id", "number", "rules" FROM "RoutingVersion" WHERE "status" = 'published'`;
const LABEL_SETS_SQL = `SELECT s."key", s."reasons" FROM "LabelSet" s
  WHERE EXISTS (SELECT 1 FROM "LabelSetVersion" v WHERE v."labelSetId" = s."id" AND v."status" = 'published')`;

type QueueRow = { id: string; name: string; open: unknown; deletedAt: unknown; deadlineHours: string };
type VersionRow = { id: string; number: number | bigint; rules: string };
type LabelSetRow = { key: string; reasons: string };

let cached: RoutingContext | null = null;

function build(generation: number, queues: QueueRow[], versions: VersionRow[], labelSets: LabelSetRow[]): RoutingContext {
  const version = versions[0] ? { id: versions[0].id, number: Number(versions[0].number), rules: RoutingRules.parse(JSON.parse(versions[0].rules)) } : null;
  const labelSetsByReason = new Map<string, string[]>();
  for (const set of labelSets) {
    for (const reason of JSON.parse(set.reasons) as string[]) labelSetsByReason.set(reason, [...(labelSetsByReason.get(reason) ?? []), set.key]);
  }
  const context: RoutingContext = {
    generation,
    version,
    queues: new Map(
      queues.map((q) => [
        q.id,
        {
          id: q.id,
          name: q.name,
          open: Boolean(Number(q.open)) || q.open === true,
          deleted: q.deletedAt !== null && q.deletedAt !== undefined,
          deadlineHours: parseDeadlineHours(q.deadlineHours),
        },
      ]),
    ),
    labelSetsByReason,
    usesCopies: !!version?.rules.some((r) => r.when.copies),
  };
  cached = context;
  return context;
}

/** The context for a generation read on a SQLite write connection (synchronous, inside its transaction). */
export function routingContextOnSqlite(conn: SqliteTx): RoutingContext {
  const { generation } = conn.prepare(GENERATION_SQL).get() as { generation: number };
  if (cached?.generation === generation) return cached;
  return build(
    generation,
    conn.prepare(QUEUES_SQL).all() as QueueRow[],
    conn.prepare(VERSION_SQL).all() as VersionRow[],
    conn.prepare(LABEL_SETS_SQL).all() as LabelSetRow[],
  );
}

/** The context for a generation already read (under the shared routing lock) in a PostgreSQL transaction. */
export async function routingContextOnPostgres(tx: PgWrite, generation: number): Promise<RoutingContext> {
  if (cached?.generation === generation) return cached;
  const [queues, versions, labelSets] = [
    await tx.query<QueueRow>(QUEUES_SQL),
    await tx.query<VersionRow>(VERSION_SQL),
    await tx.query<LabelSetRow>(LABEL_SETS_SQL),
  ];
  return build(generation, queues, versions, labelSets);
}

/** The context through the ORM: inside a transaction that bumped or share-locked the generation, or for display. */
export async function routingContext(client: Tx | typeof db = db): Promise<RoutingContext> {
  const [{ generation }] = await client.$queryRawUnsafe<{ generation: number | bigint }[]>(GENERATION_SQL);
  if (cached?.generation === Number(generation)) return cached;
  const [queues, versions, labelSets] = [
    await client.$queryRawUnsafe<QueueRow[]>(QUEUES_SQL),
    await client.$queryRawUnsafe<VersionRow[]>(VERSION_SQL),
    await client.$queryRawUnsafe<LabelSetRow[]>(LABEL_SETS_SQL),
  ];
  return build(Number(generation), queues, versions, labelSets);
}

/**
 * The first statement of every change to where items go (publishing rules or label sets, editing,
 * closing or deleting a queue): it waits for routings in flight and makes later ones read the change.
 * Taking it first keeps the lock order one way round (generation, then items), so it cannot deadlock
 * with intake or an escalation.
 */
export async function bumpRoutingGeneration(tx: Tx) {
  if (dialect === "postgresql") await tx.$queryRawUnsafe(EXCLUSIVE_LOCK_SQL);
  await tx.$executeRawUnsafe(`UPDATE "RoutingState" SET "generation" = "generation" + 1 WHERE "id" = 1`);
}

/** Takes the routing lock shared inside an ORM transaction that routes items (PostgreSQL; SQLite's write lock already serialises). */
export async function holdRoutingGeneration(tx: Tx, engine: "sqlite" | "postgresql" = dialect) {
  if (engine === "postgresql") await tx.$queryRawUnsafe(SHARED_LOCK_SQL);
}

/** What routing looks at for an item. */
export function subjectOf(
  item: { strongestSource: string; countsByReason: Record<string, number> | string; language: string | null; platform: string; type: string },
  stage: Stage,
  context: RoutingContext,
  inCopyGroup: boolean,
): RoutingSubject {
  const reasons = Object.keys(typeof item.countsByReason === "string" ? (JSON.parse(item.countsByReason) as Record<string, number>) : item.countsByReason);
  const labelSets = [...new Set(reasons.flatMap((r) => context.labelSetsByReason.get(r) ?? []))];
  return {
    stage,
    source: item.strongestSource as Source,
    reasons,
    language: item.language,
    platform: item.platform,
    contentType: item.type,
    labelSets,
    inCopyGroup,
  };
}

/** The global deadline hours per source (a removal order's hour is fixed by law). */
export function defaultDeadlineHours(): Partial<Record<Source, number | undefined>> {
  return {
    authority_referral: env.DOCKET_DEADLINE_HOURS_AUTHORITY_REFERRAL,
    trusted_flagger: env.DOCKET_DEADLINE_HOURS_TRUSTED_FLAGGER,
    user_report: env.DOCKET_DEADLINE_HOURS_USER_REPORT,
    automated: env.DOCKET_DEADLINE_HOURS_AUTOMATED,
  };
}

/** The deadline hours for items in a queue (the global ones for an unrouted item). */
export function deadlineHoursIn(context: RoutingContext, queueId: string | null): Partial<Record<Source, number>> {
  return effectiveDeadlineHours(defaultDeadlineHours(), queueId ? (context.queues.get(queueId)?.deadlineHours ?? null) : null);
}

/** The audit event of a routing outside intake: an escalation, or a lead running the rules again. */
export function routedEvent(
  actor: Actor,
  item: { id: string; queueId: string | null },
  route: RouteResult,
  routing: RoutingContext,
  trigger: "escalated" | "rerun",
  dueAt: Date | null,
): AuditInput<"item.routed"> {
  return {
    actor,
    action: "item.routed",
    subjectType: "item",
    subjectId: item.id,
    payload: {
      itemId: item.id,
      trigger,
      fromQueueId: item.queueId,
      queueId: route.queueId,
      ruleId: route.rule?.id ?? null,
      routingVersion: routing.version?.number ?? null,
      note: route.note,
      dueAt,
    },
  };
}
