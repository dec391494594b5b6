// `fund --from-parent`: brings the ETH the child chain's funder lacks from the
// parent chain through the rollup's inbox (@arbitrum/sdk EthBridger), waits
// for the deposit on the child (bounded, with progress), then tops up the
// wallet set from the funder as `fund` does. The deposit goes to the parent
// key's own address on the child, so that key must be the child's funder.
// Deposits already in flight count as arriving: a re-run waits for them and
// deposits only what is still missing.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex } from "viem";

import { formatEther, parseEther } from "viem";

import { findDeposits, estimateDepositCost, sendDeposit, waitForDeposit } from "../orbit/parent-deposit.js";
import { readOrbitConfig } from "../orbit/orbit-config.js";
import { resolveOrbitNetwork, sdkKnownNetwork } from "../orbit/orbit-network.js";
import { eip1193Provider, keySigner, urlProvider } from "../orbit/sdk-ethers.js";
import { openChainContext } from "../shared/chain-context.js";
import { errorText, taskError } from "../shared/errors.js";
import { defaultPrinter, formatEth, type Printer } from "../shared/format.js";

import { parseEthOption, runFund, type FundActionArguments, type FundResult } from "./task-action.js";

export interface ParentFundingResult {
  readonly parentChainId: number;
  readonly depositor: Address;
  /** What the funder needs on the child for the wallet set's top-ups and their gas. */
  readonly needed: bigint;
  readonly childBalanceBefore: bigint;
  /** Deposits found in flight and waited for (not sent again). */
  readonly waitedFor: ReadonlyArray<{ parentTxHash: Hex; childTxHash: Hex; value: bigint }>;
  readonly deposited: ReadonlyArray<{ parentTxHash: Hex; childTxHash: Hex; value: bigint; parentGasUsed: bigint; parentCost: bigint }>;
  readonly plannedDeposit: bigint;
  readonly estimatedParentCost: bigint;
  readonly fund: FundResult;
  readonly dryRun: boolean;
}

export interface ParentFundingArguments extends FundActionArguments {
  /** Seconds to wait for each deposit on the child. */
  timeout: number;
  /** Parent blocks searched for the depositor's deposits in flight. */
  lookback: number;
  /** ETH the funder keeps on the child beyond the top-ups ("" = the default). */
  funderReserve: string;
}

/** Child gas the funder spends per top-up (a 21,000-gas transfer at twice today's price, as `fund` reserves). */
function childGasReserve(gasPrice: bigint, transfers: number): bigint {
  return gasPrice * 2n * 21_000n * BigInt(transfers);
}

