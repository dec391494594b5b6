// The real MVPIoTProcessor Stylus artifact on the in-process network through
// plain viem: deploy with the Stylus init code, activate, drive proof commits
// from node-held and raw-signing accounts, read events and custom errors, and
// compare with the Solidity twin on the same network.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { BaseError, bytesToHex, ContractFunctionRevertedError, getAddress, keccak256, toHex, type Address } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { buildStylusInitCode } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { localWallet } from "../helpers/counter-setup.js";
import { loadMvpDeployedCode } from "../helpers/mvp-artifact.js";
import { startServedDevnet } from "../../helpers/served-hardhat-node.js";

const DEVICE = keccak256(toHex("device-1"));

describe("hardhat-stylus with the MVPIoTProcessor artifact", function () {
  let connection: NetworkConnection;
  let program: Address;
  let code: Uint8Array | undefined;

  before(async function () {
    code = await loadMvpDeployedCode();
    if (code === undefined) this.skip();
    connection = await network.create();
  });

  after(async function () {
    await connection?.close();
  });

  it("deploys with viem's deployContract (Stylus init code) and activates", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const hash = await wallet!.deployContract({ abi: mvpIoTProcessorAbi, bytecode: bytesToHex(buildStylusInitCode(code!)) });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    program = receipt.contractAddress!;
    expect(await pub.getCode({ address: program })).to.equal(bytesToHex(code!));
    expect(await connection.stylus.isActivated(program)).to.equal(false);
    const activation = await connection.stylus.activate(program);
    expect(activation.dataFee > 0n).to.equal(true);
    expect(await connection.stylus.isActivated(program)).to.equal(true);
  });

  it("initialises, registers a device and commits proofs with events, like the EVM twin", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const owner = wallet!.account.address;
    const evm = await connection.viem.deployContract("MVPIoTProcessorEvm");
    for (const address of [program, evm.address]) {
      for (const [functionName, args] of [
        ["initialize", [owner]],
        ["registerDevice", [DEVICE, owner]],
        ["commitProof", [keccak256(toHex("p1")), DEVICE]],
      ] as const) {
        const hash = await wallet!.writeContract({ address, abi: mvpIoTProcessorAbi, functionName, args } as never);
        expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
      }
    }
    for (const address of [program, evm.address]) {
      expect(await pub.readContract({ address, abi: mvpIoTProcessorAbi, functionName: "isProofCommitted", args: [keccak256(toHex("p1"))] })).to.equal(true);
      const [deviceId, submitter] = await pub.readContract({
        address,
        abi: mvpIoTProcessorAbi,
        functionName: "getProof",
        args: [keccak256(toHex("p1"))],
      });
      expect(deviceId).to.equal(DEVICE);
      expect(getAddress(submitter)).to.equal(getAddress(owner));
      const events = await pub.getContractEvents({ address, abi: mvpIoTProcessorAbi, eventName: "ProofCommitted", fromBlock: 0n });
      expect(events).to.have.length(1);
      expect(events[0]!.args.device_id).to.equal(DEVICE);
    }
    const totals = await pub.readContract({ address: program, abi: mvpIoTProcessorAbi, functionName: "totals" });
    expect(totals).to.deep.equal(await pub.readContract({ address: evm.address, abi: mvpIoTProcessorAbi, functionName: "totals" }));
  });

  it("reverts a second commit with ProofAlreadyCommitted, decoded by viem", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    try {
      await pub.simulateContract({
        address: program,
        abi: mvpIoTProcessorAbi,
        functionName: "commitProof",
        args: [keccak256(toHex("p1")), DEVICE],
        account: wallet!.account,
      });
      expect.fail("should revert");
    } catch (error) {
      const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError;
      expect(revert.data?.errorName).to.equal("ProofAlreadyCommitted");
    }
  });

  it("accepts commits from an authorised raw-signing submitter and rejects unauthorised ones", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const local = await localWallet(connection);
    try {
      await pub.simulateContract({
        address: program,
        abi: mvpIoTProcessorAbi,
        functionName: "commitProof",
        args: [keccak256(toHex("p2")), DEVICE],
        account: local.account,
      });
      expect.fail("should revert");
    } catch (error) {
      const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError;
      expect(revert.data?.errorName).to.equal("AccessUnauthorized");
    }
    await pub.waitForTransactionReceipt({
      hash: await wallet!.writeContract({
        address: program,
        abi: mvpIoTProcessorAbi,
        functionName: "setSubmitter",
        args: [local.account.address, true],
      }),
    });
    const hash = await local.writeContract({
      address: program,
      abi: mvpIoTProcessorAbi,
      functionName: "commitProof",
      args: [keccak256(toHex("p2")), DEVICE],
    });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    const [, submitter] = await pub.readContract({
      address: program,
      abi: mvpIoTProcessorAbi,
      functionName: "getProof",
      args: [keccak256(toHex("p2"))],
    });
    expect(getAddress(submitter)).to.equal(local.account.address);
  });
});

