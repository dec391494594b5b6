// Action of the `orbit-node` task: starts the local pair (tasks/orbit/local-pair),
// prints its addresses and the configuration variables that point the
// workspace's tasks at it, and serves until Ctrl-C.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { startLocalOrbitPair } from "../orbit/local-pair/local-pair.js";
import { orbitConfigNames } from "../orbit/orbit-config.js";
import { defaultPrinter } from "../shared/format.js";
import { HARDHAT_TEST_MNEMONIC, WALLET_MNEMONIC_VARIABLE } from "../shared/wallet-set.js";

export interface OrbitNodeActionArguments {
  parentPort: number;
  childPort: number;
  childChainId: number;
  parentChainId: number;
}

/** Hardhat's public test key #0 (throwaway): funder on both chains of the pair. */
const TEST_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export default async function orbitNodeAction(args: OrbitNodeActionArguments, hre: HardhatRuntimeEnvironment): Promise<void> {
  const print = defaultPrinter;
  const pair = await startLocalOrbitPair(hre, {
    childChainId: args.childChainId,
    parentChainId: args.parentChainId,
    parentPort: args.parentPort,
    serveChild: args.childPort,
  });
  const names = orbitConfigNames(args.childChainId === 412346 ? "nitro" : "<network>");
  print(`parent chain ${pair.parentChainId}: ${pair.parentRpc.url}`);
  print(`child chain ${pair.childChainId} (Stylus, ArbOS precompiles): ${pair.childRpc!.url}`);
  print(`rollup ${pair.addresses.rollup}`);
  print(`bridge ${pair.addresses.bridge} · inbox ${pair.addresses.inbox} · sequencer inbox ${pair.addresses.sequencerInbox} · outbox ${pair.addresses.outbox}`);
  print("point the tasks at it (throwaway test keys, local only):");
  print(`  export ${names.rollup}=${pair.addresses.rollup}`);
  print(`  export ${names.parentRpcUrl}=${pair.parentRpc.url}`);
  print(`  export ${names.parentPrivateKey}=${TEST_KEY_0}`);
  if (args.childChainId === 412346) {
    print(`  export NITRO_RPC_URL=${pair.childRpc!.url}`);
    print(`  export NITRO_PRIVATE_KEY=${TEST_KEY_0}`);
  }
  print(`  export ${WALLET_MNEMONIC_VARIABLE}="${HARDHAT_TEST_MNEMONIC}"`);
  print(`  npx hardhat fund --from-parent --network nitro`);
  print("serving; Ctrl-C stops");
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await pair.stop();
}
