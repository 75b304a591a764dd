// When a failed delivery is tried again, and when an endpoint that keeps failing is disabled. The
// gaps grow from seconds to hours and add up to about three days, so a receiver that is down over a
// weekend still gets every event; DOCKET_WEBHOOK_TIME_SCALE shrinks all of it for tests.

/** Seconds to wait after the 1st, 2nd, ... failed attempt (257,705 s in all: just under three days). */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 10 * 3600] as const;

/** An endpoint whose attempts have all failed for this long is disabled. */
export const DISABLE_AFTER_SECONDS = 24 * 3600;

/** Spread of each wait, so deliveries that failed together do not all come back at one moment. */
const JITTER = 0.1;

/**
 * How long to wait after a failed attempt made at place `retryIndex` of the schedule, or null when
 * the schedule is spent and the delivery has failed.
 */
export function retryDelayMs(retryIndex: number, scale: number, random: () => number = Math.random): number | null {
  const seconds = RETRY_SCHEDULE_SECONDS[retryIndex];
  if (seconds === undefined) return null;
  return Math.round(seconds * 1000 * scale * (1 - JITTER + 2 * JITTER * random()));
}

export function disableAfterMs(scale: number): number {
  return DISABLE_AFTER_SECONDS * 1000 * scale;
}
