// Type extensions of hardhat-stylus: `connection.stylus` and the `stylus` config entry.
import type { ArbOsOptions } from "./internal/arbos/registry.js";
import type { HardhatStylusHelpers, StylusUserConfig } from "./types.js";

import "hardhat/types/config";
import "hardhat/types/network";

declare module "hardhat/types/config" {
  interface HardhatUserConfig {
    stylus?: StylusUserConfig;
  }
  interface HardhatConfig {
    stylus: ArbOsOptions;
  }
}

declare module "hardhat/types/network" {
  interface NetworkConnection<ChainTypeT extends ChainType | string = DefaultChainType> {
    stylus: HardhatStylusHelpers;
  }
}
