// Reentrancy cases: the program calls a Solidity hook that calls back into the
// program; the inner frame sees msg_reentrant = true, a direct call sees
// false, and the transaction's logs interleave the two contracts in order.
import { expect } from "chai";
import type { Address } from "viem";

import { corpusAbis, corpusCase, IMPLS, type CorpusCase, type Impl } from "../helpers/corpus-case.js";
import type { CorpusDeployer } from "../helpers/corpus-env.js";

const deployReentrancy = async (d: CorpusDeployer, impl: Impl): Promise<Address> =>
  impl === "stylus" ? await d.stylus("reentrancy") : await d.solidity("CorpusReentrancy");

export const reentrancyCases: CorpusCase<unknown>[] = IMPLS.flatMap((impl) => [
  corpusCase<Address>({
    name: `reentrancy.${impl}.direct`,
    title: `reentrancy (${impl}): a direct call is not reentrant`,
    setup: async (d) => await deployReentrancy(d, impl),
    async check(t, program) {
      const { reentrancy: abi } = await corpusAbis();
      const me = t.wallet.account!.address;
      const receipt = await t.write(program, abi, "reenter");
      t.expectLogs(receipt, abi, [{ address: program, eventName: "Reentered", args: { by: me, reentrant: false } }]);
      expect(await t.read<bigint>(program, abi, "reentries")).to.equal(1n);
      expect(await t.read<boolean>(program, abi, "lastReentrant")).to.equal(false);
    },
  }),
  corpusCase<{ program: Address; hook: Address }>({
    name: `reentrancy.${impl}.callback`,
    title: `reentrancy (${impl}) -> Solidity hook -> back again: reentrant flag and log order`,
    async setup(d) {
      return { program: await deployReentrancy(d, impl), hook: await d.solidity("CorpusReentryHook") };
    },
    async check(t, { program, hook }) {
      const abis = await corpusAbis();
      const receipt = await t.write(program, abis.reentrancy, "enter", [hook]);
      expect(receipt.status).to.equal("success");
      t.expectLogs(receipt, abis.events, [
        { address: program, eventName: "Entered", args: { hook, entries: 1n } },
        { address: program, eventName: "Reentered", args: { by: hook, reentrant: true } },
        { address: hook, eventName: "Hooked", args: { program } },
        { address: program, eventName: "Left", args: { hook, reentries: 1n } },
      ]);
      expect(await t.read<bigint>(program, abis.reentrancy, "entries")).to.equal(1n);
      expect(await t.read<bigint>(program, abis.reentrancy, "reentries")).to.equal(1n);
      expect(await t.read<boolean>(program, abis.reentrancy, "lastReentrant")).to.equal(true);
    },
  }),
]);
