// The per-run state of a program's host functions (metering, memory access,
// chain reads, warm sets, the storage cache) and the import object that
// assembles the `vm_hooks` families (hostio-*.ts) and the debug `console`,
// with Nitro's semantics and ink/gas charges (user-host-trait lib.rs, arbutil
// evm/req.rs, Go programs/api.go). Re-execution mode: chain reads come from a
// cache shared by all runs of one execution; a miss throws NeedReadSignal so
// the engine fetches it and runs again. Live mode (the combined interpreter):
// chain-touching imports are JSPI-suspending and await a miss in place.
import {
  encodeErrorString,
  normWord,
  toHex,
  ZERO_WORD,
} from "./bytes.js";
import {
  BASE_INK,
  COLD_ACCOUNT_GAS,
  WARM_READ_GAS,
} from "./pricing.js";
import { accountHooks } from "./hostio-account.js";
import { nitroHostioBytes } from "./hostio-trace-format.js";
import { argsHooks } from "./hostio-args.js";
import { callHooks } from "./hostio-calls.js";
import { contextHooks } from "./hostio-context.js";
import { mathHooks } from "./hostio-math.js";
import { storageHooks } from "./hostio-storage.js";
import {
  HostRevertSignal,
  NeedReadSignal,
  OutOfInkSignal,
} from "./signals.js";
import type {
  HostioRecorder,
  ChainAccess,
  ExecutionContext,
  Hex,
  LogEntry,
} from "./types.js";


/** Ink a speculative run may still spend after its first cache miss (1M gas at the default price). */
const SPECULATION_INK_BUDGET = 10_000_000_000n;

/** Precompiles 0x01-0x0a and Arbitrum's 0x64-0x74, 0xff: always warm (EIP-2929). */
function isPrecompile(address: Hex): boolean {
  const n = BigInt(address);
  return (n >= 1n && n <= 0x0an) || (n >= 0x64n && n <= 0x74n) || n === 0xffn;
}

/** One host function as the module imports it. */
export type HostFunction = (...args: never[]) => unknown;

/** The host functions of one run, by import module. */
export interface HostHooks {
  vm_hooks: Record<string, HostFunction>;
  console: Record<string, HostFunction>;
}

/** Host functions that read the chain or call out: they may suspend in live frames. */
export const LIVE_IMPORTS: readonly string[] = [
  "storage_load_bytes32",
  "storage_flush_cache",
  "account_balance",
  "account_code",
  "account_code_size",
  "account_codehash",
  "call_contract",
  "delegate_call_contract",
  "static_call_contract",
  "create1",
  "create2",
];

interface CacheWord {
  value: Hex;
  /** The value the chain holds, when known (StorageWord::known). */
  known?: Hex;
}

/** Ink meter: the instrumented module's exported global, or a JS counter for plain modules. */
export interface InkMeter {
  get(): bigint;
  set(ink: bigint): void;
  /** Marks the meter exhausted (status 1). */
  exhaust(): void;
}

/**
 * Live chain access of a frame of the combined interpreter: values already
 * known are answered synchronously, a miss is awaited by the suspending
 * import (JSPI) that asked for it, and writes go straight to the journal.
 */
export interface LiveChain {
  /** The value for a read key (`sload:`, `orig:`, `balance:`, `code:`, `codehash:`) if known without a chain read. */
  peek(key: string): unknown;
  /** Writes a slot of the program's own storage (at `storage_flush_cache`). */
  store(slot: Hex, value: Hex): void;
}

/** State shared by all runs of one execution (the read cache). */
export interface ExecutionShared {
  context: ExecutionContext;
  chain: ChainAccess;
  mode: "call" | "transaction";
  cache: Map<string, unknown>;
  inkPrice: bigint;
  logger: ((line: string) => void) | undefined;
  /** Lines of the program's `console` imports, apart from the debug log. */
  console?: ((line: string) => void) | undefined;
  /** Memory pages open at start (program footprint), for pay_for_memory_grow. */
  footprint: number;
  /** Set for frames of the combined interpreter (one run, host functions may await). */
  live?: LiveChain;
  /** Receives every completed host call (tracing). */
  recorder?: HostioRecorder;
}

/** Charges a host function's base ink (and records the call). */
export type InkCharge = (name: keyof typeof BASE_INK) => void;

