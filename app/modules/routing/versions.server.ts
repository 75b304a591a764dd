// Reads of the routing versions for the console: the live rules, the history, one version, the
// draft, and what a rule may point at (queues, label sets). Writes live in editor.server.ts.
import { db, type Tx } from "~/db.server.ts";
import { RoutingRules, type QueueTarget, type RoutingRule } from "./rules.ts";

export type RoutingVersionStatus = "draft" | "published" | "retired";

export type RoutingVersionView = {
  id: string;
  number: number;
  status: RoutingVersionStatus;
  rules: RoutingRule[];
  changeNote: string;
  createdAt: Date;
  createdBy: string | null;
  updatedAt: Date;
  publishedAt: Date | null;
  publishedBy: string | null;
  retiredAt: Date | null;
};

type VersionRow = {
  id: string;
  number: number;
  status: RoutingVersionStatus;
  rules: string;
  changeNote: string;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  publishedById: string | null;
  retiredAt: Date | null;
};

/** The stored rules; they were checked against the schema when written. */
export function parseStoredRules(rules: string): RoutingRule[] {
  return RoutingRules.parse(JSON.parse(rules));
}

async function userEmails(ids: (string | null)[], client: Tx | typeof db = db) {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return new Map<string, string>();
  const users = await client.user.findMany({ where: { id: { in: wanted } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}

async function toViews(rows: VersionRow[], client: Tx | typeof db = db): Promise<RoutingVersionView[]> {
  const emails = await userEmails(
    rows.flatMap((r) => [r.createdById, r.publishedById]),
    client,
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    status: r.status,
    rules: parseStoredRules(r.rules),
    changeNote: r.changeNote,
    createdAt: r.createdAt,
    createdBy: r.createdById ? (emails.get(r.createdById) ?? null) : null,
    updatedAt: r.updatedAt,
    publishedAt: r.publishedAt,
    publishedBy: r.publishedById ? (emails.get(r.publishedById) ?? null) : null,
    retiredAt: r.retiredAt,
  }));
}

async function oneVersion(where: { status?: RoutingVersionStatus; number?: number; id?: string }, client: Tx | typeof db = db) {
  const row = await client.routingVersion.findFirst({ where });
  return row ? (await toViews([row], client))[0] : null;
}

/** The published version: the rules routing applies now. */
export function liveRoutingVersion(client: Tx | typeof db = db) {
  return oneVersion({ status: "published" }, client);
}

/** The one draft, if a lead started one. */
export function routingDraft(client: Tx | typeof db = db) {
  return oneVersion({ status: "draft" }, client);
}

/** A version by its number. */
export function routingVersionByNumber(number: number, client: Tx | typeof db = db) {
  return oneVersion({ number }, client);
}

export type RoutingHistoryEntry = Omit<RoutingVersionView, "rules"> & { ruleCount: number; previousNumber: number | null };

/**
 * Every version, newest first, with its rule count and the version before it (for "compare with
 * previous"). The draft is left out unless asked for: only editors see it.
 */
export async function routingHistory(options: { includeDraft: boolean }): Promise<RoutingHistoryEntry[]> {
  const rows = await db.routingVersion.findMany({
    where: options.includeDraft ? {} : { status: { not: "draft" } },
    orderBy: { number: "desc" },
  });
  const views = await toViews(rows);
  return views.map(({ rules, ...v }, i) => ({ ...v, ruleCount: rules.length, previousNumber: views[i + 1]?.number ?? null }));
}

/** Every queue as routing sees it, deleted ones included (old versions still name them). */
export async function queueTargets(client: Tx | typeof db = db): Promise<Map<string, QueueTarget>> {
  const queues = await client.queue.findMany({ select: { id: true, name: true, open: true, deletedAt: true }, orderBy: { name: "asc" } });
  return new Map(queues.map((q) => [q.id, { id: q.id, name: q.name, open: q.open, deleted: q.deletedAt !== null }]));
}

/** The queues a rule may be pointed at now: every queue not deleted, closed ones included (marked). */
export async function selectableQueues(client: Tx | typeof db = db): Promise<QueueTarget[]> {
  return [...(await queueTargets(client)).values()].filter((q) => !q.deleted);
}

/** Every label set's key and name, for the rule condition "the item's reasons fall under one of these sets". */
export async function labelSetChoices(client: Tx | typeof db = db): Promise<{ key: string; name: string }[]> {
  return client.labelSet.findMany({ select: { key: true, name: true }, orderBy: { key: "asc" } });
}
