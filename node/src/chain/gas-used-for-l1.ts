// The parent-chain share of an Arbitrum receipt: Nitro's `gasUsedForL1`
// receipt field (viem keeps fields it does not know as the node sent them).
// Undefined on chains whose receipts have no such field.
import type { TransactionReceipt } from "viem";

export function gasUsedForL1(receipt: TransactionReceipt): number | undefined {
  const raw = (receipt as unknown as { gasUsedForL1?: unknown }).gasUsedForL1;
  if (typeof raw === "bigint") return Number(raw);
  if (typeof raw === "string" && raw !== "") return Number(BigInt(raw));
  if (typeof raw === "number") return raw;
  return undefined;
}