export async function runParentFunding(
  args: ParentFundingArguments,
  hre: HardhatRuntimeEnvironment,
  print: Printer = defaultPrinter,
): Promise<ParentFundingResult> {
  if (!Number.isFinite(args.timeout) || args.timeout <= 0) throw taskError(`--timeout ${args.timeout} is not a positive number of seconds.`);
  const ctx = await openChainContext(hre);
  const known = sdkKnownNetwork(ctx.chainId);
  const config = await readOrbitConfig(hre, ctx.networkName, { needRollup: known === undefined, needKey: true });
  const parentProvider = urlProvider(config.parentRpcUrl);
  const network = await resolveOrbitNetwork({
    childChainId: ctx.chainId,
    childName: ctx.networkName,
    parentProvider,
    rollupVariable: config.names.rollup,
    rollupAddress: config.rollupAddress,
    parentRpcVariable: config.names.parentRpcUrl,
  });
  const parentSigner = keySigner(config.parentPrivateKey!, parentProvider);
  const depositor = (await parentSigner.getAddress()) as Address;
  if (depositor.toLowerCase() !== ctx.deployerAddress.toLowerCase()) {
    throw taskError(
      `${config.names.parentPrivateKey} is account ${depositor} but ${ctx.networkName}'s funder is ${ctx.deployerAddress}: a deposit credits the same address on the child, so use the funder's key on the parent chain.`,
    );
  }
  const childProvider = eip1193Provider(ctx.connection.provider);

  // What the child funder needs: the wallet set's top-ups and their gas.
  const plan = await runFund({ ...args, dryRun: true, csv: "" }, hre, () => {});
  const transfers = plan.plan.filter((r) => r.topUp > 0n).length;
  const gasPrice = await ctx.publicClient.getGasPrice();
  const reserve = parseEthOption("funder-reserve", args.funderReserve, ctx.localKeys ? parseEther("1") : parseEther("0.01"));
  const needed = plan.totalTopUp + childGasReserve(gasPrice, transfers) + reserve;
  // Deposits in flight first, the balance second: a deposit credited in between is counted twice
  // in this plan (never missed); the amount actually sent is worked out again after the waits.
  const inFlight = (await findDeposits({ network, parentProvider, childProvider, depositor, lookbackBlocks: args.lookback })).filter((d) => !d.credited);
  const childBalanceBefore = await ctx.publicClient.getBalance({ address: depositor });
  const arriving = inFlight.reduce((sum, d) => sum + d.value, 0n);
  const missing = needed > childBalanceBefore + arriving ? needed - childBalanceBefore - arriving : 0n;

  print(`fund from parent chain ${network.parentChainId} into ${ctx.networkName} (chain ${ctx.chainId}) through inbox ${network.ethBridge.inbox}`);
  print(`funder ${depositor}: has ${formatEth(childBalanceBefore)} on the child, needs ${formatEth(needed)} for ${transfers} top-up(s) and a reserve of ${formatEth(reserve)}`);
  if (inFlight.length > 0) print(`${inFlight.length} deposit(s) of ${formatEth(arriving)} already in flight: waiting for them, not sending again`);
  const parentBalance = (await parentProvider.getBalance(depositor)).toBigInt();
  const estimate = missing > 0n ? await estimateDepositCost({ network, parentProvider, depositor, amount: missing }) : { gas: 0n, feePerGas: 0n, cost: 0n };
  print(
    missing > 0n
      ? `deposit ${formatEth(missing)} from ${depositor} (parent balance ${formatEth(parentBalance)}); parent-chain cost about ${formatEth(estimate.cost)} (${estimate.gas} gas at ${formatEther(estimate.feePerGas, "gwei")} gwei)`
      : "nothing to deposit: the funder has (or will have) enough on the child",
  );
  const base = { parentChainId: network.parentChainId, depositor, needed, childBalanceBefore, plannedDeposit: missing, estimatedParentCost: estimate.cost };
  if (args.dryRun) {
    print("dry run: nothing sent");
    return { ...base, waitedFor: [], deposited: [], fund: plan, dryRun: true };
  }
  if (missing > 0n && parentBalance < missing + estimate.cost) {
    throw taskError(
      `parent account ${depositor} has ${formatEth(parentBalance)} on chain ${network.parentChainId} but the deposit needs ${formatEth(missing + estimate.cost)} with gas; fund it on the parent chain or lower --target.`,
    );
  }

  const timeoutMs = args.timeout * 1000;
  // Every 2 s on short waits, every 15 s on the long waits of a real parent chain.
  const progressEveryMs = timeoutMs <= 60_000 ? 2_000 : 15_000;
  const progress = (label: string) => (elapsed: number) => print(`  waiting for ${label} on ${ctx.networkName}: ${Math.round(elapsed / 1000)} s of ${args.timeout} s`);
  const waitedFor: Array<{ parentTxHash: Hex; childTxHash: Hex; value: bigint }> = [];
  for (const deposit of inFlight) {
    const arrived = await waitForDeposit({
      message: deposit.message,
      parentTxHash: deposit.parentTxHash,
      childProvider,
      childName: ctx.networkName,
      timeoutMs,
      progressEveryMs,
      onProgress: progress(`deposit ${deposit.parentTxHash}`),
    });
    waitedFor.push({ parentTxHash: deposit.parentTxHash, childTxHash: arrived.childTxHash, value: deposit.value });
    print(`arrived: parent ${deposit.parentTxHash} -> child ${arrived.childTxHash} (${formatEth(deposit.value)})`);
  }
  const deposited: Array<{ parentTxHash: Hex; childTxHash: Hex; value: bigint; parentGasUsed: bigint; parentCost: bigint }> = [];
  // With every earlier deposit credited, the child balance says exactly what is still missing.
  const balanceNow = inFlight.length === 0 ? childBalanceBefore : await ctx.publicClient.getBalance({ address: depositor });
  const toDeposit = needed > balanceNow ? needed - balanceNow : 0n;
  if (toDeposit > missing && parentBalance < toDeposit + estimate.cost) {
    throw taskError(
      `parent account ${depositor} has ${formatEth(parentBalance)} on chain ${network.parentChainId} but the deposit needs ${formatEth(toDeposit + estimate.cost)} with gas; fund it on the parent chain or lower --target.`,
    );
  }
  if (toDeposit > 0n) {
    let receipt: Awaited<ReturnType<typeof sendDeposit>>;
    try {
      receipt = await sendDeposit({ network, parentSigner, amount: toDeposit });
    } catch (error) {
      throw taskError(`the parent-chain deposit failed: ${errorText(error)}; nothing was credited, re-run fund --from-parent.`, error);
    }
    const parentTxHash = receipt.transactionHash as Hex;
    const parentGasUsed = receipt.gasUsed.toBigInt();
    const parentCost = parentGasUsed * receipt.effectiveGasPrice.toBigInt();
    print(`deposited ${formatEth(toDeposit)}: parent tx ${parentTxHash} (block ${receipt.blockNumber}, ${parentGasUsed} gas, ${formatEth(parentCost)})`);
    const [message] = await receipt.getEthDeposits(childProvider);
    if (message === undefined) throw taskError(`parent tx ${parentTxHash} carries no ETH deposit message; check the inbox address.`);
    const arrived = await waitForDeposit({
      message,
      parentTxHash,
      childProvider,
      childName: ctx.networkName,
      timeoutMs,
      progressEveryMs,
      onProgress: progress(`deposit ${parentTxHash}`),
    });
    deposited.push({ parentTxHash, childTxHash: arrived.childTxHash, value: toDeposit, parentGasUsed, parentCost });
    print(`arrived: parent ${parentTxHash} -> child ${arrived.childTxHash} (child block ${arrived.blockNumber})`);
  }
  const fund = await runFund({ ...args, dryRun: false }, hre, print);
  return { ...base, waitedFor, deposited, fund, dryRun: false };
}
