// Compiles a Solidity interface to its JSON ABI with the npm `solc` package
// (offline, the version in package.json). Used by the contract build for the
// exported interface and by the artifact tests for docs/contract-interface.sol.
import { createRequire } from "node:module";

/** A JSON ABI entry as solc writes it. */
export type SolcAbiEntry = Record<string, unknown>;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: SolcAbiEntry[] }>>;
}

/** Raised when solc rejects the source or the contract is missing. */
export class SolcCompileError extends Error {
  override name = "SolcCompileError";
  readonly shortMessage: string;
  constructor(shortMessage: string, details?: string) {
    super(details === undefined ? shortMessage : `${shortMessage}\n${details}`);
    this.shortMessage = shortMessage;
  }
}

const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };

/**
 * Returns the JSON ABI of `contractName` declared in `source`.
 * @throws SolcCompileError with solc's messages.
 */
export function compileAbi(source: string, contractName: string): SolcAbiEntry[] {
  const input = {
    language: "Solidity",
    sources: { "source.sol": { content: source } },
    settings: { outputSelection: { "*": { "*": ["abi"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new SolcCompileError(`solc rejected the source of ${contractName}`, errors.map((e) => e.formattedMessage).join("\n"));
  }
  const abi = output.contracts?.["source.sol"]?.[contractName]?.abi;
  if (abi === undefined) {
    throw new SolcCompileError(`solc output has no contract ${contractName}`, "Check the name of the interface in the source.");
  }
  return abi;
}
