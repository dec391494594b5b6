// Runs a deployed Stylus program for one call frame: checks its activation
// record (ArbWasm storage), loads the compiled module (cached by code hash),
// serves the engine's chain reads from a StateView and calls out of the
// program through eth_call below the plugin (or recursively, when the callee
// is itself a Stylus program), and turns the engine's result into an
// EmulatedOutcome the request handlers deliver.
import {
  encodeErrorResult,
  getContractAddress,
  hexToBytes,
  type Address,
  type Hex,
} from "viem";

import type {
  ChainAccess,
  ChainCallRequest,
  ChainCallResult,
  ChainCreateRequest,
  ChainCreateResult,
  ExecutionResult,
} from "../runtime/types.js";

import type { RemoteActivationLookup } from "../activation/remote-activation.js";

import { readActivation } from "../activation/activation-store.js";
import { cachedInitGas } from "../arbos/arbwasmcache-store.js";
import { STYLUS_PARAMS, arbWasmAbi } from "../activation/arbwasm-abi.js";
import { decompressStylusCode } from "../wasm/program-format.js";

import type { BlockHeaderInfo } from "./chain-rpc.js";
import type { AppliedEffect } from "./effects-applier.js";
import type { EmulatedOutcome } from "./outcome.js";
import type { StateView } from "./state-view.js";

import { codeHashOf, isStylusCodeHex } from "./code-hash.js";
import { revertOutcome } from "./outcome.js";

/** Nested Stylus-to-Stylus calls deeper than this revert (the EVM's limit is 1024; WASM frames are heavier). */
const MAX_NESTED_DEPTH = 64;

/** Compiled modules by code hash (derived data, safe to keep in memory). */
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

export interface RunProgramParameters {
  view: StateView;
  modules: ModuleCache;
  address: Address;
  /** The program's deployed code (EF F0 00 ...). */
  code: Hex;
  sender: Address;
  origin: Address;
  value: bigint;
  calldata: Uint8Array;
  gasPrice: bigint;
  /** Gas available to the program (after intrinsic gas). */
  gasLimit: bigint;
  block: BlockHeaderInfo;
  chainId: bigint;
  isStatic: boolean;
  mode: "call" | "transaction";
  depth?: number;
  /** On forks: activation on the forked chain (see activation/remote-activation.ts). */
  remoteActivation?: RemoteActivationLookup;
}

