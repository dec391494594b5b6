// The Solidity twin against the shared behaviour suite (the EVM baseline of the benchmarks).
import { network } from "hardhat";

import { describeProcessorBehaviour } from "./processor-behaviour.js";

describeProcessorBehaviour(
  "MVPIoTProcessorEvm (Solidity twin)",
  async (connection) => (await connection.viem.deployContract("MVPIoTProcessorEvm")).address,
  () => network.create(),
);
