// What each workload of a stress run cost on chain, measured after the run
// from the receipts of its transactions: child execution gas, the
// parent-chain share (tasks/orbit/receipt-cost.ts), the fee in ETH and ETH
// per operation (per reading for iot_readings, whose commit transactions
// carry many readings). At most `maxTransactions` receipts per workload are
// read; larger runs are sampled evenly and scaled (marked `sampled`).
import type { Chain, Hash, PublicClient, Transport } from "viem";

import type { OperationRecord, WorkloadName } from "../metrics/recorder.js";

import { readReceiptCost, type ReceiptCost } from "../../orbit/receipt-cost.js";
import { WORKLOADS } from "../metrics/recorder.js";

export interface WorkloadCost {
  /** Distinct transactions of the workload. */
  readonly transactions: number;
  /** Successful operations (readings for iot_readings). */
  readonly operations: number;
  readonly execution_gas: string;
  readonly parent_chain_gas: string;
  /** What the parent-chain share cost (wei, ETH). */
  readonly parent_chain_fee_wei: string;
  readonly parent_chain_fee_eth: number;
  readonly fee_wei: string;
  readonly fee_eth: number;
  readonly eth_per_operation: number;
  /** Share of the fee paid for parent-chain data (0..1). */
  readonly parent_chain_share: number;
  readonly sampled: boolean;
  /** Where the parent-chain share came from: the receipts' gasUsedForL1, NodeInterface, or none (not an Arbitrum chain). */
  readonly source: ReceiptCost["source"] | "mixed" | "-";
}

export interface ChainCosts {
  readonly commit_mode: string;
  readonly workloads: Record<WorkloadName, WorkloadCost>;
  /** ETH per committed reading (iot_readings). */
  readonly eth_per_reading: number;
}

const WEI_PER_ETH = 10n ** 18n;

function toEth(wei: bigint): number {
  return Number(wei) / Number(WEI_PER_ETH);
}

/** Evenly spaced sample of at most `max` items. */
function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

export async function measureChainCosts(
  client: PublicClient<Transport, Chain | undefined>,
  records: readonly OperationRecord[],
  commitMode: string,
  options: { maxTransactions?: number; concurrency?: number } = {},
): Promise<ChainCosts> {
  const max = options.maxTransactions ?? 300;
  const cache = new Map<string, Promise<ReceiptCost>>();
  const costOf = (hash: string): Promise<ReceiptCost> => {
    let pending = cache.get(hash);
    if (pending === undefined) {
      pending = client.getTransactionReceipt({ hash: hash as Hash }).then(async (receipt) => await readReceiptCost(client, receipt));
      cache.set(hash, pending);
    }
    return pending;
  };
  const workloads = {} as Record<WorkloadName, WorkloadCost>;
  for (const workload of WORKLOADS) {
    const ok = records.filter((r) => r.workload === workload && r.status === "success" && /^0x[0-9a-fA-F]{64}$/.test(r.txHash));
    const hashes = [...new Set(ok.map((r) => r.txHash.toLowerCase()))];
    const chosen = sample(hashes, max);
    const costs: ReceiptCost[] = [];
    const limit = options.concurrency ?? 8;
    for (let i = 0; i < chosen.length; i += limit) {
      costs.push(...(await Promise.all(chosen.slice(i, i + limit).map(costOf))));
    }
    const scale = (v: bigint) => (chosen.length === 0 ? 0n : (v * BigInt(hashes.length)) / BigInt(chosen.length));
    const execution = scale(costs.reduce((s, c) => s + c.executionGas, 0n));
    const parent = scale(costs.reduce((s, c) => s + c.parentChainGas, 0n));
    const fee = scale(costs.reduce((s, c) => s + c.feeWei, 0n));
    const parentFee = scale(costs.reduce((s, c) => s + c.parentChainWei, 0n));
    const sources = new Set(costs.map((c) => c.source));
    workloads[workload] = {
      transactions: hashes.length,
      operations: ok.length,
      execution_gas: execution.toString(),
      parent_chain_gas: parent.toString(),
      parent_chain_fee_wei: parentFee.toString(),
      parent_chain_fee_eth: toEth(parentFee),
      fee_wei: fee.toString(),
      fee_eth: toEth(fee),
      eth_per_operation: ok.length === 0 ? 0 : toEth(fee) / ok.length,
      parent_chain_share: fee === 0n ? 0 : Number(parentFee) / Number(fee),
      sampled: chosen.length < hashes.length,
      source: sources.size === 0 ? "-" : sources.size === 1 ? [...sources][0]! : "mixed",
    };
  }
  return { commit_mode: commitMode, workloads, eth_per_reading: workloads.iot_readings.eth_per_operation };
}

/** The cost table as CSV: one line per workload, with the run's commit mode. */
export function renderCostsCsv(costs: ChainCosts): string {
  const columns = ["commit_mode", "workload", "transactions", "operations", "execution_gas", "parent_chain_gas", "parent_chain_fee_eth", "fee_eth", "eth_per_operation", "parent_chain_share", "sampled", "source"];
  const lines = [columns.join(",")];
  for (const w of WORKLOADS) {
    const c = costs.workloads[w];
    lines.push([costs.commit_mode, w, c.transactions, c.operations, c.execution_gas, c.parent_chain_gas, c.parent_chain_fee_eth, c.fee_eth, c.eth_per_operation, c.parent_chain_share.toFixed(4), c.sampled, c.source].join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** The path of the costs CSV beside the transaction log (`log.csv` -> `log.costs.csv`). */
export function costsCsvPath(txLogCsv: string): string {
  return txLogCsv.endsWith(".csv") ? `${txLogCsv.slice(0, -4)}.costs.csv` : `${txLogCsv}.costs.csv`;
}
