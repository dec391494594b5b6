// A local Orbit parent/child pair without Docker: the parent is a Hardhat
// in-process chain (served over HTTP on 127.0.0.1 so URL clients and the
// parent RPC variable reach it) carrying nitro-contracts' bridge and the
// LocalRollup; the child is an in-process chain with the Stylus runtime and
// the ArbOS precompiles, whose DepositRelayer credits every parent deposit as
// Nitro does. The rollup address printed at start is what KCCHAIN_ROLLUP_ADDRESS
// (or <NETWORK>_ROLLUP_ADDRESS) takes.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";
import type { Abi, Account, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { taskError } from "../../shared/errors.js";

import { deployOrbitBridge, type OrbitBridgeAddresses } from "./bridge-deployment.js";
import { DepositRelayer } from "./deposit-relayer.js";
import { serveRpc, type ServedRpc } from "./rpc-server.js";

/** Chain id of the local parent (a Hardhat chain; 31337 is left to the child, the default network). */
export const LOCAL_PARENT_CHAIN_ID = 1337;

export interface LocalOrbitPair {
  readonly parent: NetworkConnection;
  readonly parentRpc: ServedRpc;
  readonly parentChainId: number;
  readonly child: NetworkConnection;
  readonly childChainId: number;
  /** Set when `serveChild` was asked for. */
  readonly childRpc: ServedRpc | undefined;
  readonly addresses: OrbitBridgeAddresses;
  readonly relayer: DepositRelayer;
  stop(): Promise<void>;
}

export interface StartLocalOrbitPairParameters {
  /** The child chain; default: a new in-process connection to the default network. */
  child?: NetworkConnection;
  /** Child chain id when the pair creates the child (default 31337). */
  childChainId?: number;
  parentChainId?: number;
  /** Port of the parent's RPC (0: any free port). */
  parentPort?: number;
  /** Also serve the child over HTTP on this port (0: any free port). */
  serveChild?: number;
  pollIntervalMs?: number;
}

export async function startLocalOrbitPair(hre: HardhatRuntimeEnvironment, params: StartLocalOrbitPairParameters = {}): Promise<LocalOrbitPair> {
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const artifact = await hre.artifacts.readArtifact("LocalRollup");
  const parentChainId = params.parentChainId ?? LOCAL_PARENT_CHAIN_ID;
  const parent = await hre.network.create({ network: "default", override: { chainId: parentChainId } });
  const child =
    params.child ??
    (await hre.network.create(
      params.childChainId === undefined ? { network: "default" } : { network: "default", override: { chainId: params.childChainId } },
    ));
  const childChainId = Number(await child.provider.request({ method: "eth_chainId" }));
  if (childChainId === parentChainId) {
    throw taskError(`the child chain and the parent chain both have chain id ${childChainId}; give them different ids.`);
  }
  const parentClient = (await parent.viem.getPublicClient()) as unknown as PublicClient<Transport, Chain>;
  const [deployer] = (await parent.viem.getWalletClients()) as unknown as Array<WalletClient<Transport, Chain, Account>>;
  if (deployer === undefined) throw taskError("the local parent chain has no accounts; check the default network's configuration.");
  const addresses = await deployOrbitBridge({
    publicClient: parentClient,
    wallet: deployer,
    childChainId: BigInt(childChainId),
    localRollup: { abi: artifact.abi as Abi, bytecode: artifact.bytecode as Hex },
  });
  const relayer = new DepositRelayer({
    parent: parentClient,
    child: child.provider,
    addresses,
    childChainId,
    pollIntervalMs: params.pollIntervalMs ?? 200,
  });
  const parentRpc = await serveRpc(parent.provider, params.parentPort ?? 0);
  const childRpc = params.serveChild === undefined ? undefined : await serveRpc(child.provider, params.serveChild);
  relayer.start();
  return {
    parent,
    parentRpc,
    parentChainId,
    child,
    childChainId,
    childRpc,
    addresses,
    relayer,
    stop: async () => {
      await relayer.stop();
      await parentRpc.close();
      await childRpc?.close();
      await parent.close();
      if (params.child === undefined) await child.close();
    },
  };
}
