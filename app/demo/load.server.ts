import { atTime } from "~/modules/clock/clock.server.ts";
import { ensureDemoAccounts } from "./accounts.server.ts";
import { loadDemoAppeals } from "./appeals.server.ts";
import { loadDemoClusters } from "./clusters.server.ts";
import { historyFits, historyStart, loadDemoHistory } from "./history.server.ts";
import { loadDemoItems } from "./items.server.ts";
import { loadDemoQuality } from "./quality.server.ts";
import { loadDemoLabelEdit, loadDemoLabelSets } from "./labels.server.ts";
import { loadDemoRouting } from "./routing.server.ts";
import { loadDemoWebhooks } from "./webhooks.server.ts";

/**
 * Demo mode: the contract's accounts and key, the starter label set, the team's queues and routing
 * rules (on a fresh database all three set up thirty days ago, where the history starts), thirty days
 * of history up to yesterday (history.server.ts), then today: synthetic items with decisions under
 * version 1, a label-set edit (version 2), appeals against some of those decisions, quality review of
 * some of them, a referral campaign of near-duplicate copies (clusters.server.ts), and the demo
 * platform's paused webhook endpoint. Everything is written in time order, so the audit log's times
 * rise with its sequence. Each step skips what is already there, so restarting the demo adds nothing twice.
 */
export async function loadDemo(): Promise<string> {
  const setUp = async () => {
    const accounts = await ensureDemoAccounts();
    return [`${accounts.created} accounts or keys created`, await loadDemoLabelSets(), await loadDemoRouting()];
  };
  const steps = (await historyFits()) ? await atTime(historyStart(), setUp) : await setUp();
  steps.push(await loadDemoHistory());
  steps.push(await loadDemoItems());
  steps.push(await loadDemoLabelEdit());
  steps.push(await loadDemoAppeals());
  steps.push(await loadDemoQuality());
  steps.push(await loadDemoClusters());
  steps.push(await loadDemoWebhooks());
  return steps.join("; ");
}
