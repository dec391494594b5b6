// What a transaction cost on an Arbitrum chain, split as Nitro charges it:
// child-chain execution gas and the parent-chain (L1 data) share, both paid
// at the receipt's gas price. A Nitro receipt carries the share as
// `gasUsedForL1` and counts it in `gasUsed`; where a receipt lacks the field
// or reports zero (the in-process chain, whose receipts carry the field but
// which charges no parent-chain share), the share is asked from NodeInterface
// (gasEstimateL1Component for the transaction's own to/data/value at its
// block) and added on top at the block's base fee (Nitro charges the poster
// at the base fee; tips are not collected), which is what that share costs in
// wei whatever the base fee is. On a chain without NodeInterface (plain EVM)
// the share is zero.
import type { Address, Chain, Hash, Hex, PublicClient, TransactionReceipt, Transport } from "viem";

import { decodeFunctionResult, encodeFunctionData, parseAbi, zeroAddress } from "viem";

export const NODE_INTERFACE_ADDRESS: Address = "0x00000000000000000000000000000000000000C8";

const nodeInterfaceAbi = parseAbi([
  "function gasEstimateL1Component(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)",
]);

export interface ReceiptCost {
  readonly transactionHash: Hash;
  /** Child-chain execution gas. */
  readonly executionGas: bigint;
  /** Parent-chain share in child gas units (gasUsedForL1). */
  readonly parentChainGas: bigint;
  /** What the parent-chain share costs in wei (≈ the poster cost: L1 units × the parent price). */
  readonly parentChainWei: bigint;
  readonly effectiveGasPrice: bigint;
  /** The whole fee: executionGas × effectiveGasPrice + parentChainWei. */
  readonly feeWei: bigint;
  /** Where the parent-chain share came from. */
  readonly source: "receipt" | "node-interface" | "none";
}

/** The receipt's `gasUsedForL1` (viem keeps unknown receipt fields as the node sent them), if any. */
export function gasUsedForL1Of(receipt: TransactionReceipt): bigint | undefined {
  const raw = (receipt as unknown as { gasUsedForL1?: unknown }).gasUsedForL1;
  if (typeof raw === "bigint") return raw;
  if (typeof raw === "string" && raw !== "") return BigInt(raw);
  if (typeof raw === "number") return BigInt(raw);
  return undefined;
}

/** Splits a receipt's cost into execution and parent-chain gas (one eth_call when the field is missing). */
export async function readReceiptCost(client: PublicClient<Transport, Chain | undefined>, receipt: TransactionReceipt): Promise<ReceiptCost> {
  const price = receipt.effectiveGasPrice ?? 0n;
  const fromField = gasUsedForL1Of(receipt);
  if (fromField !== undefined && fromField > 0n) {
    const executionGas = receipt.gasUsed > fromField ? receipt.gasUsed - fromField : 0n;
    return {
      transactionHash: receipt.transactionHash,
      executionGas,
      parentChainGas: fromField,
      parentChainWei: fromField * price,
      effectiveGasPrice: price,
      feeWei: receipt.gasUsed * price,
      source: "receipt",
    };
  }
  const share = await parentChainGasOf(client, receipt);
  const parentChainWei = share === undefined ? 0n : share.gasForL1 * share.baseFee;
  return {
    transactionHash: receipt.transactionHash,
    executionGas: receipt.gasUsed,
    parentChainGas: share?.gasForL1 ?? 0n,
    parentChainWei,
    effectiveGasPrice: price,
    feeWei: receipt.gasUsed * price + parentChainWei,
    source: share === undefined ? "none" : "node-interface",
  };
}

/** NodeInterface's parent-chain gas for the receipt's transaction at its block; undefined without NodeInterface. */
async function parentChainGasOf(
  client: PublicClient<Transport, Chain | undefined>,
  receipt: TransactionReceipt,
): Promise<{ gasForL1: bigint; baseFee: bigint } | undefined> {
  const tx = await client.getTransaction({ hash: receipt.transactionHash });
  const creation = tx.to === null || tx.to === undefined;
  const data = encodeFunctionData({ abi: nodeInterfaceAbi, functionName: "gasEstimateL1Component", args: [tx.to ?? zeroAddress, creation, tx.input] });
  let result: Hex | undefined;
  try {
    ({ data: result } = await client.call({ account: tx.from, to: NODE_INTERFACE_ADDRESS, data, value: tx.value, blockNumber: receipt.blockNumber }));
  } catch {
    return undefined;
  }
  if (result === undefined || result === "0x") return undefined;
  const [gasForL1, baseFee] = decodeFunctionResult({ abi: nodeInterfaceAbi, functionName: "gasEstimateL1Component", data: result });
  return { gasForL1, baseFee };
}
