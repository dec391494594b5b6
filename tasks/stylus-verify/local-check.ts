// The explorer-free check: is the code deployed at an address the code
// built from this source? Stylus: compare the deployed bytes with the
// committed artifact, then decompress both and compare the WASM section by
// section; also ask the contract build whether the artifact matches the Rust
// source. EVM twin: compare the runtime code with the compiled artifact.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex } from "viem";

import { hexToBytes, keccak256 } from "viem";

import type { ChainContext } from "../shared/chain-context.js";

import { decompressStylusCode, isStylusCode } from "../../hardhat-stylus/src/internal/wasm/program-format.js";
import { errorText } from "../shared/errors.js";
import { sourcesMatchBuildInfo } from "../shared/contract-build.js";
import { loadEvmTwinArtifact, loadStylusArtifact, stylusArtifactsDir } from "../shared/processor-artifact.js";
import { diffWasmSections, type SectionDifference } from "./wasm-sections.js";

export interface LocalCheckResult {
  readonly address: Address;
  readonly runtime: "stylus" | "evm" | "none";
  /** The deployed code is byte for byte the artifact's. */
  readonly matches: boolean;
  readonly deployedCodeHash: Hex | undefined;
  readonly artifactCodeHash: Hex | undefined;
  /** WASM sections that differ (Stylus), empty when they match. */
  readonly differences: readonly SectionDifference[];
  /** What the contract build says about artifact vs Rust source. */
  readonly sourceCheck: "current" | "stale" | "not-checked";
  readonly sourceCheckNote: string;
  readonly notes: readonly string[];
}

/**
 * Does the committed artifact come from this Rust source? Recomputes the
 * cargo-stylus project hash of the sources and compares it with the one in
 * build-info.json (no compiler needed). The reproducible rebuild itself is
 * `node --import tsx scripts/build-contract.ts --check` (CI runs it).
 */
export async function checkArtifactAgainstSource(root: string, artifactsDir: string): Promise<{ state: LocalCheckResult["sourceCheck"]; note: string }> {
  const state = await sourcesMatchBuildInfo(root, artifactsDir);
  if (state === undefined) return { state: "not-checked", note: "build-info.json records no project hash" };
  return { state: state.matches ? "current" : "stale", note: state.detail };
}

export async function checkDeployedCode(
  hre: HardhatRuntimeEnvironment,
  ctx: ChainContext,
  address: Address,
  options: { checkSource: boolean },
): Promise<LocalCheckResult> {
  const code = (await ctx.publicClient.getCode({ address })) ?? "0x";
  const notes: string[] = [];
  if (code === "0x") {
    return { address, runtime: "none", matches: false, deployedCodeHash: undefined, artifactCodeHash: undefined, differences: [], sourceCheck: "not-checked", sourceCheckNote: "", notes: [`no code at ${address} on chain ${ctx.chainId}`] };
  }
  const deployed = hexToBytes(code);
  const deployedCodeHash = keccak256(code);
  if (!isStylusCode(deployed)) {
    const twin = await loadEvmTwinArtifact(hre);
    const matches = twin.codeHash === deployedCodeHash;
    if (!matches) notes.push("the EVM runtime code differs from the compiled MVPIoTProcessorEvm (different compiler settings or source)");
    return { address, runtime: "evm", matches, deployedCodeHash, artifactCodeHash: twin.codeHash, differences: [], sourceCheck: "not-checked", sourceCheckNote: "EVM twin: compared with the Hardhat build", notes };
  }
  const artifact = await loadStylusArtifact(hre);
  const built = hexToBytes(artifact.code);
  const matches = artifact.codeHash === deployedCodeHash;
  let differences: SectionDifference[] = [];
  if (!matches) {
    if (deployed[3] !== built[3]) notes.push(`dictionary byte differs: deployed ${deployed[3]}, built ${built[3]}`);
    try {
      const wasmDeployed = decompressStylusCode(deployed);
      const wasmBuilt = decompressStylusCode(built);
      differences = diffWasmSections(wasmDeployed, wasmBuilt);
      if (differences.length === 0) notes.push("the WASM is identical; only the compression differs (another brotli quality or window)");
    } catch (error) {
      notes.push(`cannot compare the WASM: ${errorText(error)}`);
    }
  }
  const source = options.checkSource ? await checkArtifactAgainstSource(hre.config.paths.root, stylusArtifactsDir(hre)) : { state: "not-checked" as const, note: "--skip-source" };
  return { address, runtime: "stylus", matches, deployedCodeHash, artifactCodeHash: artifact.codeHash, differences, sourceCheck: source.state, sourceCheckNote: source.note, notes };
}
