// Deploys MVPIoTProcessor the cargo-stylus way over plain JSON-RPC, so the
// same code runs on the in-process chain (with hardhat-stylus), a local
// nitro-devnode, KC-Chain and Arbitrum Sepolia: CREATE with the Stylus init
// code, activation through ArbWasm (fee estimated under a state override,
// +20 %) unless the code hash is already active, initialize(owner), then
// setSubmitter for the node's submitters. Re-running reuses a deployment
// whose on-chain code still matches the artifact. Used by deploy, stress
// and serve.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex, TransactionReceipt } from "viem";

import { join } from "node:path";

import { getAddress, hexToBytes, keccak256, toHex, zeroAddress } from "viem";

import { buildStylusInitCode } from "../../hardhat-stylus/src/internal/wasm/program-format.js";
import { bumpDataFee, codehashVersion, estimateActivation, sendActivation, stylusVersion } from "../shared/arbwasm.js";
import type { ChainContext } from "../shared/chain-context.js";
import { ensureContractBuilt, type BuildMode, type BuildOutcome } from "../shared/contract-build.js";
import { readDeployment, writeDeployment, deploymentFilePath, type DeploymentRecord } from "../shared/deployment-record.js";
import { readReceiptCost } from "../orbit/receipt-cost.js";
import { errorText, taskError } from "../shared/errors.js";
import { defaultPrinter, formatEth, renderTable, type Printer } from "../shared/format.js";
import { loadEvmTwinArtifact, loadStylusArtifact, stylusArtifactExists, stylusArtifactsDir, type ProcessorArtifact, type ProcessorRuntime } from "../shared/processor-artifact.js";
import { waitForReceipt } from "../shared/transactions.js";

export type RuntimeChoice = "auto" | ProcessorRuntime;

export interface DeployProcessorParameters {
  readonly runtime: RuntimeChoice;
  readonly build: BuildMode;
  readonly redeploy: boolean;
  /** Contract owner; default the deployer. */
  readonly owner?: Address | undefined;
  readonly submitters: readonly Address[];
  /** Folder of the deployment records; default deployments/ (public chains) or .lcore/deployments (local chains). */
  readonly deploymentsDir?: string | undefined;
  readonly print?: Printer | undefined;
}

export interface DeployStep {
  readonly step: string;
  readonly txHash: Hex | undefined;
  readonly gasUsed: bigint;
  readonly costWei: bigint;
  readonly note: string;
}

export interface DeployProcessorReturnType {
  readonly record: DeploymentRecord;
  readonly reused: boolean;
  readonly steps: readonly DeployStep[];
  readonly totalCostWei: bigint;
  /** Parent-chain (L1 data) share of the steps' transactions, in child gas and in wei. */
  readonly parentChainGas: bigint;
  readonly parentChainWei: bigint;
  readonly recordFile: string;
  readonly build: BuildOutcome | undefined;
}

/** The default folder of deployment records for a chain. */
export function defaultDeploymentsDir(hre: HardhatRuntimeEnvironment, ctx: ChainContext): string {
  return ctx.localKeys ? join(hre.config.paths.root, ".lcore", "deployments") : join(hre.config.paths.root, "deployments");
}

function receiptCost(receipt: TransactionReceipt, value = 0n): bigint {
  return receipt.gasUsed * receipt.effectiveGasPrice + value;
}

async function confirm(ctx: ChainContext, hash: Hex, what: string): Promise<TransactionReceipt> {
  const receipt = await waitForReceipt(ctx.publicClient, hash);
  if (receipt.status !== "success") throw taskError(`${what} reverted (tx ${hash}); see the transaction on the explorer or re-run with --show-stack-traces.`);
  return receipt;
}

async function onChainCodeHash(ctx: ChainContext, address: Address): Promise<Hex | undefined> {
  const code = await ctx.publicClient.getCode({ address });
  return code === undefined || code === "0x" ? undefined : keccak256(code);
}

/** Chooses the runtime: Stylus when the chain has ArbWasm, else the Solidity twin on local chains. */
async function chooseRuntime(hre: HardhatRuntimeEnvironment, ctx: ChainContext, choice: RuntimeChoice, print: Printer): Promise<{ runtime: ProcessorRuntime; version: number | undefined }> {
  const version = await stylusVersion(ctx.publicClient);
  if (choice === "evm") return { runtime: "evm", version };
  if (version !== undefined) {
    if (choice === "auto" && ctx.localKeys && !stylusArtifactExists(hre)) {
      print("note: no Stylus artifact (contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex) yet; deploying the Solidity twin MVPIoTProcessorEvm instead");
      return { runtime: "evm", version };
    }
    return { runtime: "stylus", version };
  }
  if (choice === "stylus" || !ctx.localKeys) {
    throw taskError(
      `network "${ctx.networkName}" cannot run Stylus programs (no ArbWasm precompile at 0x…71); use an Arbitrum chain, load the hardhat-stylus plugin for the in-process chain, or pass --runtime evm.`,
    );
  }
  print("note: this chain has no Stylus runtime (hardhat-stylus not loaded); deploying the Solidity twin MVPIoTProcessorEvm instead");
  return { runtime: "evm", version: undefined };
}

