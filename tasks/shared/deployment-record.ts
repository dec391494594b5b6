// The per-chain deployment record: one JSON file per chain id
// (deployments/chain-<id>.json, committed for public chains; under .lcore/
// for local throwaway chains), read by deploy to stay idempotent and by
// stress, serve and stylus-verify to find the contract.
import type { Address, Hex } from "viem";

import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import type { ProcessorRuntime } from "./processor-artifact.js";

import { taskError } from "./errors.js";
import { makePrivateDir } from "../../node/src/fs/private-path.js";

export interface DeploymentRecord {
  readonly contract: "MVPIoTProcessor";
  readonly runtime: ProcessorRuntime;
  readonly network: string;
  readonly chainId: number;
  readonly address: Address;
  readonly deployer: Address;
  readonly owner: Address;
  readonly submitters: readonly Address[];
  readonly txHash: Hex;
  readonly blockNumber: string;
  /** keccak256 of the deployed code (the hash Nitro activates). */
  readonly codeHash: Hex;
  /** sha256 of the artifact that was deployed. */
  readonly artifactHash: Hex;
  readonly sourceHash?: string | undefined;
  readonly activation?: {
    readonly txHash: Hex | undefined;
    readonly stylusVersion: number;
    /** Estimated data fee (wei) and the value sent (fee + 20 %). */
    readonly dataFeeWei: string;
    readonly valueSentWei: string;
    readonly alreadyActive: boolean;
  };
  readonly deployedAt: string;
}

export interface DeploymentFile {
  readonly chainId: number;
  readonly deployments: { MVPIoTProcessor?: DeploymentRecord };
}

/** Where the record of `chainId` lives. */
export function deploymentFilePath(dir: string, chainId: number): string {
  return join(dir, `chain-${chainId}.json`);
}

export async function readDeployment(dir: string, chainId: number): Promise<DeploymentRecord | undefined> {
  const file = deploymentFilePath(dir, chainId);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as DeploymentFile;
    return parsed.deployments.MVPIoTProcessor;
  } catch {
    throw taskError(`the deployment record ${file} is not valid JSON; fix or delete it, then re-run deploy.`);
  }
}

/** Writes the record atomically (temp file + rename), keeping the file diff-friendly. */
export async function writeDeployment(dir: string, record: DeploymentRecord): Promise<string> {
  const file = deploymentFilePath(dir, record.chainId);
  makePrivateDir(dirname(file));
  const body: DeploymentFile = { chainId: record.chainId, deployments: { MVPIoTProcessor: record } };
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}
