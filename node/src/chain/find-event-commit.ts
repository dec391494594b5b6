// Finds the transaction that made a state change, through the contract event
// indexed by its id: used after a crash or a duplicate refusal, so the receipt
// (tx hash, block, gas) of a commit the node did not see confirmed still reaches SQLite.
import type { Address, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { gasUsedForL1 } from "./gas-used-for-l1.js";
import type { FoundCommit } from "./types.js";

type EventName = "DeviceRegistered" | "ProofCommitted" | "BatchCommitted" | "ResultSubmitted";

export async function findEventCommit(
  client: PublicClient,
  address: Address,
  eventName: EventName,
  args: Record<string, unknown>,
): Promise<FoundCommit | undefined> {
  const logs = await client.getContractEvents({
    address,
    abi: mvpIoTProcessorAbi,
    eventName,
    args: args as never,
    fromBlock: 0n,
    toBlock: "latest",
  });
  const log = logs[0];
  if (log === undefined || log.transactionHash === null || log.blockNumber === null) return undefined;
  const receipt = await client.getTransactionReceipt({ hash: log.transactionHash });
  return { txHash: log.transactionHash, blockNumber: Number(log.blockNumber), gasUsed: Number(receipt.gasUsed), gasUsedForL1: gasUsedForL1(receipt) ?? null };
}
