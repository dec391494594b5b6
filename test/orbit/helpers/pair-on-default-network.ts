// Mocha set-up shared by the orbit suites that drive the workspace's tasks
// against the local pair: the child is the in-process default network (the
// one `npx hardhat fund` / `stress` open), snapshotted and put back after the
// suite because later suites expect its wallets untouched; the parent is
// reached through the DEFAULT_PARENT_* variables the tasks read, which are
// restored afterwards.
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";

import hre from "hardhat";
import { numberToHex } from "viem";

import { startLocalOrbitPair, type LocalOrbitPair } from "../../../tasks/orbit/local-pair/local-pair.js";

/** Hardhat's public test key #0: the in-process chain's first account, the child's funder. */
export const FUNDER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const FUNDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Address;
const VARS = ["DEFAULT_PARENT_RPC_URL", "DEFAULT_ROLLUP_ADDRESS", "DEFAULT_PARENT_PRIVATE_KEY"] as const;

export interface PairOnDefaultNetwork {
  readonly pair: LocalOrbitPair;
  readonly child: NetworkConnection;
}

/**
 * Registers before/after hooks in the calling describe: starts the pair on the
 * default network with the funder holding `funderBalance` on the child, and
 * returns a getter for the pair and child once the hooks ran.
 */
export function usePairOnDefaultNetwork(funderBalance: bigint): () => PairOnDefaultNetwork {
  let state: PairOnDefaultNetwork | undefined;
  let snapshot: Hex | undefined;
  const saved = new Map<string, string | undefined>();

  before(async function () {
    const child = await hre.network.getOrCreate();
    snapshot = (await child.provider.request({ method: "evm_snapshot" })) as Hex;
    const pair = await startLocalOrbitPair(hre, { child });
    state = { pair, child };
    for (const name of VARS) saved.set(name, process.env[name]);
    process.env.DEFAULT_PARENT_RPC_URL = pair.parentRpc.url;
    process.env.DEFAULT_ROLLUP_ADDRESS = pair.addresses.rollup;
    process.env.DEFAULT_PARENT_PRIVATE_KEY = FUNDER_KEY;
    await child.provider.request({ method: "hardhat_setBalance", params: [FUNDER, numberToHex(funderBalance)] });
  });

  after(async function () {
    await state?.pair.stop();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (snapshot !== undefined && state !== undefined) await state.child.provider.request({ method: "evm_revert", params: [snapshot] });
  });

  return () => {
    if (state === undefined) throw new Error("usePairOnDefaultNetwork: the before hook has not run");
    return state;
  };
}
