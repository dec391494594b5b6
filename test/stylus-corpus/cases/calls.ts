// Caller/callee cases: the caller (Stylus program or Solidity twin) calls a
// counter (Stylus or Solidity) in all four pairings: a static read in
// eth_call, a state-changing call in a transaction (the callee sees the
// caller as msg.sender, logs in order from the right addresses), a callee
// custom error bubbling up unchanged, a call with value, delegatecall (the
// callee's code on the caller's storage), and a transfer to an EOA.
import { expect } from "chai";
import type { Address } from "viem";

import { corpusAbis, corpusCase, deployCaller, deployCounter, IMPLS, type CorpusCase, type Impl } from "../helpers/corpus-case.js";

interface Pair {
  caller: Address;
  counter: Address;
}

const pairs: { caller: Impl; callee: Impl }[] = IMPLS.flatMap((caller) => IMPLS.map((callee) => ({ caller, callee })));

const pairCase = (caller: Impl, callee: Impl, what: string, title: string, check: CorpusCase<Pair>["check"]) =>
  corpusCase<Pair>({
    name: `call.${caller}->${callee}.${what}`,
    title: `${caller} caller -> ${callee} counter: ${title}`,
    setup: async (d) => ({ caller: await deployCaller(d, caller), counter: await deployCounter(d, callee) }),
    check,
  });

export const callCases: CorpusCase<unknown>[] = pairs.flatMap(({ caller, callee }) => [
  pairCase(caller, callee, "static", "reads the callee through a static call in eth_call", async (t, f) => {
    const abis = await corpusAbis();
    await t.write(f.counter, abis.counter, "setNumber", [41n]);
    expect(await t.read<bigint>(f.caller, abis.caller, "readNumber", [f.counter])).to.equal(41n);
    await t.write(f.counter, abis.counter, "increment");
    expect(await t.read<bigint>(f.caller, abis.caller, "readNumber", [f.counter])).to.equal(42n);
  }),
  pairCase(caller, callee, "tx", "changes the callee's state in a transaction, logs in order", async (t, f) => {
    const abis = await corpusAbis();
    const receipt = await t.write(f.caller, abis.caller, "callIncrement", [f.counter]);
    expect(receipt.status).to.equal("success");
    t.expectLogs(receipt, abis.events, [
      { address: f.counter, eventName: "NumberSet", args: { by: f.caller, number: 1n } },
      { address: f.caller, eventName: "Called", args: { target: f.counter, value: 0n } },
    ]);
    const set = await t.write(f.caller, abis.caller, "callSetNumber", [f.counter, 500n]);
    t.expectLogs(set, abis.events, [
      { address: f.counter, eventName: "NumberSet", args: { by: f.caller, number: 500n } },
      { address: f.caller, eventName: "Called", args: { target: f.counter, value: 500n } },
    ]);
    expect(await t.read<bigint>(f.counter, abis.counter, "number")).to.equal(500n);
    expect(await t.read<bigint>(f.caller, abis.caller, "number"), "the caller's own slot 0 is untouched").to.equal(0n);
  }),
  pairCase(caller, callee, "revert.call", "a callee custom error comes back unchanged from eth_call", async (t, f) => {
    const abis = await corpusAbis();
    // The caller's ABI does not declare the callee's errors: decode with both.
    const reverted = await t.revertOf(f.caller, [...abis.caller, ...abis.counter], "callSetNumber", [f.counter, 2_000_000n]);
    expect(reverted.errorName).to.equal("CounterTooLarge");
    expect(reverted.args).to.deep.equal([2_000_000n, 1_000_000n]);
    // Accepted values go through the same path without error.
    await t.pub.simulateContract({ address: f.caller, abi: abis.caller, functionName: "callSetNumber", args: [f.counter, 5n], account: t.wallet.account! });
  }),
  pairCase(caller, callee, "revert.tx", "a callee custom error reverts the mined transaction and changes nothing", async (t, f) => {
    const abis = await corpusAbis();
    await t.write(f.counter, abis.counter, "setNumber", [3n]);
    await t.writeReverts(f.caller, [...abis.caller, ...abis.counter], "callSetNumber", [f.counter, 2_000_000n], "CounterTooLarge");
    expect(await t.read<bigint>(f.counter, abis.counter, "number")).to.equal(3n);
  }),
  pairCase(caller, callee, "value", "forwards msg.value to the callee's payable entry", async (t, f) => {
    const abis = await corpusAbis();
    const [callerBefore, calleeBefore] = await Promise.all([
      t.pub.getBalance({ address: f.caller }),
      t.pub.getBalance({ address: f.counter }),
    ]);
    const receipt = await t.write(f.caller, abis.caller, "forwardDeposit", [f.counter], { value: 10_000n });
    expect(receipt.status).to.equal("success");
    t.expectLogs(receipt, abis.events, [
      { address: f.counter, eventName: "Deposited", args: { from: f.caller, amount: 10_000n } },
      { address: f.caller, eventName: "Called", args: { target: f.counter, value: 10_000n } },
    ]);
    expect(await t.pub.getBalance({ address: f.counter })).to.equal(calleeBefore + 10_000n);
    expect(await t.pub.getBalance({ address: f.caller })).to.equal(callerBefore);
    expect(await t.read<bigint>(f.counter, abis.counter, "deposited")).to.equal(10_000n);
  }),
  pairCase(caller, callee, "delegatecall", "delegatecall runs the callee's code on the caller's storage", async (t, f) => {
    const abis = await corpusAbis();
    const me = t.wallet.account!.address;
    const receipt = await t.write(f.caller, abis.caller, "delegateSetNumber", [f.counter, 77n]);
    expect(receipt.status).to.equal("success");
    // The event comes from the caller's address and keeps the original sender.
    t.expectLogs(receipt, abis.events, [{ address: f.caller, eventName: "NumberSet", args: { by: me, number: 77n } }]);
    expect(await t.read<bigint>(f.caller, abis.caller, "number")).to.equal(77n);
    expect(await t.read<bigint>(f.counter, abis.counter, "number"), "the implementation's storage is untouched").to.equal(0n);
    const tooLarge = await t.revertOf(f.caller, [...abis.caller, ...abis.counter], "delegateSetNumber", [f.counter, 1_000_001n]);
    expect(tooLarge.errorName).to.equal("CounterTooLarge");
  }),
]);

export const transferCases: CorpusCase<unknown>[] = IMPLS.map((impl) =>
  corpusCase<Address>({
    name: `transfer.${impl}`,
    title: `caller (${impl}): receives plain value and pays it out to an EOA`,
    async setup(d) {
      const caller = await deployCaller(d, impl);
      await d.fund(caller, 50_000n);
      return caller;
    },
    async check(t, caller) {
      const abis = await corpusAbis();
      const payee = "0x00000000000000000000000000000000c0ffee01" as Address;
      const payeeBefore = await t.pub.getBalance({ address: payee });
      expect(await t.pub.getBalance({ address: caller })).to.equal(50_000n);
      const receipt = await t.write(caller, abis.caller, "payOut", [payee, 20_000n]);
      expect(receipt.status).to.equal("success");
      expect(await t.pub.getBalance({ address: payee })).to.equal(payeeBefore + 20_000n);
      expect(await t.pub.getBalance({ address: caller })).to.equal(30_000n);
      // Paying more than the balance reverts.
      await t.writeReverts(caller, abis.caller, "payOut", [payee, 1_000_000n], "<empty>");
      expect(await t.pub.getBalance({ address: caller })).to.equal(30_000n);
    },
  }),
);
