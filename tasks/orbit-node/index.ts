// Definition of the `orbit-node` task: serve a local Orbit parent/child pair.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const orbitNodeTask = task("orbit-node", "Serve a local Arbitrum Orbit pair on 127.0.0.1: a parent chain with the rollup's bridge contracts and a Stylus child chain that credits parent deposits")
  .addOption({ name: "parentPort", description: "Port of the parent chain's JSON-RPC", type: ArgumentType.INT, defaultValue: 8545 })
  .addOption({ name: "childPort", description: "Port of the child chain's JSON-RPC (8547 as a Nitro dev node)", type: ArgumentType.INT, defaultValue: 8547 })
  .addOption({ name: "childChainId", description: "Chain id of the child (412346 as a Nitro dev node, the `nitro` network)", type: ArgumentType.INT, defaultValue: 412346 })
  .addOption({ name: "parentChainId", description: "Chain id of the parent", type: ArgumentType.INT, defaultValue: 1337 })
  .setAction(() => import("./task-action.js"))
  .build();
