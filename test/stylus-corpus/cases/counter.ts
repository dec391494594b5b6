// Counter cases: one program's own state, events, payable entry, custom
// errors from eth_call and from mined transactions, and the Stylus
// constructor. The same checks run on the program and on its Solidity twin.
import { expect } from "chai";
import { concatHex, encodeAbiParameters, toFunctionSelector, type Address } from "viem";

import { corpusAbis, corpusCase, deployCounter, IMPLS, type CorpusCase } from "../helpers/corpus-case.js";

const LIMIT = 1_000_000n;

/** `stylus_constructor()`'s selector followed by the ABI-encoded arguments, as StylusDeployer sends it. */
export function stylusConstructorCalldata(initial: bigint) {
  return concatHex([toFunctionSelector("stylus_constructor()"), encodeAbiParameters([{ type: "uint256" }], [initial])]);
}

export const counterCases: CorpusCase<unknown>[] = [
  ...IMPLS.map((impl) =>
    corpusCase<Address>({
      name: `counter.${impl}`,
      title: `counter (${impl}): state, events, value and custom errors`,
      setup: async (d) => await deployCounter(d, impl),
      async check(t, counter) {
        const { counter: abi } = await corpusAbis();
        const me = t.wallet.account!.address;
        expect(await t.read<bigint>(counter, abi, "number")).to.equal(0n);

        const first = await t.write(counter, abi, "increment");
        expect(first.status).to.equal("success");
        t.expectLogs(first, abi, [{ address: counter, eventName: "NumberSet", args: { by: me, number: 1n } }]);
        await t.write(counter, abi, "increment");
        expect(await t.read<bigint>(counter, abi, "number")).to.equal(2n);

        const tooLarge = await t.revertOf(counter, abi, "setNumber", [LIMIT + 1n]);
        expect(tooLarge.errorName).to.equal("CounterTooLarge");
        expect(tooLarge.args).to.deep.equal([LIMIT + 1n, LIMIT]);
        // Mined, the same call reverts and changes nothing.
        await t.writeReverts(counter, abi, "setNumber", [LIMIT + 1n], "CounterTooLarge");
        expect(await t.read<bigint>(counter, abi, "number")).to.equal(2n);

        const other = t.other.account!.address;
        const set = await t.write(counter, abi, "setNumber", [LIMIT], { from: t.other });
        t.expectLogs(set, abi, [{ address: counter, eventName: "NumberSet", args: { by: other, number: LIMIT } }]);
        await t.write(counter, abi, "setNumber", [1n]);
        await t.write(counter, abi, "decrement");
        expect(await t.read<bigint>(counter, abi, "number")).to.equal(0n);
        const underflow = await t.revertOf(counter, abi, "decrement");
        expect(underflow.errorName).to.equal("CounterUnderflow");

        const before = await t.pub.getBalance({ address: counter });
        const deposit = await t.write(counter, abi, "deposit", [], { value: 1234n });
        t.expectLogs(deposit, abi, [{ address: counter, eventName: "Deposited", args: { from: me, amount: 1234n } }]);
        expect(await t.pub.getBalance({ address: counter })).to.equal(before + 1234n);
        expect(await t.read<bigint>(counter, abi, "deposited")).to.equal(1234n);
        // A non-payable entry refuses value and keeps the balance.
        await t.writeReverts(counter, abi, "increment", [], "<empty>", { value: 1n });
        expect(await t.pub.getBalance({ address: counter })).to.equal(before + 1234n);
      },
    }),
  ),
  corpusCase<Address>({
    name: "counter.stylus.constructor",
    title: "counter (stylus): stylus_constructor runs once, called by an EOA",
    setup: async (d) => await deployCounter(d, "stylus"),
    async check(t, counter) {
      const { counter: abi } = await corpusAbis();
      const receipt = await t.send(counter, stylusConstructorCalldata(7n));
      expect(receipt.status).to.equal("success");
      t.expectLogs(receipt, abi, [{ address: counter, eventName: "NumberSet", args: { by: t.wallet.account!.address, number: 7n } }]);
      expect(await t.read<bigint>(counter, abi, "number")).to.equal(7n);
      // The SDK refuses a second constructor call.
      await t.sendReverts(counter, stylusConstructorCalldata(9n));
      expect(await t.read<bigint>(counter, abi, "number")).to.equal(7n);
    },
  }),
];
