// Loads what deploy, stress and stylus-verify need about MVPIoTProcessor:
// the committed Stylus artifacts (deployed code, WASM, build info) or the
// compiled Solidity twin, each with the hashes a deployment is recorded by.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Abi, Hex } from "viem";

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { keccak256 } from "viem";

import { mvpIoTProcessorAbi } from "../../contracts-stylus/artifacts/abi.js";

import { errorText, taskError } from "./errors.js";

export type ProcessorRuntime = "stylus" | "evm";

export interface ProcessorArtifact {
  readonly runtime: ProcessorRuntime;
  readonly abi: Abi;
  /** Stylus: the deployed code (EF F0 00 ...); EVM: the creation bytecode. */
  readonly code: Hex;
  /** keccak256 of the code eth_getCode returns (Stylus: `code`; EVM: unknown before deploying). */
  readonly codeHash: Hex | undefined;
  /** sha256 of the artifact file the code came from. */
  readonly artifactHash: Hex;
  /** The build's source hash, when build-info.json records one. */
  readonly sourceHash: string | undefined;
  readonly source: string;
}

/** Folder of the committed Stylus artifacts (LCORE_STYLUS_ARTIFACTS points elsewhere, e.g. at a build under test). */
export function stylusArtifactsDir(hre: HardhatRuntimeEnvironment): string {
  const override = process.env.LCORE_STYLUS_ARTIFACTS;
  return override !== undefined && override !== "" ? override : join(hre.config.paths.root, "contracts-stylus", "artifacts");
}

export const DEPLOYED_HEX_FILE = "MVPIoTProcessor.deployed.hex";
export const WASM_FILE = "MVPIoTProcessor.wasm";
export const BUILD_INFO_FILE = "build-info.json";
export const EVM_TWIN_NAME = "MVPIoTProcessorEvm";

function sha256Hex(bytes: Uint8Array | string): Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Reads build-info.json (any shape); undefined when absent or unreadable. */
export async function readBuildInfo(hre: HardhatRuntimeEnvironment): Promise<Record<string, unknown> | undefined> {
  const file = join(stylusArtifactsDir(hre), BUILD_INFO_FILE);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function findSourceHash(info: Record<string, unknown> | undefined): string | undefined {
  if (info === undefined) return undefined;
  for (const key of ["sourceHash", "source_hash", "sourcesHash", "projectHash", "project_hash"]) {
    const value = info[key];
    if (typeof value === "string") return value;
  }
  const hashes = info.hashes;
  if (typeof hashes === "object" && hashes !== null) return findSourceHash(hashes as Record<string, unknown>);
  return undefined;
}

/** True when the committed Stylus program (deployed code) is present. */
export function stylusArtifactExists(hre: HardhatRuntimeEnvironment): boolean {
  return existsSync(join(stylusArtifactsDir(hre), DEPLOYED_HEX_FILE));
}

/** The committed Stylus program (contracts-stylus/artifacts). */
export async function loadStylusArtifact(hre: HardhatRuntimeEnvironment): Promise<ProcessorArtifact> {
  const file = join(stylusArtifactsDir(hre), DEPLOYED_HEX_FILE);
  let text: string;
  try {
    text = (await readFile(file, "utf8")).trim();
  } catch (error) {
    throw taskError(
      `the Stylus artifact ${DEPLOYED_HEX_FILE} is missing (${errorText(error)}); build it with \`node --import tsx scripts/build-contract.ts\` or pull the committed artifacts.`,
      error,
    );
  }
  if (!/^0x(ef|EF)[fF]000[0-9a-fA-F]*$/.test(text) || text.length % 2 !== 0) {
    throw taskError(`${DEPLOYED_HEX_FILE} is not Stylus code (0x-hex starting with EF F0 00); rebuild the contract artifacts.`);
  }
  const code = text.toLowerCase() as Hex;
  return {
    runtime: "stylus",
    abi: mvpIoTProcessorAbi as unknown as Abi,
    code,
    codeHash: keccak256(code),
    artifactHash: sha256Hex(text),
    sourceHash: findSourceHash(await readBuildInfo(hre)),
    source: file,
  };
}

/** The compiled Solidity twin (built on demand). */
export async function loadEvmTwinArtifact(hre: HardhatRuntimeEnvironment): Promise<ProcessorArtifact> {
  if (!(await hre.artifacts.artifactExists(EVM_TWIN_NAME))) {
    try {
      await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
    } catch (error) {
      throw taskError(`cannot compile ${EVM_TWIN_NAME} (${errorText(error)}); run \`npx hardhat build\` and fix what it reports.`, error);
    }
  }
  const artifact = await hre.artifacts.readArtifact(EVM_TWIN_NAME);
  return {
    runtime: "evm",
    abi: artifact.abi as Abi,
    code: artifact.bytecode as Hex,
    codeHash: keccak256(artifact.deployedBytecode as Hex),
    artifactHash: sha256Hex(artifact.bytecode),
    sourceHash: undefined,
    source: `${artifact.sourceName}:${artifact.contractName}`,
  };
}
