// Pure rules for deadlines and priority, shared by intake, the queue and the console.
import { isSource, REMOVAL_ORDER_HOURS, SOURCE_WEIGHT, type Source } from "~/modules/items/sources.ts";

export type DeadlineHours = Partial<Record<Source, number | undefined>>;

/**
 * A removal order must be acted on within one hour of receipt (TCO Art. 3(3)): a queue may shorten
 * that hour, never lengthen it. Other sources are configurable, globally and per queue.
 */
export function deadlineFor(source: Source, receivedAt: Date, hours: DeadlineHours): Date | null {
  const h = source === "removal_order" ? Math.min(REMOVAL_ORDER_HOURS, hours.removal_order ?? REMOVAL_ORDER_HOURS) : hours[source];
  if (h === undefined) return null;
  return new Date(receivedAt.getTime() + h * 3_600_000);
}

/** An item's deadline: the earliest of its flags' deadlines under these hours (null when none has one). */
export function deadlineFromFlags(flags: { source: string; receivedAt: Date }[], hours: DeadlineHours): Date | null {
  let earliest: Date | null = null;
  for (const f of flags) {
    if (!isSource(f.source)) continue;
    const due = deadlineFor(f.source, f.receivedAt, hours);
    if (due && (!earliest || due < earliest)) earliest = due;
  }
  return earliest;
}

/**
 * Priority as one integer, so the queue can walk an index: source weight, the reported category's
 * severity in the live label set, how many distinct reporters, how many near-duplicates share the
 * item's cluster (a campaign of copies is worth one decision sooner), and how little time was left
 * when the flag arrived. Overdue items are put first by the queue itself, not by this number.
 */
export function computePriority(input: { source: Source; severity: number; reporters: number; clusterSize?: number; dueAt: Date | null; now: Date }): number {
  const severity = Math.max(0, Math.min(5, input.severity)) * 100;
  const reporters = Math.min(200, Math.round(50 * Math.log2(Math.max(1, input.reporters))));
  const copies = Math.min(150, Math.round(25 * Math.log2(Math.max(1, input.clusterSize ?? 1))));
  let urgency = 0;
  if (input.dueAt) {
    const hoursLeft = (input.dueAt.getTime() - input.now.getTime()) / 3_600_000;
    urgency = hoursLeft <= 1 ? 300 : hoursLeft <= 6 ? 200 : hoursLeft <= 24 ? 100 : 0;
  }
  return SOURCE_WEIGHT[input.source] + severity + reporters + copies + urgency;
}

/** Text normalised for copy detection: case, Unicode compatibility forms and whitespace do not count. */
export function normaliseText(parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join("\n")
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}
