// The IoT backend that goes through the embedded node (node/src): devices
// register and readings are submitted over its REST API; the node encrypts,
// stores and commits through its outbox. Filled in against the node's API.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { CreateIotBackendParameters } from "./iot-backend-factory.js";
import type { IotBackend } from "./iot-backend.js";

import { DirectIotBackend } from "./iot-direct-backend.js";

export const NodeIotBackend = {
  async start(_hre: HardhatRuntimeEnvironment, p: CreateIotBackendParameters): Promise<IotBackend> {
    return new DirectIotBackend(p);
  },
};
