import { ensureDemoAccounts } from "./accounts.server.ts";
import { loadDemoAppeals } from "./appeals.server.ts";
import { loadDemoClusters } from "./clusters.server.ts";
import { loadDemoItems } from "./items.server.ts";
import { loadDemoQuality } from "./quality.server.ts";
import { loadDemoLabelEdit, loadDemoLabelSets } from "./labels.server.ts";
import { loadDemoRouting } from "./routing.server.ts";
import { loadDemoWebhooks } from "./webhooks.server.ts";

/**
 * Demo mode: the contract's accounts and key, the starter label set, the team's queues and routing
 * rules, synthetic items with a history of decisions under version 1, then a label-set edit
 * (version 2), then appeals against some of those decisions, then quality review of some of them, then a referral
 * campaign of near-duplicate copies (clusters.server.ts), then the demo platform's paused webhook endpoint. Each step skips what is already there,
 * so restarting the demo adds nothing twice.
 */
export async function loadDemo(): Promise<string> {
  const accounts = await ensureDemoAccounts();
  const steps = [`${accounts.created} accounts or keys created`];
  steps.push(await loadDemoLabelSets());
  steps.push(await loadDemoRouting());
  steps.push(await loadDemoItems());
  steps.push(await loadDemoLabelEdit());
  steps.push(await loadDemoAppeals());
  steps.push(await loadDemoQuality());
  steps.push(await loadDemoClusters());
  steps.push(await loadDemoWebhooks());
  return steps.join("; ");
}
