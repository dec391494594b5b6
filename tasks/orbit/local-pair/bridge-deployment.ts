// Deploys the Arbitrum bridge of a local child chain on a parent chain from
// @arbitrum/nitro-contracts' build artifacts: Bridge, Inbox and Outbox behind
// ERC1967 proxies (their initialisers only run through a proxy), the
// SequencerInbox, and the workspace's LocalRollup that answers the getters
// the SDK registers a chain from. The rollup's owner (the deployer) wires the
// bridge: the inbox may enqueue delayed messages, the outbox may execute.
import type { Abi, Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { createRequire } from "node:module";

import { encodeFunctionData } from "viem";

import { taskError } from "../../shared/errors.js";

const require = createRequire(import.meta.url);

interface BuildArtifact {
  abi: Abi;
  bytecode: Hex;
}

function nitroArtifact(path: string): BuildArtifact {
  const artifact = require(`@arbitrum/nitro-contracts/build/contracts/${path}.json`) as BuildArtifact;
  return { abi: artifact.abi, bytecode: artifact.bytecode };
}

/** nitro-contracts' default max data size of a delayed message (117,964 bytes). */
export const MAX_DATA_SIZE = 117_964n;
/** Blocks before an assertion confirms; the SDK reads it (no assertions are made locally). */
export const LOCAL_CONFIRM_PERIOD_BLOCKS = 20n;

export interface OrbitBridgeAddresses {
  rollup: Address;
  bridge: Address;
  inbox: Address;
  sequencerInbox: Address;
  outbox: Address;
}

export interface DeployOrbitBridgeParameters {
  publicClient: PublicClient<Transport, Chain>;
  wallet: WalletClient<Transport, Chain, Account>;
  childChainId: bigint;
  /** The compiled contracts/orbit/LocalRollup.sol. */
  localRollup: BuildArtifact;
}

export async function deployOrbitBridge(params: DeployOrbitBridgeParameters): Promise<OrbitBridgeAddresses> {
  const { publicClient, wallet } = params;
  const deploy = async (artifact: BuildArtifact, args: readonly unknown[] = []): Promise<Address> => {
    const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || receipt.contractAddress === null || receipt.contractAddress === undefined) {
      throw taskError(`deploying the local bridge failed at transaction ${hash}; restart the pair.`);
    }
    return receipt.contractAddress;
  };
  const send = async (to: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<void> => {
    const hash = await wallet.sendTransaction({ to, data: encodeFunctionData({ abi, functionName, args } as never) } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw taskError(`wiring the local bridge failed at ${functionName} (${hash}); restart the pair.`);
  };
  const proxied = async (artifact: BuildArtifact, constructorArgs: readonly unknown[], initArgs: readonly unknown[]): Promise<Address> => {
    const implementation = await deploy(artifact, constructorArgs);
    const init = encodeFunctionData({ abi: artifact.abi, functionName: "initialize", args: initArgs } as never);
    return await deploy(nitroArtifact("@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy"), [implementation, init]);
  };

  const rollup = await deploy(params.localRollup, [params.childChainId, LOCAL_CONFIRM_PERIOD_BLOCKS]);
  const bridgeArtifact = nitroArtifact("src/bridge/Bridge.sol/Bridge");
  const bridge = await proxied(bridgeArtifact, [], [rollup]);
  // Not on an Arbitrum host chain, so the SequencerInbox wants a blob reader; it reads none here.
  const sequencerInbox = await deploy(nitroArtifact("src/bridge/SequencerInbox.sol/SequencerInbox"), [MAX_DATA_SIZE, rollup, false, false]);
  const inbox = await proxied(nitroArtifact("src/bridge/Inbox.sol/Inbox"), [MAX_DATA_SIZE], [bridge, sequencerInbox]);
  const outbox = await proxied(nitroArtifact("src/bridge/Outbox.sol/Outbox"), [], [bridge]);

  await send(bridge, bridgeArtifact.abi, "setDelayedInbox", [inbox, true]);
  await send(bridge, bridgeArtifact.abi, "setSequencerInbox", [sequencerInbox]);
  await send(bridge, bridgeArtifact.abi, "setOutbox", [outbox, true]);
  await send(rollup, params.localRollup.abi, "wire", [bridge, inbox, sequencerInbox, outbox]);
  return { rollup, bridge, inbox, sequencerInbox, outbox };
}