/** Runs the program and returns its outcome (never throws for program-level failures). */
export async function runStylusProgram(params: RunProgramParameters): Promise<EmulatedOutcome> {
  const { view, address, code } = params;
  const codehash = codeHashOf(code);
  const record = await readActivation(view.rpc, codehash, view.tag, params.remoteActivation, params.block.timestamp);
  if (record.version === 0) {
    return revertOutcome(
      hexToBytes(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNotActivated" })),
      `ProgramNotActivated(): the Stylus program at ${address} is deployed but not activated; call ArbWasm.activateProgram(${address}) (0x...71) first`,
    );
  }
  if (record.version !== STYLUS_PARAMS.version) {
    return revertOutcome(
      hexToBytes(
        encodeErrorResult({
          abi: arbWasmAbi,
          errorName: "ProgramNeedsUpgrade",
          args: [record.version, STYLUS_PARAMS.version],
        }),
      ),
      `ProgramNeedsUpgrade(${record.version}, ${STYLUS_PARAMS.version}): activate the program again`,
    );
  }
  const age = params.block.timestamp > record.activatedAt ? params.block.timestamp - record.activatedAt : 0n;
  if (age > BigInt(STYLUS_PARAMS.expiryDays) * 86_400n) {
    return revertOutcome(
      hexToBytes(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramExpired", args: [age] })),
      `ProgramExpired(${age}): the activation is older than ${STYLUS_PARAMS.expiryDays} days; activate it again`,
    );
  }

  const module = await params.modules.get(codehash, code);
  const { executeStylusProgram } = await import("../runtime/execute.js");
  const result: ExecutionResult = await executeStylusProgram({
    module,
    context: {
      address: lower(address),
      sender: lower(params.sender),
      origin: lower(params.origin),
      value: params.value,
      calldata: params.calldata,
      gasPrice: params.gasPrice,
      isStatic: params.isStatic,
      block: {
        number: params.block.number,
        timestamp: params.block.timestamp,
        basefee: params.block.baseFeePerGas,
        coinbase: lower(params.block.coinbase),
        gasLimit: params.block.gasLimit,
        chainId: params.chainId,
      },
      reentrant: false,
    },
    chain: createChainAccess(params),
    gasLimit: params.gasLimit,
    mode: params.mode,
    // A program ArbWasmCache holds pays its cached init gas instead of its full init gas (as on Nitro).
    initGas: (await cachedInitGas(async (a, s) => await view.getStorageAt(a, s), codehash)) ?? BigInt(record.initGas),
  });
  return toOutcome(result);
}

function toOutcome(result: ExecutionResult): EmulatedOutcome {
  if (result.success) {
    const effects: AppliedEffect[] = [];
    for (const write of result.storageWrites) {
      effects.push({ kind: "sstore", slot: hexToBytes(write.slot), value: hexToBytes(write.value) });
    }
    for (const log of result.logs) {
      effects.push({ kind: "log", topics: log.topics.map((t) => hexToBytes(t)), data: hexToBytes(log.data) });
    }
    return { success: true, returnData: result.output, gasUsed: result.gasUsed, effects, outOfGas: false };
  }
  const kind = result.error?.kind ?? "revert";
  const message = result.error?.message ?? "reverted";
  return {
    success: false,
    returnData: result.output,
    gasUsed: result.gasUsed,
    effects: [],
    outOfGas: kind === "out-of-gas",
    reason: kind === "revert" ? undefined : `${kind}: ${message}`,
  };
}

/** The engine's async view of the chain for one frame. */
function createChainAccess(params: RunProgramParameters): ChainAccess {
  const { view } = params;
  const depth = params.depth ?? 0;
  const access: ChainAccess = {
    getStorageAt: async (address, slot) => await view.getStorageAt(address, slot),
    getBalance: async (address) => await view.getBalance(address),
    getCode: async (address) => hexToBytes(await view.getCode(address)),
    getCodeHash: async (address) => await view.getCodeHash(address),
    call: async (request) => await callOut(params, depth, request),
  };
  if (params.mode === "call") {
    access.create = async (request) => await createOut(params, request);
  }
  return access;
}

async function callOut(params: RunProgramParameters, depth: number, request: ChainCallRequest): Promise<ChainCallResult> {
  const { view } = params;
  const targetCode = await view.getCode(request.to);
  if (isStylusCodeHex(targetCode)) {
    if (request.kind === "delegatecall") {
      throw new Error("delegate_call_contract into a Stylus program is not supported by hardhat-stylus");
    }
    if (depth + 1 > MAX_NESTED_DEPTH) {
      return { success: false, returnData: new Uint8Array(), gasUsed: request.gas };
    }
    const outcome = await runStylusProgram({
      ...params,
      address: request.to,
      code: targetCode,
      sender: request.from,
      value: request.value,
      calldata: hexToBytes(request.data),
      gasLimit: request.gas,
      isStatic: params.isStatic || request.kind === "staticcall",
      mode: "call",
      depth: depth + 1,
    });
    return { success: outcome.success, returnData: outcome.returnData, gasUsed: outcome.gasUsed };
  }
  // An EVM callee (or an account without code) runs inside EDR through eth_call.
  const tx: Record<string, unknown> = {
    from: request.kind === "delegatecall" ? params.sender : request.from,
    to: request.kind === "delegatecall" ? params.address : request.to,
    data: request.data,
    gas: `0x${request.gas.toString(16)}`,
  };
  if (request.kind === "call" && request.value > 0n) tx.value = `0x${request.value.toString(16)}`;
  let override = view.override;
  if (request.kind === "delegatecall") {
    override = { ...(override ?? {}), [params.address]: { ...(override?.[params.address] ?? {}), code: targetCode } };
  }
  const callParams: unknown[] = [tx, view.tag];
  if (override !== undefined) callParams.push(override);
  try {
    const output = await view.rpc.request<Hex>("eth_call", callParams);
    let gasUsed = 0n;
    if (targetCode !== "0x" && override === undefined) {
      // Execution gas of the callee as EDR measures it (estimate minus the 21000 base).
      const estimate = BigInt(await view.rpc.request<Hex>("eth_estimateGas", [tx, view.tag]));
      gasUsed = estimate > 21_000n ? estimate - 21_000n : 0n;
      if (gasUsed > request.gas) gasUsed = request.gas;
    }
    return { success: true, returnData: hexToBytes(output), gasUsed };
  } catch (error) {
    return { success: false, returnData: revertDataOf(error), gasUsed: request.gas };
  }
}

async function createOut(params: RunProgramParameters, request: ChainCreateRequest): Promise<ChainCreateResult> {
  const { view } = params;
  const tx: Record<string, unknown> = {
    from: request.from,
    data: request.initCode,
    gas: `0x${request.gas.toString(16)}`,
  };
  if (request.value > 0n) tx.value = `0x${request.value.toString(16)}`;
  const callParams: unknown[] = [tx, view.tag];
  if (view.override !== undefined) callParams.push(view.override);
  try {
    await view.rpc.request<Hex>("eth_call", callParams);
  } catch (error) {
    return { returnData: revertDataOf(error), gasUsed: request.gas };
  }
  const address =
    request.kind === "create2" && request.salt !== undefined
      ? getContractAddress({ opcode: "CREATE2", from: request.from, salt: request.salt, bytecode: request.initCode })
      : getContractAddress({ from: request.from, nonce: await view.rpc.getTransactionCount(request.from, view.tag) });
  return { address: lower(address), returnData: new Uint8Array(), gasUsed: 32_000n };
}

/** Revert data of a JSON-RPC error thrown by `next` (EDR puts it in `data`, sometimes as { data }). */
export function revertDataOf(error: unknown): Uint8Array {
  if (typeof error === "object" && error !== null && "data" in error) {
    const data = (error as { data: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return hexToBytes(data as Hex);
    if (typeof data === "object" && data !== null && "data" in data) {
      const inner = (data as { data: unknown }).data;
      if (typeof inner === "string" && inner.startsWith("0x")) return hexToBytes(inner as Hex);
    }
  }
  return new Uint8Array();
}

function lower(address: string): Hex {
  return address.toLowerCase() as Hex;
}