/** Per-run state and the host functions. */
export class HostEnv {
  // Every per-run field is (re)initialised by #init: a pooled instance reuses its HostEnv (and the
  // host functions bound to it) for the next frame through `reset`.
  shared!: ExecutionShared;
  meter!: InkMeter;
  memory: WebAssembly.Memory | undefined;
  outs!: Uint8Array;
  hostCalls!: string[];
  logs!: LogEntry[];
  /** Flushed writes of this run: slot -> value (first-flush order). */
  committed!: Map<Hex, Hex>;
  gasRefund!: bigint;
  /** Chain reads this run needed and did not find in the cache (key -> fetch). */
  missing!: Map<string, () => Promise<unknown>>;
  /** Set after the first miss: the run goes on with placeholders only to discover more misses. */
  speculative!: boolean;
  /** Live mode: values fetched for the host call being retried (consumed once). */
  #fetched!: Map<string, unknown>;
  /** While a recorded host call runs: the memory it read and wrote. */
  #captured: { args: Uint8Array[]; outs: Uint8Array[] } | undefined;
  /** Live mode: every value one host call has read, so a retry sees the same inputs (a nested frame may change state). */
  #sticky!: Map<string, unknown>;
  // State the host-function families (hostio-*.ts) share; not used outside runtime/.
  /** The program's storage cache (Nitro's StorageCache): slot -> value and the value the chain holds. */
  storageCache!: Map<Hex, CacheWord>;
  cacheReads!: number;
  cacheWrites!: number;
  transient!: Map<Hex, Hex>;
  /** Return data of the last call out or failed creation. */
  returnData!: Uint8Array;
  warmSlots!: Set<Hex>;
  warmAddresses!: Set<Hex>;
  lastCode: { address: Hex; code: Uint8Array } | undefined;
  pagesOpen!: number;
  pagesEver!: number;

  constructor(shared: ExecutionShared, meter: InkMeter) {
    this.#init(shared, meter);
  }

  /**
   * Readies the env for another frame of the same pooled instance: nothing of the last run stays
   * (results handed out keep their own arrays). The host functions read `shared` per call.
   */
  reset(shared: ExecutionShared, meter: InkMeter): void {
    this.#init(shared, meter);
  }

