// Action of the `stylus-verify` task: local check first (needs no
// explorer), then the explorer chosen for the chain.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "viem";

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { getAddress, isAddress } from "viem";

import { defaultDeploymentsDir } from "../deploy/deploy-processor.js";
import { openChainContext } from "../shared/chain-context.js";
import { readDeployment } from "../shared/deployment-record.js";
import { taskError } from "../shared/errors.js";
import { defaultPrinter, renderTable, type Printer } from "../shared/format.js";
import { readBuildInfo } from "../shared/processor-artifact.js";
import { verifyOnBlockscout, type ExplorerOutcome } from "./blockscout.js";
import { verifyOnEtherscan } from "./etherscan.js";
import { resolveExplorer } from "./explorers.js";
import { checkDeployedCode, type LocalCheckResult } from "./local-check.js";

export interface StylusVerifyActionArguments {
  address: string;
  deployments: string;
  explorer: string;
  apiUrl: string;
  apiKey: string;
  repository: string;
  commit: string;
  pathPrefix: string;
  contractName: string;
  cargoStylusVersion: string;
  license: string;
  timeout: number;
  pollInterval: number;
  skipSource: boolean;
  skipLocal: boolean;
}

export interface StylusVerifyResult {
  readonly address: Address;
  readonly local: LocalCheckResult | undefined;
  readonly explorer: (ExplorerOutcome & { kind: string }) | undefined;
}

/** Default cargo-stylus version when build-info.json does not record one. */
export const DEFAULT_CARGO_STYLUS_VERSION = "0.10.0";

const ETHERSCAN_LICENSES: Record<string, string> = { none: "1", unlicense: "2", mit: "3", gpl2: "4", gpl3: "5", lgpl2: "6", lgpl3: "7", bsd2: "8", bsd3: "9", mpl2: "10", osl3: "11", apache2: "12", agpl3: "13", bsl: "14" };

function git(root: string, args: string[]): string | undefined {
  const run = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** https URL of the repository: --repository, git remote origin, or package.json's repository. */
function repositoryUrl(root: string, given: string): string | undefined {
  const raw = given !== "" ? given : (git(root, ["remote", "get-url", "origin"]) ?? packageRepository(root));
  if (raw === undefined) return undefined;
  const ssh = /^git@([^:]+):(.+?)(\.git)?$/.exec(raw);
  return ssh !== null ? `https://${ssh[1]}/${ssh[2]}` : raw.replace(/^git\+/, "").replace(/\.git$/, "");
}

function packageRepository(root: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { repository?: string | { url?: string } };
    return typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  } catch {
    return undefined;
  }
}

function crateName(root: string, pathPrefix: string): string {
  const file = join(root, pathPrefix, "Cargo.toml");
  if (!existsSync(file)) return "mvp_iot_processor";
  const name = /^\s*name\s*=\s*"([^"]+)"/m.exec(readFileSync(file, "utf8"))?.[1];
  return (name ?? "mvp-iot-processor").replace(/-/g, "_");
}

function cargoStylusVersionOf(info: Record<string, unknown> | undefined): string | undefined {
  if (info === undefined) return undefined;
  for (const key of ["cargoStylusVersion", "cargo_stylus_version"]) if (typeof info[key] === "string") return info[key] as string;
  const toolchain = info.toolchain;
  if (typeof toolchain === "object" && toolchain !== null) return cargoStylusVersionOf(toolchain as Record<string, unknown>);
  return undefined;
}

