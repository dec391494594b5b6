// Where a Nitro dev node has its Stylus helper contracts (cargo-stylus 0.10's
// stylus-tools devnet module deploys them there through the CREATE2 factory),
// and the cache parameters the plugin starts CacheManager with.
import type { Address } from "viem";

/** StylusDeployer: deploy + activate + constructor call in one transaction (`cargo stylus deploy` with a constructor). */
export const STYLUS_DEPLOYER_ADDRESS: Address = "0xcEcba2F1DC234f70Dd89F2041029807F8D03A990";

/** CacheManager: the contract that ArbWasmCache lists and `cargo stylus cache` talks to. */
export const CACHE_MANAGER_ADDRESS: Address = "0x2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f";

/** CacheManager's starting state: room for 4 GiB of programs, no bid decay, bids open. */
export const CACHE_MANAGER_PARAMS = {
  cacheSize: 4n * 1024n * 1024n * 1024n,
  decay: 0n,
} as const;
