// Agreement between two reviewers who decided the same item blind: Cohen's kappa with its
// large-sample standard error, per label and for the action, and the confusion between labels.
// Pure functions over counts, shared by the agreement page, its CSV and the tests.
// See docs/decisions/037-agreement-statistics.md.

/** Why a kappa could not be computed: no pairs at all, or every pair in one category by both reviewers (chance agreement 1). */
export type KappaGap = "no_pairs" | "one_category";

export type Kappa =
  | { n: number; kappa: number; se: number; ciLow: number; ciHigh: number; observed: number; chance: number; gap: null }
  | { n: number; kappa: null; se: null; ciLow: null; ciHigh: null; observed: number | null; chance: number | null; gap: KappaGap };

export const GAP_WORDS: Record<KappaGap, string> = {
  no_pairs: "No pairs.",
  one_category: "Both reviewers put every pair in the same category, so chance alone explains the agreement: kappa is undefined.",
};

/** The normal quantile for a two-sided 95% interval. */
const Z95 = 1.96;

/** Labels whose kappa falls below this, over at least GUIDANCE_MIN_PAIRS pairs, are marked "guidance needs work". */
export const GUIDANCE_KAPPA = 0.6;
export const GUIDANCE_MIN_PAIRS = 20;

function assertTable(table: number[][]) {
  const k = table.length;
  for (const row of table) {
    if (row.length !== k) throw new RangeError("A contingency table must be square.");
    for (const cell of row) if (!Number.isInteger(cell) || cell < 0) throw new RangeError("Contingency table cells are counts: whole numbers, not negative.");
  }
}

/**
 * Cohen's kappa for a k×k contingency table of counts (rows: the first reviewer's category, columns:
 * the second's), with the large-sample non-null standard error of Fleiss, Cohen & Everitt (1969):
 *
 *   var(κ) = [ Σi pii (1 − (pi. + p.i)(1 − κ))² + (1 − κ)² Σi≠j pij (p.i + pj.)² − (κ − pe(1 − κ))² ] / (n (1 − pe)²)
 *
 * and the 95% interval κ ± 1.96·SE, clipped to [−1, 1]. Kappa itself is computed from the integer
 * counts, (n·Σ aii − Σ ri ci) / (n² − Σ ri ci), so perfect agreement gives exactly 1 and swapping the
 * reviewers gives exactly the same kappa.
 */
export function cohensKappa(table: number[][]): Kappa {
  assertTable(table);
  const k = table.length;
  const rows = table.map((r) => r.reduce((a, b) => a + b, 0));
  const cols = table[0]?.map((_, j) => table.reduce((a, r) => a + r[j], 0)) ?? [];
  const n = rows.reduce((a, b) => a + b, 0);
  if (n === 0) return { n, kappa: null, se: null, ciLow: null, ciHigh: null, observed: null, chance: null, gap: "no_pairs" };
  let diagonal = 0;
  let marginProducts = 0;
  for (let i = 0; i < k; i++) {
    diagonal += table[i][i];
    marginProducts += rows[i] * cols[i];
  }
  const observed = diagonal / n;
  const chance = marginProducts / (n * n);
  if (marginProducts === n * n) return { n, kappa: null, se: null, ciLow: null, ciHigh: null, observed, chance, gap: "one_category" };
  const kappa = (n * diagonal - marginProducts) / (n * n - marginProducts);

  const p = (i: number, j: number) => table[i][j] / n;
  const row = (i: number) => rows[i] / n;
  const col = (j: number) => cols[j] / n;
  let onDiagonal = 0;
  let offDiagonal = 0;
  for (let i = 0; i < k; i++) {
    onDiagonal += p(i, i) * (1 - (row(i) + col(i)) * (1 - kappa)) ** 2;
    for (let j = 0; j < k; j++) if (i !== j) offDiagonal += p(i, j) * (col(i) + row(j)) ** 2;
  }
  const correction = (kappa - chance * (1 - kappa)) ** 2;
  // The variance is exactly 0 at perfect agreement and when one reviewer used a single category
  // (kappa is then 0 whatever the other did); the sum above only comes near 0 by rounding there.
  const exact = kappa === 1 || rows.some((r) => r === n) || cols.some((c) => c === n);
  const bracket = exact ? 0 : Math.max(0, onDiagonal + (1 - kappa) ** 2 * offDiagonal - correction);
  const se = Math.sqrt(bracket) / ((1 - chance) * Math.sqrt(n));
  return {
    n,
    kappa,
    se,
    ciLow: Math.max(-1, kappa - Z95 * se),
    ciHigh: Math.min(1, kappa + Z95 * se),
    observed,
    chance,
    gap: null,
  };
}

/** A pair as the statistics see it: what each reviewer chose. */
export type RatedPair = { first: { action: string; labelKeys: string[] }; second: { action: string; labelKeys: string[] } };

