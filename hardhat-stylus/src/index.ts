// hardhat-stylus: runs Arbitrum Stylus programs inside Hardhat's in-process
// network (EDR) and `hardhat node`, through the ordinary JSON-RPC surface.
// This file only describes the plugin; the logic loads lazily.
import type { HardhatPlugin } from "hardhat/types/plugins";

import { definePlugin } from "hardhat/plugins";

import "./type-extensions.js";

export type * from "./type-extensions.js";
export type * from "./types.js";

const hardhatStylusPlugin: HardhatPlugin = definePlugin({
  id: "hardhat-stylus",
  hookHandlers: {
    config: () => import("./internal/hook-handlers/config.js"),
    network: () => import("./internal/hook-handlers/network.js"),
  },
  npmPackage: null,
});

export default hardhatStylusPlugin;
