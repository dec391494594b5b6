// Starts this project's `hardhat node` (so the hardhat-stylus runtime is
// active) as a child process on a free 127.0.0.1 port, and stops it
// afterwards: the forked suite's stand-in for KC-Chain in CI, and the
// served chain of the plugin's outside-client tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const hardhatCli = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));

export interface ServedDevnet {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpcAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Starts `hardhat node` (with the project's config, or `options.config`) on 127.0.0.1 and waits (at most `timeoutMs`) until it answers JSON-RPC.
 * @throws Error with the child's last output when it exits or does not answer in time.
 */
export async function startServedDevnet(
  options: { timeoutMs?: number; chainId?: number; /** A Hardhat config file instead of the project's. */ config?: string } = {},
): Promise<ServedDevnet> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [hardhatCli, ...(options.config === undefined ? [] : ["--config", options.config]), "node", "--hostname", "127.0.0.1", "--port", String(port)];
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: projectRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (!(await rpcAnswers(url))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the served devnet did not start on ${url}; its output:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    url,
    port,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
