// Loader for the committed build of the Stylus contract MVPIoTProcessor:
// the processed WASM, the deployable code (what `eth_getCode` returns), the
// ABI, the code hash and build-info.json. Written by hand next to the files
// scripts/build-contract.ts generates; needs no Rust toolchain.
import { readFileSync } from "node:fs";

import { bytesToHex, keccak256, type Hex } from "viem";

import { mvpIoTProcessorAbi } from "./abi.js";

/** build-info.json: sizes, hashes and the toolchain of the committed build. */
export interface MvpIoTProcessorBuildInfo {
  contract: string;
  crate: string;
  stylusSdk: string;
  /** Bytes of MVPIoTProcessor.wasm (stripped, with the project_hash section). */
  wasmSize: number;
  wasmKeccak256: Hex;
  rawLinkerOutputSize: number;
  /** Bytes of the brotli stream alone. */
  compressedSize: number;
  /** Bytes of the deployed code: EF F0 00 00 + brotli. */
  deployedCodeSize: number;
  /** keccak256 of the deployed code (the key of ArbWasm activation). */
  codeHash: Hex;
  /** The 32-byte project_hash custom section (cargo-stylus's scheme). */
  projectHash: Hex;
  limits: { deployedCodeSize: number; wasmSize: number };
  brotli: { quality: number; window: number };
  program: { imports: string[]; exports: string[]; functionCount: number; memoryPages: number; usesFloats: boolean };
  toolchain: { rustc: string; cargo: string; wasmLd: string; debianPackages: Record<string, string> };
  build: { cargo: string[]; env: Record<string, string>; optLevel: string };
}

/** Everything needed to deploy and call the contract. */
export interface MvpIoTProcessorArtifact {
  /** The processed WASM program. */
  wasm: Uint8Array;
  /** The deployed code: 0xEF F0 00 00 || brotli(wasm). */
  deployedCode: Hex;
  abi: typeof mvpIoTProcessorAbi;
  /** keccak256(deployedCode). */
  codeHash: Hex;
  info: MvpIoTProcessorBuildInfo;
}

/** Raised when the committed files do not agree with each other. */
export class ArtifactIntegrityError extends Error {
  override name = "ArtifactIntegrityError";
  readonly shortMessage: string;
  constructor(shortMessage: string) {
    super(`${shortMessage}\nRebuild with \`node --import tsx scripts/build-contract.ts\` (or restore contracts-stylus/artifacts/ from git).`);
    this.shortMessage = shortMessage;
  }
}

const file = (name: string): URL => new URL(`./${name}`, import.meta.url);

/**
 * Reads the committed artifacts and checks that the deployed code's hash is
 * the one build-info.json recorded.
 * @throws ArtifactIntegrityError when the files disagree.
 */
export function loadMvpIoTProcessorArtifact(): MvpIoTProcessorArtifact {
  const wasm = new Uint8Array(readFileSync(file("MVPIoTProcessor.wasm")));
  const deployedCode = readFileSync(file("MVPIoTProcessor.deployed.hex"), "utf8").trim() as Hex;
  const info = JSON.parse(readFileSync(file("build-info.json"), "utf8")) as MvpIoTProcessorBuildInfo;
  const codeHash = keccak256(deployedCode);
  if (codeHash !== info.codeHash) {
    throw new ArtifactIntegrityError(`MVPIoTProcessor.deployed.hex hashes to ${codeHash}, build-info.json says ${info.codeHash}`);
  }
  if (keccak256(bytesToHex(wasm)) !== info.wasmKeccak256) {
    throw new ArtifactIntegrityError("MVPIoTProcessor.wasm does not match build-info.json's wasmKeccak256");
  }
  return { wasm, deployedCode, abi: mvpIoTProcessorAbi, codeHash, info };
}
