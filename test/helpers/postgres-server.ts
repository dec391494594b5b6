// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp
// folder (as the unprivileged user `lcore-pg` when we run as root, since
// PostgreSQL refuses root), listen on a free port on 127.0.0.1 only, with the
// socket in the temp folder; pg_ctl stops it and the folder is removed.
// Each caller gets fresh databases through createDatabase().
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

const PG_USER = "lcore-pg";

/** The PostgreSQL binaries: PG_BIN, else the newest Debian install under /usr/lib/postgresql. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN !== undefined && process.env.PG_BIN !== "") return process.env.PG_BIN;
  for (const v of ["17", "16", "15", "14", "13"]) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, "initdb"))) return dir;
  }
  throw new Error("no PostgreSQL binaries found: install them (apt-get install -y postgresql) or set PG_BIN to the folder holding initdb and pg_ctl");
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function asRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Runs a PostgreSQL binary as the unprivileged user when we are root. */
function runPg(bin: string, args: string[]): string {
  if (!asRoot()) return execFileSync(bin, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return execFileSync("runuser", ["-u", PG_USER, "--", bin, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function ensureUser(): void {
  if (!asRoot()) return;
  try {
    execFileSync("id", ["-u", PG_USER], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER], { stdio: "ignore" });
  }
}

export interface PostgresServer {
  /** postgres://… of the maintenance database `postgres`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server (fast), keeping the data (for outage tests); start() brings it back. */
  stop(): void;
  start(): void;
  /** Stops the server and removes its folder. */
  close(): void;
}

let counter = 0;

/** Starts a new server; call close() when done (also registered for process exit). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  ensureUser();
  const root = mkdtempSync(join(tmpdir(), "lcore-pg-"));
  const dataDir = join(root, "data");
  if (asRoot()) {
    chmodSync(root, 0o755);
    execFileSync("chown", [PG_USER, root]);
  }
  const user = asRoot() ? PG_USER : (process.env.USER ?? "postgres");
  runPg(join(bin, "initdb"), ["-D", dataDir, "-U", user, "--auth=trust", "--encoding=UTF8", "--no-sync"]);
  const port = await freePort();
  writeFileSync(join(root, "port"), String(port));
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c fsync=off -c max_connections=200 -c shared_buffers=64MB`;
  const log = join(root, "server.log");
  let running = false;
  const start = () => {
    runPg(join(bin, "pg_ctl"), ["-D", dataDir, "-o", options, "-l", log, "-w", "-t", "30", "start"]);
    running = true;
  };
  const stop = () => {
    if (!running) return;
    running = false;
    try {
      runPg(join(bin, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
    } catch {
      // already gone
    }
  };
  start();
  const url = `postgres://${user}@127.0.0.1:${port}/postgres`;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    stop();
    rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", close);
  return {
    url,
    port,
    dataDir,
    async createDatabase(prefix = "lcore") {
      const name = `${prefix}_${process.pid}_${++counter}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `postgres://${user}@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    close,
  };
}

let shared: Promise<PostgresServer> | undefined;

/** One server per process for the suites (stopped at exit). */
export function sharedPostgres(): Promise<PostgresServer> {
  shared ??= startPostgres();
  return shared;
}
