// The Stylus execution engine: compiles a program once (instrumented for ink
// metering, cached by code hash) and runs `user_entrypoint` in Node's
// WebAssembly with Nitro's host functions. WASM host imports are synchronous
// while chain reads are asynchronous, so a run that needs a value it has not
// seen records it, goes on with a placeholder (zero) to discover further
// independent reads (calls out stop it at once), then all recorded values are
// fetched together and the program runs again from the start with them
// cached. Programs are deterministic, so this converges; the number of extra
// runs is at most the number of distinct cold reads, and usually the depth of
// the chain of reads that depend on each other.
import { keccak256, toHex } from "./bytes.js";
import { type ExecutionShared, HostEnv, type InkMeter, type LiveChain } from "./host-env.js";
import { entrypointBytes, returnedBytes } from "./hostio-trace-format.js";
import { acquire, release, type PooledInstance } from "./instance-pool.js";
import { INK_LEFT_EXPORT, INK_STATUS_EXPORT, instrumentForInk } from "./instrument.js";
import { DEFAULT_INK_PRICE, memoryGas } from "./pricing.js";
import { ExitSignal, HostRevertSignal, NeedReadSignal, OutOfInkSignal } from "./signals.js";
import type { ExecuteParams, ExecutionErrorKind, ExecutionResult } from "./types.js";

const WASM_PAGE = 65_536;
const MODULE_CACHE_LIMIT = 64;
const moduleCache = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Compiles a Stylus program for `executeStylusProgram`: adds ink metering and
 * compiles it, once per distinct WASM (cache keyed by keccak256 of the bytes).
 * Does not validate: call `validateStylusProgram` at activation.
 * @param wasm the uncompressed program.
 * @returns the compiled, instrumented module.
 * @throws WasmFormatError / WebAssembly.CompileError on malformed input.
 */
export async function compileStylusProgram(wasm: Uint8Array): Promise<WebAssembly.Module> {
  const key = toHex(keccak256(wasm));
  const hit = moduleCache.get(key);
  if (hit !== undefined) {
    moduleCache.delete(key);
    moduleCache.set(key, hit); // most recently used last
    return await hit;
  }
  const compiled = (async () => {
    const instrumented = instrumentForInk(wasm);
    return await WebAssembly.compile(instrumented);
  })();
  moduleCache.set(key, compiled);
  compiled.catch(() => moduleCache.delete(key));
  while (moduleCache.size > MODULE_CACHE_LIMIT) {
    const oldest = moduleCache.keys().next().value;
    if (oldest === undefined) break;
    moduleCache.delete(oldest);
  }
  return await compiled;
}

/** Drops compiled modules (tests, memory pressure). */
export function clearStylusModuleCache(): void {
  moduleCache.clear();
}

/** Meter backed by a JS counter until the instance exists, then by its exported globals. */
class SwitchableMeter implements InkMeter {
  #ink: bigint;
  #exhausted = false;
  #inkGlobal: WebAssembly.Global | undefined;
  #statusGlobal: WebAssembly.Global | undefined;

  constructor(ink: bigint) {
    this.#ink = ink;
  }

