// Opens the network a task runs against (the --network global option, the
// in-process chain by default) and gathers what every task needs: viem
// clients, the chain id, the first configured account and whether the chain
// is the throwaway in-process one.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Chain, PublicClient, WalletClient, Transport, Account } from "viem";

import { errorText, taskError } from "./errors.js";

/** Chain ids of local development chains whose accounts are Hardhat's public test keys. */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337]);

export interface ChainContext {
  readonly connection: NetworkConnection;
  readonly networkName: string;
  readonly chainId: number;
  /** True for the in-process simulated network (state disappears when the process ends). */
  readonly inProcess: boolean;
  /** True when the accounts are Hardhat's public test keys (in-process or a local Hardhat node). */
  readonly localKeys: boolean;
  readonly publicClient: PublicClient<Transport, Chain>;
  /** The first configured account: deployer, funder and contract owner. */
  readonly deployer: WalletClient<Transport, Chain, Account>;
  readonly deployerAddress: Address;
}

/** A one-line task error for Hardhat's "configuration variable not found" (HHE7), naming how to set it. */
function missingVariableError(error: unknown): Error | undefined {
  const missing = /Configuration Variable "([A-Za-z0-9_]+)" not found/.exec(errorText(error))?.[1];
  if (missing === undefined) return undefined;
  return taskError(`configuration variable ${missing} is not set: run \`npx hardhat keystore set ${missing}\` or export ${missing}=... in the environment.`, error);
}

/** Connects (cached per HRE) to the selected network and checks it answers. */
export async function openChainContext(hre: HardhatRuntimeEnvironment): Promise<ChainContext> {
  let connection: NetworkConnection;
  try {
    connection = await hre.network.getOrCreate();
  } catch (error) {
    throw missingVariableError(error) ?? taskError(`cannot open the network: ${errorText(error)}. Check --network and its configuration variables (npx hardhat keystore set NAME).`, error);
  }
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient<Transport, Chain>;
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (error) {
    throw missingVariableError(error) ?? taskError(`network "${connection.networkName}" does not answer (${errorText(error)}). Start it or fix its URL.`, error);
  }
  let wallets: Array<WalletClient<Transport, Chain, Account>>;
  try {
    wallets = (await connection.viem.getWalletClients()) as unknown as Array<WalletClient<Transport, Chain, Account>>;
  } catch (error) {
    throw missingVariableError(error) ?? error;
  }
  const deployer = wallets[0];
  if (deployer === undefined) {
    throw taskError(`network "${connection.networkName}" has no accounts. Configure one (e.g. npx hardhat keystore set ${configPrefix(connection.networkName)}_PRIVATE_KEY).`);
  }
  const inProcess = connection.networkConfig.type === "edr-simulated";
  return {
    connection,
    networkName: connection.networkName,
    chainId,
    inProcess,
    localKeys: inProcess || LOCAL_CHAIN_IDS.has(chainId),
    publicClient,
    deployer,
    deployerAddress: deployer.account.address,
  };
}

/** KCCHAIN for kcchain, ARBITRUM_SEPOLIA for arbitrumSepolia: the prefix of a network's configuration variables. */
export function configPrefix(networkName: string): string {
  return networkName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}
