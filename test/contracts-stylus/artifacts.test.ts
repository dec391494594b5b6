// The committed build of the Stylus contract (contracts-stylus/artifacts/):
// its files agree with each other, the WASM passes Nitro's rules, the ABI is
// the agreed interface with the predecessor's selectors, and the build's gate
// rejects a broken program. Rebuilding and comparing is `build-contract.ts --check` (CI).
import { readFileSync } from "node:fs";

import { expect } from "chai";
import { type Abi, type AbiFunction, hexToBytes, toEventSelector, toFunctionSelector, toHex } from "viem";

import { loadMvpIoTProcessorArtifact } from "../../contracts-stylus/artifacts/index.js";
import { decompressStylusCode } from "../../hardhat-stylus/src/internal/wasm/program-format.js";
import { checkStylusProgram, ContractBuildError } from "../../scripts/build-contract.js";
import { compileAbi } from "../../scripts/contract-solc.js";
import { wat } from "../helpers/wat.js";
import { listSections, PROJECT_HASH_SECTION, readCustomSection } from "../../scripts/contract-wasm.js";

const interfaceFile = new URL("../../docs/contract-interface.sol", import.meta.url);

/** Selectors/topics of a JSON ABI, by kind, e.g. `function submitResult(bytes32,uint8[],bytes32)`. */
function signatures(abi: Abi): string[] {
  return abi
    .flatMap((item) => {
      if (item.type === "function") return [`function ${toFunctionSelector(item)}`];
      if (item.type === "event") return [`event ${toEventSelector(item)}`];
      if (item.type === "error") return [`error ${toFunctionSelector(`function ${item.name}(${item.inputs.map((i) => i.type).join(",")})`)}`];
      return [];
    })
    .sort();
}


/** Inserts raw section bytes right after the export section (id 7), where a start section belongs. */
function insertAfterExportSection(wasm: Uint8Array, section: number[]): Uint8Array {
  const exportSection = listSections(wasm).find((s) => s.id === 7);
  if (exportSection === undefined) throw new Error("the contract WASM has no export section");
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm.subarray(0, exportSection.end), 0);
  out.set(section, exportSection.end);
  out.set(wasm.subarray(exportSection.end), exportSection.end + section.length);
  return out;
}

function expectRejected(wasm: Uint8Array, reason: string): void {
  try {
    checkStylusProgram(wasm);
  } catch (error) {
    expect(error).to.be.instanceOf(ContractBuildError);
    expect((error as ContractBuildError).shortMessage).to.contain(`(${reason})`);
    return;
  }
  expect.fail(`a WASM with a ${reason} problem passed the build's check`);
}

describe("contracts-stylus artifacts (committed build of MVPIoTProcessor)", () => {
  const artifact = loadMvpIoTProcessorArtifact();

  it("decompresses the deployed code to the committed WASM", () => {
    const code = hexToBytes(artifact.deployedCode);
    expect(toHex(code.subarray(0, 4))).to.equal("0xeff00000");
    expect(toHex(decompressStylusCode(code))).to.equal(toHex(artifact.wasm));
  });

  it("records the sizes and hashes build-info.json claims", () => {
    const code = hexToBytes(artifact.deployedCode);
    expect(artifact.info.deployedCodeSize).to.equal(code.length);
    expect(artifact.info.compressedSize).to.equal(code.length - 4);
    expect(artifact.info.wasmSize).to.equal(artifact.wasm.length);
    expect(artifact.codeHash).to.equal(artifact.info.codeHash);
    expect(artifact.info.deployedCodeSize).to.be.below(24_576);
  });

  it("carries the project_hash section and no other custom section", () => {
    const custom = listSections(artifact.wasm).filter((s) => s.id === 0);
    expect(custom.map((s) => s.name)).to.deep.equal([PROJECT_HASH_SECTION]);
    const hash = readCustomSection(artifact.wasm, PROJECT_HASH_SECTION);
    expect(hash && toHex(hash)).to.equal(artifact.info.projectHash);
  });

  it("passes Nitro's activation rules", () => {
    const { program } = checkStylusProgram(artifact.wasm);
    expect(program.imports.every((i) => i.module === "vm_hooks")).to.equal(true);
    expect(program.exports.map((e) => e.name)).to.include.members(["memory", "user_entrypoint"]);
  });

  it("keeps the predecessor's selectors and return shape", () => {
    const functions = artifact.abi.filter((i): i is AbiFunction & (typeof artifact.abi)[number] => i.type === "function");
    const selectors = functions.map((f) => toFunctionSelector(f as AbiFunction));
    expect(selectors).to.include("0x9b296b71"); // submitResult(bytes32,uint8[],bytes32)
    expect(selectors).to.include("0xadd4c784"); // getResult(bytes32)
    const getResult = functions.find((f) => f.name === "getResult");
    expect(getResult?.outputs.map((o) => o.type)).to.deep.equal(["uint8[]", "bytes32", "uint256", "address"]);
  });

  it("exposes exactly the functions, events and errors of docs/contract-interface.sol", function () {
    this.timeout(60_000);
    const agreed = compileAbi(readFileSync(interfaceFile, "utf8"), "IMVPIoTProcessor") as unknown as Abi;
    expect(signatures(artifact.abi as Abi)).to.deep.equal(signatures(agreed));
    const committedJson = JSON.parse(
      readFileSync(new URL("../../contracts-stylus/artifacts/MVPIoTProcessor.abi.json", import.meta.url), "utf8"),
    ) as Abi;
    expect(committedJson).to.deep.equal(artifact.abi);
  });

  describe("the build's check rejects a broken program", () => {
    it("with a start function", () => {
      // Start section (id 8) naming function 0.
      expectRejected(insertAfterExportSection(artifact.wasm, [0x08, 0x01, 0x00]), "start-function");
    });

    it("with an import from a module other than vm_hooks", () => {
      const broken = artifact.wasm.slice();
      const at = Buffer.from(broken).indexOf("vm_hooks");
      expect(at).to.be.greaterThan(0);
      broken.set(new TextEncoder().encode("env_hook"), at);
      expectRejected(broken, "forbidden-import");
    });

    it("with a SIMD instruction", async () => {
      const simd = await wat(`(module
        (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
        (memory (export "memory") 1 1)
        (func (export "user_entrypoint") (param i32) (result i32)
          v128.const i32x4 0 0 0 0
          drop
          i32.const 0))`, { simd: true });
      expectRejected(simd, "simd");
    });
  });
});
