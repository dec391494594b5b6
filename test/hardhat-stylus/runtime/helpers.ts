// Test helpers for the Stylus runtime conformance suite: compile WAT with the
// wabt JS port, an in-memory ChainAccess fake, a default call context, and a
// one-call `runWat` that validates, compiles and executes a program.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { compileStylusProgram, executeStylusProgram } from "../../../hardhat-stylus/src/internal/runtime/index.js";
import type {
  ChainAccess,
  ChainCallRequest,
  ChainCallResult,
  ChainCreateRequest,
  ChainCreateResult,
  ExecuteParams,
  ExecutionContext,
  ExecutionResult,
  Hex,
} from "../../../hardhat-stylus/src/internal/runtime/types.js";
import { keccak256, normWord, toHex } from "../../../hardhat-stylus/src/internal/runtime/bytes.js";
import { VM_HOOKS } from "../../../hardhat-stylus/src/internal/wasm/hostio-signatures.js";

export { wat, type WatFeatures } from "../../helpers/wat.js";

/** Reads a WAT fixture from test/fixtures/stylus-programs. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/stylus-programs/${name}`, import.meta.url)), "utf8");
}

export const PROGRAM: Hex = "0x1111111111111111111111111111111111111111";
export const SENDER: Hex = "0x2222222222222222222222222222222222222222";
export const ORIGIN: Hex = "0x3333333333333333333333333333333333333333";
export const COINBASE: Hex = "0x4444444444444444444444444444444444444444";

export function defaultContext(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    address: PROGRAM,
    sender: SENDER,
    origin: ORIGIN,
    value: 0n,
    calldata: new Uint8Array(0),
    gasPrice: 1_000_000_000n,
    isStatic: false,
    block: {
      number: 1234n,
      timestamp: 1_700_000_000n,
      basefee: 100_000_000n,
      coinbase: COINBASE,
      gasLimit: 30_000_000n,
      chainId: 412346n,
    },
    ...overrides,
  };
}

/** In-memory chain: storage, balances, code; counts reads; optional call/create handlers. */
export class FakeChain implements ChainAccess {
  storage = new Map<string, Hex>();
  balances = new Map<string, bigint>();
  codes = new Map<string, Uint8Array>();
  readCount = 0;
  calls: ChainCallRequest[] = [];
  creates: ChainCreateRequest[] = [];
  call?: (request: ChainCallRequest) => Promise<ChainCallResult>;
  create?: (request: ChainCreateRequest) => Promise<ChainCreateResult>;

  setStorage(address: Hex, slot: bigint | Hex, value: bigint | Hex): void {
    this.storage.set(`${address.toLowerCase()}:${normWord(typeof slot === "bigint" ? `0x${slot.toString(16)}` : slot)}`, normWord(typeof value === "bigint" ? `0x${value.toString(16)}` : value));
  }

  async getStorageAt(address: Hex, slot: Hex): Promise<Hex> {
    this.readCount++;
    return this.storage.get(`${address.toLowerCase()}:${normWord(slot)}`) ?? normWord("0x0");
  }

  async getBalance(address: Hex): Promise<bigint> {
    this.readCount++;
    return this.balances.get(address.toLowerCase()) ?? 0n;
  }

  async getCode(address: Hex): Promise<Uint8Array> {
    this.readCount++;
    return this.codes.get(address.toLowerCase()) ?? new Uint8Array(0);
  }

  async getCodeHash(address: Hex): Promise<Hex> {
    this.readCount++;
    const code = this.codes.get(address.toLowerCase());
    if (code === undefined && !this.balances.has(address.toLowerCase())) return normWord("0x0");
    return toHex(keccak256(code ?? new Uint8Array(0)));
  }

  onCall(handler: (request: ChainCallRequest) => ChainCallResult): this {
    this.call = async (request) => {
      this.calls.push(request);
      return handler(request);
    };
    return this;
  }

  onCreate(handler: (request: ChainCreateRequest) => ChainCreateResult): this {
    this.create = async (request) => {
      this.creates.push(request);
      return handler(request);
    };
    return this;
  }
}

export interface RunOptions extends Partial<Omit<ExecuteParams, "module" | "context" | "chain">> {
  context?: Partial<ExecutionContext>;
  chain?: FakeChain;
}

/** Compiles (cached) and executes a WASM program with sensible defaults. */
export async function runWasm(wasm: Uint8Array, options: RunOptions = {}): Promise<ExecutionResult> {
  const module = await compileStylusProgram(wasm);
  const { context, chain, ...rest } = options;
  return await executeStylusProgram({
    module,
    context: defaultContext(context),
    chain: chain ?? new FakeChain(),
    gasLimit: 10_000_000n,
    mode: "call",
    ...rest,
  });
}

export function hex(bytes: Uint8Array): Hex {
  return toHex(bytes);
}

export function word(value: bigint): Hex {
  return normWord(`0x${value.toString(16)}`);
}

/** WAT data-string escape of bytes ("\\01\\02..."). */
export function watBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
}

/** Import declarations for the named vm_hooks functions, with Nitro's exact signatures (`$name`). */
export function hostImports(names: string[]): string {
  return names
    .map((name) => {
      const sig = VM_HOOKS[name];
      if (sig === undefined) throw new Error(`unknown hostio ${name}`);
      const params = sig.params.length > 0 ? ` (param ${sig.params.join(" ")})` : "";
      const results = sig.results.length > 0 ? ` (result ${sig.results.join(" ")})` : "";
      return `(import "vm_hooks" "${name}" (func $${name}${params}${results}))`;
    })
    .join("\n  ");
}

/**
 * A Stylus program in WAT: imports the host functions the body calls (`$name`),
 * exports memory (1 page, fixed) and `user_entrypoint` whose body is `body`
 * (it must leave an i32 status). `extra` adds module fields (data, funcs).
 */
export function program(body: string, options: { hostios?: string[]; extra?: string; memory?: string; locals?: string } = {}): string {
  const used = options.hostios ?? Object.keys(VM_HOOKS).filter((n) => new RegExp(`\\$${n}\\b`).test(body + (options.extra ?? "")));
  return `(module
  ${hostImports(used)}
  (memory (export "memory") ${options.memory ?? "1 1"})
  ${options.extra ?? ""}
  (func (export "user_entrypoint") (param $len i32) (result i32) ${options.locals ?? ""}
    ${body}))`;
}

/** Asserts lo <= value <= hi for bigints (chai's numeric assertions are typed for numbers only). */
export function expectBetween(value: bigint, lo: bigint, hi: bigint, label = "value"): void {
  if (value < lo || value > hi) throw new Error(`${label} ${value} is not within [${lo}, ${hi}]`);
}
