// Reading query plans for the benchmark report: SQLite's EXPLAIN QUERY PLAN rows as an indented
// tree, and whether a plan walks one of the expected indexes of "Item" rather than sorting or
// scanning the table.

export type SqlitePlanRow = { id: number; parent: number; detail: string };

/** EXPLAIN QUERY PLAN rows as the indented tree the sqlite3 shell prints. */
export function sqlitePlanText(rows: SqlitePlanRow[]): string {
  const depth = new Map<number, number>([[0, -1]]);
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? -1) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d)}${r.detail}`;
    })
    .join("\n");
}

export type PlanVerdict = { indexWalk: boolean; indexes: string[]; sort: boolean; tableScan: boolean };

/**
 * An index walk: the plan reads "Item" through one of `expected` (queue-led indexes), with no sort
 * node and no scan of the whole table or of a whole index of it.
 */
export function planVerdict(engine: "sqlite" | "postgresql", plan: string, expected: string[]): PlanVerdict {
  const indexes = expected.filter((name) => plan.includes(name));
  const sort = engine === "postgresql" ? /\bSort\s+\(cost/.test(plan) : /USE TEMP B-TREE FOR ORDER BY/.test(plan);
  const tableScan = engine === "postgresql" ? /(Seq Scan|Bitmap Heap Scan) on "?Item"?(\s|$)/m.test(plan) : /^\s*SCAN (Item|i)\b/m.test(plan);
  return { indexWalk: indexes.length > 0 && !sort && !tableScan, indexes, sort, tableScan };
}
