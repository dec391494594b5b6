// Config hook handlers of hardhat-stylus: checks the optional `stylus` entry
// of the user config and resolves it into the ArbOS options the network
// hooks hand to the precompiles (arbos/registry.ts).
import type { ConfigHooks } from "hardhat/types/hooks";

import { DEFAULT_ARBOS_OPTIONS } from "../arbos/registry.js";
import { DEFAULT_PARENT_CHAIN_PRICE_MODEL } from "../arbos/l1-pricing.js";

export default async (): Promise<Partial<ConfigHooks>> => ({
  async validateUserConfig(userConfig) {
    const stylus = userConfig.stylus;
    if (stylus === undefined) return [];
    const errors: Array<{ path: Array<string | number>; message: string }> = [];
    if (stylus.arbOsVersion !== undefined && (!Number.isInteger(stylus.arbOsVersion) || stylus.arbOsVersion < 1)) {
      errors.push({ path: ["stylus", "arbOsVersion"], message: "must be a positive integer ArbOS version, e.g. 40" });
    }
    if (stylus.parentBaseFee !== undefined && (typeof stylus.parentBaseFee !== "bigint" || stylus.parentBaseFee < 0n)) {
      errors.push({ path: ["stylus", "parentBaseFee"], message: "must be a non-negative bigint (wei per L1 gas unit)" });
    }
    const level = stylus.brotliCompressionLevel;
    if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 11)) {
      errors.push({ path: ["stylus", "brotliCompressionLevel"], message: "must be an integer from 0 to 11" });
    }
    if (stylus.chainOwner !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(stylus.chainOwner)) {
      errors.push({ path: ["stylus", "chainOwner"], message: "must be a 20-byte hex address" });
    }
    return errors;
  },
  async resolveUserConfig(userConfig, resolveConfigurationVariable, next) {
    const resolved = await next(userConfig, resolveConfigurationVariable);
    const stylus = userConfig.stylus ?? {};
    return {
      ...resolved,
      stylus: {
        arbOsVersion: stylus.arbOsVersion ?? DEFAULT_ARBOS_OPTIONS.arbOsVersion,
        parentChain: {
          ...DEFAULT_PARENT_CHAIN_PRICE_MODEL,
          ...(stylus.parentBaseFee === undefined ? {} : { pricePerUnit: stylus.parentBaseFee }),
          ...(stylus.brotliCompressionLevel === undefined ? {} : { brotliCompressionLevel: stylus.brotliCompressionLevel }),
        },
        ...(stylus.chainOwner === undefined ? {} : { chainOwner: stylus.chainOwner }),
      },
    };
  },
});
