// Action of the `fund` task: read every wallet's balance, top up only those
// below the threshold (in parallel, explicit nonces), print plan and result.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hash } from "viem";

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

import { parseEther } from "viem";

import { openChainContext } from "../shared/chain-context.js";
import { runParentFunding, type ParentFundingResult } from "./from-parent.js";
import { errorText, taskError } from "../shared/errors.js";
import { defaultPrinter, formatEth, renderTable, type Printer } from "../shared/format.js";
import { waitForReceipt } from "../shared/transactions.js";
import { loadWalletSet, parseRoleCounts, type Wallet, type WalletSet } from "../shared/wallet-set.js";

export interface FundActionArguments {
  target: string;
  threshold: string;
  counts: string;
  csv: string;
  dryRun: boolean;
}

export interface FundPlanRow {
  readonly wallet: Wallet;
  readonly balance: bigint;
  readonly topUp: bigint;
}

export interface FundResult {
  readonly chainId: number;
  readonly funder: Address;
  readonly keySource: WalletSet["source"];
  readonly target: bigint;
  readonly threshold: bigint;
  readonly plan: readonly FundPlanRow[];
  readonly totalTopUp: bigint;
  readonly sent: ReadonlyArray<{ address: Address; hash: Hash; value: bigint }>;
  readonly balances: ReadonlyArray<{ address: Address; balance: bigint }>;
  readonly dryRun: boolean;
}

export function parseEthOption(name: string, text: string, fallback: bigint): bigint {
  if (text.trim() === "") return fallback;
  try {
    const value = parseEther(text.trim());
    if (value < 0n) throw new Error("negative");
    return value;
  } catch {
    throw taskError(`--${name} "${text}" is not an ETH amount; write it like 0.5 or 10.`);
  }
}

