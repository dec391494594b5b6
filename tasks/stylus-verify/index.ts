// Definition of the `stylus-verify` task (named so it never clashes with
// @nomicfoundation/hardhat-verify's `verify`).
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const stylusVerifyTask = task(
  "stylus-verify",
  "Check the deployed MVPIoTProcessor is the code built from this source (decompress + compare), then verify it on Blockscout or an Etherscan-style explorer",
)
  .addOption({ name: "address", description: "Contract address (default: the recorded deployment of this chain)", defaultValue: "" })
  .addOption({ name: "deployments", description: "Folder of the deployment records (default: deployments/, or .lcore/deployments on local chains)", defaultValue: "" })
  .addOption({ name: "explorer", description: "auto (by chain: Blockscout for kcchain, Etherscan v2 for Arbitrum), blockscout, etherscan or none (local check only)", defaultValue: "auto" })
  .addOption({ name: "apiUrl", description: "Explorer API base URL (overrides the chain's default / configuration variable)", defaultValue: "" })
  .addOption({ name: "apiKey", description: "Etherscan API key (prefer the ETHERSCAN_API_KEY configuration variable)", defaultValue: "" })
  .addOption({ name: "repository", description: "Public Git repository of this source (default: git remote origin)", defaultValue: "" })
  .addOption({ name: "commit", description: "Commit the deployment was built from (default: git HEAD)", defaultValue: "" })
  .addOption({ name: "pathPrefix", description: "Folder of the Stylus crate inside the repository", defaultValue: "contracts-stylus" })
  .addOption({ name: "contractName", description: "Contract (crate) name for Etherscan-style explorers", defaultValue: "" })
  .addOption({ name: "cargoStylusVersion", description: "cargo-stylus version the explorer builds with (default: from build-info.json)", defaultValue: "" })
  .addOption({ name: "license", description: "License: Blockscout name (mit) or Etherscan number (3 = MIT)", defaultValue: "mit" })
  .addOption({ name: "timeout", description: "Seconds to wait for the explorer's result", type: ArgumentType.INT, defaultValue: 300 })
  .addOption({ name: "pollInterval", description: "Milliseconds between status polls", type: ArgumentType.INT, defaultValue: 5000 })
  .addFlag({ name: "skipSource", description: "Do not ask the contract build whether the artifact matches the Rust source" })
  .addFlag({ name: "skipLocal", description: "Skip the local deployed-code check" })
  .setAction(() => import("./task-action.js"))
  .build();
