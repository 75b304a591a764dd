// `npm run audit:verify`: recomputes the audit chain of DATABASE_URL (default file:./data/docket.db).
// Exits 0 when it is intact, 1 naming the first bad event when it is not, 2 when it cannot run.
// The run is recorded in the log as an "audit.verified" event unless --read-only is given (for
// read replicas and copies that must not change).
export {};

// --workers N: worker threads checking segments at once (default: one per core from 50,000 events; 1 = one pass).
const readOnly = process.argv.includes("--read-only");
const workersArg = process.argv.indexOf("--workers");
const workers = workersArg > 0 ? Number(process.argv[workersArg + 1]) : undefined;

try {
  const { verifyChain, verifyAndRecord, describeResult } = await import("../app/modules/audit/verify.server.ts");
  const actor = { kind: "system" as const, name: "audit:verify command" };
  const result = readOnly ? await verifyChain({ workers }) : await verifyAndRecord(actor, { workers });
  const rate = result.ms > 0 ? Math.round((result.checked / result.ms) * 1000) : result.checked;
  if (result.ok) {
    console.log(`${describeResult(result)} (${Math.round(result.ms)} ms, ${rate} events/s)`);
  } else {
    console.error(describeResult(result));
    process.exitCode = 1;
  }
  const { db } = await import("../app/db.server.ts");
  await db.$disconnect();
} catch (error) {
  console.error(`audit:verify could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
