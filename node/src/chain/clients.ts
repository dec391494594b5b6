// viem clients of the node: built from an RPC URL + private key, or taken as
// given (Hardhat's `connection.viem` clients in tests and the stress task).
import {
  createPublicClient,
  createWalletClient,
  http,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** What the node needs to talk to the chain. */
export interface ChainClients {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  /** The MVPIoTProcessor (Stylus, or its EVM twin) address. */
  contractAddress: Address;
}

export interface CreateChainClientsParameters {
  rpcUrl: string;
  /** The submitter key (0x + 64 hex). Never logged. */
  privateKey: Hex;
  contractAddress: Address;
  /** Poll interval for receipts, ms. */
  pollingInterval?: number;
  /** Per-request timeout, ms. */
  timeout?: number;
}

/** Clients over HTTP with a local account (transactions are signed in-process). */
export function createChainClients({
  rpcUrl,
  privateKey,
  contractAddress,
  pollingInterval = 250,
  timeout = 10_000,
}: CreateChainClientsParameters): ChainClients {
  const transport = http(rpcUrl, { timeout, retryCount: 0 });
  const account = privateKeyToAccount(privateKey);
  return {
    publicClient: createPublicClient({ transport, pollingInterval }) as PublicClient,
    walletClient: createWalletClient({ transport, account, pollingInterval }),
    contractAddress,
  };
}
