// The Stylus contract MVPIoTProcessor (committed WASM artifact), executed by
// the hardhat-stylus runtime in the in-process network, against the same
// behaviour suite as its Solidity twin.
import { existsSync } from "node:fs";

import { network } from "hardhat";

import { loadMvpIoTProcessorArtifact } from "../../contracts-stylus/artifacts/index.js";
import { describeProcessorBehaviour } from "./processor-behaviour.js";

const artifactBuilt = existsSync(new URL("../../contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex", import.meta.url));

if (artifactBuilt) {
  describeProcessorBehaviour(
    "MVPIoTProcessor (Stylus, hardhat-stylus runtime)",
    async (connection) => (await connection.stylus.deploy({ deployedCode: loadMvpIoTProcessorArtifact().deployedCode })).address,
    () => network.create(),
  );
} else {
  describe("MVPIoTProcessor (Stylus, hardhat-stylus runtime): IMVPIoTProcessor behaviour", () => {
    it("needs the committed artifact contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex (build: node --import tsx scripts/build-contract.ts)");
  });
}
