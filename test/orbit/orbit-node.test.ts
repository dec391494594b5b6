// `npx hardhat orbit-node` as an outsider meets it: a separate process that
// serves the parent and the child on 127.0.0.1. Foundry's cast reads the
// child's ArbOS precompiles; the SDK registers the child from the printed
// rollup and bridges ETH over plain HTTP providers; SIGTERM stops it.
import { EthBridger } from "@arbitrum/sdk";
import { expect } from "chai";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseEther, type Address } from "viem";

import { resolveOrbitNetwork } from "../../tasks/orbit/orbit-network.js";
import { ethersV5, keySigner, urlProvider } from "../../tasks/orbit/sdk-ethers.js";
import { freePort } from "../helpers/served-hardhat-node.js";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const hardhatCli = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));
const castBin = fileURLToPath(new URL("../../node_modules/@foundry-rs/cast-linux-amd64/bin/cast", import.meta.url));
const run = promisify(execFile);

/** Hardhat's public test key #2 (throwaway). */
const DEPOSITOR_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

describe("orbit: the served pair (npx hardhat orbit-node)", function () {
  this.timeout(180_000);
  let child: ChildProcess;
  let output = "";
  let parentUrl: string;
  let childUrl: string;
  let rollup: Address;

  before(async function () {
    const [parentPort, childPort] = [await freePort(), await freePort()];
    child = spawn(process.execPath, [hardhatCli, "orbit-node", "--parent-port", String(parentPort), "--child-port", String(childPort)], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", LCORE_TASKS_SILENT: "0" },
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const deadline = Date.now() + 120_000;
    while (!output.includes("serving; Ctrl-C stops")) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`orbit-node did not start; its output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    parentUrl = `http://127.0.0.1:${parentPort}`;
    childUrl = `http://127.0.0.1:${childPort}`;
    rollup = /rollup (0x[0-9a-fA-F]{40})/.exec(output)![1] as Address;
  });

  after(async function () {
    if (child === undefined || child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  });

  it("prints the rollup and the variables that point the tasks at it", function () {
    expect(output).to.include(`export NITRO_ROLLUP_ADDRESS=${rollup}`);
    expect(output).to.include(`export NITRO_PARENT_RPC_URL=${parentUrl}`);
  });

  it("answers cast on the child's ArbOS precompiles with the child's chain id and the parent price model", async function () {
    const chainId = await run(castBin, ["call", "0x0000000000000000000000000000000000000064", "arbChainID()(uint256)", "--rpc-url", childUrl]);
    expect(chainId.stdout.trim().split(" ")[0]).to.equal("412346");
    const l1Price = await run(castBin, ["call", "0x000000000000000000000000000000000000006C", "getL1BaseFeeEstimate()(uint256)", "--rpc-url", childUrl]);
    expect(l1Price.stdout.trim().split(" ")[0]).to.equal("50000000000");
    // NodeInterface's split of an estimate: total = execution + parent-chain gas, both non-zero.
    const split = await run(castBin, [
      "call", "0x00000000000000000000000000000000000000C8",
      "gasEstimateComponents(address,bool,bytes)(uint64,uint64,uint256,uint256)",
      "0x00000000000000000000000000000000000000aa", "false", "0x1234",
      "--from", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--rpc-url", childUrl,
    ]);
    const [total, forL1] = split.stdout.trim().split("\n").map((l) => BigInt(l.trim().split(" ")[0]!));
    expect(forL1! > 0n).to.equal(true);
    expect(total! - forL1! >= 21_000n).to.equal(true);
  });

  it("runs `fund --from-parent --network nitro` as a command: a dry run exits 0, a bad rollup exits non-zero with one line", async function () {
    // As in a user's terminal: under CI Hardhat adds the stack trace after the one line.
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...userEnv } = process.env;
    const env = {
      ...userEnv,
      FORCE_COLOR: "0",
      LCORE_TASKS_SILENT: "0",
      NITRO_RPC_URL: childUrl,
      NITRO_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
      NITRO_PARENT_PRIVATE_KEY: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
      NITRO_PARENT_RPC_URL: parentUrl,
      NITRO_ROLLUP_ADDRESS: rollup,
      LCORE_WALLET_MNEMONIC: "test test test test test test test test test test test junk",
    };
    const fund = async (extra: Record<string, string>) =>
      await run(process.execPath, [hardhatCli, "fund", "--from-parent", "--network", "nitro", "--dry-run", "--counts", "payment_user=1,merchant=0,lender=0,borrower=0,iot_device=0,iot_operator=0"], {
        cwd: projectRoot,
        env: { ...env, ...extra },
      });
    const dry = await fund({});
    expect(dry.stdout).to.match(/parent-chain cost about|nothing to deposit/);
    expect(dry.stdout).to.include("dry run: nothing sent");
    let failed: { code?: number; stderr?: string; stdout?: string } | undefined;
    try {
      await fund({ NITRO_ROLLUP_ADDRESS: "0x00000000000000000000000000000000000000ab" });
    } catch (error) {
      failed = error as typeof failed;
    }
    expect(failed?.code, "exit code").to.not.equal(0);
    expect(failed?.code).to.not.equal(undefined);
    const lines = `${failed?.stderr ?? ""}${failed?.stdout ?? ""}`.split("\n").filter((l) => l.includes("NITRO_ROLLUP_ADDRESS"));
    expect(lines, `${failed?.stderr ?? ""}${failed?.stdout ?? ""}`).to.have.length(1);
    expect(lines[0]).to.match(/has no code on parent chain 1337: it is not a rollup there/);
  });

  it("bridges ETH from the parent to the child over HTTP with the SDK", async function () {
    const parentProvider = urlProvider(parentUrl);
    const childProvider = urlProvider(childUrl);
    const network = await resolveOrbitNetwork({
      childChainId: 412346,
      childName: "nitro",
      parentProvider,
      rollupVariable: "NITRO_ROLLUP_ADDRESS",
      rollupAddress: rollup,
      parentRpcVariable: "NITRO_PARENT_RPC_URL",
    });
    const signer = keySigner(DEPOSITOR_KEY, parentProvider);
    const address = await signer.getAddress();
    const before = (await childProvider.getBalance(address)).toBigInt();
    const tx = await new EthBridger(network).deposit({ amount: ethersV5.BigNumber.from(parseEther("0.25")), parentSigner: signer });
    const result = await (await tx.wait()).waitForChildTransactionReceipt(childProvider, 1, 60_000);
    expect(result.complete).to.equal(true);
    expect((await childProvider.getBalance(address)).toBigInt() - before).to.equal(parseEther("0.25"));
  });
});
