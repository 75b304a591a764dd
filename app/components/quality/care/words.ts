/** How the care screens name a severity (0..4, as label sets grade them). */
export function severityName(severity: number): string {
  return severity === 0 ? "Severity 0 (none)" : severity === 4 ? "Severity 4 (highest)" : `Severity ${severity}`;
}

/** A time of day in UTC, as the console shows times. */
export function utcTime(at: string | Date): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}
