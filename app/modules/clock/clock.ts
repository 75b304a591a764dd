// The one source of "now" for everything Docket records about items, flags, claims, decisions,
// appeals, quality reviews and the audit log. It is the wall clock, except inside `atTime` (the demo's
// thirty days of history, and tests and benchmarks that need days to pass): there the same code paths
// run at an earlier moment, so the history they leave is made by the real modules.
// See docs/decisions/046-report-rollups.md.

let source: () => number = Date.now;

/** Milliseconds since the epoch, by Docket's clock. */
export function currentTimeMs(): number {
  return source();
}

/** The current moment, by Docket's clock. */
export function currentTime(): Date {
  return new Date(source());
}

/** Installs where the clock reads from; only clock.server.ts calls it. */
export function setClockSource(read: () => number): void {
  source = read;
}
