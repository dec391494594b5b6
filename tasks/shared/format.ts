// Small formatting helpers shared by the tasks' terminal output.
import Table from "cli-table3";
import { formatEther } from "viem";

/** "1.2345 ETH" with at most 6 decimals. */
export function formatEth(wei: bigint): string {
  const [whole, fraction = ""] = formatEther(wei).split(".");
  const trimmed = fraction.slice(0, 6).replace(/0+$/, "");
  return `${whole}${trimmed === "" ? "" : `.${trimmed}`} ETH`;
}

/** Renders rows as a boxed terminal table. */
export function renderTable(head: string[], rows: Array<Array<string | number>>): string {
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return table.toString();
}

/** Writes one line to stdout (tasks print through this so tests can silence them). */
export type Printer = (line: string) => void;

/** The default printer: console.log unless LCORE_TASKS_SILENT=1. */
export const defaultPrinter: Printer = (line) => {
  if (process.env.LCORE_TASKS_SILENT !== "1") console.log(line);
};
