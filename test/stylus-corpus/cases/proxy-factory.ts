// Proxy and factory cases. The proxy (Solidity, ERC-1967 slot) delegates
// every call to a counter implementation, so the counter's code runs on the
// proxy's storage and its events come from the proxy. The factory deploys the
// counter program StylusDeployer-style: CREATE2 of its Stylus init code,
// ArbWasm.activateProgram from the contract, then its constructor, in one
// transaction.
import { expect } from "chai";
import { bytesToHex, getContractAddress, hexToBytes, keccak256, pad, toHex, type Address, type Hex } from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { buildStylusInitCode } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { loadCorpusProgram } from "../../../corpus/stylus/index.js";
import { corpusAbis, corpusCase, deployCounter, IMPLS, type CorpusCase } from "../helpers/corpus-case.js";
import { stylusConstructorCalldata } from "./counter.js";

const IMPLEMENTATION_SLOT: Hex = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

export const proxyCases: CorpusCase<unknown>[] = IMPLS.map((impl) =>
  corpusCase<{ proxy: Address; implementation: Address }>({
    name: `proxy.solidity->${impl}`,
    title: `Solidity ERC-1967 proxy -> ${impl} counter implementation`,
    async setup(d) {
      const implementation = await deployCounter(d, impl);
      return { implementation, proxy: await d.solidity("CorpusProxy", [implementation]) };
    },
    async check(t, { proxy, implementation }) {
      const abis = await corpusAbis();
      const me = t.wallet.account!.address;
      const slot = await t.pub.getStorageAt({ address: proxy, slot: IMPLEMENTATION_SLOT });
      expect(slot).to.equal(pad(implementation.toLowerCase() as Hex));
      const receipt = await t.write(proxy, abis.counter, "setNumber", [12n]);
      expect(receipt.status).to.equal("success");
      t.expectLogs(receipt, abis.events, [{ address: proxy, eventName: "NumberSet", args: { by: me, number: 12n } }]);
      await t.write(proxy, abis.counter, "increment");
      expect(await t.read<bigint>(proxy, abis.counter, "number")).to.equal(13n);
      expect(await t.pub.getStorageAt({ address: proxy, slot: toHex(0, { size: 32 }) })).to.equal(toHex(13n, { size: 32 }));
      expect(await t.read<bigint>(implementation, abis.counter, "number"), "the implementation's own storage is untouched").to.equal(0n);
      const tooLarge = await t.revertOf(proxy, abis.counter, "setNumber", [1_000_001n]);
      expect(tooLarge.errorName).to.equal("CounterTooLarge");
      const deposit = await t.write(proxy, abis.counter, "deposit", [], { value: 99n });
      t.expectLogs(deposit, abis.events, [{ address: proxy, eventName: "Deposited", args: { from: me, amount: 99n } }]);
      expect(await t.pub.getBalance({ address: proxy })).to.equal(99n);
    },
  }),
);

export const factoryCases: CorpusCase<unknown>[] = [
  corpusCase<Address>({
    name: "factory.stylus-constructor",
    title: "factory: CREATE2 of Stylus init code, activation from the contract and the constructor, in one transaction",
    setup: async (d) => await d.solidity("CorpusFactory"),
    async check(t, factory) {
      const abis = await corpusAbis();
      const counter = loadCorpusProgram("counter");
      const initCode = bytesToHex(buildStylusInitCode(hexToBytes(counter.deployedCode)));
      const salt = keccak256(toHex(`corpus-factory-${t.mode}`));
      const predicted = getContractAddress({ opcode: "CREATE2", from: factory, salt, bytecode: initCode });
      const receipt = await t.write(factory, abis.factory, "deploy", [initCode, stylusConstructorCalldata(7n), 0n, salt], {
        value: 10n ** 16n,
      });
      expect(receipt.status).to.equal("success");
      expect(await t.pub.getCode({ address: predicted })).to.equal(counter.deployedCode);
      const version = await t.read<number>(ARBWASM_ADDRESS, arbWasmAbi, "codehashVersion", [counter.codeHash]);
      expect(version).to.be.greaterThan(0);
      expect(await t.read<bigint>(predicted, abis.counter, "number"), "the constructor ran in the deploying transaction").to.equal(7n);
      const deployed = receipt.logs.filter((l) => l.address.toLowerCase() === factory.toLowerCase());
      expect(deployed).to.have.length(1);
      const numberSet = receipt.logs.filter((l) => l.address.toLowerCase() === predicted.toLowerCase());
      expect(numberSet, "the constructor's NumberSet comes from the new program").to.have.length(1);
      expect(await t.pub.getBalance({ address: factory }), "the factory returns what activation did not use").to.equal(0n);
      // The constructor cannot run twice.
      await t.sendReverts(predicted, stylusConstructorCalldata(9n));
      // A second deployment of the same code (other salt) needs no activation.
      const salt2 = keccak256(toHex(`corpus-factory-${t.mode}-2`));
      const second = await t.write(factory, abis.factory, "deploy", [initCode, stylusConstructorCalldata(3n), 0n, salt2]);
      expect(second.status).to.equal("success");
      const predicted2 = getContractAddress({ opcode: "CREATE2", from: factory, salt: salt2, bytecode: initCode });
      expect(await t.read<bigint>(predicted2, abis.counter, "number")).to.equal(3n);
    },
  }),
];
