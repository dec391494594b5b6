// Unit tests of the reversible rewrites: the effects applier's calldata keeps
// the original input, and the placeholder deployment maps back to the
// Stylus init code; the activation record packs and unpacks losslessly.
import { expect } from "chai";
import { bytesToHex, toBytes } from "viem";

import { decodeActivationRecord, encodeActivationRecord } from "../../../hardhat-stylus/src/internal/activation/activation-store.js";
import { restoreStylusInitCode, rewriteStylusDeployment } from "../../../hardhat-stylus/src/internal/chain/deployment-rewrite.js";
import { decodeOriginalInput, encodeEffects } from "../../../hardhat-stylus/src/internal/chain/effects-applier.js";
import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";

describe("hardhat-stylus rewrites", function () {
  it("keeps the original input after every kind of effect", function () {
    const original = toBytes("0xa9059cbb00000000000000000000000000000000000000000000000000000000000000ff");
    const data = encodeEffects(
      [
        { kind: "sstore", slot: toBytes(1, { size: 32 }), value: toBytes(2, { size: 32 }) },
        { kind: "log", topics: [toBytes(3, { size: 32 })], data: toBytes("0x010203") },
        { kind: "transfer", to: toBytes("0x00000000000000000000000000000000000000aa"), value: 5n },
        { kind: "burn", minGasLeft: 1000n },
        { kind: "revert", data: toBytes("0xdeadbeef") },
      ],
      original,
    );
    expect(bytesToHex(decodeOriginalInput(data)!)).to.equal(bytesToHex(original));
    expect(decodeOriginalInput(original)).to.equal(undefined);
    expect(bytesToHex(decodeOriginalInput(encodeEffects([{ kind: "invalid" }], original))!)).to.equal(bytesToHex(original));
  });

  it("rewrites Stylus init code into a same-length placeholder and back, constructor bytes included", function () {
    const wasm = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const init = new Uint8Array([...buildStylusInitCode(compressStylusProgram(wasm)), 0xaa, 0xbb]);
    const deployment = rewriteStylusDeployment(init)!;
    expect(deployment.placeholderInitCode.length).to.equal(init.length + 5);
    expect(bytesToHex(restoreStylusInitCode(deployment.placeholderInitCode)!)).to.equal(bytesToHex(init));
    expect(rewriteStylusDeployment(toBytes("0x6080604052"))).to.equal(undefined);
  });

  it("packs activation records losslessly", function () {
    const record = { version: 2, activatedAt: 1_790_000_000n, asmSize: 123_456, footprint: 3, initGas: 9_999 };
    expect(decodeActivationRecord(encodeActivationRecord(record))).to.deep.equal(record);
  });
});