describe("hardhat-stylus with the MVPIoTProcessor artifact on a fork", function () {
  it("serves proof commits on an in-process network forked from a served chain holding the program", async function () {
    const code = await loadMvpDeployedCode();
    if (code === undefined) this.skip();
    const { createPublicClient, createWalletClient, http } = await import("viem");
    // A child process, stopped by its PID: an in-process server's close() waits for the fork's
    // keep-alive sockets, which EDR may hold for a long time after the fork connection closed.
    const served = await startServedDevnet({ timeoutMs: 90_000 });
    const url = served.url;
    try {
      // Origin chain (served, so the fork can reach it): deploy, activate, set up, one commit.
      const origin = createPublicClient({ transport: http(url) });
      const [account] = await createWalletClient({ transport: http(url) }).getAddresses();
      const chain = { id: await origin.getChainId(), name: "served", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [url] } } };
      const wallet = createWalletClient({ chain, transport: http(url), account: account! });
      const deploy = await wallet.deployContract({ abi: mvpIoTProcessorAbi, bytecode: bytesToHex(buildStylusInitCode(code!)) });
      const program = (await origin.waitForTransactionReceipt({ hash: deploy })).contractAddress!;
      const { ARBWASM_ADDRESS, arbWasmAbi } = await import("../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js");
      const { encodeFunctionData, parseEther } = await import("viem");
      await origin.waitForTransactionReceipt({
        hash: await wallet.sendTransaction({
          to: ARBWASM_ADDRESS,
          data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] }),
          value: parseEther("0.01"),
        }),
      });
      for (const [functionName, args] of [
        ["initialize", [account!]],
        ["registerDevice", [DEVICE, account!]],
        ["commitProof", [keccak256(toHex("origin")), DEVICE]],
      ] as const) {
        const hash = await wallet.writeContract({ address: program, abi: mvpIoTProcessorAbi, functionName, args } as never);
        expect((await origin.waitForTransactionReceipt({ hash })).status).to.equal("success");
      }

      const fork = await network.create({ override: { forking: { url, enabled: true } } });
      try {
        const pub = await fork.viem.getPublicClient();
        const [forkWallet] = await fork.viem.getWalletClients();
        expect(await pub.readContract({ address: program, abi: mvpIoTProcessorAbi, functionName: "isProofCommitted", args: [keccak256(toHex("origin"))] })).to.equal(true);
        const hash = await forkWallet!.writeContract({
          address: program,
          abi: mvpIoTProcessorAbi,
          functionName: "commitProof",
          args: [keccak256(toHex("on-fork")), DEVICE],
        });
        expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
        expect(await pub.readContract({ address: program, abi: mvpIoTProcessorAbi, functionName: "isProofCommitted", args: [keccak256(toHex("on-fork"))] })).to.equal(true);
        const [, proofs] = await pub.readContract({ address: program, abi: mvpIoTProcessorAbi, functionName: "totals" });
        expect(proofs).to.equal(2n);
      } finally {
        await fork.close();
      }
      expect(await origin.readContract({ address: program, abi: mvpIoTProcessorAbi, functionName: "isProofCommitted", args: [keccak256(toHex("on-fork"))] })).to.equal(false);
    } finally {
      await served.stop();
    }
  });
});
