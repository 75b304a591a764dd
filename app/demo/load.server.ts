import { ensureDemoAccounts } from "./accounts.server.ts";

/**
 * Demo mode: the contract's accounts and key, the starter label set, synthetic items and a history.
 * Each step skips what is already there, so restarting the demo adds nothing twice.
 */
export async function loadDemo(): Promise<string> {
  const accounts = await ensureDemoAccounts();
  return `${accounts.created} accounts or keys created`;
}
