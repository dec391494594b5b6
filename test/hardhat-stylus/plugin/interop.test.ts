// EVM <-> Stylus composability through the combined interpreter, driven with
// viem as an outside user would: EVM -> Stylus (call with value, staticcall,
// delegatecall), Stylus -> EVM and Stylus -> Stylus with state changes and
// value, a failed inner frame reverting only its own effects, msg_reentrant,
// logs in execution order from the right addresses, the EVM's precompiles
// from a program, traps reported as a plain revert, creation from programs,
// and the signed transaction as the mined one.
import type { NetworkConnection } from "hardhat/types/network";

import { createHash, generateKeyPairSync, sign } from "node:crypto";

import { expect } from "chai";
import { network } from "hardhat";
import {
  bytesToHex,
  decodeAbiParameters,
  getContractAddress,
  hexToBigInt,
  keccak256,
  padHex,
  parseEther,
  toHex,
  type Address,
  type Hex,
} from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { BUMPED_TOPIC, RELAY, relayInput, relayWat } from "../../fixtures/stylus-programs/interop/relay.js";
import { localWallet } from "../helpers/counter-setup.js";
import { deployProbe, deployRelay, type Probe } from "../helpers/interop-setup.js";
import { watToWasm } from "../helpers/wat.js";

/** EVM init code whose runtime returns the word 42: PUSH1 0x0a PUSH1 0x0a PUSH0 CODECOPY PUSH1 0x0a PUSH0 RETURN | runtime */
const FORTY_TWO_INIT: Hex = "0x600a600a5f39600a5ff3602a60005260206000f3";

