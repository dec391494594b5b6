// The `stylus` config entry: the ArbOS version and the parent price model it
// sets are what the precompiles answer over RPC, and bad values are refused
// when the config loads.
import { expect } from "chai";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import { parseAbi } from "viem";

import hardhatViem from "@nomicfoundation/hardhat-viem";

import hardhatStylus from "../../../hardhat-stylus/src/index.js";

const abi = parseAbi([
  "function arbOSVersion() view returns (uint256)",
  "function getL1BaseFeeEstimate() view returns (uint256)",
  "function getMaxStylusContractFragments() view returns (uint8)",
]);

describe("hardhat-stylus config: stylus.arbOsVersion and the parent price model", function () {
  it("answers with the configured ArbOS version and parent base fee", async function () {
    const hre = await createHardhatRuntimeEnvironment({
      plugins: [hardhatViem, hardhatStylus],
      stylus: { arbOsVersion: 60, parentBaseFee: 2_000_000_000n },
    });
    const connection = await hre.network.create();
    try {
      const client = await connection.viem.getPublicClient();
      expect(await client.readContract({ address: "0x0000000000000000000000000000000000000064", abi, functionName: "arbOSVersion" })).to.equal(115n);
      expect(await client.readContract({ address: "0x000000000000000000000000000000000000006C", abi, functionName: "getL1BaseFeeEstimate" })).to.equal(2_000_000_000n);
      expect(await client.readContract({ address: "0x000000000000000000000000000000000000006b", abi, functionName: "getMaxStylusContractFragments" })).to.equal(2);
    } finally {
      await connection.close();
    }
  });

  it("refuses a bad ArbOS version and compression level when the config loads", async function () {
    let message = "";
    try {
      await createHardhatRuntimeEnvironment({ plugins: [hardhatStylus], stylus: { arbOsVersion: 0, brotliCompressionLevel: 12 } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/stylus\.arbOsVersion/);
    expect(message).to.match(/stylus\.brotliCompressionLevel/);
  });
});
