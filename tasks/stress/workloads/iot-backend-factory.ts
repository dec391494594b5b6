// Chooses the IoT backend of a stress run: the embedded node when it is
// available (node/src/index.ts), else the in-process direct path.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { existsSync } from "node:fs";
import { join } from "node:path";

import type { IotBackend } from "./iot-backend.js";

import { taskError } from "../../shared/errors.js";
import type { Printer } from "../../shared/format.js";
import { DirectIotBackend, type DirectBackendParameters } from "./iot-direct-backend.js";

/** The direct backend's parameters (the node backend takes the same), plus the choice between them. */
export interface CreateIotBackendParameters extends DirectBackendParameters {
  readonly choice: "auto" | "node" | "direct";
  readonly print: Printer;
}

export async function createIotBackend(hre: HardhatRuntimeEnvironment, p: CreateIotBackendParameters): Promise<IotBackend> {
  const nodeEntry = join(hre.config.paths.root, "node", "src", "index.ts");
  const nodeAvailable = existsSync(nodeEntry);
  if (p.choice === "node" && !nodeAvailable) throw taskError("--backend node needs the embedded node (node/src/index.ts), which is not in this checkout; use --backend direct.");
  if (p.choice !== "direct" && nodeAvailable) {
    const { NodeIotBackend } = await import("./iot-node-backend.js");
    return await NodeIotBackend.start(hre, p);
  }
  if (p.choice === "auto") p.print("note: the embedded node is not available; IoT readings are encrypted and committed in-process (--backend direct)");
  return new DirectIotBackend(p);
}