describe("hardhat-stylus EVM <-> Stylus composability", function () {
  let connection: NetworkConnection;
  let relay: Address;
  let relay2: Address;
  let probe: Address;
  let probeCall: Probe["call"];

  async function send(to: Address, data: Hex, value = 0n) {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const hash = await wallet!.sendTransaction({ to, data, value });
    return await pub.waitForTransactionReceipt({ hash });
  }

  async function slot0(address: Address): Promise<bigint> {
    const pub = await connection.viem.getPublicClient();
    return hexToBigInt((await pub.getStorageAt({ address, slot: "0x0" })) ?? "0x0");
  }

  before(async function () {
    connection = await network.create();
    relay = await deployRelay(connection);
    relay2 = await deployRelay(connection);
    ({ address: probe, call: probeCall } = await deployProbe(connection));
  });

  after(async function () {
    await connection.close();
  });

  it("EVM -> Stylus: a Solidity contract calls a program with value; both states, the value and the logs in order are mined", async function () {
    const pub = await connection.viem.getPublicClient();
    const probeBefore = await slot0(probe);
    const relayBefore = await slot0(relay);
    const balanceBefore = await pub.getBalance({ address: relay });
    const receipt = await send(probe, probeCall("forward", [relay, relayInput(RELAY.bump)]), 1234n);
    expect(receipt.status).to.equal("success");
    expect(await slot0(probe)).to.equal(probeBefore + 1n);
    expect(await slot0(relay)).to.equal(relayBefore + 1n);
    expect(await pub.getBalance({ address: relay })).to.equal(balanceBefore + 1234n);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([probe.toLowerCase(), relay.toLowerCase()]);
    expect(receipt.logs.every((l) => l.topics[0] === BUMPED_TOPIC)).to.equal(true);
  });

  it("EVM -> Stylus in eth_call and eth_estimateGas: the program's return data comes back through the Solidity contract", async function () {
    const pub = await connection.viem.getPublicClient();
    const relayNow = await slot0(relay);
    const { data } = await pub.call({ to: probe, data: probeCall("forward", [relay, relayInput(RELAY.bump)]) });
    const [inner] = decodeAbiParameters([{ type: "bytes" }], data!);
    expect(hexToBigInt(inner)).to.equal(relayNow + 1n);
    const gas = await pub.estimateGas({ to: probe, data: probeCall("forward", [relay, relayInput(RELAY.bump)]) });
    expect(gas > 21_000n).to.equal(true);
    expect(await slot0(relay)).to.equal(relayNow);
  });

  it("EVM -> Stylus staticcall and delegatecall: the program runs on the caller's storage under delegatecall", async function () {
    const pub = await connection.viem.getPublicClient();
    const { data } = await pub.call({ to: probe, data: probeCall("forwardStatic", [relay, relayInput(RELAY.reentrant)]) });
    const [inner] = decodeAbiParameters([{ type: "bytes" }], data!);
    expect(hexToBigInt(inner)).to.equal(0n);
    const probeBefore = await slot0(probe);
    const relayBefore = await slot0(relay);
    const receipt = await send(probe, probeCall("forwardDelegate", [relay, relayInput(RELAY.bump)]));
    expect(receipt.status).to.equal("success");
    expect(await slot0(probe)).to.equal(probeBefore + 1n);
    expect(await slot0(relay)).to.equal(relayBefore);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([probe.toLowerCase()]);
  });

  it("Stylus -> EVM with value in a transaction: the callee's state, the value it forwards and its log follow the program's", async function () {
    const pub = await connection.viem.getPublicClient();
    const probeBefore = await slot0(probe);
    const eoa: Address = "0x00000000000000000000000000000000000e0b22";
    const receipt = await send(relay, relayInput(RELAY.call, probe, 500n, probeCall("forward", [eoa, "0x"])), 800n);
    expect(receipt.status).to.equal("success");
    expect(await slot0(probe)).to.equal(probeBefore + 1n);
    expect(await pub.getBalance({ address: eoa })).to.equal(500n);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([relay.toLowerCase(), probe.toLowerCase()]);
  });

  it("a program's call with value to a non-payable Solidity function fails and the transaction reverts, as on Nitro", async function () {
    const pub = await connection.viem.getPublicClient();
    const probeBefore = await slot0(probe);
    const relayBefore = await slot0(relay);
    try {
      await send(relay, relayInput(RELAY.call, probe, 500n, probeCall("bump", [])), 800n);
      expect.fail("should revert");
    } catch (error) {
      expect(String(error)).to.match(/revert/i);
    }
    expect(await slot0(probe)).to.equal(probeBefore);
    expect(await slot0(relay)).to.equal(relayBefore);
    void pub;
  });

  it("Stylus -> Stylus with state changes, and a transfer from a program to an EOA", async function () {
    const pub = await connection.viem.getPublicClient();
    const before = await slot0(relay2);
    const receipt = await send(relay, relayInput(RELAY.call, relay2, 0n, relayInput(RELAY.bump)));
    expect(receipt.status).to.equal("success");
    expect(await slot0(relay2)).to.equal(before + 1n);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([relay.toLowerCase(), relay2.toLowerCase()]);
    const eoa: Address = "0x00000000000000000000000000000000000e0a11";
    const transfer = await send(relay, relayInput(RELAY.call, eoa, 777n), 777n);
    expect(transfer.status).to.equal("success");
    expect(await pub.getBalance({ address: eoa })).to.equal(777n);
  });

  it("a failed inner frame reverts only its own effects; the caller goes on and its own effects are mined", async function () {
    const outer = await slot0(relay);
    const inner = await slot0(relay2);
    // relay (tolerates failure) -> relay2 (bumps, then its call to the probe fails: relay2 reverts).
    const data = relayInput(RELAY.tryCall, relay2, 0n, relayInput(RELAY.call, probe, 0n, "0xdeadbeef"));
    const pub = await connection.viem.getPublicClient();
    const { data: status } = await pub.call({ to: relay, data });
    expect(hexToBigInt(status!)).to.equal(1n);
    const receipt = await send(relay, data);
    expect(receipt.status).to.equal("success");
    expect(await slot0(relay)).to.equal(outer + 1n);
    expect(await slot0(relay2)).to.equal(inner);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([relay.toLowerCase()]);
  });

  it("msg_reentrant is set when a program is re-entered through an EVM contract", async function () {
    const pub = await connection.viem.getPublicClient();
    const data = relayInput(RELAY.call, probe, 0n, probeCall("forward", [relay, relayInput(RELAY.reentrant)]));
    const { data: out } = await pub.call({ to: relay, data });
    const [bytes] = decodeAbiParameters([{ type: "bytes" }], out!);
    expect(hexToBigInt(bytes)).to.equal(1n);
  });

  it("calls the EVM's precompiles from a program: sha256, ecrecover and the P-256 verifier at 0x100", async function () {
    const pub = await connection.viem.getPublicClient();
    const message = toHex("hardhat-stylus");
    const { data: sha } = await pub.call({ to: relay, data: relayInput(RELAY.staticCall, "0x0000000000000000000000000000000000000002", 0n, message) });
    expect(sha).to.equal(`0x${createHash("sha256").update("hardhat-stylus").digest("hex")}`);

    const [wallet] = await connection.viem.getWalletClients();
    const digest = keccak256(message);
    const signature = await wallet!.signMessage({ message: { raw: digest } });
    const { hashMessage } = await import("viem");
    const ethHash = hashMessage({ raw: digest });
    const r = signature.slice(2, 66);
    const s = signature.slice(66, 130);
    const v = padHex(`0x${signature.slice(130, 132)}`, { size: 32 }).slice(2);
    const { data: recovered } = await pub.call({
      to: relay,
      data: relayInput(RELAY.staticCall, "0x0000000000000000000000000000000000000001", 0n, `${ethHash}${v}${r}${s}` as Hex),
    });
    expect(`0x${recovered!.slice(26)}`.toLowerCase()).to.equal(wallet!.account.address.toLowerCase());

    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const der = sign("sha256", Buffer.from("p256 from stylus"), { key: privateKey, dsaEncoding: "ieee-p1363" });
    const jwk = publicKey.export({ format: "jwk" });
    const hash = createHash("sha256").update("p256 from stylus").digest("hex");
    const input = `0x${hash}${der.toString("hex")}${Buffer.from(jwk.x!, "base64url").toString("hex")}${Buffer.from(jwk.y!, "base64url").toString("hex")}` as Hex;
    const { data: valid } = await pub.call({ to: relay, data: relayInput(RELAY.staticCall, "0x0000000000000000000000000000000000000100", 0n, input) });
    expect(hexToBigInt(valid!)).to.equal(1n);
  });

  it("reports a trapping program as a plain revert, without WASM wording, and mines it as reverted", async function () {
    const pub = await connection.viem.getPublicClient();
    try {
      await pub.call({ to: relay, data: relayInput(RELAY.trap) });
      expect.fail("should revert");
    } catch (error) {
      const text = String(error);
      expect(text).to.match(/execution reverted/);
      expect(text).not.to.match(/unreachable|WASM|trap/i);
    }
    const [wallet] = await connection.viem.getWalletClients();
    const blockBefore = await pub.getBlockNumber();
    try {
      await wallet!.sendTransaction({ to: relay, data: relayInput(RELAY.trap), gas: 200_000n });
    } catch {
      // EDR reports the failed transaction; it is mined all the same.
    }
    const block = await pub.getBlock({ blockNumber: blockBefore + 1n, includeTransactions: true });
    const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]!.hash });
    expect(receipt.status).to.equal("reverted");
  });

  it("creates contracts from a program with create1 and create2; the creator's nonce moves", async function () {
    const pub = await connection.viem.getPublicClient();
    const nonce = await pub.getTransactionCount({ address: relay });
    const expected = getContractAddress({ from: relay, nonce: BigInt(nonce) });
    const receipt = await send(relay, relayInput(RELAY.create1, "0x0000000000000000000000000000000000000000", 0n, FORTY_TWO_INIT));
    expect(receipt.status).to.equal("success");
    expect(await pub.getCode({ address: expected })).to.equal("0x602a60005260206000f3");
    expect(await pub.getTransactionCount({ address: relay })).to.equal(nonce + 1);
    const salt = padHex("0x5a17", { size: 32 });
    const predicted = getContractAddress({ opcode: "CREATE2", from: relay, salt, bytecode: FORTY_TWO_INIT });
    const data = relayInput(RELAY.create2, "0x0000000000000000000000000000000000000000", 0n, `${salt}${FORTY_TWO_INIT.slice(2)}` as Hex);
    const { data: out } = await pub.call({ to: relay, data });
    expect(`0x${out!.slice(26)}`.toLowerCase()).to.equal(predicted.toLowerCase());
    await send(relay, data);
    expect(await pub.getCode({ address: predicted })).to.equal("0x602a60005260206000f3");
  });

  it("deploys a program from a Solidity factory (CREATE2 + ArbWasm.activateProgram from the contract) in one transaction", async function () {
    const wasm = await watToWasm(relayWat().replace("(memory (export \"memory\") 2 2)", "(memory (export \"memory\") 2 2) (global i32 (i32.const 7))"));
    const initCode = bytesToHex(buildStylusInitCode(compressStylusProgram(wasm)));
    const salt = padHex("0x01", { size: 32 });
    const program = getContractAddress({ opcode: "CREATE2", from: probe, salt, bytecode: initCode });
    const receipt = await send(probe, probeCall("deployStylus", [initCode, salt]), parseEther("0.1"));
    expect(receipt.status).to.equal("success");
    expect(await connection.stylus.isActivated(program)).to.equal(true);
    const bumped = await send(program, relayInput(RELAY.bump));
    expect(bumped.status).to.equal("success");
    expect(await slot0(program)).to.equal(1n);
  });

  it("mines a raw-signed transaction as itself: one hash in the block, receipt, logs and lookup", async function () {
    const pub = await connection.viem.getPublicClient();
    const wallet = await localWallet(connection);
    const data = relayInput(RELAY.call, probe, 0n, probeCall("bump", []));
    const request = await wallet.prepareTransactionRequest({ to: relay, data });
    const signed = await wallet.signTransaction(request as never);
    const hash = await pub.sendRawTransaction({ serializedTransaction: signed });
    expect(hash).to.equal(keccak256(signed));
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.transactionHash).to.equal(hash);
    const block = await pub.getBlock({ blockNumber: receipt.blockNumber });
    expect(block.transactions).to.deep.equal([hash]);
    const logs = await pub.getLogs({ blockHash: receipt.blockHash });
    expect(logs.map((l) => l.transactionHash)).to.deep.equal([hash, hash]);
    const tx = await pub.getTransaction({ hash });
    expect(tx.input).to.equal(data);
    expect(tx.hash).to.equal(hash);
  });
});