  #init(shared: ExecutionShared, meter: InkMeter): void {
    this.shared = shared;
    this.meter = meter;
    this.memory = undefined;
    this.outs = new Uint8Array(0);
    this.hostCalls = [];
    this.logs = [];
    this.committed = new Map();
    this.gasRefund = 0n;
    this.missing = new Map();
    this.speculative = false;
    this.#fetched = new Map();
    this.#captured = undefined;
    this.#sticky = new Map();
    this.storageCache = new Map();
    this.cacheReads = 0;
    this.cacheWrites = 0;
    this.transient = new Map();
    this.returnData = new Uint8Array(0);
    this.warmSlots = new Set();
    this.warmAddresses = new Set();
    this.lastCode = undefined;
    const ctx = shared.context;
    for (const a of [ctx.address, ctx.sender, ctx.origin, ...(ctx.warmAddresses ?? [])]) {
      this.warmAddresses.add(a.toLowerCase() as Hex);
    }
    for (const s of ctx.warmSlots ?? []) this.warmSlots.add(normWord(s));
    this.pagesOpen = shared.footprint;
    this.pagesEver = shared.footprint;
  }

  /** Sets the pages open at start (known once the instance exists). */
  setFootprint(pages: number): void {
    this.pagesOpen = pages;
    this.pagesEver = pages;
  }

  // ---- metering -------------------------------------------------------------

  buyInk(ink: bigint, hostio: string): void {
    const left = this.meter.get();
    if (left < ink) {
      this.meter.exhaust();
      throw new OutOfInkSignal(hostio);
    }
    this.meter.set(left - ink);
  }

  requireInk(ink: bigint, hostio: string): void {
    if (this.meter.get() < ink) {
      this.meter.exhaust();
      throw new OutOfInkSignal(hostio);
    }
  }

  buyGas(gas: bigint, hostio: string): void {
    this.buyInk(gas * this.shared.inkPrice, hostio);
  }

  requireGas(gas: bigint, hostio: string): void {
    this.requireInk(gas * this.shared.inkPrice, hostio);
  }

  gasLeft(): bigint {
    return this.meter.get() / this.shared.inkPrice;
  }

  // ---- memory ---------------------------------------------------------------

  #mem(): Uint8Array {
    if (this.memory === undefined) throw new HostRevertSignal("revert", "program memory not available", new Uint8Array(0));
    return new Uint8Array(this.memory.buffer);
  }

  read(ptr: number, len: number): Uint8Array {
    const mem = this.#mem();
    const p = ptr >>> 0;
    const l = len >>> 0;
    if (p + l > mem.length) {
      const message = `memory access out of bounds: read ${l} bytes at ${p} (memory is ${mem.length} bytes)`;
      throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
    }
    const bytes = mem.slice(p, p + l);
    this.#captured?.args.push(bytes);
    return bytes;
  }

  write(ptr: number, bytes: Uint8Array): void {
    const mem = this.#mem();
    const p = ptr >>> 0;
    if (p + bytes.length > mem.length) {
      const message = `memory access out of bounds: write ${bytes.length} bytes at ${p} (memory is ${mem.length} bytes)`;
      throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
    }
    mem.set(bytes, p);
    this.#captured?.outs.push(bytes.slice());
  }

  writeU32(ptr: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    this.write(ptr, b);
  }

  readAddress(ptr: number): Hex {
    return toHex(this.read(ptr, 20));
  }

  readWord(ptr: number): Hex {
    return toHex(this.read(ptr, 32));
  }

  // ---- chain reads through the re-execution cache ---------------------------

  /**
   * A chain value from the cache. On a miss the read is recorded; plain state
   * reads (with a placeholder) then continue speculatively so one run can
   * collect every independent miss, calls out stop the run at once.
   */
  need<T>(key: string, fetch: () => Promise<T>, placeholder?: T): T {
    const live = this.shared.live;
    if (live !== undefined) {
      if (this.#sticky.has(key)) return this.#sticky.get(key) as T;
      if (this.#fetched.has(key)) {
        const value = this.#fetched.get(key) as T;
        this.#fetched.delete(key);
        this.#sticky.set(key, value);
        return value;
      }
      if (!key.startsWith("call:") && !key.startsWith("create:")) {
        const known = live.peek(key);
        if (known !== undefined) {
          this.#sticky.set(key, known);
          return known as T;
        }
      }
      throw new NeedReadSignal(key, fetch);
    }
    if (this.shared.cache.has(key)) return this.shared.cache.get(key) as T;
    if (placeholder === undefined) {
      // A call out made on a speculative path may carry placeholder-derived inputs: do not fetch it.
      if (!this.speculative) this.missing.set(key, fetch);
      throw new NeedReadSignal(key, fetch);
    }
    this.missing.set(key, fetch);
    if (!this.speculative) {
      this.speculative = true;
      // The run's result is discarded: bound the work spent on the speculative path.
      const left = this.meter.get();
      if (left > SPECULATION_INK_BUDGET) this.meter.set(SPECULATION_INK_BUDGET);
    }
    return placeholder;
  }

  chainSlot(slot: Hex): Hex {
    const { address } = this.shared.context;
    return this.need(`sload:${slot}`, async () => normWord(await this.shared.chain.getStorageAt(address, slot)), ZERO_WORD);
  }

  /** Current value of a slot as the EVM sees it mid-run (flushed writes first). */
  currentSlot(slot: Hex): Hex {
    if (this.shared.live !== undefined) return this.chainSlot(slot);
    return this.committed.get(slot) ?? this.chainSlot(slot);
  }

  /** Value of a slot when the transaction started (EIP-2200's original). */
  originalSlot(slot: Hex): Hex {
    const { address } = this.shared.context;
    const chain = this.shared.chain;
    if (this.shared.live === undefined || chain.getOriginalStorageAt === undefined) return this.chainSlot(slot);
    const read = chain.getOriginalStorageAt.bind(chain);
    return this.need(`orig:${slot}`, async () => normWord(await read(address, slot)), ZERO_WORD);
  }

  touchAddress(address: Hex): bigint {
    if (this.warmAddresses.has(address) || isPrecompile(address)) return WARM_READ_GAS;
    this.warmAddresses.add(address);
    return COLD_ACCOUNT_GAS;
  }

  writeProtection(hostio: string): never {
    const message = `write protection: ${hostio} in a static call`;
    throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
  }

  unsupported(hostio: string, why: string): never {
    const reason = `unsupported in this context: ${hostio}`;
    throw new HostRevertSignal("unsupported-host", `${reason} (${why})`, encodeErrorString(reason));
  }

  /** Builds the import object for one instantiation. */
  imports(): WebAssembly.Imports {
    const { vm_hooks: vmHooks, console } = this.hooks();
    if (this.shared.live !== undefined) {
      for (const name of LIVE_IMPORTS) {
        const impl = vmHooks[name];
        if (impl !== undefined) (vmHooks as Record<string, unknown>)[name] = new WebAssembly.Suspending(impl);
      }
    }
    return { vm_hooks: vmHooks, console };
  }

  /**
   * The host functions of this run as plain functions: in live mode those of LIVE_IMPORTS may
   * return a promise, and the caller wraps them as JSPI-suspending imports (`imports()` does;
   * a pooled instance's imports forward to them, runtime/instance-pool.ts).
   */
  hooks(): HostHooks {
    const ink = (name: keyof typeof BASE_INK): void => {
      this.hostCalls.push(name);
      this.buyInk(BASE_INK[name], name);
    };
    const vmHooks: Record<string, (...args: never[]) => unknown> = {
      ...argsHooks(this, ink),
      ...storageHooks(this, ink),
      ...callHooks(this, ink),
      ...accountHooks(this, ink),
      ...contextHooks(this, ink),
      ...mathHooks(this, ink),
    };
    const say = (text: string): void => {
      this.shared.console?.(text);
      this.shared.logger?.(text);
    };
    const console = {
      log_txt: (ptr: number, len: number): void => say(new TextDecoder().decode(this.read(ptr, len))),
      log_i32: (v: number): void => say(String(v)),
      log_i64: (v: bigint): void => say(String(v)),
      log_f32: (v: number): void => say(String(v)),
      log_f64: (v: number): void => say(String(v)),
      tee_i32: (v: number): number => (say(String(v)), v),
      tee_i64: (v: bigint): bigint => (say(String(v)), v),
      tee_f32: (v: number): number => (say(String(v)), v),
      tee_f64: (v: number): number => (say(String(v)), v),
    };
    const recorder = this.shared.recorder;
    if (recorder !== undefined) {
      for (const [name, impl] of Object.entries(vmHooks)) vmHooks[name] = this.#recorded(name, impl, recorder);
    }
    if (this.shared.live !== undefined) {
      for (const name of LIVE_IMPORTS) {
        const impl = vmHooks[name];
        if (impl !== undefined) vmHooks[name] = this.#suspendable(impl);
      }
    }
    return { vm_hooks: vmHooks, console: console as unknown as Record<string, HostFunction> };
  }

  /**
   * A host function whose completed calls go to the recorder (an attempt that stops for a chain
   * read is not recorded: the retry is). Nested frames a call runs record their own calls first.
   */
  #recorded(name: string, impl: (...args: never[]) => unknown, recorder: HostioRecorder): (...args: never[]) => unknown {
    return (...args: never[]): unknown => {
      const outer = this.#captured;
      const captured = { args: [] as Uint8Array[], outs: [] as Uint8Array[] };
      this.#captured = captured;
      const startInk = this.meter.get();
      try {
        const value = impl(...args);
        this.#captured = undefined;
        const bytes = nitroHostioBytes(name, {
          params: args,
          value,
          reads: concatBytes(captured.args),
          writes: concatBytes(captured.outs),
          peek: (ptr, len) => {
            const mem = this.#mem();
            const p = ptr >>> 0;
            return p + len <= mem.length ? mem.slice(p, p + len) : new Uint8Array(len);
          },
        });
        recorder.hostio({ name, ...bytes, startInk, endInk: this.meter.get() });
        return value;
      } finally {
        this.#captured = outer;
      }
    };
  }

  /**
   * A host function that may await a chain read or a nested frame (JSPI): it runs synchronously
   * when everything it needs is known; on a miss it restores the meter and counters, awaits the
   * value and runs again (host functions do all their chain reads before changing other state).
   */
  #suspendable(impl: (...args: never[]) => unknown): (...args: never[]) => unknown {
    return (...args: never[]): unknown => {
      const ink = this.meter.get();
      const calls = this.hostCalls.length;
      const reads = this.cacheReads;
      const writes = this.cacheWrites;
      this.#sticky.clear();
      try {
        const value = impl(...args);
        this.#sticky.clear();
        return value;
      } catch (error) {
        if (!(error instanceof NeedReadSignal)) {
          this.#sticky.clear();
          throw error;
        }
        return (async () => {
          let signal: NeedReadSignal = error;
          try {
            for (;;) {
              const value = await signal.fetch();
              this.meter.set(ink);
              this.hostCalls.length = calls;
              this.cacheReads = reads;
              this.cacheWrites = writes;
              this.#fetched.set(signal.key, value);
              try {
                return impl(...args);
              } catch (again) {
                if (!(again instanceof NeedReadSignal)) throw again;
                signal = again;
              }
            }
          } finally {
            this.#sticky.clear();
          }
        })();
      }
    };
  }

}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
