// Generates the Prisma clients for both databases. Prisma 7 insists on a schema-engine binary path
// even though `generate` never runs it, and the engine cannot be downloaded here, so any existing
// file satisfies it (see docs/decisions/002-hand-written-sql-migrations.md).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const dialect of ["sqlite", "postgresql"]) {
  const schema = `prisma/${dialect}/schema.prisma`;
  if (!existsSync(new URL(`../${schema}`, import.meta.url))) continue;
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate", `--schema=${schema}`], {
    cwd: root,
    env,
    stdio: "inherit",
  });
}
