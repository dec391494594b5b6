// Which explorer verifies the contract on which chain, and where its API
// is: KC-Chain uses Blockscout (its URL from KCCHAIN_EXPLORER_URL), Arbitrum
// One and Sepolia use the Etherscan v2 API (key from ETHERSCAN_API_KEY).
// --explorer and --api-url override both.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { readConfigVariable } from "../shared/config-variables.js";
import { taskError } from "../shared/errors.js";

export type ExplorerKind = "blockscout" | "etherscan";

export interface ExplorerTarget {
  readonly kind: ExplorerKind;
  readonly apiUrl: string;
  readonly apiKey: string;
}

interface ChainExplorer {
  readonly kind: ExplorerKind;
  /** Configuration variable holding the URL, or a fixed default. */
  readonly urlVariable?: string;
  readonly defaultUrl?: string;
  readonly keyVariable?: string;
}

export const CHAIN_EXPLORERS: Readonly<Record<number, ChainExplorer>> = {
  1205614515668104: { kind: "blockscout", urlVariable: "KCCHAIN_EXPLORER_URL" },
  421614: { kind: "etherscan", urlVariable: "ARBITRUM_SEPOLIA_EXPLORER_API_URL", defaultUrl: "https://api.etherscan.io/v2/api", keyVariable: "ETHERSCAN_API_KEY" },
  42161: { kind: "etherscan", urlVariable: "ARBITRUM_EXPLORER_API_URL", defaultUrl: "https://api.etherscan.io/v2/api", keyVariable: "ETHERSCAN_API_KEY" },
};

/** Resolves the explorer for `chainId`; undefined when none applies (local chains, --explorer none). */
export async function resolveExplorer(
  hre: HardhatRuntimeEnvironment,
  chainId: number,
  options: { explorer: string; apiUrl: string; apiKey: string },
): Promise<ExplorerTarget | undefined> {
  if (options.explorer === "none") return undefined;
  const known = CHAIN_EXPLORERS[chainId];
  const kind: ExplorerKind | undefined = options.explorer === "auto" ? known?.kind : (options.explorer as ExplorerKind);
  if (kind === undefined) return undefined;
  const sameKind = known?.kind === kind ? known : undefined;
  const url =
    options.apiUrl !== ""
      ? options.apiUrl
      : ((sameKind?.urlVariable === undefined ? undefined : await readConfigVariable(hre, sameKind.urlVariable)) ?? sameKind?.defaultUrl);
  if (url === undefined) {
    throw taskError(
      `no ${kind} API URL for chain ${chainId}: pass --api-url${sameKind?.urlVariable === undefined ? "" : ` or set ${sameKind.urlVariable} (npx hardhat keystore set ${sameKind.urlVariable})`}.`,
    );
  }
  try {
    new URL(url);
  } catch {
    throw taskError(`the explorer API URL "${url}" is not a URL; write it like https://explorer.example.org.`);
  }
  let apiKey = options.apiKey;
  if (kind === "etherscan" && apiKey === "") {
    const variable = sameKind?.keyVariable ?? "ETHERSCAN_API_KEY";
    apiKey = (await readConfigVariable(hre, variable)) ?? "";
    if (apiKey === "") throw taskError(`the Etherscan API needs a key: set ${variable} (npx hardhat keystore set ${variable}) or pass --api-key.`);
  }
  return { kind, apiUrl: url, apiKey };
}
