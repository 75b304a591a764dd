// How a member's text differs from its cluster representative's, word by word, for the review screen
// and the cluster page. Pure: the texts are hostile and the result is shown as text only.

export type DiffKind = "same" | "added" | "removed";
export type DiffSegment = { kind: DiffKind; text: string };

/**
 * Most edits a copy makes are few (a prefix, a link, a word, a cut paragraph), so Myers' O(ND) walk
 * finds them quickly; past this many word edits the texts are not near-duplicates worth aligning and
 * the middle that differs is shown as removed, then added.
 */
export const MAX_EDITS = 400;
/** Above this many tokens (words and spaces) left after trimming the common ends, align no further. */
export const MAX_TOKENS = 20_000;

/** Words and the whitespace between them, so joining the tokens gives back the text exactly. */
export function tokensOf(text: string): string[] {
  return text.match(/\s+|\S+/g) ?? [];
}

/**
 * The segments that turn `from` (the representative's text) into `to` (the member's): joining the
 * "same" and "removed" texts gives `from`, joining the "same" and "added" texts gives `to`. Within a
 * stretch of changes, removed text comes before added text.
 */
export function wordDiff(from: string, to: string): DiffSegment[] {
  const a = tokensOf(from);
  const b = tokensOf(to);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const middle = midA.length + midB.length <= MAX_TOKENS ? myers(midA, midB, MAX_EDITS) : null;
  const raw: DiffSegment[] = [
    ...a.slice(0, start).map((text) => ({ kind: "same" as const, text })),
    ...(middle ?? [...midA.map((text) => ({ kind: "removed" as const, text })), ...midB.map((text) => ({ kind: "added" as const, text }))]),
    ...a.slice(endA).map((text) => ({ kind: "same" as const, text })),
  ];
  return merged(raw);
}

/** Joins neighbours of one kind and, within each stretch of changes, puts the removed text first. */
function merged(raw: DiffSegment[]): DiffSegment[] {
  const out: DiffSegment[] = [];
  const push = (kind: DiffKind, text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let removed = "";
  let added = "";
  for (const s of raw) {
    if (s.kind === "removed") removed += s.text;
    else if (s.kind === "added") added += s.text;
    else {
      push("removed", removed);
      push("added", added);
      removed = added = "";
      push("same", s.text);
    }
  }
  push("removed", removed);
  push("added", added);
  return out;
}

/** Myers' shortest edit script over tokens, or null when it needs more than `maxEdits` edits. */
function myers(a: string[], b: string[], maxEdits: number): DiffSegment[] | null {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(maxEdits, n + m);
  const off = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= limit; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        trace.push(v.slice());
        return backtrack(a, b, trace, off);
      }
    }
    trace.push(v.slice());
  }
  return null;
}

function backtrack(a: string[], b: string[], trace: Int32Array[], off: number): DiffSegment[] {
  const out: DiffSegment[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const v = trace[d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: "same", text: a[--x]! });
      y--;
    }
    if (x === prevX) out.push({ kind: "added", text: b[--y]! });
    else out.push({ kind: "removed", text: a[--x]! });
  }
  while (x > 0 && y > 0) {
    out.push({ kind: "same", text: a[--x]! });
    y--;
  }
  return out.reverse();
}

/** The text a side of the difference had: "from" (same and removed) or "to" (same and added). */
export function sideOf(segments: DiffSegment[], side: "from" | "to"): string {
  const skip: DiffKind = side === "from" ? "added" : "removed";
  return segments
    .filter((s) => s.kind !== skip)
    .map((s) => s.text)
    .join("");
}
