// Automine with transactions waiting in EDR's mempool (sent while automine was
// off): EDR mines them together with the next transaction sent, in one block.
// A Stylus transaction or deployment sent then goes the same way through the
// plugin: queued behind them in the mempool, and the block is planned and mined
// by chain/block-miner.ts (EDR mines it itself when nothing in it reaches a
// program), so the waiting transactions run before it on the state they leave.
import type { Hex } from "viem";

import type { InterpreterResult } from "../execution/interpreter.js";
import type { RequestScope } from "./types.js";

import { minePendingBlock } from "../chain/block-miner.js";

/** Whether EDR's mempool holds transactions (asked only once the connection sent some with automine off). */
export async function mempoolHolds(scope: RequestScope): Promise<boolean> {
  if (!scope.mempoolUsed()) return false;
  const pending = await scope.rpc.request<{ transactions: unknown[] }>("eth_getBlockByNumber", ["pending", false]);
  if (pending.transactions.length === 0) scope.mempoolEmptied();
  return pending.transactions.length > 0;
}

/**
 * Queues the transaction with `queue` (with EDR's automine off for the moment) and mines the
 * pending block; returns its hash and, when it went through an entry applier, its interpreter result.
 */
export async function sendThroughBlock(
  scope: RequestScope,
  queue: () => Promise<Hex>,
): Promise<{ hash: Hex; result?: InterpreterResult; status: "0x1" | "0x0" | undefined }> {
  const { rpc } = scope;
  await rpc.request("evm_setAutomine", [false]);
  let hash: Hex;
  const results = new Map<string, InterpreterResult>();
  try {
    hash = await queue();
    const mined = await minePendingBlock(scope, scope.stylusDeployments, undefined, results);
    if (mined === undefined) await rpc.request("evm_mine", []);
  } finally {
    await rpc.request("evm_setAutomine", [true]);
  }
  const receipt = await rpc.getReceipt(hash);
  const result = results.get(hash.toLowerCase());
  return { hash, status: receipt?.status, ...(result === undefined ? {} : { result }) };
}
