// What makes a string unstorable as sent. Both engines store text as UTF-8: an unpaired UTF-16
// surrogate has no UTF-8 form (SQLite keeps invalid bytes, PostgreSQL a U+FFFD), so it would read back
// as something else and miss every lookup by that value; PostgreSQL text cannot hold NUL at all.

// With the u flag a paired surrogate is one code point outside this class, an unpaired one is inside.
const UNPAIRED_SURROGATE = /\p{Surrogate}/u;

const codePoint = (unit: number) => `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `value` cannot be stored exactly as sent, naming the field and the position; null when it can. */
export function unstorableText(what: string, value: string): string | null {
  const nul = value.indexOf("\u0000");
  const surrogate = value.search(UNPAIRED_SURROGATE);
  if (surrogate >= 0 && (nul < 0 || surrogate < nul)) {
    return `${what} is not well-formed Unicode: it holds an unpaired surrogate (${codePoint(value.charCodeAt(surrogate))}) at position ${surrogate + 1}.`;
  }
  if (nul >= 0) return `${what} may not contain NUL characters (found at position ${nul + 1}).`;
  return null;
}
