import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";

export default async function setup() {
  process.env.DOCKET_TEST_RUN_ID ??= String(process.pid);
  const { prepareTemplate, ROOT, TMP } = await import("./databases.ts");
  rmSync(TMP, { recursive: true, force: true });
  await prepareTemplate();
  // Server and browser tests run the real production build.
  if (!process.env.DOCKET_TEST_SKIP_BUILD || !existsSync(path.join(ROOT, "build/index.js"))) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: "ignore",
    });
  }
  return () => rmSync(TMP, { recursive: true, force: true });
}
