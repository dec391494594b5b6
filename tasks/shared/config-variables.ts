// Reads an optional Hardhat configuration variable from a task: the
// environment first, then the configuration-variable hooks (the keystore).
// Returns undefined when nobody has a value, so tasks can fall back to a
// documented default instead of failing.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { configVariable } from "hardhat/config";

export async function readConfigVariable(hre: HardhatRuntimeEnvironment, name: string): Promise<string | undefined> {
  const fromEnv = process.env[name];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  const missing = Symbol("missing");
  try {
    const value = await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(name)],
      async () => {
        throw missing;
      },
    );
    return value === "" ? undefined : value;
  } catch (error) {
    if (error === missing) return undefined;
    // A keystore that cannot be opened (no password in a non-interactive run) counts as "not set".
    return undefined;
  }
}