/** A k×k table of counts from pairs of categories, in the order of `categories` (pairs outside it are an error). */
export function contingency(pairs: ReadonlyArray<readonly [string, string]>, categories: readonly string[]): number[][] {
  const index = new Map(categories.map((c, i) => [c, i]));
  const table = categories.map(() => categories.map(() => 0));
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) throw new RangeError(`"${i === undefined ? a : b}" is not one of the categories.`);
    table[i][j] += 1;
  }
  return table;
}

/** The categories that occur in the pairs, in the order given by `order` (unknown ones last, alphabetically). */
function usedCategories(values: Iterable<string>, order: readonly string[]): string[] {
  const seen = new Set(values);
  const known = order.filter((c) => seen.has(c));
  const rest = [...seen].filter((c) => !order.includes(c)).sort();
  return [...known, ...rest];
}

/** Kappa for the action (keep, remove, restrict, ...): k categories, those either reviewer used. */
export function actionKappa(pairs: readonly RatedPair[], order: readonly string[] = []): Kappa & { table: number[][]; categories: string[] } {
  const categories = usedCategories(
    pairs.flatMap((p) => [p.first.action, p.second.action]),
    order,
  );
  const table = contingency(
    pairs.map((p) => [p.first.action, p.second.action] as const),
    categories,
  );
  return { ...cohensKappa(table), table, categories };
}

/** The 2×2 table of one label: [[both, first only], [second only, neither]]. */
export function labelTable(pairs: readonly RatedPair[], key: string): [[number, number], [number, number]] {
  const t: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ];
  for (const p of pairs) t[p.first.labelKeys.includes(key) ? 0 : 1][p.second.labelKeys.includes(key) ? 0 : 1] += 1;
  return t;
}

/**
 * Kappa for one label as present/absent: every pair counts, and a pair where neither reviewer
 * applied the label is an agreement on "absent".
 */
export function labelKappa(pairs: readonly RatedPair[], key: string): Kappa & { table: [[number, number], [number, number]] } {
  const table = labelTable(pairs, key);
  return { ...cohensKappa(table), table };
}

/** Whether a label's agreement is low enough, over enough pairs, to ask for clearer guidance. */
export function guidanceNeedsWork(k: Kappa): boolean {
  return k.kappa !== null && k.kappa < GUIDANCE_KAPPA && k.n >= GUIDANCE_MIN_PAIRS;
}

/** The row and column of the confusion matrix for "no label on this side". */
export const NO_LABEL = "(none)";

export type Confusion = { keys: string[]; cells: number[][] };

/**
 * The confusion between labels across pairs (rows: the first reviewer's labels, columns: the
 * second's). Each pair adds, with F its first reviewer's labels and S its second's:
 *  - 1 to (x, x) for every label x in both F and S;
 *  - of the rest (F only, S only): 1 to (a, b) for every a in F only and every b in S only; when one
 *    side has none left, each label left on the other side is paired with "(none)" instead;
 *  - 1 to ((none), (none)) when neither reviewer applied any label.
 * So a pair with several labels adds to several cells, and the cells do not sum to the number of
 * pairs; the diagonal counts labels both applied, the rest counts each disagreement once per
 * combination of the labels that were not shared.
 */
export function labelConfusion(pairs: readonly RatedPair[], order: readonly string[] = []): Confusion {
  const counts = new Map<string, number>();
  const add = (a: string, b: string) => counts.set(`${a}\u0000${b}`, (counts.get(`${a}\u0000${b}`) ?? 0) + 1);
  const seen: string[] = [];
  for (const p of pairs) {
    const first = new Set(p.first.labelKeys);
    const second = new Set(p.second.labelKeys);
    seen.push(...first, ...second);
    if (first.size === 0 && second.size === 0) {
      add(NO_LABEL, NO_LABEL);
      continue;
    }
    for (const x of first) if (second.has(x)) add(x, x);
    const firstOnly = [...first].filter((x) => !second.has(x));
    const secondOnly = [...second].filter((x) => !first.has(x));
    const rows = firstOnly.length > 0 ? firstOnly : [NO_LABEL];
    const cols = secondOnly.length > 0 ? secondOnly : [NO_LABEL];
    if (firstOnly.length === 0 && secondOnly.length === 0) continue;
    for (const a of rows) for (const b of cols) add(a, b);
  }
  const all = [...usedCategories(seen, order), NO_LABEL];
  const cell = (a: string, b: string) => counts.get(`${a}\u0000${b}`) ?? 0;
  // "(none)" is shown only when some pair needed it.
  const keys = all.some((x) => cell(NO_LABEL, x) + cell(x, NO_LABEL) > 0) ? all : all.slice(0, -1);
  return { keys, cells: keys.map((a) => keys.map((b) => cell(a, b))) };
}

/** The UTC month ("2025-03") of a time: the per-month series groups pairs by the second review's month. */
export const monthOf = (at: Date) => at.toISOString().slice(0, 7);
