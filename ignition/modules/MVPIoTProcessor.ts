// Ignition module: deploys the MVPIoTProcessor Stylus program the Ignition
// way, step for step like `npx hardhat deploy`: a CREATE with the Stylus init
// code (the committed artifact contracts-stylus/artifacts/), activation
// through the ArbWasm precompile with a fixed value (Nitro refunds what the
// data fee does not use), initialize(owner) and setSubmitter(submitter).
//
//   npx hardhat ignition deploy ignition/modules/MVPIoTProcessor.ts --network kcchain \
//     --parameters '{"MVPIoTProcessor":{"submitter":"0x...","activationValue":"10000000000000000"}}'
//
// Activation is keyed by code hash: when this exact code is already active on
// the chain (deployed before), activateProgram reverts ProgramUpToDate; use
// MVPIoTProcessorWithoutActivationModule (exported below) then, or the
// `deploy` task, which checks codehashVersion first and estimates the fee.
import type { Artifact, Future } from "@nomicfoundation/ignition-core";
import type { Abi, Hex } from "viem";

import { readFileSync } from "node:fs";

import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { hexToBytes, parseAbi, parseEther, toHex } from "viem";

import { mvpIoTProcessorAbi } from "../../contracts-stylus/artifacts/abi.js";
import { buildStylusInitCode } from "../../hardhat-stylus/src/internal/wasm/program-format.js";

export const ARBWASM_ADDRESS = "0x0000000000000000000000000000000000000071";

const arbWasmAbi = parseAbi(["function activateProgram(address program) payable returns (uint16 version, uint256 dataFee)"]);

/** The committed Stylus code as an Ignition artifact whose creation bytecode is the Stylus init code. */
export function stylusProcessorArtifact(): Artifact<Abi> {
  const file = new URL("../../contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex", import.meta.url);
  let code: Hex;
  try {
    code = readFileSync(file, "utf8").trim() as Hex;
  } catch {
    throw new Error("contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex is missing: build it with `node --import tsx scripts/build-contract.ts`.");
  }
  return {
    _format: "hh3-artifact-1",
    contractName: "MVPIoTProcessor",
    sourceName: "contracts-stylus/src/lib.rs",
    abi: mvpIoTProcessorAbi as unknown as Abi,
    bytecode: toHex(buildStylusInitCode(hexToBytes(code))),
    deployedBytecode: code,
    linkReferences: {},
    deployedLinkReferences: {},
  };
}

const arbWasmArtifact: Artifact<typeof arbWasmAbi> = {
  _format: "hh3-artifact-1",
  contractName: "ArbWasm",
  sourceName: "precompiles/ArbWasm.sol",
  abi: arbWasmAbi,
  bytecode: "0x",
  deployedBytecode: "0x",
  linkReferences: {},
  deployedLinkReferences: {},
};

function build(id: string, activate: boolean) {
  return buildModule(id, (m) => {
    const owner = m.getParameter("owner", m.getAccount(0));
    const submitter = m.getParameter("submitter", m.getAccount(0));
    const processor = m.contract("MVPIoTProcessor", stylusProcessorArtifact(), []);
    let initAfter: Future[] = [];
    if (activate) {
      const arbWasm = m.contractAt("ArbWasm", arbWasmArtifact, ARBWASM_ADDRESS);
      const activation = m.call(arbWasm, "activateProgram", [processor], {
        id: "activateProgram",
        value: m.getParameter("activationValue", parseEther("0.01")),
      });
      initAfter = [activation];
    }
    const initialize = m.call(processor, "initialize", [owner], { after: initAfter });
    m.call(processor, "setSubmitter", [submitter, true], { after: [initialize] });
    return { processor };
  });
}

/** Deploy + activate + initialise (the default module). */
const MVPIoTProcessorModule = build("MVPIoTProcessor", true);

/** Deploy + initialise when the same code hash is already active on the chain. */
export const MVPIoTProcessorWithoutActivationModule = build("MVPIoTProcessorReuseActivation", false);

export default MVPIoTProcessorModule;
