// Factory deployments of Stylus code (a contract CREATEs the Stylus init
// code) cannot work inside EDR: the CREATE returns 0xEF... code, which the EVM
// rejects (EIP-3541), and the plugin cannot intercept a CREATE inside EVM
// execution. When a call or transaction to an EVM contract fails and its
// calldata carries Stylus init code, the error message says so.
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { errorResponse } from "./responses.js";
import { TRANSACTION_METHODS } from "./transaction-params.js";

/** The fixed tail of the standard Stylus init code header, followed by the Stylus prefix. */
const INIT_SIGNATURE = "80602b6000396000f300eff000";

const HINT =
  "hardhat-stylus: this calldata carries Stylus init code; deploying Stylus programs from a contract (factory CREATE/CREATE2) " +
  "is not supported on the in-process network (EDR rejects 0xEF code, EIP-3541). Deploy the program with a transaction from an account.";

/** An error response with the hint appended, or undefined when the failure is unrelated. */
export function factoryDeploymentHint(request: JsonRpcRequest, error: unknown): JsonRpcResponse | undefined {
  if (!TRANSACTION_METHODS.has(request.method) || request.method === "eth_sendRawTransaction") return undefined;
  const tx = Array.isArray(request.params) ? (request.params[0] as Record<string, unknown> | undefined) : undefined;
  if (tx === undefined || tx === null || typeof tx.to !== "string") return undefined;
  const input = typeof tx.input === "string" ? tx.input : typeof tx.data === "string" ? tx.data : "";
  if (!input.toLowerCase().includes(INIT_SIGNATURE)) return undefined;
  const e = error as { message?: unknown; code?: unknown; data?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  return errorResponse(request, typeof e.code === "number" ? e.code : -32603, `${message}\n${HINT}`, e.data);
}
