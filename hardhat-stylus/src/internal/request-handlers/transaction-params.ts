// Reads the transaction-shaped params of eth_call, eth_estimateGas,
// eth_sendTransaction and eth_sendRawTransaction into one form. Raw
// transactions are decoded and their signer recovered (viem), then checked
// like a node would: chain id and nonce.
import {
  hexToBytes,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  type Address,
  type Hex,
  type TransactionSerialized,
} from "viem";

import type { BlockTag, ChainRpc } from "../chain/chain-rpc.js";
import type { StateOverride } from "../chain/state-view.js";
import type { JsonRpcRequest } from "hardhat/types/providers";

export const TRANSACTION_METHODS = new Set([
  "eth_call",
  "eth_estimateGas",
  "eth_sendTransaction",
  "eth_sendRawTransaction",
]);

export type TransactionMethod = "eth_call" | "eth_estimateGas" | "eth_sendTransaction" | "eth_sendRawTransaction";

export interface FeeFields {
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
}

export interface ParsedTransaction {
  method: TransactionMethod;
  from: Address | undefined;
  to: Address | null;
  data: Uint8Array;
  value: bigint;
  gas: bigint | undefined;
  nonce: bigint | undefined;
  fees: FeeFields;
  accessList: unknown;
  /** The block the call reads (sends: "latest"). */
  tag: BlockTag;
  override: StateOverride | undefined;
  /** Raw transactions: hash of the signed bytes, chain id. */
  raw?: { hash: Hex; chainId: number | undefined };
}

/** Thrown for malformed or unacceptable transactions; becomes a JSON-RPC error with `code`. */
export class TransactionParamsError extends Error {
  override name = "TransactionParamsError";
  readonly code: number;
  constructor(message: string, code = -32602) {
    super(message);
    this.code = code;
  }
}

const parsed = new WeakMap<JsonRpcRequest, ParsedTransaction | null>();

/** Parses (once per request object) the transaction of a request; null when the method is not transaction-shaped. */
export async function readTransaction(request: JsonRpcRequest): Promise<ParsedTransaction | null> {
  if (parsed.has(request)) return parsed.get(request) ?? null;
  const result = await parse(request);
  parsed.set(request, result);
  return result;
}

async function parse(request: JsonRpcRequest): Promise<ParsedTransaction | null> {
  if (!TRANSACTION_METHODS.has(request.method)) return null;
  const method = request.method as TransactionMethod;
  const params = Array.isArray(request.params) ? request.params : [];
  if (method === "eth_sendRawTransaction") {
    const serialized = params[0];
    if (typeof serialized !== "string" || !serialized.startsWith("0x")) return null;
    let tx;
    let from: Address;
    try {
      tx = parseTransaction(serialized as TransactionSerialized);
      from = await recoverTransactionAddress({ serializedTransaction: serialized as TransactionSerialized });
    } catch (error) {
      throw new TransactionParamsError(
        `invalid raw transaction: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
    const fees: FeeFields = {};
    if (tx.gasPrice !== undefined) fees.gasPrice = tx.gasPrice;
    if (tx.maxFeePerGas !== undefined) fees.maxFeePerGas = tx.maxFeePerGas;
    if (tx.maxPriorityFeePerGas !== undefined) fees.maxPriorityFeePerGas = tx.maxPriorityFeePerGas;
    return {
      method,
      from,
      to: tx.to ?? null,
      data: tx.data === undefined ? new Uint8Array() : hexToBytes(tx.data),
      value: tx.value ?? 0n,
      gas: tx.gas,
      nonce: tx.nonce === undefined ? 0n : BigInt(tx.nonce),
      fees,
      accessList: "accessList" in tx ? tx.accessList : undefined,
      tag: "latest",
      override: undefined,
      raw: { hash: keccak256(serialized as Hex), chainId: tx.chainId },
    };
  }
  const tx = params[0];
  if (typeof tx !== "object" || tx === null) return null;
  const t = tx as Record<string, unknown>;
  const hex = (v: unknown): bigint | undefined => (typeof v === "string" && v.length > 2 ? BigInt(v) : undefined);
  const input = typeof t.input === "string" ? t.input : typeof t.data === "string" ? t.data : "0x";
  const fees: FeeFields = {};
  const gasPrice = hex(t.gasPrice);
  const maxFee = hex(t.maxFeePerGas);
  const maxPriority = hex(t.maxPriorityFeePerGas);
  if (gasPrice !== undefined) fees.gasPrice = gasPrice;
  if (maxFee !== undefined) fees.maxFeePerGas = maxFee;
  if (maxPriority !== undefined) fees.maxPriorityFeePerGas = maxPriority;
  const isSend = method === "eth_sendTransaction";
  return {
    method,
    from: typeof t.from === "string" ? (t.from as Address) : undefined,
    to: typeof t.to === "string" ? (t.to as Address) : null,
    data: hexToBytes(input as Hex),
    value: hex(t.value) ?? 0n,
    gas: hex(t.gas),
    nonce: hex(t.nonce),
    fees,
    accessList: t.accessList,
    tag: isSend ? "latest" : ((params[1] as BlockTag | undefined) ?? "latest"),
    override: isSend ? undefined : (params[2] as StateOverride | undefined),
  };
}

/**
 * Checks a raw transaction against the chain (chain id, nonce) like a node would before accepting it.
 * @returns "future" when its nonce is ahead of the sender's next nonce: like EDR's mempool, the
 * plugin then holds it until the gap is filled (see RequestScope.defer).
 */
export async function checkRawTransaction(rpc: ChainRpc, tx: ParsedTransaction): Promise<"now" | "future"> {
  if (tx.raw === undefined || tx.from === undefined) return "now";
  const chainId = await rpc.chainId();
  if (tx.raw.chainId !== undefined && BigInt(tx.raw.chainId) !== chainId) {
    throw new TransactionParamsError(
      `Trying to send a raw transaction with an invalid chainId. The expected chainId is ${chainId}`,
      -32000,
    );
  }
  const expected = await rpc.getTransactionCount(tx.from, "pending");
  if (tx.nonce !== undefined && tx.nonce > expected) return "future";
  if (tx.nonce !== expected) {
    throw new TransactionParamsError(
      `Nonce too low. Expected nonce to be ${expected} but got ${tx.nonce}.`,
      -32000,
    );
  }
  return "now";
}
