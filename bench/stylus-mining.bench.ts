// Benchmark: Stylus transactions mined with automine (one block each, the
// single-transaction applier) against the same transactions sent with
// automine off and mined in one block by evm_mine (the block miner: planned
// in the interpreter on chained state, one real block with counted entries),
// next to the Solidity twin (CorpusCounter) doing the same on the same
// network, where EDR mines alone. Prints ms per transaction and the ratios,
// writes bench/results/stylus-mining.json.
//
// Run: `npx hardhat build` (the twin), then
//      `node --import tsx bench/stylus-mining.bench.ts`
// Bounded: BENCH_BLOCK_TXS (default 50) transactions per block, BENCH_ROUNDS
// (default 3) alternating rounds; the median round is reported.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { network } from "hardhat";
import { encodeFunctionData, type Address, type Hex } from "viem";

import { loadCorpusProgram } from "../corpus/stylus/index.js";

const N = Math.max(1, Number(process.env.BENCH_BLOCK_TXS ?? 50));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const GAS = 200_000n;

const connection = await network.create();
const [wallet] = await connection.viem.getWalletClients();
const stylus = (await connection.stylus.deploy({ deployedCode: loadCorpusProgram("counter").deployedCode })).address;
const twin = await connection.viem.deployContract("CorpusCounter", [0n]);
const increment: Hex = encodeFunctionData({ abi: twin.abi, functionName: "increment" });

interface Round {
  automineMsPerTx: number;
  blockMsPerTx: number;
}

async function setAutomine(on: boolean): Promise<void> {
  await connection.provider.request({ method: "evm_setAutomine", params: [on] });
}

async function round(to: Address): Promise<Round> {
  let start = performance.now();
  for (let i = 0; i < N; i++) await wallet!.sendTransaction({ to, data: increment, gas: GAS });
  const automine = performance.now() - start;
  await setAutomine(false);
  try {
    start = performance.now();
    for (let i = 0; i < N; i++) await wallet!.sendTransaction({ to, data: increment, gas: GAS });
    await connection.provider.request({ method: "evm_mine", params: [] });
  } finally {
    await setAutomine(true);
  }
  const block = performance.now() - start;
  return { automineMsPerTx: automine / N, blockMsPerTx: block / N };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const rounds: Record<"stylus" | "evm", Round[]> = { stylus: [], evm: [] };
for (let r = 0; r < ROUNDS; r++) {
  rounds.stylus.push(await round(stylus));
  rounds.evm.push(await round(twin.address));
}
const summary = (list: Round[]): Round => ({
  automineMsPerTx: median(list.map((x) => x.automineMsPerTx)),
  blockMsPerTx: median(list.map((x) => x.blockMsPerTx)),
});
const s = summary(rounds.stylus);
const e = summary(rounds.evm);
const result = {
  transactionsPerBlock: N,
  rounds: ROUNDS,
  stylus: s,
  evm: e,
  ratios: {
    stylusBlockVsStylusAutomine: s.automineMsPerTx / s.blockMsPerTx,
    stylusBlockVsEvmBlock: e.blockMsPerTx / s.blockMsPerTx,
    stylusAutomineVsEvmAutomine: e.automineMsPerTx / s.automineMsPerTx,
  },
  all: rounds,
};
const fmt = (n: number): string => n.toFixed(2);
console.log(`${N} increments per block, median of ${ROUNDS} rounds (ms per transaction; ratio = speed relative to the row's baseline)`);
console.log(`| | automine | automine off + evm_mine |`);
console.log(`| --- | --- | --- |`);
console.log(`| EVM twin | ${fmt(e.automineMsPerTx)} | ${fmt(e.blockMsPerTx)} |`);
console.log(`| Stylus | ${fmt(s.automineMsPerTx)} | ${fmt(s.blockMsPerTx)} |`);
console.log(`| Stylus vs EVM twin | ${fmt(result.ratios.stylusAutomineVsEvmAutomine)} | ${fmt(result.ratios.stylusBlockVsEvmBlock)} |`);
console.log(`Stylus in one block vs one block each: ${fmt(result.ratios.stylusBlockVsStylusAutomine)}x`);
const out = path.join(import.meta.dirname, "results", "stylus-mining.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
await connection.close();
