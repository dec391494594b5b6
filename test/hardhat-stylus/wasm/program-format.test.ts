// Tests of the Stylus code format: compression round trip and init code parsing.
import { expect } from "chai";

import {
  buildStylusInitCode,
  compressStylusProgram,
  decompressStylusCode,
  isStylusCode,
  parseStylusInitCode,
} from "../../../hardhat-stylus/src/internal/wasm/program-format.js";

const wasm = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

describe("hardhat-stylus program format", () => {
  it("compresses to EF F0 00 00 + brotli and decompresses back", () => {
    const code = compressStylusProgram(wasm);
    expect(Array.from(code.subarray(0, 4))).to.deep.equal([0xef, 0xf0, 0x00, 0x00]);
    expect(isStylusCode(code)).to.equal(true);
    expect(Array.from(decompressStylusCode(code))).to.deep.equal(Array.from(wasm));
  });

  it("builds the init code cargo-stylus sends and parses it back", () => {
    const code = compressStylusProgram(wasm);
    const init = buildStylusInitCode(code);
    expect(Buffer.from(init.subarray(0, 43)).toString("hex")).to.equal(
      "7f" + code.length.toString(16).padStart(64, "0") + "80602b6000396000f300",
    );
    expect(Array.from(parseStylusInitCode(init) ?? [])).to.deep.equal(Array.from(code));
  });

  it("does not mistake ordinary init code or other bytes for Stylus", () => {
    expect(parseStylusInitCode(Uint8Array.from([0x60, 0x00, 0x60, 0x00, 0xf3]))).to.equal(undefined);
    expect(isStylusCode(Uint8Array.from([0xef, 0x00, 0x01, 0x00]))).to.equal(false);
    expect(() => compressStylusProgram(Uint8Array.from([1, 2, 3]))).to.throw(/not a WASM binary/);
    expect(() => decompressStylusCode(Uint8Array.from([0x60, 0x00]))).to.throw(/not Stylus code/);
  });
});
