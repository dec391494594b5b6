// Benchmark: how the cost of a transaction moves over a long run. Each
// Stylus transaction mined through hardhat-stylus sets code in EDR at least
// once (`hardhat_setCode` of its entry applier), and EDR's cost per block
// grows with the number of such irregular state changes it has recorded;
// a plain EVM transaction sets nothing. This sends MVPIoTProcessor.commitProof
// in chunks on two fresh networks — the Stylus program through the plugin and
// the Solidity twin — and prints ms per transaction per chunk, and the last
// chunk against the first for each side. Writes bench/results/stylus-long-run.json.
//
// Run: `npx hardhat build` (the EVM twin), then
//      `node --import tsx bench/stylus-long-run.bench.ts`
// Bounded: BENCH_TXS (default 5000) transactions per side in chunks of
// BENCH_CALLS (default 1000, reused as the chunk size), each side capped at
// BENCH_PHASE_SECONDS (default 120).
import { network } from "hardhat";
import { keccak256, toHex, type Address } from "viem";

import { mvpIoTProcessorAbi } from "../contracts-stylus/artifacts/abi.js";
import { loadMvpDeployedCode } from "../test/hardhat-stylus/helpers/mvp-artifact.js";

import { benchLimits, round2, writeResult } from "./bench-rounds.js";

const limits = benchLimits({ transactions: 5000, calls: 1000, phaseSeconds: 120, rounds: 1 });
const DEVICE = keccak256(toHex("long-run-device"));

const code = await loadMvpDeployedCode();
if (code === undefined) {
  console.error("The Stylus artifact is missing: build contracts-stylus first (MVPIoTProcessor.deployed.hex).");
  process.exit(2);
}

/** ms per transaction of each chunk of commitProof transactions on a fresh network. */
async function side(kind: "evm" | "stylus"): Promise<number[]> {
  const connection = await network.create();
  try {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const address: Address =
      kind === "evm"
        ? (await connection.viem.deployContract("MVPIoTProcessorEvm")).address
        : (await connection.stylus.deploy({ deployedCode: code! })).address;
    const write = async (functionName: string, args: readonly unknown[]): Promise<void> => {
      const hash = await wallet!.writeContract({ address, abi: mvpIoTProcessorAbi, functionName: functionName as never, args: args as never });
      if ((await pub.waitForTransactionReceipt({ hash })).status !== "success") throw new Error(`${functionName} failed in ${hash}`);
    };
    await write("initialize", [wallet!.account.address]);
    await write("registerDevice", [DEVICE, wallet!.account.address]);
    const chunks: number[] = [];
    const deadline = Date.now() + limits.phaseSeconds * 1000;
    let sent = 0;
    while (sent < limits.transactions && Date.now() < deadline) {
      const size = Math.min(limits.calls, limits.transactions - sent);
      const start = performance.now();
      for (let i = 0; i < size; i++) await write("commitProof", [keccak256(toHex(`${kind}-${sent + i}`)), DEVICE]);
      chunks.push(round2((performance.now() - start) / size));
      sent += size;
    }
    return chunks;
  } finally {
    await connection.close();
  }
}

const evm = await side("evm");
const stylus = await side("stylus");
const growth = (chunks: number[]): number => round2((chunks.at(-1) ?? 0) / (chunks[0] ?? 1));

console.log(`MVPIoTProcessor commitProof, ms per transaction per chunk of ${limits.calls} (fresh network per side)`);
console.table(
  Object.fromEntries(
    evm.map((_, i) => [`chunk ${i + 1}`, { "EVM twin": evm[i], Stylus: stylus[i], "ratio Stylus/EVM (speed)": round2((evm[i] ?? 0) / (stylus[i] ?? 1)) }]),
  ),
);
console.log(`last chunk / first chunk: EVM twin ${growth(evm)}x, Stylus ${growth(stylus)}x`);
writeResult("stylus-long-run", limits, {
  workload: "MVPIoTProcessor.commitProof, automine, one at a time, on a fresh in-process network per side",
  chunkSize: limits.calls,
  msPerTransaction: { evm, stylus },
  lastOverFirst: { evm: growth(evm), stylus: growth(stylus) },
});
