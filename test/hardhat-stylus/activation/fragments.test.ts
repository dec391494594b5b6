// Fragmented Stylus programs (ArbOS 60) in-process, driven with viem: fragment
// and root code deploy by plain CREATE, the root activates (fragments read,
// reassembled, validated, priced) and serves calls; Nitro's refusals (too many
// fragments, a root pointing at a non-fragment, a fragment activated or called
// directly, a root called before activation) and ArbOS 40, where such code
// cannot be deployed at all.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";
import { bytesToHex, encodeFunctionData, keccak256, parseEther, type Address, type Hex } from "viem";

import hardhatViem from "@nomicfoundation/hardhat-viem";

import hardhatStylus from "../../../hardhat-stylus/src/index.js";
import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { buildStylusFragments, buildStylusRoot } from "../../../hardhat-stylus/src/internal/wasm/fragmented-program.js";
import { buildStylusInitCode, compressStylusProgram, MAX_CODE_SIZE } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { bigBlobWat, blobBytes } from "../../fixtures/stylus-programs/integration/big-blob.js";
import { watToWasm } from "../helpers/wat.js";

type Connection = NetworkConnection<"generic">;

async function connect(arbOsVersion: number): Promise<Connection> {
  const hre = await createHardhatRuntimeEnvironment({ plugins: [hardhatViem, hardhatStylus], stylus: { arbOsVersion } });
  return (await hre.network.create()) as Connection;
}

/** Deploys `code` with the standard Stylus init code (what cargo-stylus sends); returns the receipt. */
async function deployCode(connection: Connection, code: Uint8Array) {
  const wallet = (await connection.viem.getWalletClients())[0]!;
  const pub = await connection.viem.getPublicClient();
  const hash = await wallet.sendTransaction({ data: bytesToHex(buildStylusInitCode(code)), gas: 10_000_000n });
  return await pub.waitForTransactionReceipt({ hash });
}

async function deployed(connection: Connection, code: Uint8Array): Promise<Address> {
  const receipt = await deployCode(connection, code);
  expect(receipt.status).to.equal("success");
  return receipt.contractAddress!;
}

async function activate(connection: Connection, program: Address) {
  const wallet = (await connection.viem.getWalletClients())[0]!;
  const pub = await connection.viem.getPublicClient();
  const hash = await wallet.sendTransaction({
    to: ARBWASM_ADDRESS,
    data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] }),
    value: parseEther("0.01"),
    gas: 15_000_000n,
  });
  return await pub.waitForTransactionReceipt({ hash });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected a failure");
}

/** ArbWasm's refusal of `activateProgram(program)`, as an eth_call's error message. */
async function activationRefusal(connection: Connection, program: Address): Promise<string> {
  const pub = await connection.viem.getPublicClient();
  return await failure(
    pub.call({
      account: (await connection.viem.getWalletClients())[0]!.account.address,
      to: ARBWASM_ADDRESS,
      data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] }),
      value: parseEther("0.01"),
    }),
  );
}

const offset = (n: number): Hex => `0x${n.toString(16).padStart(8, "0")}`;