/** Runs the fund task; `print` receives every output line. */
export async function runFund(args: FundActionArguments, hre: HardhatRuntimeEnvironment, print: Printer = defaultPrinter): Promise<FundResult> {
  const counts = parseRoleCounts(args.counts);
  const ctx = await openChainContext(hre);
  const target = parseEthOption("target", args.target, ctx.localKeys ? parseEther("10") : parseEther("0.01"));
  const threshold = parseEthOption("threshold", args.threshold, target / 2n);
  if (threshold > target) throw taskError(`--threshold (${formatEth(threshold)}) is above --target (${formatEth(target)}); lower it.`);
  const set = await loadWalletSet(hre, { localKeys: ctx.localKeys, networkName: ctx.networkName, counts });

  print(`fund on ${ctx.networkName} (chain ${ctx.chainId}) from ${ctx.deployerAddress}`);
  if (set.source === "hardhat-test-mnemonic") {
    print("keys: Hardhat's public test mnemonic (throwaway keys, local chains only); set LCORE_WALLET_MNEMONIC for your own");
  }
  print(`target ${formatEth(target)}, top up below ${formatEth(threshold)}, ${set.wallets.length} wallets`);

  const balances = await Promise.all(set.wallets.map((w) => ctx.publicClient.getBalance({ address: w.address })));
  const plan: FundPlanRow[] = set.wallets.map((wallet, i) => {
    const balance = balances[i] ?? 0n;
    return { wallet, balance, topUp: balance < threshold ? target - balance : 0n };
  });
  const totalTopUp = plan.reduce((sum, row) => sum + row.topUp, 0n);
  print(
    renderTable(
      ["role", "label", "address", "balance", "top-up"],
      plan.map((row) => [row.wallet.role, row.wallet.label, row.wallet.address, formatEth(row.balance), row.topUp === 0n ? "-" : formatEth(row.topUp)]),
    ),
  );
  print(`total top-up: ${formatEth(totalTopUp)} to ${plan.filter((r) => r.topUp > 0n).length} wallet(s)`);

  const sent: Array<{ address: Address; hash: Hash; value: bigint }> = [];
  if (!args.dryRun && totalTopUp > 0n) {
    const funderBalance = await ctx.publicClient.getBalance({ address: ctx.deployerAddress });
    const gasPrice = await ctx.publicClient.getGasPrice();
    const todo = plan.filter((r) => r.topUp > 0n);
    const gasCost = gasPrice * 2n * 21_000n * BigInt(todo.length);
    if (funderBalance < totalTopUp + gasCost) {
      throw taskError(
        `funder ${ctx.deployerAddress} has ${formatEth(funderBalance)} but the top-up needs ${formatEth(totalTopUp + gasCost)} (with gas); fund it or lower --target.`,
      );
    }
    const firstNonce = await ctx.publicClient.getTransactionCount({ address: ctx.deployerAddress, blockTag: "pending" });
    const hashes = await Promise.allSettled(
      todo.map((row, i) =>
        ctx.deployer.sendTransaction({ to: row.wallet.address, value: row.topUp, nonce: firstNonce + i, gas: 21_000n }),
      ),
    );
    const failures: string[] = [];
    for (const [i, outcome] of hashes.entries()) {
      const row = todo[i]!;
      if (outcome.status === "fulfilled") sent.push({ address: row.wallet.address, hash: outcome.value, value: row.topUp });
      else failures.push(`${row.wallet.label}: ${errorText(outcome.reason)}`);
    }
    const receipts = await Promise.allSettled(sent.map((s) => waitForReceipt(ctx.publicClient, s.hash)));
    for (const [i, outcome] of receipts.entries()) {
      if (outcome.status === "rejected") failures.push(`${sent[i]!.address}: ${errorText(outcome.reason)}`);
      else if (outcome.value.status !== "success") failures.push(`${sent[i]!.address}: transaction ${sent[i]!.hash} reverted`);
    }
    if (failures.length > 0) {
      throw taskError(`${failures.length} top-up(s) failed (first: ${failures[0]}); re-run fund, it only tops up what is still short.`);
    }
    print(`sent ${sent.length} top-up(s) in parallel, nonces ${firstNonce}..${firstNonce + sent.length - 1}`);
  } else if (args.dryRun) {
    print("dry run: nothing sent");
  } else {
    print("every wallet is at or above the threshold: nothing sent");
  }

  const after = await Promise.all(set.wallets.map((w) => ctx.publicClient.getBalance({ address: w.address })));
  if (!args.dryRun && sent.length > 0) {
    print(renderTable(["role", "label", "address", "balance"], set.wallets.map((w, i) => [w.role, w.label, w.address, formatEth(after[i] ?? 0n)])));
  }
  if (args.csv !== "") {
    await writeWalletCsv(resolve(args.csv), ctx.publicClient, set.wallets, after);
    print(`wallet list (no private keys) written to ${args.csv}`);
  }
  return {
    chainId: ctx.chainId,
    funder: ctx.deployerAddress,
    keySource: set.source,
    target,
    threshold,
    plan,
    totalTopUp,
    sent,
    balances: set.wallets.map((w, i) => ({ address: w.address, balance: after[i] ?? 0n })),
    dryRun: args.dryRun,
  };
}

/** The predecessor's CSV columns; private_key is always left empty (keys never leave the mnemonic). */
export const WALLET_CSV_COLUMNS = [
  "address",
  "private_key",
  "wallet_type",
  "label",
  "balance_eth",
  "nonce",
  "total_transactions",
  "total_gas_used",
  "created_at",
] as const;

async function writeWalletCsv(
  file: string,
  client: { getTransactionCount(args: { address: Address }): Promise<number> },
  wallets: readonly Wallet[],
  balances: readonly bigint[],
): Promise<void> {
  const nonces = await Promise.all(wallets.map((w) => client.getTransactionCount({ address: w.address })));
  const now = new Date().toISOString();
  const lines = [WALLET_CSV_COLUMNS.join(",")];
  for (const [i, w] of wallets.entries()) {
    const balance = formatEth(balances[i] ?? 0n).replace(" ETH", "");
    lines.push([w.address, "", w.role, w.label, balance, nonces[i], nonces[i], "", now].join(","));
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${lines.join("\n")}\n`);
}

export default async function fundAction(
  args: FundActionArguments & { fromParent?: boolean; timeout?: number; lookback?: number; funderReserve?: string },
  hre: HardhatRuntimeEnvironment,
): Promise<FundResult | ParentFundingResult> {
  if (args.fromParent === true) {
    return await runParentFunding({ ...args, timeout: args.timeout ?? 900, lookback: args.lookback ?? 5000, funderReserve: args.funderReserve ?? "" }, hre);
  }
  return await runFund(args, hre);
}
