// Definition of the `deploy` task: deploy + activate + initialise MVPIoTProcessor, recorded per chain.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const deployTask = task("deploy", "Deploy, activate and initialise the MVPIoTProcessor Stylus contract (idempotent; recorded per chain id)")
  .addOption({
    name: "runtime",
    description: "auto (Stylus when the chain has ArbWasm, else the Solidity twin on local chains), stylus or evm",
    type: ArgumentType.STRING,
    defaultValue: "auto",
  })
  .addOption({
    name: "build",
    description: "auto (rebuild when the artifacts are stale and cargo is available), always or never (use the committed artifacts)",
    type: ArgumentType.STRING,
    defaultValue: "auto",
  })
  .addOption({ name: "owner", description: "Contract owner (default: the deployer)", type: ArgumentType.STRING, defaultValue: "" })
  .addOption({
    name: "submitters",
    description: "Comma-separated accounts allowed to commit (default: the wallet set's IoT operators, when a wallet mnemonic is available)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addOption({
    name: "deployments",
    description: "Folder of the deployment records (default: deployments/, or .lcore/deployments for local chains)",
    type: ArgumentType.STRING,
    defaultValue: "",
  })
  .addFlag({ name: "redeploy", description: "Deploy a new instance even when the recorded one matches" })
  .setAction(() => import("./task-action.js"))
  .build();
