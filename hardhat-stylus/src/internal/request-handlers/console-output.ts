// Prints the lines Stylus programs log through their debug `console` imports
// (log_txt, log_i64, tee_*, ...) in Hardhat's output, as EDR prints Solidity's
// console.log: one line each, through console.log (Hardhat's printLine), for an
// answered eth_call or a mined transaction.

/** Prints each line, in order. */
export function printConsoleLines(lines: readonly string[] | undefined): void {
  if (lines === undefined) return;
  for (const line of lines) console.log(line);
}
