// Runs the node's server entry point (node/src/server.ts) as a child process,
// the way an operator starts it: tsx, a working directory of the test's own
// (where the default .lcore/ files go), LCORE_NODE_* on top of this process's
// environment. Collects its output and finds the URL it logs once listening.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("../../../node/src/server.ts", import.meta.url));

export interface SpawnedNodeServer {
  child: ChildProcess;
  /** stdout and stderr so far. */
  log(): string;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The URL from the "node listening" line, or undefined if none came within 30 s (or the process exited). */
  url(): Promise<string | undefined>;
  /** SIGKILL unless it has exited (for `finally` blocks). */
  kill(): void;
}

export function spawnNodeServer(dir: string, env: Record<string, string>): SpawnedNodeServer {
  // tsx by absolute URL: the child runs in `dir`, outside the workspace.
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), SERVER], {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    log: () => log,
    exited,
    async url() {
      for (let i = 0; i < 600; i++) {
        const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log)?.[1];
        if (url !== undefined) return url;
        if (child.exitCode !== null) return undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}
