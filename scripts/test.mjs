// `npm test`: every suite (unit, integration on a real database and server, browser in Chromium),
// ending with one totals line. Extra arguments go to vitest (a file filter, for example).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

mkdirSync("tmp", { recursive: true });
const report = `tmp/vitest-report-${process.pid}.json`;
rmSync(report, { force: true });
const run = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, DOCKET_TEST_RUN_ID: process.env.DOCKET_TEST_RUN_ID ?? String(process.pid) } },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed = r.numPassedTests;
  failed = r.numFailedTests;
  // A file that fails to load has no tests to count, but it is a failure all the same.
  if (failed === 0 && r.numFailedTestSuites > 0) failed = r.numFailedTestSuites;
  skipped = r.numPendingTests + (r.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
rmSync(report, { force: true });
const label = process.env.DOCKET_TEST_PG_URL ? "postgresql" : "sqlite";
console.log(`\ntotals (${label}):`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
