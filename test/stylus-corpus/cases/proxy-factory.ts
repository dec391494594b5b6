// Proxy and factory cases. The proxy (Solidity, ERC-1967 slot) delegates
// every call to a counter implementation, so the counter's code runs on the
// proxy's storage and its events come from the proxy. The factory deploys the
// counter program StylusDeployer-style: CREATE2 of its Stylus init code,
// ArbWasm.activateProgram from the contract, then its constructor, in one
// transaction.
import { expect } from "chai";
import hre from "hardhat";
import {
  bytesToHex,
  concatHex,
  decodeEventLog,
  encodeAbiParameters,
  getContractAddress,
  hexToBytes,
  keccak256,
  pad,
  toFunctionSelector,
  toHex,
  type Address,
  type Hex,
} from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { buildStylusInitCode } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { loadCorpusProgram } from "../../../corpus/stylus/index.js";
import { corpusAbis, corpusCase, deployCounter, IMPLS, type CorpusCase, type Impl } from "../helpers/corpus-case.js";
import { stylusConstructorCalldata } from "./counter.js";

const IMPLEMENTATION_SLOT: Hex = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** Proxy kinds: the Solidity CorpusProxy and the Stylus program `proxy` (constructor sets the implementation). */
const PROXY_KINDS: readonly Impl[] = ["evm", "stylus"];
const proxyName = (kind: Impl): string => (kind === "evm" ? "solidity" : "stylus");

export const proxyCases: CorpusCase<unknown>[] = PROXY_KINDS.flatMap((kind) =>
  IMPLS.map((impl) =>
    corpusCase<{ proxy: Address; implementation: Address }>({
      name: `proxy.${proxyName(kind)}->${impl}`,
      title: `${proxyName(kind)} ERC-1967 proxy -> ${impl} counter implementation`,
      async setup(d) {
        const implementation = await deployCounter(d, impl);
        if (kind === "evm") return { implementation, proxy: await d.solidity("CorpusProxy", [implementation]) };
        const proxy = await d.stylus("proxy");
        await d.call(proxy, concatHex([toFunctionSelector("stylus_constructor()"), pad(implementation)]));
        return { implementation, proxy };
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
        expect(await t.pub.getBalance({ address: implementation })).to.equal(0n);
      },
    }),
  ),
);

/** The two StylusDeployer-style factories: Solidity (CorpusFactory) and the Stylus program `deployer`. */
type FactoryKind = "solidity" | "stylus";
const FACTORY_KINDS: readonly FactoryKind[] = ["solidity", "stylus"];

export const factoryCases: CorpusCase<unknown>[] = [
  ...FACTORY_KINDS.map((kind) =>
    corpusCase<Address>({
      name: `factory.${kind}.stylus-constructor`,
      title: `${kind} factory: CREATE2 of Stylus init code, activation from the contract and the constructor, in one transaction`,
      setup: async (d) => (kind === "solidity" ? await d.solidity("CorpusFactory") : await d.stylus("deployer")),
      async check(t, factory) {
        const abis = await corpusAbis();
        const abi = kind === "solidity" ? abis.factory : abis.deployer;
        const counter = loadCorpusProgram("counter");
        const initCode = bytesToHex(buildStylusInitCode(hexToBytes(counter.deployedCode)));
        const salt = keccak256(toHex(`corpus-factory-${kind}-${t.mode}`));
        const predicted = getContractAddress({ opcode: "CREATE2", from: factory, salt, bytecode: initCode });
        const senderBefore = await t.pub.getBalance({ address: t.wallet.account!.address });
        const receipt = await t.write(factory, abi, "deploy", [initCode, stylusConstructorCalldata(7n), 0n, salt], { value: 10n ** 16n });
        expect(receipt.status).to.equal("success");
        expect(await t.pub.getCode({ address: predicted })).to.equal(counter.deployedCode);
        const version = await t.read<number>(ARBWASM_ADDRESS, arbWasmAbi, "codehashVersion", [counter.codeHash]);
        expect(version).to.be.greaterThan(0);
        expect(await t.read<bigint>(predicted, abis.counter, "number"), "the constructor ran in the deploying transaction").to.equal(7n);
        const own = receipt.logs
          .filter((l) => l.address.toLowerCase() === factory.toLowerCase())
          .map((l) => decodeEventLog({ abi, data: l.data, topics: l.topics }));
        expect(own.map((e) => e.eventName)).to.deep.equal(["ProgramDeployed"]);
        const [deployed, loggedSalt, activated] = Object.values(own[0]!.args as unknown as Record<string, unknown>);
        expect([String(deployed).toLowerCase(), loggedSalt]).to.deep.equal([predicted.toLowerCase(), salt]);
        expect(typeof activated).to.equal("boolean");
        const numberSet = receipt.logs.filter((l) => l.address.toLowerCase() === predicted.toLowerCase());
        expect(numberSet, "the constructor's NumberSet comes from the new program").to.have.length(1);
        expect(await t.pub.getBalance({ address: factory }), "the factory returns what activation did not use").to.equal(0n);
        const gasCost = receipt.gasUsed * receipt.effectiveGasPrice;
        expect(senderBefore - (await t.pub.getBalance({ address: t.wallet.account!.address })) - gasCost < 10n ** 16n, "the excess came back").to.equal(true);
        // The constructor cannot run twice.
        await t.sendReverts(predicted, stylusConstructorCalldata(9n));
        // A second deployment of the same code (other salt) needs no activation.
        const salt2 = keccak256(toHex(`corpus-factory-${kind}-${t.mode}-2`));
        const second = await t.write(factory, abi, "deploy", [initCode, stylusConstructorCalldata(3n), 0n, salt2]);
        expect(second.status).to.equal("success");
        const predicted2 = getContractAddress({ opcode: "CREATE2", from: factory, salt: salt2, bytecode: initCode });
        expect(await t.read<bigint>(predicted2, abis.counter, "number")).to.equal(3n);
        // The same salt again collides.
        await t.writeReverts(factory, abi, "deploy", [initCode, "0x", 0n, salt2], kind === "solidity" ? "FactoryCreateFailed" : "DeployerCreateFailed");
      },
    }),
  ),
  corpusCase<Address>({
    name: "factory.stylus.create-evm",
    title: "Stylus program CREATEs an EVM contract (the Solidity counter) whose constructor runs with the program as sender",
    setup: async (d) => await d.stylus("deployer"),
    async check(t, deployer) {
      const abis = await corpusAbis();
      const artifact = await hre.artifacts.readArtifact("CorpusCounter");
      const initCode = concatHex([artifact.bytecode as Hex, encodeAbiParameters([{ type: "uint256" }], [5n])]);
      const nonce = await t.pub.getTransactionCount({ address: deployer });
      const predicted = getContractAddress({ opcode: "CREATE", from: deployer, nonce: BigInt(nonce) });
      const receipt = await t.write(deployer, abis.deployer, "create", [initCode]);
      expect(receipt.status).to.equal("success");
      t.expectLogs(receipt, abis.events, [
        { address: predicted, eventName: "NumberSet", args: { by: deployer, number: 5n } },
        { address: deployer, eventName: "ProgramDeployed", args: { deployed: predicted, salt: pad("0x00"), activated: false } },
      ]);
      expect(await t.pub.getCode({ address: predicted })).to.equal(artifact.deployedBytecode);
      expect(await t.read<bigint>(predicted, abis.counter, "number")).to.equal(5n);
      // The counter's constructor is not payable: an endowment makes the CREATE fail.
      await t.writeReverts(deployer, abis.deployer, "create", [initCode], "DeployerCreateFailed", { value: 1n });
    },
  }),
];
