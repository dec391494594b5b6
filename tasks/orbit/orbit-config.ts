// Configuration of a child chain's parent side, read through Hardhat
// configuration variables named after the child network (KCCHAIN_... for
// `--network kcchain`): the rollup address on the parent chain, the parent
// chain's RPC URL and the key that pays on the parent chain. A missing one is
// a one-line error that names the command that sets it.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex } from "viem";

import { isAddress } from "viem";

import { configPrefix } from "../shared/chain-context.js";
import { readConfigVariable } from "../shared/config-variables.js";
import { taskError } from "../shared/errors.js";

export interface OrbitConfigNames {
  rollup: string;
  parentRpcUrl: string;
  parentPrivateKey: string;
}

/** KCCHAIN_ROLLUP_ADDRESS, KCCHAIN_PARENT_RPC_URL, KCCHAIN_PARENT_PRIVATE_KEY for `kcchain`. */
export function orbitConfigNames(networkName: string): OrbitConfigNames {
  const prefix = configPrefix(networkName);
  return {
    rollup: `${prefix}_ROLLUP_ADDRESS`,
    parentRpcUrl: `${prefix}_PARENT_RPC_URL`,
    parentPrivateKey: `${prefix}_PARENT_PRIVATE_KEY`,
  };
}

export interface OrbitConfig {
  readonly names: OrbitConfigNames;
  /** Undefined for chains the SDK knows (Arbitrum One, Nova, Sepolia). */
  readonly rollupAddress: Address | undefined;
  readonly parentRpcUrl: string;
  /** Undefined unless `needKey` was set and the key is configured. */
  readonly parentPrivateKey: Hex | undefined;
}

export function missingVariable(name: string): Error {
  return taskError(`configuration variable ${name} is not set: run \`npx hardhat keystore set ${name}\` or export ${name}=... in the environment.`);
}

/** Reads the parent-side variables of `networkName`; `needRollup`/`needKey` make those required. */
export async function readOrbitConfig(
  hre: HardhatRuntimeEnvironment,
  networkName: string,
  options: { needRollup: boolean; needKey: boolean },
): Promise<OrbitConfig> {
  const names = orbitConfigNames(networkName);
  const parentRpcUrl = await readConfigVariable(hre, names.parentRpcUrl);
  if (parentRpcUrl === undefined) throw missingVariable(names.parentRpcUrl);
  const rollup = await readConfigVariable(hre, names.rollup);
  if (rollup === undefined && options.needRollup) throw missingVariable(names.rollup);
  if (rollup !== undefined && !isAddress(rollup.trim(), { strict: false })) {
    throw taskError(`${names.rollup} "${rollup}" is not an address; set it to the chain's rollup contract on the parent chain (0x + 40 hex digits).`);
  }
  const key = await readConfigVariable(hre, names.parentPrivateKey);
  if (key === undefined && options.needKey) throw missingVariable(names.parentPrivateKey);
  if (key !== undefined && !/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) {
    throw taskError(`${names.parentPrivateKey} is not a 32-byte hex private key; set it again with \`npx hardhat keystore set ${names.parentPrivateKey}\`.`);
  }
  return {
    names,
    rollupAddress: rollup === undefined ? undefined : (rollup.trim() as Address),
    parentRpcUrl: parentRpcUrl.trim(),
    parentPrivateKey: key === undefined ? undefined : ((key.trim().startsWith("0x") ? key.trim() : `0x${key.trim()}`) as Hex),
  };
}
