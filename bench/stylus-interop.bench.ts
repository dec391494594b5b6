// Benchmark: cross-contract calls through hardhat-stylus's combined
// interpreter against their EVM-only equivalent, on the same in-process
// network in the same run. Each case is one transaction (automine, one at a
// time) and one eth_call of a caller that calls a callee which bumps a counter
// (a storage write and an event):
//   Stylus -> Stylus   relay program -> relay program
//   Stylus -> EVM      relay program -> InteropProbe.bump()
//   EVM -> Stylus      InteropProbe.forward -> relay program
//   EVM -> EVM         InteropProbe.forward -> InteropProbe.bump(), on this
//                      network (which holds programs, so EVM callers that call
//                      out are looked at by the interpreter first) and on a
//                      second network without programs (EDR alone: the baseline)
// Prints tx/s, calls/s and the ratio to the EVM-only case; writes
// bench/results/stylus-interop.json.
//
// Run: `npx hardhat build`, then `node --import tsx bench/stylus-interop.bench.ts`
// Bounded: BENCH_TXS (default 120) transactions and BENCH_CALLS (default 300)
// calls per case, each phase capped at BENCH_PHASE_SECONDS (default 30);
// BENCH_ROUNDS (default 3) alternating rounds, median reported.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../hardhat-stylus/src/internal/wasm/program-format.js";
import { RELAY, relayInput, relayWat } from "../test/fixtures/stylus-programs/interop/relay.js";
import { watToWasm } from "../test/hardhat-stylus/helpers/wat.js";

const TXS = Number(process.env.BENCH_TXS ?? 120);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? 30) * 1000;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

interface Phase {
  count: number;
  seconds: number;
  perSecond: number;
}

interface CaseResult {
  transactions: Phase;
  calls: Phase;
  averageGasUsed: number;
}

const connection = await network.create();
const pub = await connection.viem.getPublicClient();
const [wallet] = await connection.viem.getWalletClients();

async function deployRelay(): Promise<Address> {
  const wasm = await watToWasm(relayWat());
  const hash = await wallet!.sendTransaction({ data: bytesToHex(buildStylusInitCode(compressStylusProgram(wasm))) });
  const address = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
  if (!(await connection.stylus.isActivated(address))) await connection.stylus.activate(address);
  return address;
}

const relayA = await deployRelay();
const relayB = await deployRelay();
const probeA = await connection.viem.deployContract("InteropProbe");
const probeB = await connection.viem.deployContract("InteropProbe");
const abi = probeA.abi;
const bump = encodeFunctionData({ abi, functionName: "bump" });
const forward = (target: Address, data: Hex): Hex => encodeFunctionData({ abi, functionName: "forward", args: [target, data] });

// The EVM-only equivalent on a network without programs: EDR alone.
const plain = await network.create();
const plainPub = await plain.viem.getPublicClient();
const [plainWallet] = await plain.viem.getWalletClients();
const plainA = await plain.viem.deployContract("InteropProbe");
const plainB = await plain.viem.deployContract("InteropProbe");

interface Target {
  to: Address;
  data: Hex;
  client?: "plain";
}

const cases: Record<string, Target> = {
  "EVM -> EVM (baseline, no programs on the chain)": { to: plainA.address, data: forward(plainB.address, bump), client: "plain" },
  "EVM -> EVM (chain holding programs)": { to: probeA.address, data: forward(probeB.address, bump) },
  "Stylus -> Stylus": { to: relayA, data: relayInput(RELAY.call, relayB, 0n, relayInput(RELAY.bump)) },
  "Stylus -> EVM": { to: relayA, data: relayInput(RELAY.call, probeB.address, 0n, bump) },
  "EVM -> Stylus": { to: probeA.address, data: forward(relayB, relayInput(RELAY.bump)) },
};

async function measure(target: Target): Promise<CaseResult> {
  const w = target.client === "plain" ? plainWallet! : wallet!;
  const p = target.client === "plain" ? plainPub : pub;
  const tx = { to: target.to, data: target.data };
  const perRound = Math.ceil(TXS / ROUNDS);
  const callsPerRound = Math.ceil(CALLS / ROUNDS);
  let gas = 0n;
  let sent = 0;
  const txStart = performance.now();
  while (sent < perRound && performance.now() - txStart < PHASE_MS / ROUNDS) {
    const hash = await w.sendTransaction(tx);
    const receipt = await p.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} failed`);
    gas += receipt.gasUsed;
    sent++;
  }
  const txSeconds = (performance.now() - txStart) / 1000;
  let calls = 0;
  const callStart = performance.now();
  while (calls < callsPerRound && performance.now() - callStart < PHASE_MS / ROUNDS) {
    await p.call(tx);
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

function median(results: CaseResult[]): CaseResult {
  const pick = (key: (r: CaseResult) => number): CaseResult => [...results].sort((a, b) => key(a) - key(b))[Math.floor(results.length / 2)]!;
  const tx = pick((r) => r.transactions.perSecond);
  const calls = pick((r) => r.calls.perSecond);
  return { transactions: tx.transactions, calls: calls.calls, averageGasUsed: tx.averageGasUsed };
}

// Warm-up: module compilation and caches outside the measured phases.
for (const target of Object.values(cases)) {
  const w = target.client === "plain" ? plainWallet! : wallet!;
  const p = target.client === "plain" ? plainPub : pub;
  await p.waitForTransactionReceipt({ hash: await w.sendTransaction({ to: target.to, data: target.data }) });
}

const rounds: Record<string, CaseResult[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, target] of Object.entries(cases)) rounds[name]!.push(await measure(target));
}
const medians = Object.fromEntries(Object.entries(rounds).map(([name, list]) => [name, median(list)]));
const baseline = medians["EVM -> EVM (baseline, no programs on the chain)"]!;
const table: Record<string, Record<string, number>> = {};
const ratios: Record<string, { transactionsPerSecond: number; callsPerSecond: number; gasUsed: number }> = {};
for (const [name, result] of Object.entries(medians)) {
  const ratio = {
    transactionsPerSecond: round(result.transactions.perSecond / baseline.transactions.perSecond),
    callsPerSecond: round(result.calls.perSecond / baseline.calls.perSecond),
    gasUsed: round(result.averageGasUsed / baseline.averageGasUsed),
  };
  ratios[name] = ratio;
  table[name] = {
    "tx/s": result.transactions.perSecond,
    "calls/s": result.calls.perSecond,
    "avg gas": result.averageGasUsed,
    "tx ratio": ratio.transactionsPerSecond,
    "call ratio": ratio.callsPerSecond,
  };
}

console.log("Cross-contract calls, in-process network (hardhat-stylus combined interpreter vs EVM-only)");
console.table(table);
const result = {
  benchmark: "stylus-interop",
  date: new Date().toISOString(),
  node: process.version,
  workload: "caller -> callee that bumps a counter (SSTORE + LOG): one transaction (automine) and one eth_call per iteration",
  limits: { transactions: TXS, calls: CALLS, phaseSeconds: PHASE_MS / 1000, rounds: ROUNDS },
  reported: "median round of each case (rounds alternate the cases); ratios against EVM -> EVM on a network without programs",
  cases: medians,
  ratios,
  rounds,
};
const out = path.resolve(import.meta.dirname, "results/stylus-interop.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written ${path.relative(process.cwd(), out)}`);
await connection.close();
await plain.close();
