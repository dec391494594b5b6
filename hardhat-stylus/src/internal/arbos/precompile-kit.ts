// Builds an ArbOsPrecompile from a table of methods written against Nitro's
// Solidity interface, the way Nitro's precompiles/precompile.go wraps its Go
// methods: the selector picks the method; a method newer than the chain's
// ArbOS version, an unknown selector, arguments that do not decode, value sent
// to a non-payable method or a write in a static frame revert with empty
// data; results are ABI-encoded; gas is Nitro's: copying the arguments and
// the result (3 per word), opening ArbOS state (800) and each storage read
// (800) the method does.
import {
  bytesToHex,
  decodeFunctionData,
  encodeFunctionResult,
  hexToBytes,
  parseAbi,
  type Abi,
  type AbiFunction,
  type Address,
  type Hex,
} from "viem";

import type { ArbOsCallContext, ArbOsCallResult, ArbOsLog, ArbOsPrecompile } from "./types.js";

/** params.CopyGas: gas per 32-byte word copied in or out. */
const COPY_GAS = 3n;
/** storage.StorageReadCost (params.SloadGasEIP2200). */
export const STORAGE_READ_COST = 800n;
/** storage.StorageWriteCost (params.SstoreSetGasEIP2200). */
export const STORAGE_WRITE_COST = 20_000n;

/** Thrown by a method to revert with `data` (an ABI-encoded custom error, or empty). */
export class PrecompileRevert extends Error {
  override name = "PrecompileRevert";
  readonly data: Uint8Array;
  constructor(data: Uint8Array | Hex = new Uint8Array(), message = "precompile reverted") {
    super(message);
    this.data = typeof data === "string" ? hexToBytes(data) : data;
  }
}

/** What a method may do besides computing its result. */
export interface MethodScope {
  readonly context: ArbOsCallContext;
  /** Charges extra gas (storage reads beyond the table's count, writes). */
  charge(gas: bigint): void;
  emit(log: Omit<ArbOsLog, "address">): void;
  transfer(to: Address, value: bigint): void;
}

export interface PrecompileMethod {
  /** Solidity signature in viem's human-readable form, e.g. "function arbChainID() view returns (uint256)". */
  signature: string;
  /** First ArbOS version that has the method (Nitro's methodsByName[...].arbosVersion); older chains revert. */
  since?: number;
  /** ArbOS storage reads the method does (800 gas each). */
  reads?: number;
  run(args: readonly unknown[], scope: MethodScope): Promise<unknown> | unknown;
}

export interface PrecompileDefinition {
  address: Address;
  name: string;
  arbOsVersion: number;
  methods: readonly PrecompileMethod[];
  /** Extra human-readable ABI items (errors, events) the methods encode. */
  extraAbi?: readonly string[];
}

function words(length: number): bigint {
  return BigInt(Math.ceil(length / 32));
}

function failure(gasUsed: bigint, data: Uint8Array = new Uint8Array()): ArbOsCallResult {
  return { success: false, returnData: data, gasUsed, logs: [], transfers: [] };
}

/** The precompile's ABI (methods and extra items), for tests and callers that encode against it. */
export function precompileAbi(definition: Pick<PrecompileDefinition, "methods" | "extraAbi">): Abi {
  return parseAbi([...definition.methods.map((m) => m.signature), ...(definition.extraAbi ?? [])] as string[]);
}

/** A precompile with the ABI it decodes calls with. */
export interface DefinedPrecompile extends ArbOsPrecompile {
  readonly abi: Abi;
}

export function definePrecompile(definition: PrecompileDefinition): DefinedPrecompile {
  const abi = precompileAbi(definition);
  const byName = new Map<string, { method: PrecompileMethod; item: AbiFunction }>();
  for (const method of definition.methods) {
    const item = parseAbi([method.signature] as string[])[0] as AbiFunction;
    byName.set(item.name, { method, item });
  }
  return {
    address: definition.address,
    name: definition.name,
    abi,
    async call(context: ArbOsCallContext): Promise<ArbOsCallResult> {
      const input = context.calldata;
      let gasUsed = COPY_GAS * words(Math.max(0, input.length - 4));
      if (input.length < 4) return failure(gasUsed);
      let decoded: { functionName: string; args: readonly unknown[] | undefined };
      try {
        decoded = decodeFunctionData({ abi, data: bytesToHex(input) }) as typeof decoded;
      } catch {
        return failure(gasUsed);
      }
      const entry = byName.get(decoded.functionName);
      if (entry === undefined) return failure(gasUsed);
      const { method, item } = entry;
      if (method.since !== undefined && definition.arbOsVersion < method.since) return failure(gasUsed);
      if (context.value > 0n && item.stateMutability !== "payable") return failure(gasUsed);
      const writes = item.stateMutability === "payable" || item.stateMutability === "nonpayable";
      if (writes && context.isStatic) return failure(gasUsed);
      if (item.stateMutability !== "pure") gasUsed += STORAGE_READ_COST;
      gasUsed += STORAGE_READ_COST * BigInt(method.reads ?? 0);
      const logs: ArbOsLog[] = [];
      const transfers: Array<{ to: Address; value: bigint }> = [];
      const scope: MethodScope = {
        context,
        charge: (gas) => {
          gasUsed += gas;
        },
        emit: (log) => logs.push({ address: definition.address, ...log }),
        transfer: (to, value) => transfers.push({ to, value }),
      };
      let result: unknown;
      try {
        result = await method.run(decoded.args ?? [], scope);
      } catch (error) {
        if (error instanceof PrecompileRevert) return failure(gasUsed, error.data);
        throw error;
      }
      if (gasUsed > context.gasLimit) return failure(context.gasLimit);
      const returnHex =
        item.outputs.length === 0
          ? "0x"
          : encodeFunctionResult({ abi: [item], functionName: item.name, result } as Parameters<typeof encodeFunctionResult>[0]);
      const returnData = hexToBytes(returnHex);
      gasUsed += COPY_GAS * words(returnData.length);
      if (gasUsed > context.gasLimit) return failure(context.gasLimit);
      return { success: true, returnData, gasUsed, logs, transfers };
    },
  };
}