/** Deploys (or reuses) MVPIoTProcessor and makes sure owner and submitters are set. */
export async function deployProcessor(
  hre: HardhatRuntimeEnvironment,
  ctx: ChainContext,
  params: DeployProcessorParameters,
): Promise<DeployProcessorReturnType> {
  const print = params.print ?? defaultPrinter;
  const dir = params.deploymentsDir ?? defaultDeploymentsDir(hre, ctx);
  const { runtime, version } = await chooseRuntime(hre, ctx, params.runtime, print);
  let build: BuildOutcome | undefined;
  if (runtime === "stylus") {
    build = await ensureContractBuilt(hre.config.paths.root, stylusArtifactsDir(hre), params.build);
    print(`build: ${build.reason}`);
  }
  const artifact: ProcessorArtifact = runtime === "stylus" ? await loadStylusArtifact(hre) : await loadEvmTwinArtifact(hre);
  const owner = getAddress(params.owner ?? ctx.deployerAddress);
  const steps: DeployStep[] = [];

  // 1. Reuse a recorded deployment whose code still matches.
  const previous = await readDeployment(dir, ctx.chainId);
  let address: Address | undefined;
  let record: Omit<DeploymentRecord, "owner" | "submitters" | "activation"> | undefined;
  let reused = false;
  if (previous !== undefined && !params.redeploy && previous.runtime === runtime) {
    const live = await onChainCodeHash(ctx, previous.address);
    if (live !== undefined && live === artifact.codeHash && previous.codeHash === artifact.codeHash) {
      address = previous.address;
      record = previous;
      reused = true;
      steps.push({ step: "reuse", txHash: previous.txHash, gasUsed: 0n, costWei: 0n, note: `recorded deployment at ${address} matches the artifact` });
    } else {
      print(`recorded deployment at ${previous.address} ${live === undefined ? "has no code on this chain" : "does not match the current artifact"}: deploying anew`);
    }
  }

  // 2. Deploy.
  if (address === undefined || record === undefined) {
    const data = runtime === "stylus" ? toHex(buildStylusInitCode(hexToBytes(artifact.code))) : artifact.code;
    let hash: Hex;
    try {
      hash = await ctx.deployer.sendTransaction({ data });
    } catch (error) {
      throw taskError(`the deployment transaction was refused: ${errorText(error)}. Check the deployer's balance and the network.`, error);
    }
    const receipt = await confirm(ctx, hash, "the deployment");
    if (receipt.contractAddress === null || receipt.contractAddress === undefined) throw taskError(`the deployment ${hash} created no contract; check the network is an EVM chain.`);
    address = getAddress(receipt.contractAddress);
    const live = await onChainCodeHash(ctx, address);
    if (live !== artifact.codeHash) {
      throw taskError(`the code at ${address} is not the artifact's (hash ${live ?? "none"} vs ${artifact.codeHash}); the chain rewrote or rejected the program.`);
    }
    steps.push({ step: "deploy", txHash: hash, gasUsed: receipt.gasUsed, costWei: receiptCost(receipt), note: `${runtime === "stylus" ? "Stylus init code" : "EVM bytecode"}, ${(artifact.code.length - 2) / 2} bytes` });
    record = {
      contract: "MVPIoTProcessor",
      runtime,
      network: ctx.networkName,
      chainId: ctx.chainId,
      address,
      deployer: ctx.deployerAddress,
      txHash: hash,
      blockNumber: receipt.blockNumber.toString(),
      codeHash: artifact.codeHash!,
      artifactHash: artifact.artifactHash,
      sourceHash: artifact.sourceHash,
      deployedAt: new Date().toISOString(),
    };
  }

  // 3. Activate (Stylus only), unless the code hash is already active.
  let activation: DeploymentRecord["activation"];
  if (runtime === "stylus") {
    const active = await codehashVersion(ctx.publicClient, artifact.codeHash!);
    if (active !== undefined) {
      activation = previous?.activation?.txHash !== undefined && reused ? previous.activation : { txHash: undefined, stylusVersion: active, dataFeeWei: "0", valueSentWei: "0", alreadyActive: true };
      steps.push({ step: "activate", txHash: undefined, gasUsed: 0n, costWei: 0n, note: `code hash already active (Stylus v${active})` });
    } else {
      let estimate: { version: number; dataFee: bigint };
      try {
        estimate = await estimateActivation(ctx.publicClient, ctx.deployerAddress, address);
      } catch (error) {
        throw taskError(`activation fee estimate failed: ${errorText(error)}. The program may be invalid for this chain's Stylus version (${version ?? "unknown"}).`, error);
      }
      const value = bumpDataFee(estimate.dataFee);
      let hash: Hex;
      try {
        hash = await sendActivation(ctx.deployer, address, value);
      } catch (error) {
        throw taskError(`activation was refused: ${errorText(error)}. Check the deployer holds ${formatEth(value)} plus gas.`, error);
      }
      const receipt = await confirm(ctx, hash, "activateProgram");
      activation = { txHash: hash, stylusVersion: estimate.version, dataFeeWei: estimate.dataFee.toString(), valueSentWei: value.toString(), alreadyActive: false };
      steps.push({ step: "activate", txHash: hash, gasUsed: receipt.gasUsed, costWei: receiptCost(receipt, estimate.dataFee), note: `data fee ${formatEth(estimate.dataFee)} (sent ${formatEth(value)}, excess refunded)` });
    }
  }

  // 4. Owner.
  const abi = artifact.abi;
  const currentOwner = (await ctx.publicClient.readContract({ address, abi, functionName: "owner" })) as Address;
  if (currentOwner === zeroAddress) {
    const hash = await ctx.deployer.writeContract({ address, abi, functionName: "initialize", args: [owner] });
    const receipt = await confirm(ctx, hash, "initialize(owner)");
    steps.push({ step: "initialize", txHash: hash, gasUsed: receipt.gasUsed, costWei: receiptCost(receipt), note: `owner ${owner}` });
  } else if (getAddress(currentOwner) !== owner) {
    throw taskError(`the contract at ${address} is owned by ${currentOwner}, not ${owner}; deploy with --redeploy or run from the owner's account.`);
  }

  // 5. Submitters.
  const submitters = [...new Set(params.submitters.map((a) => getAddress(a)))];
  const missing: Address[] = [];
  for (const account of submitters) {
    if (!((await ctx.publicClient.readContract({ address, abi, functionName: "isSubmitter", args: [account] })) as boolean)) missing.push(account);
  }
  if (missing.length > 0 && ctx.deployerAddress.toLowerCase() !== owner.toLowerCase()) {
    throw taskError(`${missing.length} submitter(s) need setSubmitter but the deployer is not the owner ${owner}; run deploy from the owner's account.`);
  }
  for (const account of missing) {
    const hash = await ctx.deployer.writeContract({ address, abi, functionName: "setSubmitter", args: [account, true] });
    const receipt = await confirm(ctx, hash, `setSubmitter(${account})`);
    steps.push({ step: "setSubmitter", txHash: hash, gasUsed: receipt.gasUsed, costWei: receiptCost(receipt), note: account });
  }

  const full: DeploymentRecord = {
    ...record,
    owner,
    submitters: [...new Set([...(reused && previous !== undefined ? previous.submitters : []), ...submitters])],
    activation,
  };
  const recordFile = await writeDeployment(dir, full);
  const totalCostWei = steps.reduce((sum, s) => sum + s.costWei, 0n);
  // Each receipt's parent-chain share (gasUsedForL1, or NodeInterface where the receipt lacks it), for the
  // steps that sent a transaction in this run (a reused deployment's recorded transaction may be on a chain
  // that is gone, e.g. an earlier in-process run).
  const parentShares = await Promise.all(
    steps.map(async (s) =>
      s.txHash === undefined || s.step === "reuse" ? undefined : await readReceiptCost(ctx.publicClient, await ctx.publicClient.getTransactionReceipt({ hash: s.txHash })),
    ),
  );
  const parentChainGas = parentShares.reduce((sum, c) => sum + (c?.parentChainGas ?? 0n), 0n);
  const parentChainWei = parentShares.reduce((sum, c) => sum + (c?.parentChainWei ?? 0n), 0n);
  print(
    renderTable(
      ["step", "transaction", "gas", "parent-chain gas", "cost", "note"],
      steps.map((s, i) => [
        s.step,
        s.txHash ?? "-",
        s.gasUsed === 0n ? "-" : s.gasUsed.toString(),
        parentShares[i] === undefined ? "-" : parentShares[i].parentChainGas.toString(),
        s.costWei === 0n ? "-" : formatEth(s.costWei),
        s.note,
      ]),
    ),
  );
  if (parentChainGas > 0n) {
    print(`parent-chain data: ${parentChainGas} gas, ${formatEth(parentChainWei)} (${parentShares.find((c) => c !== undefined)?.source === "receipt" ? "from the receipts' gasUsedForL1, included in the cost" : "from NodeInterface; a Nitro node adds it to the cost"})`);
  }
  print(
    `${reused ? "reused" : "deployed"} MVPIoTProcessor (${runtime === "stylus" ? `Stylus${activation === undefined ? "" : ` v${activation.stylusVersion}`}` : "EVM twin"}) at ${address} on ${ctx.networkName} (chain ${ctx.chainId}); cost ${formatEth(totalCostWei)}; record ${deploymentFilePath(dir, ctx.chainId)}`,
  );
  return { record: full, reused, steps, totalCostWei, parentChainGas, parentChainWei, recordFile, build };
}
