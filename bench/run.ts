// `npm run bench`: runs every benchmark in turn (each on its own fresh database) and gathers their
// reports into docs/benchmarks.md. Arguments after `--` go to every benchmark (e.g. `--items 1000000`).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const BENCHMARKS = ["queue", "audit"];
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);

let failed = false;
// `--report-only` rebuilds docs/benchmarks.md from the sections on file without measuring again.
const reportOnly = args.includes("--report-only");
for (const name of BENCHMARKS) {
  if (reportOnly || (only && only !== name)) continue;
  console.log(`\n=== benchmark: ${name} ===`);
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(root, "bench", `${name}.ts`), ...args.filter((a) => !a.startsWith("--only=") && a !== "--report-only")],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    },
  );
  if (run.status !== 0) failed = true;
}

// Every section on file, including runs at other sizes (e.g. queue-1000000.md from `--items 1000000`).
const dir = path.join(root, "docs", "benchmarks");
const sections = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => f.endsWith(".md"))
  .sort()
  .map((f) => readFileSync(path.join(dir, f), "utf8").trim());
const header = `# Benchmarks

Produced by \`npm run bench\`; each section says when it ran, on what data size, and on which machine
(this run: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}).
Figures are medians and percentiles of one run, with ratios against the raw SQL doing the same work
measured in that same run, so they compare like with like.
`;
writeFileSync(path.join(root, "docs", "benchmarks.md"), `${header}\n${sections.join("\n\n")}\n`);
console.log("\nwrote docs/benchmarks.md");
process.exit(failed ? 1 : 0);
