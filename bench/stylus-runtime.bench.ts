// Benchmark of the Stylus runtime core alone (no Hardhat): what ink metering
// and re-execution cost. Three measurements, each against a baseline taken in
// the same run:
//  1. compute: a 10,000-iteration loop, metered engine run vs the same WASM
//     without instrumentation, instantiated and called per run (and the bare
//     call of one instance, for reference);
//  2. storage: the storage-counter fixture's read + increment-and-flush,
//     executions/s with a cold read cache (1 re-execution) vs a program
//     without chain reads;
//  3. re-execution scaling: a program doing K distinct cold loads (K + 1
//     runs) vs K = 1.
//  4. MVPIoTProcessor (when contracts-stylus/artifacts/MVPIoTProcessor.wasm or
//     STYLUS_MVP_WASM exists): submitResult transactions and getResult calls
//     per second in the engine against the in-memory chain.
// Prints figures and ratios and writes bench/results/stylus-runtime.json.
// Run: `node --import tsx bench/stylus-runtime.bench.ts`. Bounded: each
// phase stops after BENCH_ITERATIONS (default 2000) runs or BENCH_PHASE_SECONDS (default 10).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { encodeFunctionData, hexToBytes, keccak256, toHex } from "viem";

import { mvpIoTProcessorAbi } from "../contracts-stylus/artifacts/abi.js";

import {
  compileStylusProgram,
  executeStylusProgram,
  type ExecuteParams,
} from "../hardhat-stylus/src/internal/runtime/index.js";
import { defaultContext, FakeChain, fixture, PROGRAM, program, wat } from "../test/hardhat-stylus/runtime/helpers.js";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const PHASE_MS = Number(process.env.BENCH_PHASE_SECONDS ?? 10) * 1000;

interface Phase {
  runs: number;
  seconds: number;
  perSecond: number;
}

async function measure(fn: () => Promise<unknown> | unknown, iterations = ITERATIONS): Promise<Phase> {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const start = performance.now();
  let runs = 0;
  while (runs < iterations && performance.now() - start < PHASE_MS) {
    await fn();
    runs++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { runs, seconds, perSecond: runs / seconds };
}

function params(module: WebAssembly.Module, chain: FakeChain, calldata: Uint8Array): ExecuteParams {
  return { module, context: defaultContext({ calldata }), chain, gasLimit: 30_000_000n, mode: "transaction" };
}

// 1. compute
const loopWasm = await wat(
  program(`(local $i i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.const 10000)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.const 0)`),
);
const metered = await compileStylusProgram(loopWasm);
const plain = await WebAssembly.compile(loopWasm);
const plainInstance = await WebAssembly.instantiate(plain, { vm_hooks: {} });
const plainEntry = plainInstance.exports.user_entrypoint as (len: number) => number;
const computeRawCall = await measure(() => plainEntry(0));
// Baseline: the same WASM without metering, instantiated per call like the engine does.
const computeBaseline = await measure(() => {
  const instance = new WebAssembly.Instance(plain, { vm_hooks: {} });
  return (instance.exports.user_entrypoint as (len: number) => number)(0);
});
const computeMetered = await measure(() => executeStylusProgram(params(metered, new FakeChain(), new Uint8Array(0))));
const computeResult = await executeStylusProgram(params(metered, new FakeChain(), new Uint8Array(0)));

// 2. storage
const counter = await compileStylusProgram(await wat(fixture("storage-counter.wat")));
const noReads = await compileStylusProgram(await wat(program(`(i32.const 0)`)));
const chain = new FakeChain();
chain.setStorage(PROGRAM, 0n, 41n);
const emptyRun = await measure(() => executeStylusProgram(params(noReads, chain, new Uint8Array(0))));
const readRun = await measure(() => executeStylusProgram(params(counter, chain, Uint8Array.from([0]))));
const writeRun = await measure(() => executeStylusProgram(params(counter, chain, Uint8Array.from([1]))));

// 3. re-execution scaling
async function loads(k: number): Promise<WebAssembly.Module> {
  const body = Array.from(
    { length: k },
    (_, i) => `(i32.store16 (i32.const 30) (i32.const ${i})) (call $storage_load_bytes32 (i32.const 0) (i32.const 32))`,
  ).join(" ");
  return await compileStylusProgram(await wat(program(`${body} (i32.const 0)`)));
}
const scaling: Record<string, Phase & { reexecutions: number }> = {};
for (const k of [1, 8, 32, 64]) {
  const module = await loads(k);
  const phase = await measure(() => executeStylusProgram(params(module, new FakeChain(), new Uint8Array(0))), 300);
  const once = await executeStylusProgram(params(module, new FakeChain(), new Uint8Array(0)));
  scaling[`loads_${k}`] = { ...phase, reexecutions: once.reads };
}

// 4. the real contract
const mvpPath = process.env.STYLUS_MVP_WASM ?? path.join("contracts-stylus", "artifacts", "MVPIoTProcessor.wasm");
let mvp: Record<string, number | string> | undefined;
if (existsSync(mvpPath)) {
  const module = await compileStylusProgram(new Uint8Array(readFileSync(mvpPath)));
  const mvpChain = new FakeChain();
  const owner = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" as const;
  const send = async (data: `0x${string}`, mode: "call" | "transaction" = "transaction") => {
    const r = await executeStylusProgram({
      module,
      context: defaultContext({ sender: owner, origin: owner, calldata: hexToBytes(data) }),
      chain: mvpChain,
      gasLimit: 5_000_000n,
      mode,
    });
    if (r.success && mode === "transaction") for (const w of r.storageWrites) mvpChain.setStorage(PROGRAM, w.slot, w.value);
    return r;
  };
  await send(encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "initialize", args: [owner] }));
  await send(encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "setSubmitter", args: [owner, true] }));
  let n = 0;
  let gas = 0n;
  let reexec = 0;
  const submit = await measure(async () => {
    const task = keccak256(toHex(`task-${n++}`));
    const r = await send(encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "submitResult", args: [task, [1, 2, 3], task] }));
    if (!r.success) throw new Error(`submitResult failed: ${r.error?.message}`);
    gas = r.gasUsed;
    reexec = r.reads;
  }, 500);
  const firstTask = keccak256(toHex("task-0"));
  const get = await measure(
    () => send(encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "getResult", args: [firstTask] }), "call"),
    1000,
  );
  mvp = {
    wasm: mvpPath,
    submitResultPerSecond: submit.perSecond,
    submitResultGas: gas.toString(),
    submitResultReexecutions: reexec,
    getResultPerSecond: get.perSecond,
  };
}

