// Percentiles and number formats shared by the benchmarks.
export type Summary = { p50: number; p95: number; p99: number; mean: number };

/** Nearest-rank percentile of a sample. */
export function pct(list: number[], p: number) {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))];
}

export function summary(list: number[]): Summary {
  return { p50: pct(list, 50), p95: pct(list, 95), p99: pct(list, 99), mean: list.reduce((a, b) => a + b, 0) / Math.max(1, list.length) };
}

export const fmt = (n: number) => Math.round(n).toLocaleString("en");
export const ms = (n: number | null | undefined) => (n == null ? "n/a" : n < 10 ? n.toFixed(2) : n.toFixed(1));
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
