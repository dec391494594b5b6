// Hardhat 3 configuration of the L{CORE} IoT workspace: plugins, the offline
// Solidity compiler, networks (in-process default, localhost, KC-Chain,
// Arbitrum Sepolia, a local nitro-devnode) and the project's tasks.
import { fileURLToPath } from "node:url";

import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { configVariable, defineConfig } from "hardhat/config";

import hardhatStylus from "./hardhat-stylus/src/index.js";

import { lcoreTasks } from "./tasks/index.js";

/** Remote accounts: a mnemonic when KCCHAIN_MNEMONIC-style variable is set in the environment, else one private key. */
function remoteAccounts(prefix: string) {
  if (process.env[`${prefix}_MNEMONIC`] !== undefined) {
    return { mnemonic: configVariable(`${prefix}_MNEMONIC`) };
  }
  return [configVariable(`${prefix}_PRIVATE_KEY`)];
}

export default defineConfig({
  tasks: lcoreTasks,
  plugins: [
    hardhatViem,
    hardhatMocha,
    hardhatKeystore,
    hardhatNetworkHelpers,
    hardhatIgnitionViem,
    hardhatStylus,
  ],
  solidity: {
    // Offline: use the solc npm package instead of downloading a compiler.
    version: "0.8.28",
    path: fileURLToPath(import.meta.resolve("solc/soljson.js")),
  },
  paths: {
    tests: { mocha: "test" },
  },
  test: {
    mocha: { timeout: 120_000 },
  },
  // Hardfork histories let EDR execute at historical blocks of forked chains:
  // 31337 is a served `hardhat node` (the forked-devnet suite's CI devnet);
  // Arbitrum chains execute Cancun-level EVM from genesis as far as EDR cares.
  chainDescriptors: {
    31337: { name: "Hardhat node", hardforkHistory: { osaka: { blockNumber: 0 } } },
    1205614515668104: { name: "KC-Chain devnet", hardforkHistory: { cancun: { blockNumber: 0 } } },
    421614: { name: "Arbitrum Sepolia", hardforkHistory: { cancun: { blockNumber: 0 } } },
    412346: { name: "Nitro dev node", hardforkHistory: { cancun: { blockNumber: 0 } } },
  },
  networks: {
    default: {
      type: "edr-simulated",
      chainType: "generic",
      allowUnlimitedContractSize: true,
    },
    localhost: {
      type: "http",
      chainType: "generic",
      url: "http://127.0.0.1:8545",
    },
    kcchain: {
      type: "http",
      chainType: "generic",
      chainId: 1205614515668104,
      url: configVariable("KCCHAIN_RPC_URL"),
      accounts: remoteAccounts("KCCHAIN"),
    },
    arbitrumSepolia: {
      type: "http",
      chainType: "generic",
      chainId: 421614,
      url: configVariable("ARBITRUM_SEPOLIA_RPC_URL"),
      accounts: remoteAccounts("ARBITRUM_SEPOLIA"),
    },
    nitro: {
      type: "http",
      chainType: "generic",
      chainId: 412346,
      url: process.env.NITRO_RPC_URL ?? "http://127.0.0.1:8547",
      accounts: remoteAccounts("NITRO"),
    },
  },
});
