// The contract under test for every node test, from one place: the Stylus
// contract MVPIoTProcessor (committed artifact, run by the hardhat-stylus
// runtime) by default, or its Solidity twin MVPIoTProcessorEvm (same interface
// and semantics) with LCORE_NODE_TEST_CONTRACT=evm.
// Returns an initialised processor whose owner is the first Hardhat account,
// plus the viem clients the node takes.
import type { NetworkConnection } from "hardhat/types/network";
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import type { ChainClients } from "../../../node/src/index.js";

export type ProcessorKind = "evm" | "stylus";

export const PROCESSOR_KIND: ProcessorKind = process.env.LCORE_NODE_TEST_CONTRACT === "evm" ? "evm" : "stylus";

export interface DeployedProcessor {
  kind: ProcessorKind;
  address: Address;
  owner: Address;
  clients: ChainClients;
}

async function deployStylus(connection: NetworkConnection): Promise<Address> {
  const { loadMvpIoTProcessorArtifact } = await import("../../../contracts-stylus/artifacts/index.js");
  return (await connection.stylus.deploy({ deployedCode: loadMvpIoTProcessorArtifact().deployedCode })).address;
}

/** Deploys and initialises a processor on `connection`. */
export async function deployProcessor(connection: NetworkConnection, kind: ProcessorKind = PROCESSOR_KIND): Promise<DeployedProcessor> {
  const { viem } = connection;
  const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
  const [walletClient] = (await viem.getWalletClients()) as unknown as WalletClient<Transport, Chain, Account>[];
  const address = kind === "stylus" ? await deployStylus(connection) : (await viem.deployContract("MVPIoTProcessorEvm", [])).address;
  const owner = walletClient!.account.address;
  const hash = await walletClient!.writeContract({ address, abi: mvpIoTProcessorAbi, functionName: "initialize", args: [owner], chain: null, account: walletClient!.account });
  await publicClient.waitForTransactionReceipt({ hash });
  return { kind, address, owner, clients: { publicClient, walletClient: walletClient!, contractAddress: address } };
}

/** Counts the contract's events of one kind (the on-chain truth for exactly-once checks). */
export async function countEvents(
  publicClient: PublicClient,
  address: Address,
  eventName: "ProofCommitted" | "BatchCommitted" | "ResultSubmitted" | "DeviceRegistered",
): Promise<{ count: number; ids: string[] }> {
  const logs = await publicClient.getContractEvents({ address, abi: mvpIoTProcessorAbi, eventName, fromBlock: 0n, toBlock: "latest" });
  const ids = logs.map((l) => l.topics[1] ?? "");
  return { count: logs.length, ids };
}
