// Reusable instances of compiled Stylus programs for live frames of the
// combined interpreter. Instantiating a module costs V8 ~60-120 µs (plus the
// garbage of a memory per call), and building its host functions ~20 µs,
// more than a small program's whole run, so a frame takes an idle instance
// of its module when there is one and gives it back when it is done. Each
// instance keeps its HostEnv (runtime/host-env.ts), whose `reset` readies it
// for the next frame, so the host functions bound to it are built once.
// What a run can leave behind in an instance is its memory and its mutable
// globals (activation rejects start functions, table instructions, passive
// data segments and reference types, so tables and data segments cannot
// change): an instance goes back to the pool only with its memory at the size
// it started with, and is then reset to the contents it had right after
// instantiation, its globals (exported by the instrumentation as
// stylus_global_<i>) to their initial values. A frame that grew memory, a
// memory too large to copy back, or a traced frame (whose host functions
// record) drops the instance afterwards.
import { HostEnv, type ExecutionShared, type InkMeter } from "./host-env.js";
import { GLOBAL_EXPORT_PREFIX, INK_LEFT_EXPORT, INK_STATUS_EXPORT } from "./instrument.js";

/** An instance a frame holds: its memory, entry point (JSPI) and the env its host functions use. */
export interface PooledInstance {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  /** `user_entrypoint` wrapped for JSPI (suspending imports may await). */
  readonly entry: (length: number) => Promise<unknown>;
  /** The per-run state the instance's host functions are bound to. */
  readonly env: HostEnv;
  /** The memory as instantiation left it. */
  readonly image: Uint8Array;
  /** Mutable globals with their values after instantiation. */
  readonly globals: ReadonlyArray<readonly [WebAssembly.Global, number | bigint]>;
  /** False when the instance serves one frame only (large memory, recording host functions). */
  readonly reusable: boolean;
}

/** Idle instances kept per module. */
const IDLE_PER_MODULE = 4;
/** Larger memories are cheaper to allocate afresh than to copy back. */
const MAX_POOLED_MEMORY_BYTES = 16 * 65_536;

const idle = new WeakMap<WebAssembly.Module, PooledInstance[]>();

function create(module: WebAssembly.Module, shared: ExecutionShared, meter: InkMeter): PooledInstance | undefined {
  const env = new HostEnv(shared, meter);
  const instance = new WebAssembly.Instance(module, env.imports());
  const { memory, user_entrypoint: entry } = instance.exports;
  if (!(memory instanceof WebAssembly.Memory) || typeof entry !== "function") return undefined;
  const reusable = memory.buffer.byteLength <= MAX_POOLED_MEMORY_BYTES && shared.recorder === undefined;
  const globals: Array<readonly [WebAssembly.Global, number | bigint]> = [];
  for (const [name, value] of Object.entries(instance.exports)) {
    if (!(value instanceof WebAssembly.Global)) continue;
    if (name.startsWith(GLOBAL_EXPORT_PREFIX) || name === INK_LEFT_EXPORT || name === INK_STATUS_EXPORT) {
      globals.push([value, value.value as number | bigint]);
    }
  }
  return {
    instance,
    memory,
    entry: WebAssembly.promising(entry as (length: number) => unknown) as (length: number) => Promise<unknown>,
    env,
    image: reusable ? new Uint8Array(memory.buffer).slice() : new Uint8Array(0),
    globals,
    reusable,
  };
}

/**
 * An instance of `module` for one live frame, its env readied for `shared` and `meter`: an idle
 * one, or a new one. Undefined when the module exports no memory or entry point (the caller
 * instantiates it the ordinary way, which reports that). Give it back with `release` once the
 * frame's result is built.
 * @throws what `new WebAssembly.Instance` throws (an import the host does not provide, ...).
 */
export function acquire(module: WebAssembly.Module, shared: ExecutionShared, meter: InkMeter): PooledInstance | undefined {
  // Traced frames record through host functions built for their recorder: always a fresh instance.
  const reused = shared.recorder === undefined ? idle.get(module)?.pop() : undefined;
  if (reused !== undefined) {
    reused.env.reset(shared, meter);
    return reused;
  }
  return create(module, shared, meter);
}

/** Gives an instance back after its frame ended: reset and kept when its memory did not grow, else dropped. */
export function release(module: WebAssembly.Module, pooled: PooledInstance): void {
  if (!pooled.reusable) return;
  const buffer = pooled.memory.buffer;
  if (buffer.byteLength !== pooled.image.length) return;
  let list = idle.get(module);
  if (list === undefined) {
    list = [];
    idle.set(module, list);
  }
  if (list.length >= IDLE_PER_MODULE) return;
  new Uint8Array(buffer).set(pooled.image);
  for (const [global, value] of pooled.globals) global.value = value;
  list.push(pooled);
}
