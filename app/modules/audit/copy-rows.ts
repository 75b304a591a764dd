import type pg from "pg";

/*
 * Reading the chain from PostgreSQL as `COPY (SELECT …) TO STDOUT` text: one line per event, which
 * costs the driver one message and one string per row instead of a row split and converted field
 * by field. These functions are self-contained (no outside names) because parallel verification
 * ships their source to its worker threads, as it does eventBody's.
 */

/**
 * Runs `sql` (a COPY … TO STDOUT) through pg's extension point for custom queries and hands each
 * line to `onLine` as it arrives: the server sends one CopyData message per row, so memory stays
 * flat however many rows the statement yields.
 */
export function copyOut(client: pg.Client, sql: string, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: unknown = null;
    client.query({
      submit(connection: { query: (text: string) => void }) {
        connection.query(sql);
      },
      handleCopyData(msg: { chunk: Buffer }) {
        if (failure !== null) return;
        try {
          onLine(msg.chunk.toString("utf8", 0, msg.chunk.length - 1));
        } catch (error) {
          failure = error;
        }
      },
      handleCommandComplete() {},
      handleReadyForQuery() {
        if (failure !== null) reject(failure);
        else resolve();
      },
      handleError(error: Error) {
        reject(error);
      },
    } as unknown as pg.Submittable);
  });
}

/**
 * One line of COPY text output as its fields: tab-separated, `\N` for NULL, and backslash escapes
 * for a backslash and the control characters.
 */
export function copyFields(line: string): (string | null)[] {
  const fields: (string | null)[] = line.split("\t");
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    if (f === "\\N") fields[i] = null;
    else if (f.indexOf("\\") >= 0) {
      fields[i] = f.replace(/\\(.)/g, (_: string, c: string) =>
        c === "b" ? "\b" : c === "f" ? "\f" : c === "n" ? "\n" : c === "r" ? "\r" : c === "t" ? "\t" : c === "v" ? "\v" : c,
      );
    }
  }
  return fields;
}

/**
 * A TIMESTAMP(3) as PostgreSQL writes it under DateStyle ISO ("2025-01-01 00:00:08.1", trailing
 * zeros dropped), rewritten as Date#toISOString writes the same instant ("2025-01-01T00:00:08.100Z"),
 * without making a Date. Null for any other shape (a year past 9999, BC): the writer never stamps
 * an event so, and the caller treats the row as broken.
 */
export function isoFromPgTimestamp(text: string): string | null {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,3})?$/.test(text)) return null;
  return text.slice(0, 10) + "T" + text.slice(11, 19) + (text.length === 19 ? ".000" : text.slice(19).padEnd(4, "0")) + "Z";
}
