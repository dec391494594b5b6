// Benchmark: transactions/s and calls/s of MVPIoTProcessor.commitProof on the
// in-process network — the Stylus program through hardhat-stylus against
// the Solidity twin (contracts/MVPIoTProcessorEvm.sol) doing the same storage
// work — in the same run, on the same network. Prints the figures and the
// ratios and writes bench/results/stylus-vs-evm.json.
//
// Run: `npx hardhat build` (the EVM twin), then
//      `node --import tsx bench/stylus-vs-evm.bench.ts`
// Bounded: BENCH_TXS (default 1000) transactions and BENCH_CALLS (default 5000)
// calls per contract, each phase capped at BENCH_PHASE_SECONDS (default 60).
// The two contracts are measured in BENCH_ROUNDS (default 5) alternating
// rounds and the median round is reported (bench-rounds.ts), so load from
// other processes on a shared machine hits both sides alike.
import { network } from "hardhat";
import { keccak256, toHex, type Address } from "viem";

import { mvpIoTProcessorAbi } from "../contracts-stylus/artifacts/abi.js";
import { loadMvpDeployedCode } from "../test/hardhat-stylus/helpers/mvp-artifact.js";

import { alternateRounds, benchLimits, median, ratioOf, writeResult, type BenchCase } from "./bench-rounds.js";

// Enough calls that the JIT has warmed both sides up (short runs measure mostly compilation).
const limits = benchLimits({ transactions: 1000, calls: 5000, phaseSeconds: 60, rounds: 5 });
const DEVICE = keccak256(toHex("bench-device"));

const connection = await network.create();
const pub = await connection.viem.getPublicClient();
const [wallet] = await connection.viem.getWalletClients();
const owner = wallet!.account.address;

async function write(address: Address, functionName: string, args: readonly unknown[]): Promise<bigint> {
  const hash = await wallet!.writeContract({
    address,
    abi: mvpIoTProcessorAbi,
    functionName: functionName as never,
    args: args as never,
  });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${functionName} failed in ${hash}`);
  return receipt.gasUsed;
}

async function prepare(address: Address): Promise<void> {
  await write(address, "initialize", [owner]);
  await write(address, "registerDevice", [DEVICE, owner]);
}

function proofHash(tag: string, i: number): `0x${string}` {
  return keccak256(toHex(`${tag}-proof-${i}`));
}

/** commitProof transactions, then isProofCommitted calls of the round's proofs. */
function processorCase(address: Address, tag: string): BenchCase {
  return {
    transaction: async (i) => await write(address, "commitProof", [proofHash(tag, i), DEVICE]),
    call: async (i, round) => {
      const committed = await pub.readContract({
        address,
        abi: mvpIoTProcessorAbi,
        functionName: "isProofCommitted",
        args: [proofHash(tag, round.first + (i % Math.max(round.sent, 1)))],
      });
      if (committed !== true) throw new Error(`proof ${i} not committed on ${tag}`);
    },
  };
}

const evm = await connection.viem.deployContract("MVPIoTProcessorEvm");
await prepare(evm.address);

const code = await loadMvpDeployedCode();
if (code === undefined) {
  console.error("The Stylus artifact is missing: build contracts-stylus first (MVPIoTProcessor.deployed.hex).");
  process.exit(2);
}
const stylus = await connection.stylus.deploy({ deployedCode: code });
await prepare(stylus.address);

// Warm-up (module compilation, caches) outside the measured phases.
await write(evm.address, "commitProof", [proofHash("warm-evm", 0), DEVICE]);
await write(stylus.address, "commitProof", [proofHash("warm-stylus", 0), DEVICE]);

const rounds = await alternateRounds(limits, {
  evm: processorCase(evm.address, "evm"),
  stylus: processorCase(stylus.address, "stylus"),
});
const evmResult = median(rounds.evm!);
const stylusResult = median(rounds.stylus!);
const ratio = ratioOf(stylusResult, evmResult);

console.log("MVPIoTProcessor commitProof, in-process network (Stylus via hardhat-stylus vs EVM twin)");
console.table({
  "EVM twin": {
    "tx/s": evmResult.transactions.perSecond,
    "calls/s": evmResult.calls.perSecond,
    "avg gas": evmResult.averageGasUsed,
  },
  "Stylus": {
    "tx/s": stylusResult.transactions.perSecond,
    "calls/s": stylusResult.calls.perSecond,
    "avg gas": stylusResult.averageGasUsed,
  },
  "ratio Stylus/EVM": {
    "tx/s": ratio.transactionsPerSecond,
    "calls/s": ratio.callsPerSecond,
    "avg gas": ratio.gasUsed,
  },
});
writeResult("stylus-vs-evm", limits, {
  workload: "MVPIoTProcessor.commitProof (transactions, automine, one at a time) and isProofCommitted (eth_call)",
  reported: "median round of each side (rounds alternate EVM, Stylus)",
  stylusCodeBytes: code.length,
  activationDataFeeWei: stylus.dataFee?.toString(),
  evm: evmResult,
  stylus: stylusResult,
  rounds,
  ratio,
});
await connection.close();