  bind(inkGlobal: WebAssembly.Global, statusGlobal: WebAssembly.Global): void {
    this.#inkGlobal = inkGlobal;
    this.#statusGlobal = statusGlobal;
    inkGlobal.value = BigInt.asIntN(64, this.#ink);
    statusGlobal.value = this.#exhausted ? 1 : 0;
  }

  get(): bigint {
    if (this.#inkGlobal !== undefined) return BigInt.asUintN(64, this.#inkGlobal.value as bigint);
    return this.#ink;
  }

  set(ink: bigint): void {
    if (this.#inkGlobal !== undefined) this.#inkGlobal.value = BigInt.asIntN(64, ink);
    else this.#ink = ink;
  }

  exhaust(): void {
    this.set(0n);
    this.#exhausted = true;
    if (this.#statusGlobal !== undefined) this.#statusGlobal.value = 1;
  }

  get exhausted(): boolean {
    if (this.#statusGlobal !== undefined) return this.#statusGlobal.value === 1;
    return this.#exhausted;
  }
}

type RunOutcome =
  | { type: "need"; env: HostEnv; signal: NeedReadSignal }
  | { type: "done"; env: HostEnv; meter: SwitchableMeter; status: number }
  | { type: "error"; env: HostEnv; meter: SwitchableMeter; kind: ExecutionErrorKind; message: string; output: Uint8Array };

/** What every run of one call shares: the call context (addresses lower-cased), chain access, the read cache. */
function sharedOf(params: ExecuteParams): ExecutionShared {
  const { context } = params;
  return {
    context: {
      ...context,
      address: context.address.toLowerCase() as typeof context.address,
      sender: context.sender.toLowerCase() as typeof context.sender,
      origin: context.origin.toLowerCase() as typeof context.origin,
    },
    chain: params.chain,
    mode: params.mode,
    cache: new Map(),
    inkPrice: BigInt(context.inkPrice ?? DEFAULT_INK_PRICE),
    logger: params.logger,
    console: params.console,
    footprint: 0,
  };
}

/**
 * Runs a Stylus program's `user_entrypoint` with Nitro's host functions.
 * @param params compiled module, call context, async chain reads, gas limit and mode.
 * @returns output, flushed storage writes and logs (only on success), gas used.
 * @throws only on engine bugs or when a chain read fails (the ChainAccess error is rethrown).
 */
export async function executeStylusProgram(params: ExecuteParams): Promise<ExecutionResult> {
  const { gasLimit } = params;
  const shared = sharedOf(params);
  const inkPrice = shared.inkPrice;
  const maxReads = params.maxReads ?? 10_000;
  let reads = 0;
  for (;;) {
    const outcome = runOnce(params, shared, gasLimit * inkPrice);
    const missing = [...outcome.env.missing];
    if (missing.length > 0) {
      if (reads >= maxReads) {
        throw new Error(
          `Stylus runtime: more than ${maxReads} re-executions in one execution; raise maxReads if the program really needs them`,
        );
      }
      // Every miss of the run (the first plus those found speculatively) is fetched at once.
      const values = await Promise.all(missing.map(async ([, fetch]) => await fetch()));
      missing.forEach(([key], i) => shared.cache.set(key, values[i]));
      reads++;
      continue;
    }
    if (outcome.type === "need") {
      throw new Error(`Stylus runtime: a run stopped for ${outcome.signal.key} without recording the read (engine bug)`);
    }
    return buildResult(outcome, gasLimit, inkPrice, reads);
  }
}

type Prepared =
  | { ready: true; env: HostEnv; meter: SwitchableMeter; entry: (len: number) => unknown; pooled?: PooledInstance }
  | { ready: false; outcome: RunOutcome; pooled?: PooledInstance };



/** Instantiates the module and charges startup (init gas, memory footprint). */
function prepare(params: ExecuteParams, shared: ExecutionShared, startInk: bigint): Prepared {
  const meter = new SwitchableMeter(startInk);
  // Synchronous instantiation: the module is compiled already, and small programs instantiate fastest this way.
  // Live frames take a pooled instance with its env (runtime/instance-pool.ts).
  let env: HostEnv | undefined;
  let instance: WebAssembly.Instance;
  let pooled: PooledInstance | undefined;
  try {
    pooled = shared.live === undefined ? undefined : acquire(params.module, shared, meter);
    env = pooled?.env ?? new HostEnv(shared, meter);
    instance = pooled?.instance ?? new WebAssembly.Instance(params.module, env.imports());
  } catch (error) {
    const failed = env ?? new HostEnv(shared, meter);
    if (error instanceof NeedReadSignal) return { ready: false, outcome: { type: "need", env: failed, signal: error } };
    return {
      ready: false,
      outcome: {
        type: "error",
        env: failed,
        meter,
        kind: "trap",
        message: `instantiation failed: ${error instanceof Error ? error.message : String(error)}`,
        output: new Uint8Array(0),
      },
    };
  }
  const runEnv = env;
  const fail = (kind: ExecutionErrorKind, message: string): Prepared => ({
    ready: false,
    outcome: { type: "error", env: runEnv, meter, kind, message, output: new Uint8Array(0) },
  });
  const failPooled = (kind: ExecutionErrorKind, message: string): Prepared => ({ ...fail(kind, message), ...(pooled === undefined ? {} : { pooled }) });
  const exports = instance.exports;
  const memory = exports.memory;
  const entry = exports.user_entrypoint;
  if (!(memory instanceof WebAssembly.Memory) || typeof entry !== "function") {
    return failPooled("invalid-exit", "program does not export `memory` and `user_entrypoint`; validate it before running");
  }
  env.memory = memory;
  const inkGlobal = exports[INK_LEFT_EXPORT];
  const statusGlobal = exports[INK_STATUS_EXPORT];
  if (inkGlobal instanceof WebAssembly.Global && statusGlobal instanceof WebAssembly.Global) {
    meter.bind(inkGlobal, statusGlobal);
  }
  // Startup: init gas and the memory footprint (Nitro charges both before the entrypoint runs).
  const footprint = Math.floor(memory.buffer.byteLength / WASM_PAGE);
  shared.footprint = footprint;
  const startupGas = (params.initGas ?? 0n) + memoryGas(footprint, 0, 0);
  if (meter.get() < startupGas * shared.inkPrice) {
    meter.exhaust();
    return failPooled("out-of-gas", `out of gas before start: program init needs ${startupGas} gas`);
  }
  meter.set(meter.get() - startupGas * shared.inkPrice);
  env.setFootprint(footprint);
  return { ready: true, env, meter, entry: entry as (len: number) => unknown, ...(pooled === undefined ? {} : { pooled }) };
}

/** The outcome of an exception thrown out of the entrypoint. */
function caught(env: HostEnv, meter: SwitchableMeter, error: unknown): RunOutcome {
  const fail = (kind: ExecutionErrorKind, message: string, output: Uint8Array = new Uint8Array(0)): RunOutcome => ({
    type: "error",
    env,
    meter,
    kind,
    message,
    output,
  });
  if (error instanceof NeedReadSignal) return { type: "need", env, signal: error };
  if (error instanceof ExitSignal) return { type: "done", env, meter, status: error.status };
  if (error instanceof OutOfInkSignal) return fail("out-of-gas", `out of gas in ${error.hostio}`);
  if (error instanceof HostRevertSignal) return fail(error.kind, error.message, error.output);
  if (error instanceof WebAssembly.RuntimeError) {
    if (meter.exhausted) return fail("out-of-gas", "out of ink while executing WASM");
    return fail("trap", `WASM trap: ${error.message}`);
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return fail("trap", "out of stack: WASM call depth exceeded");
  }
  throw error;
}

function runOnce(params: ExecuteParams, shared: ExecutionShared, startInk: bigint): RunOutcome {
  const prepared = prepare(params, shared, startInk);
  if (!prepared.ready) return prepared.outcome;
  const { env, meter, entry } = prepared;
  try {
    const status = entry(shared.context.calldata.length) as number;
    return { type: "done", env, meter, status: status >>> 0 };
  } catch (error) {
    return caught(env, meter, error);
  }
}

/**
 * Runs one frame of the combined interpreter: a single run whose chain-touching host functions
 * may await (JSPI) the live state and nested frames, so calls out with effects, value and
 * creations happen in order, exactly once.
 * @param live synchronous view of known state and the frame's storage writes.
 */
export async function executeStylusFrame(params: ExecuteParams, live: LiveChain): Promise<ExecutionResult> {
  const { gasLimit } = params;
  const shared: ExecutionShared = {
    ...sharedOf(params),
    live,
    ...(params.recorder === undefined ? {} : { recorder: params.recorder }),
  };
  const inkPrice = shared.inkPrice;
  const prepared = prepare(params, shared, gasLimit * inkPrice);
  try {
    let outcome: RunOutcome;
    if (!prepared.ready) {
      outcome = prepared.outcome;
    } else {
      const { env, meter, entry } = prepared;
      const { recorder } = params;
      const startInk = meter.get();
      recorder?.hostio({ name: "user_entrypoint", ...entrypointBytes(shared.context.calldata.length), startInk, endInk: startInk });
      try {
        const run = prepared.pooled?.entry ?? WebAssembly.promising(entry);
        const status = (await run(shared.context.calldata.length)) as number;
        outcome = { type: "done", env, meter, status: status >>> 0 };
        const endInk = meter.get();
        recorder?.hostio({ name: "user_returned", ...returnedBytes(status >>> 0), startInk: endInk, endInk });
      } catch (error) {
        outcome = caught(env, meter, error);
      }
    }
    if (outcome.type === "need") {
      throw new Error(`Stylus runtime: a live frame stopped for ${outcome.signal.key} (engine bug)`);
    }
    return buildResult(outcome, gasLimit, inkPrice, 0);
  } finally {
    // The result is built (ink read from the meter's global, outputs copied out of memory): the
    // instance may serve another frame.
    if (prepared.pooled !== undefined) release(params.module, prepared.pooled);
  }
}

function buildResult(
  outcome: Exclude<RunOutcome, { type: "need" }>,
  gasLimit: bigint,
  inkPrice: bigint,
  reads: number,
): ExecutionResult {
  const totalInk = gasLimit * inkPrice;
  const { env, meter } = outcome;
  const inkLeft = meter.exhausted ? 0n : meter.get();
  const inkUsed = totalInk - inkLeft;
  const gasUsed = gasLimit - inkLeft / inkPrice;
  const base = { inkUsed, gasUsed, reads, hostCalls: env.hostCalls, gasRefund: 0n };
  if (outcome.type === "error") {
    return {
      ...base,
      success: false,
      output: outcome.output,
      storageWrites: [],
      logs: [],
      error: { kind: outcome.kind, message: outcome.message },
    };
  }
  if (outcome.status !== 0) {
    return {
      ...base,
      success: false,
      output: env.outs,
      storageWrites: [],
      logs: [],
      error: { kind: "revert", message: `program reverted (status ${outcome.status}) with ${env.outs.length} bytes of data` },
    };
  }
  return {
    ...base,
    gasRefund: env.gasRefund,
    success: true,
    output: env.outs,
    storageWrites: [...env.committed].map(([slot, value]) => ({ slot, value })),
    logs: env.logs,
  };
}
