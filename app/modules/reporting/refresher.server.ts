// Each server process folds new audit events into the report rollups every few seconds, so the
// dashboards rarely find much to fold before they answer. Several processes share the work through
// the head row (rollups.server.ts): one folds a run while the others find it done.
import { env } from "~/env.server.ts";
import { foldPending } from "./rollups.server.ts";

type Running = { timer: NodeJS.Timeout | null; stopped: boolean; tick: Promise<unknown> | null };
let running: Running | null = null;

export function startReportRefresher(): boolean {
  if (running) return false;
  const state: Running = { timer: null, stopped: false, tick: null };
  running = state;
  const schedule = () => {
    if (state.stopped) return;
    state.timer = setTimeout(() => {
      state.tick = foldPending()
        .catch((e) => console.error(`report rollups could not be brought up to date: ${(e as Error).message}`))
        .finally(() => {
          state.tick = null;
          schedule();
        });
    }, env.DOCKET_REPORTS_POLL_MS);
    state.timer.unref();
  };
  schedule();
  return true;
}

/** Stops the loop and waits for a fold under way to commit or roll back. */
export async function stopReportRefresher(): Promise<void> {
  const state = running;
  if (!state) return;
  running = null;
  state.stopped = true;
  if (state.timer) clearTimeout(state.timer);
  await state.tick;
}
