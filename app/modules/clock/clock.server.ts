import { AsyncLocalStorage } from "node:async_hooks";
import { setClockSource } from "./clock.ts";

// An offset per asynchronous context: code awaited inside `atTime` reads the shifted clock, and
// everything else (requests served meanwhile, timers started elsewhere) keeps the wall clock.
const shifted = new AsyncLocalStorage<{ offsetMs: number }>();
setClockSource(() => Date.now() + (shifted.getStore()?.offsetMs ?? 0));

/**
 * Runs `work` with Docket's clock set to `at`; the clock moves on from there at the normal pace, so
 * leases and deadlines inside the work behave as they would have at that moment.
 */
export function atTime<T>(at: Date, work: () => Promise<T>): Promise<T> {
  return shifted.run({ offsetMs: at.getTime() - Date.now() }, work);
}