describe("hardhat-stylus gas across frames", function () {
  let connection: NetworkConnection;
  let relay: Address;
  let probe: Address;
  let probeCall: Probe["call"];

  before(async function () {
    connection = await network.create();
    relay = await deployRelay(connection);
    ({ address: probe, call: probeCall } = await deployProbe(connection));
  });

  after(async function () {
    await connection.close();
  });

  it("eth_estimateGas returns a limit the transaction succeeds with, under EIP-7825's cap; far less gas fails", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const data = relayInput(RELAY.call, probe, 0n, probeCall("forward", [relay, relayInput(RELAY.bump)]));
    const estimate = await pub.estimateGas({ to: relay, data, account: wallet!.account });
    expect(estimate < 1n << 24n).to.equal(true);
    const ok = await wallet!.sendTransaction({ to: relay, data, gas: estimate });
    expect((await pub.waitForTransactionReceipt({ hash: ok })).status).to.equal("success");
    const blockBefore = await pub.getBlockNumber();
    try {
      await wallet!.sendTransaction({ to: relay, data, gas: estimate / 3n });
    } catch {
      // Mined as failed all the same.
    }
    const block = await pub.getBlock({ blockNumber: blockBefore + 1n, includeTransactions: true });
    const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]!.hash });
    expect(receipt.status).to.equal("reverted");
  });

  it("eth_estimateGas fails when the transaction would fail", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    try {
      await pub.estimateGas({ to: probe, data: probeCall("forward", [relay, relayInput(RELAY.trap)]), account: wallet!.account });
      expect.fail("should fail");
    } catch (error) {
      expect(String(error)).to.match(/revert/i);
    }
  });

  it("an inner frame gets the gas its caller passes and never pays a transaction's intrinsic gas", async function () {
    const pub = await connection.viem.getPublicClient();
    // 25,000 gas would not even cover the 21,000 + calldata a transaction pays.
    const { data } = await pub.call({ to: probe, data: probeCall("tryForward", [relay, relayInput(RELAY.reentrant), 25_000n]) });
    expect(hexToBigInt(data!)).to.equal(1n);
    const { data: starved } = await pub.call({ to: probe, data: probeCall("tryForward", [relay, relayInput(RELAY.bump), 3_000n]) });
    expect(hexToBigInt(starved!)).to.equal(0n);
  });
});
