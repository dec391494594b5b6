// Registers an Arbitrum chain with @arbitrum/sdk so its bridges can be used:
// Arbitrum One, Nova and Sepolia come from the SDK's own list; any other
// chain (KC-Chain, a local pair) is read from its rollup contract on the
// parent chain, where the SDK finds the bridge, inbox, sequencer inbox and
// outbox. Bad input fails with one line: a rollup address without code or
// without the rollup's getters, a rollup of another chain, a parent RPC of
// the wrong chain.
import type { ArbitrumNetwork } from "@arbitrum/sdk";
import type { Address } from "viem";

import { getArbitrumNetworkInformationFromRollup, getArbitrumNetworks, registerCustomArbitrumNetwork } from "@arbitrum/sdk";

import { errorText, isTaskError, taskError } from "../shared/errors.js";

import { ethersV5, type ProviderV5 } from "./sdk-ethers.js";

/** Parent chains of the Orbit chains the workspace knows by chain id (KC-Chain settles to Ethereum Sepolia). */
export const KNOWN_PARENT_CHAINS: Readonly<Record<number, { name: string; parentChainId: number }>> = {
  1205614515668104: { name: "KC-Chain", parentChainId: 11_155_111 },
};

export interface ResolveOrbitNetworkParameters {
  childChainId: number;
  childName: string;
  parentProvider: ProviderV5;
  /** The configuration variable the rollup came from, named in errors. */
  rollupVariable: string;
  rollupAddress: Address | undefined;
  parentRpcVariable: string;
}

/** The SDK's entry for a chain it ships (Arbitrum One, Nova, Sepolia), else undefined. */
export function sdkKnownNetwork(chainId: number): ArbitrumNetwork | undefined {
  return getArbitrumNetworks().find((n) => n.chainId === chainId && !n.isCustom);
}

const ROLLUP_CHAIN_ID_ABI = ["function chainId() view returns (uint256)"];

/** Finds or registers the child chain with the SDK and checks the parent RPC is its parent. */
export async function resolveOrbitNetwork(params: ResolveOrbitNetworkParameters): Promise<ArbitrumNetwork> {
  const { childChainId, parentProvider } = params;
  let parentChainId: number;
  try {
    parentChainId = (await parentProvider.getNetwork()).chainId;
  } catch (error) {
    throw taskError(`the parent chain does not answer at ${params.parentRpcVariable} (${errorText(error)}); start it or fix the URL.`, error);
  }
  if (parentChainId === childChainId) {
    throw taskError(`${params.parentRpcVariable} is chain ${parentChainId}, the child chain itself; point it at the parent chain's RPC.`);
  }
  const known = sdkKnownNetwork(childChainId);
  if (known !== undefined) {
    if (known.parentChainId !== parentChainId) {
      throw taskError(
        `${params.parentRpcVariable} is chain ${parentChainId}, but ${known.name} (${childChainId}) settles to chain ${known.parentChainId}; point it at that chain's RPC.`,
      );
    }
    return known;
  }
  const expectedParent = KNOWN_PARENT_CHAINS[childChainId]?.parentChainId;
  if (expectedParent !== undefined && expectedParent !== parentChainId) {
    throw taskError(
      `${params.parentRpcVariable} is chain ${parentChainId}, but ${params.childName} (${childChainId}) settles to chain ${expectedParent}; point it at that chain's RPC.`,
    );
  }
  const rollup = params.rollupAddress;
  if (rollup === undefined) {
    throw taskError(`${params.childName} (chain ${childChainId}) is not in the SDK's list: set ${params.rollupVariable} to its rollup contract on the parent chain.`);
  }
  const code = await parentProvider.getCode(rollup);
  if (code === "0x") {
    throw taskError(
      `${params.rollupVariable} ${rollup} has no code on parent chain ${parentChainId}: it is not a rollup there; check the address, and that ${params.parentRpcVariable} is the parent chain's RPC.`,
    );
  }
  let info: Awaited<ReturnType<typeof getArbitrumNetworkInformationFromRollup>>;
  try {
    info = await getArbitrumNetworkInformationFromRollup(rollup, parentProvider);
  } catch (error) {
    throw taskError(
      `${params.rollupVariable} ${rollup} on parent chain ${parentChainId} is not an Arbitrum rollup (its bridge/inbox/outbox getters fail: ${errorText(error)}); set the rollup address, not the bridge's or the inbox's.`,
      error,
    );
  }
  try {
    const rollupChainId = await new ethersV5.Contract(rollup, ROLLUP_CHAIN_ID_ABI, parentProvider).chainId();
    if (!rollupChainId.eq(childChainId)) {
      throw taskError(`${params.rollupVariable} ${rollup} is the rollup of chain ${rollupChainId.toString()}, not of ${params.childName} (${childChainId}); set ${params.childName}'s rollup address.`);
    }
  } catch (error) {
    if (isTaskError(error)) throw error;
    // Rollups without chainId() (old versions) are accepted on the SDK's word.
  }
  const existing = getArbitrumNetworks().find((n) => n.chainId === childChainId);
  if (existing !== undefined && existing.ethBridge.rollup.toLowerCase() === rollup.toLowerCase()) return existing;
  const network = { ...info, chainId: childChainId, name: params.childName, isCustom: true, isTestnet: true };
  if (existing === undefined) return registerCustomArbitrumNetwork(network);
  // The same chain id with another rollup (a restarted local pair): the new rollup replaces the
  // old one; the SDK says so on console.warn, which would only repeat what this line means.
  const warn = console.warn;
  console.warn = () => {};
  try {
    return registerCustomArbitrumNetwork(network, { throwIfAlreadyRegistered: false });
  } finally {
    console.warn = warn;
  }
}
