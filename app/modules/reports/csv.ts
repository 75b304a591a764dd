// CSV for people's spreadsheets: the agreement export and the campaign outcome report write their
// cells through here.

// Spreadsheets run a cell that starts with one of these as a formula; item ids, label keys and
// references come from platforms, authorities and leads, so text cells are neutralised. Numbers are
// written as numbers: a negative kappa is a value, not a formula.
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | Date | null;

export function csvCell(value: CsvValue): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(Number(value.toFixed(6))) : "";
  if (typeof value === "boolean") return value ? "yes" : "no";
  let s = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export const csvLine = (cells: CsvValue[]) => `${cells.map(csvCell).join(",")}\r\n`;
