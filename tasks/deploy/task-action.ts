// Action of the `deploy` task: parse options, pick the submitters, deploy.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "viem";

import { resolve } from "node:path";

import { isAddress } from "viem";

import { openChainContext, type ChainContext } from "../shared/chain-context.js";
import type { BuildMode } from "../shared/contract-build.js";
import { isTaskError, taskError } from "../shared/errors.js";
import { defaultPrinter, type Printer } from "../shared/format.js";
import { DEFAULT_ROLE_COUNTS, loadWalletSet } from "../shared/wallet-set.js";
import { deployProcessor, type DeployProcessorReturnType, type RuntimeChoice } from "./deploy-processor.js";

export interface DeployActionArguments {
  runtime: string;
  build: string;
  owner: string;
  submitters: string;
  deployments: string;
  redeploy: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw taskError(`--${name} "${value}" is not one of ${allowed.join(", ")}.`);
  return value as T;
}

function parseAddresses(name: string, text: string): Address[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      if (!isAddress(s, { strict: false })) throw taskError(`--${name} has "${s}", which is not an address (0x + 40 hex digits).`);
      return s as Address;
    });
}

/** The IoT operators of the wallet set (the node's submitters), or none when no mnemonic is available. */
export async function defaultSubmitters(hre: HardhatRuntimeEnvironment, ctx: ChainContext, print: Printer): Promise<Address[]> {
  try {
    const set = await loadWalletSet(hre, { localKeys: ctx.localKeys, networkName: ctx.networkName, counts: DEFAULT_ROLE_COUNTS });
    return set.byRole("iot_operator").map((w) => w.address);
  } catch (error) {
    if (!isTaskError(error)) throw error;
    print("note: no wallet mnemonic configured, so no IoT operators are made submitters (pass --submitters to add some)");
    return [];
  }
}

export async function runDeploy(args: DeployActionArguments, hre: HardhatRuntimeEnvironment, print: Printer = defaultPrinter): Promise<DeployProcessorReturnType> {
  const runtime = oneOf<RuntimeChoice>("runtime", args.runtime, ["auto", "stylus", "evm"]);
  const build = oneOf<BuildMode>("build", args.build, ["auto", "always", "never"]);
  const owners = parseAddresses("owner", args.owner);
  if (owners.length > 1) throw taskError("--owner takes one address.");
  const explicit = parseAddresses("submitters", args.submitters);
  const ctx = await openChainContext(hre);
  print(`deploy on ${ctx.networkName} (chain ${ctx.chainId}) from ${ctx.deployerAddress}${ctx.localKeys ? " (Hardhat's public test account: throwaway key)" : ""}`);
  const submitters = explicit.length > 0 ? explicit : await defaultSubmitters(hre, ctx, print);
  return await deployProcessor(hre, ctx, {
    runtime,
    build,
    redeploy: args.redeploy,
    owner: owners[0],
    submitters,
    deploymentsDir: args.deployments === "" ? undefined : resolve(args.deployments),
    print,
  });
}

export default async function deployAction(args: DeployActionArguments, hre: HardhatRuntimeEnvironment): Promise<DeployProcessorReturnType> {
  return await runDeploy(args, hre);
}
