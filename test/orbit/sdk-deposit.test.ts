// The local Orbit pair driven with @arbitrum/sdk as a user's script would:
// register the child from its rollup address on the parent, deposit ETH
// through the parent inbox with EthBridger, and wait for the child
// transaction the SDK computes; bad rollup addresses and a parent of the
// wrong chain are refused with one line.
import type { NetworkConnection } from "hardhat/types/network";

import { EthBridger, EthDepositMessageStatus, ParentTransactionReceipt } from "@arbitrum/sdk";
import { expect } from "chai";
import hre from "hardhat";
import { parseEther, type Address } from "viem";

import { startLocalOrbitPair, type LocalOrbitPair } from "../../tasks/orbit/local-pair/local-pair.js";
import { resolveOrbitNetwork } from "../../tasks/orbit/orbit-network.js";
import { eip1193Provider, ethersV5, keySigner, urlProvider } from "../../tasks/orbit/sdk-ethers.js";
import { expectTaskError } from "../tasks/helpers.js";

/** Hardhat's public test key #1 (throwaway): the depositor of this suite. */
const DEPOSITOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("orbit: SDK deposits on the local parent/child pair", function () {
  let pair: LocalOrbitPair;
  let child: NetworkConnection;

  before(async function () {
    child = await hre.network.create();
    pair = await startLocalOrbitPair(hre, { child });
  });

  after(async function () {
    await pair?.stop();
    await child?.close();
  });

  const resolve = (rollupAddress: Address | undefined, parentUrl = pair.parentRpc.url) =>
    resolveOrbitNetwork({
      childChainId: pair.childChainId,
      childName: "local child",
      parentProvider: urlProvider(parentUrl),
      rollupVariable: "KCCHAIN_ROLLUP_ADDRESS",
      rollupAddress,
      parentRpcVariable: "KCCHAIN_PARENT_RPC_URL",
    });

  it("registers the child from its rollup: the SDK reads bridge, inbox, sequencer inbox and outbox", async function () {
    const network = await resolve(pair.addresses.rollup);
    expect(network.chainId).to.equal(pair.childChainId);
    expect(network.parentChainId).to.equal(pair.parentChainId);
    expect(network.ethBridge.bridge.toLowerCase()).to.equal(pair.addresses.bridge.toLowerCase());
    expect(network.ethBridge.inbox.toLowerCase()).to.equal(pair.addresses.inbox.toLowerCase());
    expect(network.ethBridge.sequencerInbox.toLowerCase()).to.equal(pair.addresses.sequencerInbox.toLowerCase());
    expect(network.ethBridge.outbox.toLowerCase()).to.equal(pair.addresses.outbox.toLowerCase());
    expect(network.confirmPeriodBlocks).to.equal(20);
  });

  it("deposits ETH through the inbox and the SDK's wait finds the child transaction; the value is credited once", async function () {
    const network = await resolve(pair.addresses.rollup);
    const parentSigner = keySigner(DEPOSITOR_KEY, urlProvider(pair.parentRpc.url));
    const childProvider = eip1193Provider(child.provider);
    const depositor = (await parentSigner.getAddress()) as Address;
    const before = (await childProvider.getBalance(depositor)).toBigInt();
    const bridger = new EthBridger(network);
    const tx = await bridger.deposit({ amount: ethersV5.BigNumber.from(parseEther("1.5")), parentSigner });
    const receipt = await tx.wait();
    const result = await receipt.waitForChildTransactionReceipt(childProvider, 1, 30_000);
    expect(result.complete, "the deposit arrived on the child").to.equal(true);
    expect(result.childTxReceipt?.status).to.equal(1);
    expect(result.childTxReceipt?.transactionHash).to.equal(result.message.childTxHash);
    expect(await result.message.status()).to.equal(EthDepositMessageStatus.DEPOSITED);
    const after = (await childProvider.getBalance(depositor)).toBigInt();
    expect(after - before).to.equal(parseEther("1.5"));
    // Re-reading the parent receipt gives the same deposit id; polling again credits nothing more.
    const again = await new ParentTransactionReceipt(receipt).getEthDeposits(childProvider);
    expect(again[0]!.childTxHash).to.equal(result.message.childTxHash);
    await pair.relayer.poll();
    expect((await childProvider.getBalance(depositor)).toBigInt()).to.equal(after);
  });

  it("withdraws through ArbSys with the SDK: a signed withdrawEth is mined with the L2ToL1Tx event the SDK parses", async function () {
    const network = await resolve(pair.addresses.rollup);
    const childProvider = eip1193Provider(child.provider);
    const childSigner = keySigner(DEPOSITOR_KEY, childProvider);
    const destination = (await childSigner.getAddress()) as Address;
    const tx = await new EthBridger(network).withdraw({
      amount: ethersV5.BigNumber.from(parseEther("0.1")),
      destinationAddress: destination,
      from: destination,
      childSigner,
    });
    const receipt = await tx.wait();
    expect(receipt.status).to.equal(1);
    expect(receipt.transactionHash).to.equal(tx.hash);
    const events = receipt.getChildToParentEvents();
    expect(events).to.have.length(1);
    const event = events[0] as { caller: string; destination: string; callvalue: { toBigInt(): bigint }; arbBlockNum: { toBigInt(): bigint } };
    expect(event.caller.toLowerCase()).to.equal(destination.toLowerCase());
    expect(event.destination.toLowerCase()).to.equal(destination.toLowerCase());
    expect(event.callvalue.toBigInt()).to.equal(parseEther("0.1"));
    expect(event.arbBlockNum.toBigInt()).to.equal(BigInt(receipt.blockNumber));
  });

  it("takes Arbitrum One and Sepolia from the SDK's list and refuses a parent RPC of another chain", async function () {
    const sepolia = (rollupAddress: Address | undefined, childChainId: number) =>
      resolveOrbitNetwork({
        childChainId,
        childName: "arbitrumSepolia",
        parentProvider: urlProvider(pair.parentRpc.url),
        rollupVariable: "ARBITRUM_SEPOLIA_ROLLUP_ADDRESS",
        rollupAddress,
        parentRpcVariable: "ARBITRUM_SEPOLIA_PARENT_RPC_URL",
      });
    await expectTaskError(sepolia(undefined, 421614), /ARBITRUM_SEPOLIA_PARENT_RPC_URL is chain 1337, but Arbitrum Rollup Sepolia Testnet \(421614\) settles to chain 11155111/);
    await expectTaskError(sepolia(undefined, 42161), /is chain 1337, but Arbitrum One \(42161\) settles to chain 1;/);
    // KC-Chain settles to Ethereum Sepolia: a rollup address does not make another parent right.
    await expectTaskError(sepolia(pair.addresses.rollup, 1205614515668104), /is chain 1337, but arbitrumSepolia \(1205614515668104\) settles to chain 11155111/);
  });

  it("refuses an address that is not a rollup, a rollup of another chain's parent, and an unknown chain without a rollup", async function () {
    await expectTaskError(resolve("0x00000000000000000000000000000000000000ab"), /has no code on parent chain 1337: it is not a rollup there/);
    await expectTaskError(resolve(pair.addresses.inbox), /is not an Arbitrum rollup/);
    await expectTaskError(resolve(undefined), /set KCCHAIN_ROLLUP_ADDRESS to its rollup contract/);
    const otherChain = resolveOrbitNetwork({
      childChainId: 999,
      childName: "other",
      parentProvider: urlProvider(pair.parentRpc.url),
      rollupVariable: "OTHER_ROLLUP_ADDRESS",
      rollupAddress: pair.addresses.rollup,
      parentRpcVariable: "OTHER_PARENT_RPC_URL",
    });
    await expectTaskError(otherChain, new RegExp(`is the rollup of chain ${pair.childChainId}, not of other \\(999\\)`));
  });
});
