// A throwaway PostgreSQL cluster for the benchmark: initdb into a fresh directory under /tmp, start
// it on a private port, and stop and delete it afterwards (also on error or Ctrl-C). Commit costs
// stay real: fsync and synchronous_commit keep their defaults (on). DOCKET_BENCH_PG_URL points the
// benchmark at an existing server instead.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type Cluster = { url: string; version: string; settings: string; stop: () => void };

function pgBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const v = versions.find((x) => x === "15") ?? versions[0];
  if (!v) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin); install postgresql-15 or set DOCKET_BENCH_PG_URL");
  return path.join(base, v, "bin");
}

const SETTINGS = ["shared_buffers=2GB", "max_connections=200", "maintenance_work_mem=1GB", "max_wal_size=8GB", "checkpoint_timeout=30min"];

/** Runs a command as the postgres user when we are root (initdb refuses root). */
function asPostgres(cmd: string) {
  const isRoot = process.getuid?.() === 0;
  const run = isRoot ? spawnSync("su", ["postgres", "-c", cmd], { encoding: "utf8" }) : spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${cmd}\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

export function startCluster(port = Number(process.env.DOCKET_BENCH_PG_PORT ?? 54341)): Cluster {
  const external = process.env.DOCKET_BENCH_PG_URL;
  if (external) {
    return { url: external, version: serverVersion(external), settings: "an existing server (DOCKET_BENCH_PG_URL)", stop: () => {} };
  }
  const bin = pgBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), "docket-bench-pg."));
  const data = path.join(dir, "data");
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  let running = false;
  const stop = () => {
    if (running) {
      try {
        asPostgres(`${bin}/pg_ctl -D ${data} -m fast -w -t 60 stop`);
      } catch (e) {
        console.error(`stopping the bench cluster failed: ${(e as Error).message}`);
      }
      running = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    stop();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.once("exit", stop);
  try {
    asPostgres(`${bin}/initdb -D ${data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null`);
    writeFileSync(
      path.join(data, "postgresql.auto.conf"),
      [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${dir}'`, ...SETTINGS.map((s) => s.replace("=", " = "))].join("\n") +
        "\n",
    );
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", path.join(data, "postgresql.auto.conf")]);
    asPostgres(`${bin}/pg_ctl -D ${data} -l ${dir}/server.log -w -t 60 start >/dev/null`);
    running = true;
  } catch (e) {
    stop();
    throw e;
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  return { url, version: serverVersion(url), settings: `${SETTINGS.slice(0, 2).join(", ")}; fsync and synchronous_commit on; defaults otherwise`, stop };
}

export function serverVersion(url: string): string {
  return execFileSync("psql", [url, "-XAtc", "SHOW server_version"], { encoding: "utf8" }).trim();
}

/** A fresh database on the same server; returns its URL. */
export function freshDatabase(adminUrl: string, name: string): string {
  execFileSync("psql", [adminUrl, "-Xqc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, "-c", `CREATE DATABASE ${name}`], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
