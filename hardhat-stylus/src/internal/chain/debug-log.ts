// Opt-in diagnostics: set HARDHAT_STYLUS_DEBUG=1 to print one line per
// emulated transaction, deferral and replay to stderr.
const enabled = process.env.HARDHAT_STYLUS_DEBUG !== undefined && process.env.HARDHAT_STYLUS_DEBUG !== "";

export function debugLog(message: string): void {
  if (enabled) process.stderr.write(`hardhat-stylus: ${message}\n`);
}
