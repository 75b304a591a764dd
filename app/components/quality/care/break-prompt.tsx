import { formatSpan } from "~/components/queue/deadline.tsx";
import { utcTime } from "./words.ts";

/**
 * Shown to a reviewer at the high-severity limit: take a break, when the limit lifts, and what Next
 * item offers meanwhile. The limit lifts as the oldest counted items leave the rolling window.
 */
export function BreakPrompt({
  highSeverity,
  cap,
  shiftHours,
  resetsAt,
  now,
}: {
  highSeverity: number;
  cap: number;
  shiftHours: number;
  resetsAt: string | null;
  now: string;
}) {
  return (
    <section aria-labelledby="break-heading" role="status" className="mb-6 rounded border border-amber-400 bg-amber-50 p-4" data-testid="break-prompt">
      <h2 id="break-heading" className="text-lg font-semibold text-amber-950">
        Time for a break
      </h2>
      <p className="mt-1">
        You have reviewed {highSeverity} high-severity {highSeverity === 1 ? "item" : "items"} in the last {shiftHours} hours, the limit your policy leads set
        for a shift ({cap}). Step away from the screen for a while if you can.
      </p>
      {resetsAt ? (
        <p className="mt-2">
          The limit lifts in <strong>{formatSpan(new Date(resetsAt).getTime() - new Date(now).getTime())}</strong>, at{" "}
          <time dateTime={resetsAt} data-testid="cap-resets-at">
            {utcTime(resetsAt)}
          </time>
          .
        </p>
      ) : (
        <p className="mt-2">With a limit of 0, high-severity work is not offered to you in any shift.</p>
      )}
      <p className="mt-2">Until then, Next item offers you only lower-severity work, and none when there is none waiting.</p>
    </section>
  );
}
