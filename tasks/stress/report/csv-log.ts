// The transaction log of a stress run as CSV, in the predecessor's columns
// (timestamp,module,tx_hash,status,gas_used,latency_sec,error).
import type { OperationRecord } from "../metrics/recorder.js";

export const TX_LOG_COLUMNS = ["timestamp", "module", "tx_hash", "status", "gas_used", "latency_sec", "error"] as const;

function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Renders the records as CSV text (header + one line per operation, in completion order). */
export function renderTxLogCsv(records: readonly OperationRecord[]): string {
  const lines = [TX_LOG_COLUMNS.join(",")];
  for (const r of records) {
    lines.push(
      [r.timestamp, r.module, r.txHash, r.status, r.gasUsed === undefined ? "" : r.gasUsed.toString(), r.latencySec.toFixed(4), r.error]
        .map(cell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}