const results = {
  node: process.version,
  compute: {
    loopIterations: 10_000,
    plainWasmCallPerSecond: computeRawCall.perSecond,
    plainWasmInstantiateAndCallPerSecond: computeBaseline.perSecond,
    meteredEnginePerSecond: computeMetered.perSecond,
    slowdown: computeBaseline.perSecond / computeMetered.perSecond,
    inkUsed: computeResult.inkUsed.toString(),
    gasUsed: computeResult.gasUsed.toString(),
  },
  storage: {
    noReadsPerSecond: emptyRun.perSecond,
    readPerSecond: readRun.perSecond,
    incrementAndFlushPerSecond: writeRun.perSecond,
    readVsNoReads: readRun.perSecond / emptyRun.perSecond,
  },
  mvpIoTProcessor: mvp ?? "skipped: no MVPIoTProcessor.wasm",
  reexecution: Object.fromEntries(
    Object.entries(scaling).map(([k, v]) => [
      k,
      { perSecond: v.perSecond, reexecutions: v.reexecutions, vsOneLoad: v.perSecond / (scaling.loads_1?.perSecond ?? 1) },
    ]),
  ),
};

console.log("Stylus runtime benchmark");
console.log(
  `  compute (10k-iteration loop): plain WASM call ${computeRawCall.perSecond.toFixed(0)}/s, instantiate+call ${computeBaseline.perSecond.toFixed(0)}/s, metered engine ${computeMetered.perSecond.toFixed(0)}/s (x${results.compute.slowdown.toFixed(1)} slower; ${computeResult.gasUsed} gas)`,
);
console.log(
  `  storage: no reads ${emptyRun.perSecond.toFixed(0)}/s, read ${readRun.perSecond.toFixed(0)}/s (ratio ${results.storage.readVsNoReads.toFixed(2)}), increment+flush ${writeRun.perSecond.toFixed(0)}/s`,
);
for (const [k, v] of Object.entries(results.reexecution)) {
  console.log(`  ${k}: ${v.perSecond.toFixed(0)}/s, ${v.reexecutions} re-executions, x${v.vsOneLoad.toFixed(3)} of one load`);
}
if (mvp !== undefined) {
  console.log(
    `  MVPIoTProcessor: submitResult ${Number(mvp.submitResultPerSecond).toFixed(0)} tx/s (${mvp.submitResultGas} gas, ${mvp.submitResultReexecutions} re-executions), getResult ${Number(mvp.getResultPerSecond).toFixed(0)} calls/s`,
  );
}
const out = path.join("bench", "results", "stylus-runtime.json");
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`  wrote ${out}`);
