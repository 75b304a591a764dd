// `npm run reports:rebuild`: throws the report rollups of DATABASE_URL away and folds the whole audit
// log again (after a fix to how figures are counted, or to check them). Prints its progress; the
// server may keep running meanwhile and shows partial figures until it ends.
export {};

try {
  const { rebuildRollups, rollupLag } = await import("../app/modules/reporting/rollups.server.ts");
  const started = performance.now();
  const { audit } = await rollupLag();
  console.log(`rebuilding the report rollups from ${audit} audit events`);
  let shown = 0;
  const events = await rebuildRollups((done) => {
    if (done - shown >= 50_000) {
      shown = done;
      console.log(`  ${done} of about ${audit} events folded`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`report rollups rebuilt: ${events} events folded in ${seconds.toFixed(1)} s`);
  const { db } = await import("../app/db.server.ts");
  await db.$disconnect();
} catch (error) {
  console.error(`reports:rebuild could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
