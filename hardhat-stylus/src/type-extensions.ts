// Type extensions of hardhat-stylus: `connection.stylus`.
import type { HardhatStylusHelpers } from "./types.js";

import "hardhat/types/network";

declare module "hardhat/types/network" {
  interface NetworkConnection<ChainTypeT extends ChainType | string = DefaultChainType> {
    stylus: HardhatStylusHelpers;
  }
}
