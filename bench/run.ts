// `npm run bench`: runs every benchmark in turn (each on its own fresh database) and gathers their
// reports into docs/benchmarks.md. Arguments after `--` go to every benchmark (e.g. `--items 1000000`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const BENCHMARKS = ["queue", "audit"];
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length);

let failed = false;
for (const name of BENCHMARKS) {
  if (only && only !== name) continue;
  console.log(`\n=== benchmark: ${name} ===`);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "bench", `${name}.ts`), ...args.filter((a) => !a.startsWith("--only="))], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (run.status !== 0) failed = true;
}

const sections = BENCHMARKS.map((name) => path.join(root, "docs", "benchmarks", `${name}.md`))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, "utf8").trim());
const header = `# Benchmarks

Produced by \`npm run bench\`; each section says when it ran, on what data size, and on which machine
(this run: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}).
Figures are medians and percentiles of one run, with ratios against the raw SQL doing the same work
measured in that same run, so they compare like with like.
`;
writeFileSync(path.join(root, "docs", "benchmarks.md"), `${header}\n${sections.join("\n\n")}\n`);
console.log("\nwrote docs/benchmarks.md");
process.exit(failed ? 1 : 0);
