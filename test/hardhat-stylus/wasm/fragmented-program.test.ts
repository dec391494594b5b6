// Tests of the fragmented program format (ArbOS 60): fragments and root as
// cargo-stylus builds them, and Nitro's reassembly rules and error cases.
import { expect } from "chai";
import { getAddress, type Address } from "viem";

import {
  assembleRootWasm,
  buildStylusFragments,
  buildStylusRoot,
  isDeployableStylusComponent,
  isDeployableStylusProgram,
  parseStylusRoot,
} from "../../../hardhat-stylus/src/internal/wasm/fragmented-program.js";
import { compressStylusProgram, MAX_CODE_SIZE } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { watToWasm } from "../helpers/wat.js";

/** A valid WASM with `size` bytes of incompressible data (xorshift noise). */
async function bigWasm(size: number): Promise<Uint8Array> {
  let x = 0x2545f491;
  let data = "";
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data += "\\" + ((x >>> 0) & 0xff).toString(16).padStart(2, "0");
  }
  return watToWasm(`(module (memory 1) (data (i32.const 0) "${data}"))`);
}

function chainOf(codes: Uint8Array[]): { addresses: Address[]; read: (a: Address) => Uint8Array } {
  const addresses = codes.map((_, i) => getAddress(`0x${(0x1000 + i).toString(16).padStart(40, "0")}`));
  const state = new Map(addresses.map((a, i) => [a.toLowerCase(), codes[i] ?? new Uint8Array()]));
  return { addresses, read: (a) => state.get(a.toLowerCase()) ?? new Uint8Array() };
}

describe("hardhat-stylus fragmented program format", function () {
  this.timeout(60_000);
  let wasm: Uint8Array;
  before(async () => {
    wasm = await bigWasm(30_000);
  });

  it("needs fragments: the classic code is over 24 KB, the fragments are not", () => {
    expect(compressStylusProgram(wasm).length).to.be.greaterThan(MAX_CODE_SIZE);
    const fragments = buildStylusFragments(wasm);
    expect(fragments).to.have.length(2);
    for (const f of fragments) {
      expect(f.length).to.be.at.most(MAX_CODE_SIZE);
      expect(Array.from(f.subarray(0, 3))).to.deep.equal([0xef, 0xf0, 0x01]);
    }
    expect(fragments[0]?.length).to.equal(MAX_CODE_SIZE);
  });

  it("root layout: EF F0 02, dictionary, u32 BE length, addresses; parses back", () => {
    const { addresses } = chainOf([new Uint8Array(4), new Uint8Array(4)]);
    const root = buildStylusRoot(wasm.length, addresses);
    expect(root.length).to.equal(8 + 40);
    expect(Array.from(root.subarray(0, 4))).to.deep.equal([0xef, 0xf0, 0x02, 0x00]);
    expect(new DataView(root.buffer).getUint32(4)).to.equal(wasm.length);
    const parsed = parseStylusRoot(root);
    expect(parsed.decompressedLength).to.equal(wasm.length);
    expect(parsed.fragments.map((a) => a.toLowerCase())).to.deep.equal(addresses.map((a) => a.toLowerCase()));
  });

  it("reassembles the WASM from the fragments' code", () => {
    const fragments = buildStylusFragments(wasm);
    const { addresses, read } = chainOf(fragments);
    const out = assembleRootWasm(buildStylusRoot(wasm.length, addresses), read, {});
    expect(Buffer.from(out).equals(Buffer.from(wasm))).to.equal(true);
  });

  it("rejects more fragments than the limit at activation (but not when loading for a call)", () => {
    const fragments = buildStylusFragments(wasm, 10_000);
    expect(fragments.length).to.be.greaterThan(2);
    const { addresses, read } = chainOf(fragments);
    const root = buildStylusRoot(wasm.length, addresses);
    expect(() => assembleRootWasm(root, read, { maxFragments: 2 })).to.throw(/fragment count exceeds limit of 2/);
    expect(assembleRootWasm(root, read).length).to.equal(wasm.length);
  });

  it("rejects a root pointing at code that is not a fragment", () => {
    const fragments = buildStylusFragments(wasm);
    const classic = compressStylusProgram(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    const { addresses, read } = chainOf([fragments[0] ?? new Uint8Array(), classic]);
    expect(() => assembleRootWasm(buildStylusRoot(wasm.length, addresses), read, {})).to.throw(
      /not a Stylus program fragment/,
    );
    const empty = chainOf([fragments[0] ?? new Uint8Array()]);
    const root = buildStylusRoot(wasm.length, [...empty.addresses, getAddress("0x" + "ab".repeat(20))]);
    expect(() => assembleRootWasm(root, empty.read, {})).to.throw(/not a Stylus program fragment/);
  });

  it("rejects malformed roots, zero fragments, wrong lengths and oversize programs", () => {
    const fragments = buildStylusFragments(wasm);
    const { addresses, read } = chainOf(fragments);
    expect(() => parseStylusRoot(Uint8Array.from([0xef, 0xf0, 0x02, 0, 0]))).to.throw(/too short/);
    expect(() => parseStylusRoot(Uint8Array.from([0xef, 0xf0, 0x02, 0, 0, 0, 0, 1, 7]))).to.throw(/multiple of 20/);
    expect(() => assembleRootWasm(buildStylusRoot(wasm.length, []), read, {})).to.throw(/cannot be zero/);
    expect(() => assembleRootWasm(buildStylusRoot(wasm.length - 1, addresses), read, {})).to.throw();
    expect(() => assembleRootWasm(buildStylusRoot(wasm.length + 1, addresses), read, {})).to.throw(
      /does not match expected length/,
    );
    expect(() => assembleRootWasm(buildStylusRoot(200_000, addresses), read, {})).to.throw(/greater then MaxWasmSize/);
    expect(() => assembleRootWasm(buildStylusRoot(wasm.length, [...addresses].reverse()), read, {})).to.throw();
  });

  it("accepts roots and fragments as deployable only from ArbOS 60", () => {
    const fragment = buildStylusFragments(wasm)[0] ?? new Uint8Array();
    const root = buildStylusRoot(wasm.length, chainOf([fragment]).addresses);
    const classic = compressStylusProgram(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    for (const v of [40, 59]) {
      expect(isDeployableStylusComponent(fragment, v)).to.equal(false);
      expect(isDeployableStylusComponent(root, v)).to.equal(false);
      expect(isDeployableStylusComponent(classic, v)).to.equal(true);
    }
    expect(isDeployableStylusComponent(fragment, 60)).to.equal(true);
    expect(isDeployableStylusComponent(root, 60)).to.equal(true);
    expect(isDeployableStylusProgram(fragment, 60)).to.equal(false);
    expect(isDeployableStylusProgram(root, 60)).to.equal(true);
    expect(isDeployableStylusComponent(Uint8Array.from([0xef, 0xf0, 0x01]), 60)).to.equal(false);
  });
});
