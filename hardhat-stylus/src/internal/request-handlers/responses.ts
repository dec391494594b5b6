// Builders of JSON-RPC responses in the shapes EDR uses, so callers (viem,
// Hardhat's provider, outside clients of `hardhat node`) read them alike:
// reverts are code 3 with the revert data as a hex string in `data`.
import { bytesToHex, decodeErrorResult, toHex, type Hex } from "viem";

import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { describeKnownError } from "./known-errors.js";

export function resultResponse(request: JsonRpcRequest, result: unknown): JsonRpcResponse {
  return { jsonrpc: "2.0", id: request.id, result };
}

export function errorResponse(request: JsonRpcRequest, code: number, message: string, data?: unknown): JsonRpcResponse {
  const error: { code: number; message: string; data?: unknown } = { code, message };
  if (data !== undefined) error.data = data;
  return { jsonrpc: "2.0", id: request.id, error };
}

/** A revert: code 3, "execution reverted" plus the reason, the revert data in `data`. */
export function revertResponse(request: JsonRpcRequest, returnData: Uint8Array, reason?: string): JsonRpcResponse {
  const hex = bytesToHex(returnData);
  const message = reason !== undefined ? `execution reverted: ${reason}` : revertMessage(returnData);
  return errorResponse(request, 3, message, hex);
}

/** Solidity's panic codes, named as solc's documentation names them. */
const PANIC_REASONS: Readonly<Record<number, string>> = {
  0x00: "generic compiler panic",
  0x01: "assertion failed",
  0x11: "arithmetic overflow or underflow",
  0x12: "division or modulo by zero",
  0x21: "invalid enum value",
  0x22: "invalid storage byte array encoding",
  0x31: "pop on an empty array",
  0x32: "array index out of bounds",
  0x41: "too much memory allocated",
  0x51: "call to a zero-initialised internal function",
};

/**
 * The message a Solidity revert with this data gets: the reason of an
 * Error(string), the code of a Panic(uint256), the name and arguments of a
 * custom error that one of the project's artifacts declares (else its selector).
 * The data itself always travels in the response's `data` for ABI decoding.
 */
export function revertMessage(returnData: Uint8Array): string {
  if (returnData.length === 0) return "execution reverted";
  const hex = bytesToHex(returnData);
  const builtin = builtinError(returnData);
  if (builtin?.errorName === "Error") return `execution reverted: ${String(builtin.args?.[0])}`;
  if (builtin?.errorName === "Panic") {
    const code = builtin.args?.[0] as bigint;
    const name = PANIC_REASONS[Number(code)];
    return `execution reverted: panic code ${toHex(code)}${name === undefined ? "" : ` (${name})`}`;
  }
  const selector = customErrorSelector(returnData);
  if (selector !== undefined) {
    const named = describeKnownError(hex);
    if (named !== undefined) return `execution reverted: custom error '${named}'`;
    return `execution reverted: custom error ${selector} (return data: ${hex})`;
  }
  return `execution reverted (return data: ${hex})`;
}

/** The selector of revert data that is neither empty, too short, Error(string) nor Panic(uint256). */
export function customErrorSelector(returnData: Uint8Array): Hex | undefined {
  if (returnData.length < 4 || builtinError(returnData) !== undefined) return undefined;
  return bytesToHex(returnData.subarray(0, 4));
}

function builtinError(returnData: Uint8Array): ReturnType<typeof decodeErrorResult> | undefined {
  if (returnData.length < 4) return undefined;
  try {
    return decodeErrorResult({ abi: [], data: bytesToHex(returnData) });
  } catch {
    return undefined; // not Error/Panic, or malformed
  }
}
