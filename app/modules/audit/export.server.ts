import { db } from "~/db.server.ts";
import { countDecisions, decisionPage, labelsForDecisions, toSorLabels, type DecisionExportRow } from "./decisions.server.ts";
import { decisionTimings, parseSnapshot, strongestSource } from "./snapshot.ts";
import { RESTRICTING_ACTIONS, SOR_BATCH_SIZE, replacedBecause, validStatement, type StatementOfReasons } from "./statement-of-reasons.ts";
import { parseAuditPayload } from "./events.ts";
import { recordAuditEvent, type Actor } from "./writer.server.ts";
import type { ChainedFields } from "./chain.ts";

export const EXPORT_KINDS = ["events", "decisions", "statements"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type Range = { from: Date; to: Date; platform?: string };

// Rows fetched per round trip: large enough to amortise the query, small enough that memory stays flat.
const PAGE = 1000;

type EventRow = ChainedFields & { prevHash: string; hash: string };

async function eventPage(range: Range, after: { at: Date; seq: number } | null, limit: number): Promise<EventRow[]> {
  const rows = after
    ? await db.$queryRaw<(Omit<EventRow, "seq"> & { seq: number | bigint })[]>`
        SELECT "seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash"
        FROM "AuditEvent" WHERE "at" < ${range.to} AND ("at", "seq") > (${after.at}, ${after.seq})
        ORDER BY "at", "seq" LIMIT ${limit}`
    : await db.$queryRaw<(Omit<EventRow, "seq"> & { seq: number | bigint })[]>`
        SELECT "seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash"
        FROM "AuditEvent" WHERE "at" >= ${range.from} AND "at" < ${range.to}
        ORDER BY "at", "seq" LIMIT ${limit}`;
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

async function countEvents(range: Range): Promise<number> {
  const rows = await db.$queryRaw<{ n: number | bigint }[]>`
    SELECT COUNT(*) AS "n" FROM "AuditEvent" WHERE "at" >= ${range.from} AND "at" < ${range.to}`;
  return Number(rows[0]?.n ?? 0);
}

/** How many rows (events, decisions, or statements) an export of this range will hold. */
export async function countForExport(kind: ExportKind, range: Range): Promise<number> {
  if (kind === "events") return countEvents(range);
  if (kind === "decisions") return countDecisions(range);
  return countDecisions(range, RESTRICTING_ACTIONS);
}

// Spreadsheets execute cells that start with these; content under review is hostile.
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(",")}\r\n`;

const EVENT_COLUMNS = ["seq", "at", "actorId", "actorLabel", "action", "subjectType", "subjectId", "payload", "prevHash", "hash"] as const;
const DECISION_COLUMNS = [
  "decisionId",
  "seq",
  "decidedAt",
  "action",
  "itemId",
  "platform",
  "itemExternalId",
  "itemType",
  "strongestSource",
  "receivedAt",
  "elapsedSeconds",
  "removalOrderDeadlineMet",
  "labelKeys",
  "versionId",
  "decidedByUserId",
  "byLead",
  "copyOfDecisionId",
  "rationale",
] as const;

function decisionView(d: DecisionExportRow) {
  const snapshot = parseSnapshot(d.snapshot);
  const t = decisionTimings(snapshot, d.createdAt, d.action);
  return {
    decisionId: d.id,
    seq: d.seq,
    decidedAt: d.createdAt.toISOString(),
    action: d.action,
    itemId: d.itemId,
    platform: snapshot.item.platform ?? null,
    itemExternalId: snapshot.item.externalId,
    itemType: snapshot.item.type,
    strongestSource: strongestSource(snapshot),
    receivedAt: t.receivedAt?.toISOString() ?? null,
    elapsedSeconds: t.elapsedMs === null ? null : Math.round(t.elapsedMs / 1000),
    removalOrderDeadlineMet: t.removalOrder ? t.removalOrder.met : null,
    labelKeys: JSON.parse(d.labelKeys) as string[],
    versionId: d.versionId,
    decidedByUserId: d.userId,
    byLead: d.byLead,
    copyOfDecisionId: d.copyOfDecisionId,
    rationale: d.rationale,
    snapshot,
  };
}

type Chunker = () => Promise<string | null>;

/**
 * Pages through a keyset-ordered source: an optional header line first, then one rendered page per
 * pull until a short page ends it. Only the current page is ever held.
 */
function pagedChunker<Row>(options: {
  header: string | null;
  fetchPage: (after: { at: Date; seq: number } | null) => Promise<Row[]>;
  cursorOf: (row: Row) => { at: Date; seq: number };
  render: (rows: Row[]) => string;
}): Chunker {
  let cursor: { at: Date; seq: number } | null = null;
  let header = options.header;
  let done = false;
  return async () => {
    if (header !== null) {
      const line = header;
      header = null;
      return line;
    }
    if (done) return null;
    const rows = await options.fetchPage(cursor);
    if (rows.length < PAGE) done = true;
    if (rows.length === 0) return null;
    cursor = options.cursorOf(rows[rows.length - 1]);
    return options.render(rows);
  };
}

function eventsChunker(range: Range, format: ExportFormat): Chunker {
  return pagedChunker({
    header: format === "csv" ? csvLine([...EVENT_COLUMNS]) : null,
    fetchPage: (after) => eventPage(range, after, PAGE),
    cursorOf: (r) => ({ at: r.at, seq: r.seq }),
    render: (rows) =>
      format === "csv"
        ? rows.map((r) => csvLine(EVENT_COLUMNS.map((c) => r[c]))).join("")
        : rows.map((r) => `${JSON.stringify({ ...r, at: r.at.toISOString(), payload: parseAuditPayload(r.action, r.payload).stored })}\n`).join(""),
  });
}

function decisionsChunker(range: Range, format: ExportFormat): Chunker {
  return pagedChunker({
    header: format === "csv" ? csvLine([...DECISION_COLUMNS]) : null,
    fetchPage: (after) => decisionPage(range, after, PAGE),
    cursorOf: (r) => ({ at: r.createdAt, seq: r.seq }),
    render: (rows) => {
      const views = rows.map(decisionView);
      return format === "csv" ? views.map((v) => csvLine(DECISION_COLUMNS.map((c) => v[c]))).join("") : views.map((v) => `${JSON.stringify(v)}\n`).join("");
    },
  });
}

/** The statements of one page of restricting decisions, each validated before it leaves. */
async function statementsFor(rows: DecisionExportRow[]): Promise<StatementOfReasons[]> {
  const labels = await labelsForDecisions(rows.map((r) => r.id));
  const out: StatementOfReasons[] = [];
  for (const r of rows) {
    const snapshot = parseSnapshot(r.snapshot);
    const identifiers = [snapshot.item.authorHandle ?? "", snapshot.item.authorExternalId ?? "", ...snapshot.flags.map((f) => f.reporterId ?? "")];
    const s = validStatement(
      { id: r.id, action: r.action, createdAt: r.createdAt, snapshot, labels: toSorLabels(labels.get(r.id) ?? []), replaced: replacedBecause(r) },
      identifiers,
    );
    if (s) out.push(s);
  }
  return out;
}

/** One NDJSON line per batch of at most 100 statements, each batch ready to POST unchanged. */
function statementsChunker(range: Range): Chunker {
  let cursor: { at: Date; seq: number } | null = null;
  let done = false;
  return async () => {
    while (!done) {
      const rows = await decisionPage(range, cursor, SOR_BATCH_SIZE, RESTRICTING_ACTIONS);
      if (rows.length < SOR_BATCH_SIZE) done = true;
      if (rows.length === 0) return null;
      cursor = { at: rows[rows.length - 1].createdAt, seq: rows[rows.length - 1].seq };
      const statements = await statementsFor(rows);
      if (statements.length > 0) return `${JSON.stringify({ statements })}\n`;
    }
    return null;
  };
}

/**
 * A byte stream that pulls one page per read: the consumer's pace drives the queries, so memory
 * holds one page whatever the size of the range.
 */
export function exportStream(kind: ExportKind, format: ExportFormat, range: Range): ReadableStream<Uint8Array> {
  const next = kind === "events" ? eventsChunker(range, format) : kind === "decisions" ? decisionsChunker(range, format) : statementsChunker(range);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const chunk = await next();
          if (chunk === null) controller.close();
          else controller.enqueue(encoder.encode(chunk));
        } catch (error) {
          controller.error(error);
        }
      },
    },
    { highWaterMark: 1 },
  );
}

export function exportFileName(kind: ExportKind, format: ExportFormat, range: Range) {
  const d = (x: Date) => x.toISOString().slice(0, 19).replace(/[:]/g, "");
  const ext = kind === "statements" ? "ndjson" : format;
  return `docket-${kind}-${d(range.from)}-${d(range.to)}.${ext}`;
}

export function exportContentType(kind: ExportKind, format: ExportFormat) {
  if (kind === "statements") return "application/x-ndjson; charset=utf-8";
  return format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
}

/** Records the export as an audit event (who, what, which range, how many rows), then streams it. */
export async function startExport(actor: Actor, kind: ExportKind, format: ExportFormat, range: Range) {
  const rows = await countForExport(kind, range);
  const event = await recordAuditEvent({
    actor,
    action: "audit.exported",
    subjectType: "audit_log",
    subjectId: null,
    payload: {
      kind,
      format: kind === "statements" ? "ndjson" : format,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      rows,
    },
  });
  return { rows, eventSeq: event.seq, stream: exportStream(kind, format, range) };
}

/** The statement a decision page shows: the same builder and validator the export uses. */
export async function statementForRecord(record: {
  id: string;
  action: string;
  createdAt: Date;
  snapshot: ReturnType<typeof parseSnapshot>;
  labels: Parameters<typeof toSorLabels>[0];
  supersedesId: string | null;
  qualityReviewId: string | null;
}): Promise<StatementOfReasons | null> {
  const identifiers = [
    record.snapshot.item.authorHandle ?? "",
    record.snapshot.item.authorExternalId ?? "",
    ...record.snapshot.flags.map((f) => f.reporterId ?? ""),
  ];
  return validStatement(
    {
      id: record.id,
      action: record.action,
      createdAt: record.createdAt,
      snapshot: record.snapshot,
      labels: toSorLabels(record.labels),
      replaced: replacedBecause(record),
    },
    identifiers,
  );
}
