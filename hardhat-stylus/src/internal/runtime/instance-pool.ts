// Reusable instances of compiled Stylus programs for live frames of the
// combined interpreter. Instantiating a module costs V8 ~60-120 µs (plus the
// garbage of a memory per call), more than a small program's whole run, so a
// frame takes an idle instance of its module when there is one and gives it
// back when it is done. What a run can leave behind in an instance is its
// memory and its mutable globals (activation rejects start functions, table
// instructions, passive data segments and reference types, so tables and
// data segments cannot change): an instance goes back to the pool only with
// its memory at the size it started with, and is then reset to the contents
// it had right after instantiation, its globals (exported by the
// instrumentation as stylus_global_<i>) to their initial values. A frame
// that grew memory, or anything unexpected, drops the instance. The imports
// forward to the host functions of the run that holds the instance.
import type { HostFunction, HostHooks } from "./host-env.js";

import { GLOBAL_EXPORT_PREFIX, INK_LEFT_EXPORT, INK_STATUS_EXPORT } from "./instrument.js";

/** An instance a frame holds: its memory, entry point (JSPI) and the hooks it forwards to. */
export interface PooledInstance {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  /** `user_entrypoint` wrapped for JSPI (suspending imports may await). */
  readonly entry: (length: number) => Promise<unknown>;
  /** The memory as instantiation left it. */
  readonly image: Uint8Array;
  /** Mutable globals with their values after instantiation. */
  readonly globals: ReadonlyArray<readonly [WebAssembly.Global, number | bigint]>;
  /** The host functions the imports forward to (those of the run holding the instance). */
  hooks: HostHooks | undefined;
  /** False for an instance whose memory is too large to copy back: used once, then dropped. */
  readonly reusable: boolean;
}

/** Idle instances kept per module. */
const IDLE_PER_MODULE = 4;
/** Larger memories are cheaper to allocate afresh than to copy back. */
const MAX_POOLED_MEMORY_BYTES = 16 * 65_536;

const idle = new WeakMap<WebAssembly.Module, PooledInstance[]>();
/** Modules whose imports the pool cannot forward (they instantiate the ordinary way). */
const unpoolable = new WeakSet<WebAssembly.Module>();

function forwarder(holder: { hooks: HostHooks | undefined }, module: "vm_hooks" | "console", name: string): HostFunction {
  return (...args: never[]): unknown => {
    const impl = holder.hooks?.[module][name];
    if (impl === undefined) throw new Error(`hardhat-stylus: host function ${module}.${name} called outside a run (engine bug)`);
    return impl(...args);
  };
}

/**
 * Instantiates `module` with imports that forward to the holder's hooks (the live imports as
 * JSPI-suspending ones). Undefined when the module cannot be pooled (an import the host does not
 * provide, no exported memory or entry point): the caller instantiates it the ordinary way, which
 * reports the problem. An instance with a memory too large to copy back serves one frame.
 */
function create(module: WebAssembly.Module, hooks: HostHooks, live: ReadonlySet<string>): PooledInstance | undefined {
  const imports: Record<string, Record<string, HostFunction | WebAssembly.Suspending>> = { vm_hooks: {}, console: {} };
  const holder: { hooks: HostHooks | undefined } = { hooks };
  for (const declared of WebAssembly.Module.imports(module)) {
    if (
      declared.kind !== "function" ||
      (declared.module !== "vm_hooks" && declared.module !== "console") ||
      hooks[declared.module][declared.name] === undefined
    ) {
      unpoolable.add(module);
      return undefined;
    }
    const forward = forwarder(holder, declared.module, declared.name);
    imports[declared.module]![declared.name] =
      declared.module === "vm_hooks" && live.has(declared.name) ? new WebAssembly.Suspending(forward) : forward;
  }
  const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  const { memory, user_entrypoint: entry } = instance.exports;
  if (!(memory instanceof WebAssembly.Memory) || typeof entry !== "function") {
    unpoolable.add(module);
    return undefined;
  }
  const reusable = memory.buffer.byteLength <= MAX_POOLED_MEMORY_BYTES;
  const globals: Array<readonly [WebAssembly.Global, number | bigint]> = [];
  for (const [name, value] of Object.entries(instance.exports)) {
    if (!(value instanceof WebAssembly.Global)) continue;
    if (name.startsWith(GLOBAL_EXPORT_PREFIX) || name === INK_LEFT_EXPORT || name === INK_STATUS_EXPORT) {
      globals.push([value, value.value as number | bigint]);
    }
  }
  const pooled: PooledInstance = {
    instance,
    memory,
    entry: WebAssembly.promising(entry as (length: number) => unknown) as (length: number) => Promise<unknown>,
    image: reusable ? new Uint8Array(memory.buffer).slice() : new Uint8Array(0),
    reusable,
    globals,
    get hooks() {
      return holder.hooks;
    },
    set hooks(next) {
      holder.hooks = next;
    },
  };
  return pooled;
}

/**
 * An instance of `module` for one live frame whose imports call `hooks`: an idle one, or a new
 * one. Undefined when the module is not poolable. Give it back with `release` once the frame ended.
 * @throws what `new WebAssembly.Instance` throws (the caller reports it as the frame's failure).
 */
export function acquire(module: WebAssembly.Module, hooks: HostHooks, live: ReadonlySet<string>): PooledInstance | undefined {
  if (unpoolable.has(module)) return undefined;
  const reused = idle.get(module)?.pop();
  if (reused !== undefined) {
    reused.hooks = hooks;
    return reused;
  }
  return create(module, hooks, live);
}

/** Gives an instance back after its frame ended: reset and kept when its memory did not grow, else dropped. */
export function release(module: WebAssembly.Module, pooled: PooledInstance): void {
  pooled.hooks = undefined;
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
