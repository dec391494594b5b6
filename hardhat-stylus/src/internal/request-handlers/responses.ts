// Builders of JSON-RPC responses in the shapes EDR uses, so callers (viem,
// Hardhat's provider, outside clients of `hardhat node`) read them alike:
// reverts are code 3 with the revert data as a hex string in `data`.
import { bytesToHex } from "viem";

import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

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
  const message =
    reason !== undefined
      ? `execution reverted: ${reason}`
      : returnData.length === 0
        ? "execution reverted"
        : `execution reverted (return data: ${hex})`;
  return errorResponse(request, 3, message, hex);
}
