// Runtime bytecode of Nitro's Solidity contracts, read from the compiled
// artifacts of @arbitrum/nitro-contracts (an optional peer dependency: the
// plugin installs the predeploys only when the package is there, and says
// so under HARDHAT_STYLUS_DEBUG otherwise).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { Hex } from "viem";

const ARTIFACTS = {
  StylusDeployer: "@arbitrum/nitro-contracts/build/contracts/src/stylus/StylusDeployer.sol/StylusDeployer.json",
  CacheManager: "@arbitrum/nitro-contracts/build/contracts/src/chain/CacheManager.sol/CacheManager.json",
} as const;

export type NitroContractName = keyof typeof ARTIFACTS;

const cache = new Map<NitroContractName, Hex | null>();

/** The contract's deployed bytecode, or null when @arbitrum/nitro-contracts is not installed. */
export function nitroDeployedBytecode(name: NitroContractName): Hex | null {
  const known = cache.get(name);
  if (known !== undefined) return known;
  let code: Hex | null = null;
  try {
    const path = createRequire(import.meta.url).resolve(ARTIFACTS[name]);
    const artifact = JSON.parse(readFileSync(path, "utf8")) as { deployedBytecode?: string };
    if (typeof artifact.deployedBytecode === "string" && /^0x[0-9a-fA-F]+$/.test(artifact.deployedBytecode)) {
      code = artifact.deployedBytecode as Hex;
    }
  } catch {
    code = null;
  }
  cache.set(name, code);
  return code;
}
