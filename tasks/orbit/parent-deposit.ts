// ETH deposits from the parent chain into an Arbitrum child chain with the
// SDK's EthBridger (Inbox.depositEth): the plan's parent-chain cost, the
// deposits a depositor already has in flight (so a re-run waits for them
// instead of sending again), and a bounded wait for a deposit's child
// transaction that reports its progress.
import type { ArbitrumNetwork } from "@arbitrum/sdk";
import type { Address, Hex } from "viem";

import { EthBridger, EthDepositMessage, EthDepositMessageStatus } from "@arbitrum/sdk";

import { applyL1ToL2Alias } from "../../hardhat-stylus/src/internal/arbos/arb-sys.js";
import { errorText, taskError } from "../shared/errors.js";

import { ethersV5, type ProviderV5, type SignerV5 } from "./sdk-ethers.js";

/** Messages.sol: L1MessageType_ethDeposit. */
const ETH_DEPOSIT_KIND = 12;

const bridgeEvents = new ethersV5.utils.Interface([
  "event MessageDelivered(uint256 indexed messageIndex, bytes32 indexed beforeInboxAcc, address inbox, uint8 kind, address sender, bytes32 messageDataHash, uint256 baseFeeL1, uint64 timestamp)",
  "event InboxMessageDelivered(uint256 indexed messageNum, bytes data)",
]);

export interface DepositInFlight {
  readonly message: EthDepositMessage;
  readonly parentTxHash: Hex;
  readonly value: bigint;
  readonly credited: boolean;
}

/**
 * The depositor's ETH deposits of the last `lookbackBlocks` parent blocks, credited or not.
 * Inbox.depositEth records the sender aliased in the bridge's MessageDelivered event.
 */
export async function findDeposits(params: {
  network: ArbitrumNetwork;
  parentProvider: ProviderV5;
  childProvider: ProviderV5;
  depositor: Address;
  lookbackBlocks: number;
}): Promise<DepositInFlight[]> {
  const { network, parentProvider, childProvider } = params;
  const latest = await parentProvider.getBlockNumber();
  const fromBlock = Math.max(0, latest - params.lookbackBlocks);
  let delivered: Awaited<ReturnType<ProviderV5["getLogs"]>>;
  let inboxLogs: typeof delivered;
  try {
    [delivered, inboxLogs] = await Promise.all([
      parentProvider.getLogs({ address: network.ethBridge.bridge, topics: [bridgeEvents.getEventTopic("MessageDelivered")], fromBlock, toBlock: latest }),
      parentProvider.getLogs({ address: network.ethBridge.inbox, topics: [bridgeEvents.getEventTopic("InboxMessageDelivered")], fromBlock, toBlock: latest }),
    ]);
  } catch (error) {
    throw taskError(
      `cannot search the parent chain's last ${params.lookbackBlocks} blocks for deposits in flight (${errorText(error)}); lower --lookback to what the parent RPC allows.`,
      error,
    );
  }
  const dataByMessage = new Map<string, string>();
  for (const log of inboxLogs) {
    const parsed = bridgeEvents.parseLog(log);
    dataByMessage.set(parsed.args.messageNum.toString(), parsed.args.data as string);
  }
  const sender = applyL1ToL2Alias(params.depositor).toLowerCase();
  const found: DepositInFlight[] = [];
  for (const log of delivered) {
    const parsed = bridgeEvents.parseLog(log);
    if (Number(parsed.args.kind) !== ETH_DEPOSIT_KIND || (parsed.args.sender as string).toLowerCase() !== sender) continue;
    const data = dataByMessage.get(parsed.args.messageIndex.toString());
    if (data === undefined) continue;
    const message = await EthDepositMessage.fromEventComponents(childProvider, parsed.args.messageIndex, parsed.args.sender as string, data);
    const credited = (await message.status()) === EthDepositMessageStatus.DEPOSITED;
    found.push({ message, parentTxHash: log.transactionHash as Hex, value: message.value.toBigInt(), credited });
  }
  return found;
}

/** Gas and wei a depositEth of `amount` costs on the parent chain now (estimate × max fee). */
export async function estimateDepositCost(params: {
  network: ArbitrumNetwork;
  parentProvider: ProviderV5;
  depositor: Address;
  amount: bigint;
}): Promise<{ gas: bigint; feePerGas: bigint; cost: bigint }> {
  const bridger = new EthBridger(params.network);
  const request = await bridger.getDepositRequest({
    amount: ethersV5.BigNumber.from(params.amount),
    from: params.depositor,
    parentProvider: params.parentProvider,
    childProvider: params.parentProvider,
  } as Parameters<EthBridger["getDepositRequest"]>[0]);
  let gas: bigint;
  try {
    gas = (await params.parentProvider.estimateGas({ ...request.txRequest, from: params.depositor })).toBigInt();
  } catch (error) {
    // Estimation fails when the depositor cannot pay the value: price the call without it.
    try {
      gas = (await params.parentProvider.estimateGas({ ...request.txRequest, value: 0, from: params.depositor })).toBigInt();
    } catch {
      throw taskError(`cannot estimate the parent-chain deposit (${errorText(error)}); check the inbox ${params.network.ethBridge.inbox} on the parent chain.`, error);
    }
  }
  const fees = await params.parentProvider.getFeeData();
  const feePerGas = (fees.maxFeePerGas ?? fees.gasPrice ?? ethersV5.BigNumber.from(0)).toBigInt();
  return { gas, feePerGas, cost: gas * feePerGas };
}

/** Sends depositEth through the SDK; resolves with the parent receipt (mined, status 1). */
export async function sendDeposit(params: { network: ArbitrumNetwork; parentSigner: SignerV5; amount: bigint }) {
  const bridger = new EthBridger(params.network);
  const tx = await bridger.deposit({ amount: ethersV5.BigNumber.from(params.amount), parentSigner: params.parentSigner });
  const receipt = await tx.wait();
  if (receipt.status !== 1) throw taskError(`the deposit ${tx.hash} reverted on the parent chain; check the inbox and the amount.`);
  return receipt;
}

/**
 * Polls the child chain for the deposit's transaction until it is there or `timeoutMs` passed,
 * calling `onProgress` about every `progressEveryMs`.
 * @returns the child receipt's hash and block
 * @throws a one-line task error on timeout (the deposit stays valid: a re-run waits for it).
 */
export async function waitForDeposit(params: {
  message: EthDepositMessage;
  parentTxHash: Hex;
  childProvider: ProviderV5;
  childName: string;
  timeoutMs: number;
  pollMs?: number;
  progressEveryMs?: number;
  onProgress?: (elapsedMs: number) => void;
}): Promise<{ childTxHash: Hex; blockNumber: number }> {
  const started = Date.now();
  let lastProgress = started;
  const pollMs = params.pollMs ?? 250;
  for (;;) {
    const receipt = await params.childProvider.getTransactionReceipt(params.message.childTxHash);
    if (receipt !== null) return { childTxHash: params.message.childTxHash as Hex, blockNumber: receipt.blockNumber };
    const now = Date.now();
    if (now - started >= params.timeoutMs) {
      throw taskError(
        `deposit ${params.parentTxHash} was not credited on ${params.childName} within ${Math.round(params.timeoutMs / 1000)} s (child tx ${params.message.childTxHash}); it stays pending: re-run with a longer --timeout, the re-run waits for it instead of depositing again.`,
      );
    }
    if (now - lastProgress >= (params.progressEveryMs ?? 2_000)) {
      lastProgress = now;
      params.onProgress?.(now - started);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
