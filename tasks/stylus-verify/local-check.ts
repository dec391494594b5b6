// The explorer-free check: is the code deployed at an address the code
// built from this source? Stylus: compare the deployed bytes with the
// committed artifact, then decompress both and compare the WASM section by
// section; also ask the contract build whether the artifact matches the Rust
// source. EVM twin: compare the runtime code with the compiled artifact.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex } from "viem";

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { hexToBytes, keccak256 } from "viem";

import type { ChainContext } from "../shared/chain-context.js";

import { decompressStylusCode, isStylusCode } from "../../hardhat-stylus/src/internal/wasm/program-format.js";
import { errorText } from "../shared/errors.js";
import { loadEvmTwinArtifact, loadStylusArtifact } from "../shared/processor-artifact.js";
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

/** Asks scripts/build-contract.ts --check whether the committed artifact is what the Rust source builds to. */
export function checkArtifactAgainstSource(root: string): { state: LocalCheckResult["sourceCheck"]; note: string } {
  const script = join(root, "scripts", "build-contract.ts");
  if (!existsSync(script)) return { state: "not-checked", note: "no scripts/build-contract.ts in this checkout" };
  const cargo = spawnSync("/usr/bin/cargo", ["--version"], { stdio: "ignore" });
  const cargoAny = cargo.status === 0 || spawnSync("cargo", ["--version"], { stdio: "ignore" }).status === 0;
  if (!cargoAny) return { state: "not-checked", note: "cargo not found; the committed artifact was not rebuilt from source" };
  const run = spawnSync(process.execPath, ["--import", "tsx", script, "--check"], { cwd: root, encoding: "utf8", timeout: 20 * 60_000 });
  const last = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().split("\n").at(-1) ?? "";
  return run.status === 0 ? { state: "current", note: last || "artifact matches the Rust source" } : { state: "stale", note: last || "the Rust source builds to a different artifact" };
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
  const source = options.checkSource ? checkArtifactAgainstSource(hre.config.paths.root) : { state: "not-checked" as const, note: "--skip-source" };
  return { address, runtime: "stylus", matches, deployedCodeHash, artifactCodeHash: artifact.codeHash, differences, sourceCheck: source.state, sourceCheckNote: source.note, notes };
}