describe("hardhat-stylus fragmented programs (ArbOS 60)", function () {
  this.timeout(180_000);
  let wasm: Uint8Array;
  const blob = blobBytes(30_000);

  before(async () => {
    wasm = await watToWasm(bigBlobWat(30_000));
    expect(compressStylusProgram(wasm).length).to.be.greaterThan(MAX_CODE_SIZE);
  });

  describe("at ArbOS 60", () => {
    let connection: Connection;
    before(async () => {
      connection = await connect(60);
    });
    after(async () => {
      await connection.close();
    });

    it("deploys fragments and a root by CREATE, activates the root and runs the reassembled program", async () => {
      const pub = await connection.viem.getPublicClient();
      const fragments = buildStylusFragments(wasm);
      expect(fragments).to.have.length(2);
      const addresses: Address[] = [];
      for (const fragment of fragments) {
        const address = await deployed(connection, fragment);
        expect(await pub.getCode({ address })).to.equal(bytesToHex(fragment));
        addresses.push(address);
      }
      const rootCode = buildStylusRoot(wasm.length, addresses);
      const root = await deployed(connection, rootCode);
      expect(await pub.getCode({ address: root })).to.equal(bytesToHex(rootCode));

      expect(await failure(pub.call({ to: root, data: offset(0) }))).to.match(/ProgramNotActivated/);
      const receipt = await activate(connection, root);
      expect(receipt.status).to.equal("success");
      // Activation is keyed by the root's code hash (what ProgramActivated carries).
      expect(receipt.logs[0]?.topics[1]).to.equal(keccak256(rootCode));
      const version = await pub.readContract({ address: ARBWASM_ADDRESS, abi: arbWasmAbi, functionName: "programVersion", args: [root] });
      expect(version).to.be.greaterThan(0);

      for (const at of [0, 0x7000, 30_000 - 32]) {
        const { data } = await pub.call({ to: root, data: offset(at) });
        expect(data).to.equal(bytesToHex(blob.subarray(at, at + 32)));
      }
      // A fragment is not a program: as EVM code its 0xEF is an invalid opcode.
      expect(await failure(pub.call({ to: addresses[0]!, data: offset(0) }))).to.match(/invalid opcode/i);
    });

    it("refuses to activate a fragment directly", async () => {
      const fragment = await deployed(connection, buildStylusFragments(wasm)[0]!);
      expect(await failure(activate(connection, fragment))).to.match(/revert/i);
      const message = await activationRefusal(connection, fragment);
      expect(message).to.match(/fragmented stylus programs cannot be activated directly/);
    });

    it("refuses a root with more fragments than ArbOS allows (2)", async () => {
      const fragments = buildStylusFragments(wasm, 10_000);
      expect(fragments.length).to.be.greaterThan(2);
      const addresses: Address[] = [];
      for (const fragment of fragments) addresses.push(await deployed(connection, fragment));
      const root = await deployed(connection, buildStylusRoot(wasm.length, addresses));
      expect(await failure(activate(connection, root))).to.match(/revert/i);
      const message = await activationRefusal(connection, root);
      expect(message).to.match(/fragment count exceeds limit of 2/);
    });

    it("refuses a root that points at code that is not a fragment", async () => {
      const [first] = buildStylusFragments(wasm);
      const fragment = await deployed(connection, first!);
      const classic = await deployed(connection, compressStylusProgram(await watToWasm(bigBlobWat(64))));
      const root = await deployed(connection, buildStylusRoot(wasm.length, [fragment, classic]));
      expect(await failure(activate(connection, root))).to.match(/revert/i);
      const message = await activationRefusal(connection, root);
      expect(message).to.match(/not a Stylus program fragment/);
    });
  });

  describe("below ArbOS 60", () => {
    it("a CREATE of fragment or root code fails (invalid code), as on Nitro before ArbOS 60", async () => {
      const connection = await connect(40);
      try {
        const pub = await connection.viem.getPublicClient();
        for (const code of [buildStylusFragments(wasm)[0]!, buildStylusRoot(wasm.length, ["0x5FbDB2315678afecb367f032d93F642f64180aa3"])]) {
          // Mined but failed (Hardhat's automine throws); Nitro: ErrInvalidCode, which burns all the gas.
          expect(await failure(deployCode(connection, code))).to.match(/revert|invalid/i);
          const block = await pub.getBlock();
          const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]! });
          expect(receipt.status).to.equal("reverted");
          expect(receipt.gasUsed).to.equal(10_000_000n);
          const created = receipt.contractAddress ?? null;
          expect(created === null || (await pub.getCode({ address: created })) === undefined).to.equal(true);
        }
      } finally {
        await connection.close();
      }
    });
  });
});
