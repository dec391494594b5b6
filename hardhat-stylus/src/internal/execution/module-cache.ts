// Compiled Stylus modules of one connection, by code hash (derived data, safe
// to keep in memory): a program's WASM is decompressed, instrumented for ink
// metering and compiled once, then instantiated per frame.
import { hexToBytes, type Hex } from "viem";

import { decompressStylusCode } from "../wasm/program-format.js";

export class ModuleCache {
  readonly #modules = new Map<Hex, WebAssembly.Module>();
  readonly #limit: number;

  constructor(limit = 64) {
    this.#limit = limit;
  }

  async get(codehash: Hex, code: Hex): Promise<WebAssembly.Module> {
    const cached = this.#modules.get(codehash);
    if (cached !== undefined) return cached;
    const { compileStylusProgram } = await import("../runtime/execute.js");
    const module = await compileStylusProgram(decompressStylusCode(hexToBytes(code)));
    if (this.#modules.size >= this.#limit) {
      const oldest = this.#modules.keys().next().value;
      if (oldest !== undefined) this.#modules.delete(oldest);
    }
    this.#modules.set(codehash, module);
    return module;
  }
}
