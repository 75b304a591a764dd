// npm run import -- FILE.jsonl [--platform NAME] [--batch N]
// Loads a file of intake objects (one JSON object per line, the same shape as POST /api/v1/flags)
// through the same validation and intake path as the API, and reports what was refused by line.
import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { env } from "../app/env.server.ts";
import { migrate } from "../app/migrate.server.ts";
import { ingestFlags } from "../app/modules/intake/ingest.server.ts";
import { FlagRequest } from "../app/modules/intake/schema.ts";

const MAX_LINE_BYTES = env.DOCKET_MAX_BODY_BYTES;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { platform: { type: "string", default: "default" }, batch: { type: "string", default: "500" }, help: { type: "boolean", short: "h" } },
});
const file = positionals[0];
if (values.help || !file) {
  console.log(
    "Usage: npm run import -- FILE.jsonl [--platform NAME] [--batch N]\n\nEach line is one {content, flag} object as accepted by POST /api/v1/flags.",
  );
  process.exit(values.help ? 0 : 1);
}
if (!existsSync(file)) {
  console.error(`No such file: ${file}`);
  process.exit(1);
}
const batchSize = Math.max(1, Math.min(1000, Number(values.batch) || 500));
await migrate(env.DATABASE_URL);

const sender = { platform: values.platform!, apiKeyId: null, actor: { kind: "system" as const, name: `import ${file.split("/").pop()}` } };
const refusedLines: { line: number; reason: string }[] = [];
let lineNo = 0;
let taken = 0;
let duplicates = 0;
let newItems = 0;
let pending: FlagRequest[] = [];
let refusedSinceFlush = 0;
const started = Date.now();
const tty = process.stderr.isTTY;

function progress(final = false) {
  const secs = (Date.now() - started) / 1000;
  const text = `line ${lineNo.toLocaleString("en")}: ${taken.toLocaleString("en")} taken, ${duplicates.toLocaleString("en")} already known, ${refusedLines.length.toLocaleString("en")} refused (${Math.round(lineNo / Math.max(secs, 0.001)).toLocaleString("en")} lines/s)`;
  if (tty) process.stderr.write(`\r${text}${final ? "\n" : ""}`);
  else if (final || lineNo % (batchSize * 10) === 0) process.stderr.write(`${text}\n`);
}

async function flush() {
  if (pending.length === 0) return;
  const results = await ingestFlags(sender, pending, "batch", refusedSinceFlush);
  for (const r of results) {
    if (r.duplicate) duplicates++;
    else taken++;
    if (r.newItem) newItems++;
  }
  pending = [];
  refusedSinceFlush = 0;
  progress();
}

const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
for await (const line of lines) {
  lineNo++;
  if (!line.trim()) continue;
  const refuse = (reason: string) => {
    refusedLines.push({ line: lineNo, reason });
    refusedSinceFlush++;
  };
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    refuse(`the line is over the ${MAX_LINE_BYTES}-byte limit`);
    continue;
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    refuse("not valid JSON");
    continue;
  }
  const parsed = FlagRequest.safeParse(value);
  if (!parsed.success) {
    refuse(parsed.error.issues.map((i) => `${i.path.join(".") || "(line)"}: ${i.message}`).join("; "));
    continue;
  }
  pending.push(parsed.data);
  if (pending.length >= batchSize) await flush();
}
await flush();
progress(true);

const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nImported ${file} as platform "${sender.platform}" in ${secs} s`);
console.log(`  taken:          ${taken} flag(s), ${newItems} new item(s)`);
console.log(`  already known:  ${duplicates} flag(s) with an externalId taken earlier`);
console.log(`  refused:        ${refusedLines.length} line(s)`);
const SHOW = 100;
for (const r of refusedLines.slice(0, SHOW)) console.log(`    line ${r.line}: ${r.reason}`);
if (refusedLines.length > SHOW) console.log(`    ... and ${refusedLines.length - SHOW} more`);
process.exit(refusedLines.length > 0 ? 2 : 0);
