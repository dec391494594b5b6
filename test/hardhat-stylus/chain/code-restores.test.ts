// Deferred code restores (chain/code-restores.ts): which requests may reach
// EDR while an applier is still in place, and which put every program back
// first. The plugin-level behaviour (EDR never runs a stale applier) is in
// plugin/state-cache.test.ts; this pins the rules themselves.
import type { Hex } from "viem";

import { expect } from "chai";

import { CodeRestores } from "../../../hardhat-stylus/src/internal/chain/code-restores.js";

const A: Hex = "0x00000000000000000000000000000000000000aa";
const B: Hex = "0x00000000000000000000000000000000000000bb";

/** Runs `before` and returns the restores it sent, in order. */
async function restoresFor(restores: CodeRestores, method: string, params: unknown[], internal = false): Promise<[Hex, Hex][]> {
  const sent: [Hex, Hex][] = [];
  await restores.before(method, params, async (address, code) => {
    sent.push([address, code]);
  }, internal);
  return sent;
}

describe("hardhat-stylus deferred code restores", function () {
  it("lets requests that neither run nor read code through, and restores everything before any other", async function () {
    const restores = new CodeRestores();
    restores.defer(A, "0xa0", "0xe0");
    restores.defer(B, "0xb0", "0xe1");
    for (const method of ["eth_getTransactionReceipt", "eth_chainId", "eth_getStorageAt", "eth_getBalance", "hardhat_setBalance"]) {
      expect(await restoresFor(restores, method, [A, "latest"]), method).to.deep.equal([]);
    }
    expect(await restoresFor(restores, "eth_call", [{ to: A }, "latest"])).to.deep.equal([
      [A, "0xa0"],
      [B, "0xb0"],
    ]);
    expect(restores.size).to.equal(0);
    expect(await restoresFor(restores, "eth_call", [{ to: A }, "latest"])).to.deep.equal([]);
  });

  it("restores before EDR builds the pending block, except for the plugin's own header reads", async function () {
    const restores = new CodeRestores();
    restores.defer(A, "0xa0", "0xe0");
    expect(await restoresFor(restores, "eth_getBlockByNumber", ["latest", false])).to.deep.equal([]);
    expect(await restoresFor(restores, "eth_getBlockByNumber", ["pending", false], true)).to.deep.equal([]);
    expect(await restoresFor(restores, "eth_getBlockByNumber", ["pending", true], true)).to.deep.equal([[A, "0xa0"]]);
    restores.defer(A, "0xa0", "0xe0");
    expect(await restoresFor(restores, "eth_getBlockByNumber", ["pending", false])).to.deep.equal([[A, "0xa0"]]);
    restores.defer(A, "0xa0", "0xe0");
    expect(await restoresFor(restores, "eth_getBalance", [A, "pending"])).to.deep.equal([[A, "0xa0"]]);
  });

  it("drops the restore of an address whose code is set again, and hands back code still in place", async function () {
    const restores = new CodeRestores();
    restores.defer(A, "0xa0", "0xe0");
    restores.defer(B, "0xb0", "0xe1");
    expect(await restoresFor(restores, "hardhat_setCode", [A, "0x01"])).to.deep.equal([]);
    expect(restores.size).to.equal(1);
    expect(restores.claim(B, "0xe2")).to.equal(false);
    expect(restores.claim(B, "0xE1")).to.equal(true);
    expect(restores.size).to.equal(0);
    expect(await restoresFor(restores, "evm_snapshot", [])).to.deep.equal([]);
  });
});
