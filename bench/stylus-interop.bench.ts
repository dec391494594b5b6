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
// Bounded: BENCH_TXS (default 500) transactions and BENCH_CALLS (default 2500)
// calls per case, each phase capped at BENCH_PHASE_SECONDS (default 30);
// BENCH_ROUNDS (default 5) alternating rounds, median reported (bench-rounds.ts).
import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../hardhat-stylus/src/internal/wasm/program-format.js";
import { RELAY, relayInput, relayWat } from "../test/fixtures/stylus-programs/interop/relay.js";
import { watToWasm } from "../test/hardhat-stylus/helpers/wat.js";

import { alternateRounds, benchLimits, median, ratioOf, writeResult, type BenchCase, type Ratio } from "./bench-rounds.js";

const limits = benchLimits({ transactions: 500, calls: 2500, phaseSeconds: 30, rounds: 5 });

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

/** One transaction (waited for) and one eth_call of the same call per iteration. */
function benchCase(target: Target): BenchCase {
  const w = target.client === "plain" ? plainWallet! : wallet!;
  const p = target.client === "plain" ? plainPub : pub;
  const tx = { to: target.to, data: target.data };
  return {
    transaction: async () => {
      const hash = await w.sendTransaction(tx);
      const receipt = await p.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} failed`);
      return receipt.gasUsed;
    },
    call: async () => {
      await p.call(tx);
    },
  };
}

// Warm-up: module compilation and caches outside the measured phases.
for (const target of Object.values(cases)) {
  const w = target.client === "plain" ? plainWallet! : wallet!;
  const p = target.client === "plain" ? plainPub : pub;
  await p.waitForTransactionReceipt({ hash: await w.sendTransaction({ to: target.to, data: target.data }) });
}

const rounds = await alternateRounds(
  limits,
  Object.fromEntries(Object.entries(cases).map(([name, target]) => [name, benchCase(target)])),
);
const medians = Object.fromEntries(Object.entries(rounds).map(([name, list]) => [name, median(list)]));
const baseline = medians["EVM -> EVM (baseline, no programs on the chain)"]!;
const table: Record<string, Record<string, number>> = {};
const ratios: Record<string, Ratio> = {};
for (const [name, result] of Object.entries(medians)) {
  const ratio = ratioOf(result, baseline);
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
writeResult("stylus-interop", limits, {
  workload: "caller -> callee that bumps a counter (SSTORE + LOG): one transaction (automine) and one eth_call per iteration",
  reported: "median round of each case (rounds alternate the cases); ratios against EVM -> EVM on a network without programs",
  cases: medians,
  ratios,
  rounds,
});
await connection.close();
await plain.close();
