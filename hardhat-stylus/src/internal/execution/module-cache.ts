// Compiled Stylus modules of one connection, by code hash (derived data, safe
// to keep in memory): a program's WASM is decompressed, instrumented for ink
// metering and compiled once, then instantiated per frame. A root of
// fragments (ArbOS 60) is reassembled from its fragments' code first.
import { hexToBytes, type Address, type Hex } from "viem";

import { isStylusRootCode, readRootWasm } from "../wasm/fragmented-program.js";
import { decompressStylusCode } from "../wasm/program-format.js";

type Runtime = typeof import("../runtime/execute.js");
let runtime: Promise<Runtime> | undefined;

/** The Stylus engine, loaded on first use and then kept (a dynamic import per frame costs ~50 µs). */
export async function loadRuntime(): Promise<Runtime> {
  runtime ??= import("../runtime/execute.js");
  return await runtime;
}

/** Reads the code at an address in the frame's state (a root's fragments). */
export type CodeReader = (address: Address) => Promise<Uint8Array>;

export class ModuleCache {
  readonly #modules = new Map<Hex, WebAssembly.Module>();
  readonly #limit: number;

  constructor(limit = 64) {
    this.#limit = limit;
  }

  async get(codehash: Hex, code: Hex, readCode?: CodeReader): Promise<WebAssembly.Module> {
    const cached = this.#modules.get(codehash);
    if (cached !== undefined) return cached;
    const { compileStylusProgram } = await loadRuntime();
    const bytes = hexToBytes(code);
    // As Nitro when it loads a program for a call: no activation limits, fragments read without gas.
    const wasm =
      isStylusRootCode(bytes) && readCode !== undefined
        ? (await readRootWasm(bytes, readCode)).wasm
        : decompressStylusCode(bytes);
    const module = await compileStylusProgram(wasm);
    if (this.#modules.size >= this.#limit) {
      const oldest = this.#modules.keys().next().value;
      if (oldest !== undefined) this.#modules.delete(oldest);
    }
    this.#modules.set(codehash, module);
    return module;
  }
}
