// Benchmark: transactions/s and calls/s of MVPIoTProcessor.commitProof on the
// in-process network — the Stylus program through hardhat-stylus against
// the Solidity twin (contracts/MVPIoTProcessorEvm.sol) doing the same storage
// work — in the same run, on the same network. Prints the figures and the
// ratios and writes bench/results/stylus-vs-evm.json.
//
// Run: `npx hardhat build` (the EVM twin), then
//      `node --import tsx bench/stylus-vs-evm.bench.ts`
// Bounded: BENCH_TXS (default 300) transactions and BENCH_CALLS (default 1000)
// calls per contract, each phase capped at BENCH_PHASE_SECONDS (default 60).
// The two contracts are measured in BENCH_ROUNDS (default 3) alternating
// rounds and the median round is reported, so load from other processes on a
// shared machine hits both sides alike.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { network } from "hardhat";
import { keccak256, toHex, type Address } from "viem";

import { mvpIoTProcessorAbi } from "../contracts-stylus/artifacts/abi.js";
import { loadMvpDeployedCode } from "../test/hardhat-stylus/helpers/mvp-artifact.js";

const TXS = Number(process.env.BENCH_TXS ?? 300);
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? 60) * 1000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const DEVICE = keccak256(toHex("bench-device"));

interface PhaseResult {
  count: number;
  seconds: number;
  perSecond: number;
}

interface ContractResult {
  transactions: PhaseResult;
  calls: PhaseResult;
  averageGasUsed: number;
}

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

async function measure(address: Address, tag: string, roundIndex: number): Promise<ContractResult> {
  let gas = 0n;
  let sent = 0;
  const perRound = Math.ceil(TXS / ROUNDS);
  const callsPerRound = Math.ceil(CALLS / ROUNDS);
  const first = roundIndex * perRound;
  const txStart = performance.now();
  while (sent < perRound && performance.now() - txStart < PHASE_MS / ROUNDS) {
    gas += await write(address, "commitProof", [proofHash(tag, first + sent), DEVICE]);
    sent++;
  }
  const txSeconds = (performance.now() - txStart) / 1000;

  let calls = 0;
  const callStart = performance.now();
  while (calls < callsPerRound && performance.now() - callStart < PHASE_MS / ROUNDS) {
    const committed = await pub.readContract({
      address,
      abi: mvpIoTProcessorAbi,
      functionName: "isProofCommitted",
      args: [proofHash(tag, first + (calls % Math.max(sent, 1)))],
    });
    if (committed !== true) throw new Error(`proof ${calls} not committed on ${tag}`);
    calls++;
  }
  const callSeconds = (performance.now() - callStart) / 1000;
  return {
    transactions: { count: sent, seconds: round(txSeconds), perSecond: round(sent / txSeconds) },
    calls: { count: calls, seconds: round(callSeconds), perSecond: round(calls / callSeconds) },
    averageGasUsed: sent === 0 ? 0 : Number(gas / BigInt(sent)),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
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

function median(results: ContractResult[]): ContractResult {
  const pick = (key: (r: ContractResult) => number): ContractResult => {
    const sorted = [...results].sort((a, b) => key(a) - key(b));
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const tx = pick((r) => r.transactions.perSecond);
  const calls = pick((r) => r.calls.perSecond);
  return { transactions: tx.transactions, calls: calls.calls, averageGasUsed: tx.averageGasUsed };
}

const evmRounds: ContractResult[] = [];
const stylusRounds: ContractResult[] = [];
for (let round = 0; round < ROUNDS; round++) {
  evmRounds.push(await measure(evm.address, "evm", round));
  stylusRounds.push(await measure(stylus.address, "stylus", round));
}
const evmResult = median(evmRounds);
const stylusResult = median(stylusRounds);

const result = {
  benchmark: "stylus-vs-evm",
  date: new Date().toISOString(),
  node: process.version,
  workload: "MVPIoTProcessor.commitProof (transactions, automine, one at a time) and isProofCommitted (eth_call)",
  limits: { transactions: TXS, calls: CALLS, phaseSeconds: PHASE_MS / 1000, rounds: ROUNDS },
  reported: "median round of each side (rounds alternate EVM, Stylus)",
  stylusCodeBytes: code.length,
  activationDataFeeWei: stylus.dataFee?.toString(),
  evm: evmResult,
  stylus: stylusResult,
  rounds: { evm: evmRounds, stylus: stylusRounds },
  ratio: {
    transactionsPerSecond: round(stylusResult.transactions.perSecond / evmResult.transactions.perSecond),
    callsPerSecond: round(stylusResult.calls.perSecond / evmResult.calls.perSecond),
    gasUsed: round(stylusResult.averageGasUsed / evmResult.averageGasUsed),
  },
};

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
    "tx/s": result.ratio.transactionsPerSecond,
    "calls/s": result.ratio.callsPerSecond,
    "avg gas": result.ratio.gasUsed,
  },
});
const out = path.resolve(import.meta.dirname, "results/stylus-vs-evm.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${path.relative(process.cwd(), out)}`);
await connection.close();