export async function runStylusVerify(args: StylusVerifyActionArguments, hre: HardhatRuntimeEnvironment, print: Printer = defaultPrinter): Promise<StylusVerifyResult> {
  if (!["auto", "blockscout", "etherscan", "none"].includes(args.explorer)) throw taskError(`--explorer "${args.explorer}" is not one of auto, blockscout, etherscan, none.`);
  if (args.timeout < 1 || args.pollInterval < 10) throw taskError("--timeout must be at least 1 s and --poll-interval at least 10 ms.");
  const ctx = await openChainContext(hre);
  const root = hre.config.paths.root;
  let address: Address;
  if (args.address !== "") {
    if (!isAddress(args.address, { strict: false })) throw taskError(`--address "${args.address}" is not an address (0x + 40 hex digits).`);
    address = getAddress(args.address);
  } else {
    const record = await readDeployment(args.deployments === "" ? defaultDeploymentsDir(hre, ctx) : resolve(args.deployments), ctx.chainId);
    if (record === undefined) throw taskError(`no deployment recorded for chain ${ctx.chainId}; pass --address or run \`npx hardhat deploy --network ${ctx.networkName}\`.`);
    address = record.address;
  }
  print(`stylus-verify ${address} on ${ctx.networkName} (chain ${ctx.chainId})`);

  let local: LocalCheckResult | undefined;
  if (!args.skipLocal) {
    local = await checkDeployedCode(hre, ctx, address, { checkSource: !args.skipSource });
    print(
      renderTable(
        ["check", "result"],
        [
          ["runtime", local.runtime === "stylus" ? "Stylus program (EF F0 00 + brotli WASM)" : local.runtime === "evm" ? "EVM bytecode (Solidity twin)" : "no code"],
          ["deployed code hash", local.deployedCodeHash ?? "-"],
          ["artifact code hash", local.artifactCodeHash ?? "-"],
          ["deployed = artifact", local.matches ? "yes" : "NO"],
          ["artifact = Rust source", `${local.sourceCheck} (${local.sourceCheckNote})`],
        ],
      ),
    );
    if (local.differences.length > 0) print(renderTable(["WASM section", "deployed", "built"], local.differences.map((d) => [d.section, d.deployed, d.built])));
    for (const note of local.notes) print(`note: ${note}`);
    if (local.runtime === "none") throw taskError(`there is no contract at ${address} on chain ${ctx.chainId}; deploy it first (the in-process chain starts empty on every run).`);
    if (!local.matches) {
      const where = local.differences.length > 0 ? `differs in ${local.differences.map((d) => d.section).join(", ")}` : (local.notes[0] ?? "differs");
      throw taskError(`the code at ${address} is not the artifact built from this source (${where}); rebuild and redeploy, or check out the commit it was deployed from.`);
    }
    if (local.sourceCheck === "stale") throw taskError(`the deployed code matches the committed artifact, but the Rust source now builds to something else (${local.sourceCheckNote}); commit the rebuilt artifact or check out the deployed commit.`);
  }

  const target = await resolveExplorer(hre, ctx.chainId, { explorer: args.explorer, apiUrl: args.apiUrl, apiKey: args.apiKey });
  if (target === undefined) {
    print(args.explorer === "none" ? "explorer verification skipped (--explorer none)" : `no explorer configured for chain ${ctx.chainId}: local check only`);
    return { address, local, explorer: undefined };
  }
  const repo = repositoryUrl(root, args.repository);
  if (repo === undefined) throw taskError("explorer verification needs the public repository URL: pass --repository https://github.com/<owner>/<repo>.");
  const commit = args.commit !== "" ? args.commit : git(root, ["rev-parse", "HEAD"]);
  if (commit === undefined) throw taskError("cannot read the git commit; pass --commit <sha>.");
  const cargoStylusVersion = args.cargoStylusVersion !== "" ? args.cargoStylusVersion : (cargoStylusVersionOf(await readBuildInfo(hre)) ?? DEFAULT_CARGO_STYLUS_VERSION);
  const poll = { intervalMs: args.pollInterval, timeoutMs: args.timeout * 1000 };
  print(`submitting to ${target.kind} at ${target.apiUrl}: ${repo} @ ${commit.slice(0, 12)} (${args.pathPrefix}), cargo-stylus ${cargoStylusVersion}`);
  const outcome =
    target.kind === "blockscout"
      ? await verifyOnBlockscout({ apiUrl: target.apiUrl, address, cargoStylusVersion, repositoryUrl: repo, commit, pathPrefix: args.pathPrefix, licenseType: args.license }, poll)
      : await verifyOnEtherscan(
          {
            apiUrl: target.apiUrl,
            apiKey: target.apiKey,
            chainId: ctx.chainId,
            address,
            contractName: args.contractName !== "" ? args.contractName : crateName(root, args.pathPrefix),
            cargoStylusVersion,
            repositoryUrl: repo,
            licenseType: ETHERSCAN_LICENSES[args.license.toLowerCase()] ?? args.license,
          },
          poll,
        );
  print(`${target.kind}: ${outcome.status} (${outcome.detail}) ${outcome.url}`);
  return { address, local, explorer: { ...outcome, kind: target.kind } };
}

export default async function stylusVerifyAction(args: StylusVerifyActionArguments, hre: HardhatRuntimeEnvironment): Promise<StylusVerifyResult> {
  return await runStylusVerify(args, hre);
}
