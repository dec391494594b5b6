// Action of the `serve` task: find (or, on local chains, deploy) the
// contract, pick the submitter key, create the node with the task's chain
// connection and serve it until Ctrl-C or --duration.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex, LocalAccount } from "viem";

import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { createPublicClient, createWalletClient, custom } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import type { LcoreNode } from "../../node/src/index.js";

import { defaultDeploymentsDir, deployProcessor } from "../deploy/deploy-processor.js";
import { defaultSubmitters } from "../deploy/task-action.js";
import { runFund } from "../fund/task-action.js";
import { openChainContext } from "../shared/chain-context.js";
import { readConfigVariable } from "../shared/config-variables.js";
import { readDeployment } from "../shared/deployment-record.js";
import { errorText, isTaskError, taskError } from "../shared/errors.js";
import { defaultPrinter, type Printer } from "../shared/format.js";
import { DEFAULT_ROLE_COUNTS, loadWalletSet } from "../shared/wallet-set.js";

export interface ServeActionArguments {
  host: string;
  port: number;
  commit: string;
  batchSize: number;
  batchWaitMs: number;
  db: string;
  databaseUrl: string;
  deployments: string;
  duration: number;
  compat?: string;
  enroll?: string;
  compatAllowPublic?: boolean;
  gateways?: boolean;
}

export interface ServeResult {
  readonly url: string;
  readonly contract: Address;
  readonly submitter: Address;
  readonly metrics: Awaited<ReturnType<LcoreNode["metrics"]>>;
}

/** Configuration variable with the node's submitter key on public networks. */
export const NODE_KEY_VARIABLE = "LCORE_NODE_PRIVATE_KEY";

async function submitterAccount(hre: HardhatRuntimeEnvironment, localKeys: boolean, networkName: string): Promise<{ account: LocalAccount; source: string }> {
  const key = await readConfigVariable(hre, NODE_KEY_VARIABLE);
  if (key !== undefined) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key.trim())) throw taskError(`${NODE_KEY_VARIABLE} is not a private key (0x + 64 hex digits).`);
    return { account: privateKeyToAccount(key.trim() as Hex), source: NODE_KEY_VARIABLE };
  }
  try {
    const set = await loadWalletSet(hre, { localKeys, networkName, counts: DEFAULT_ROLE_COUNTS });
    const operator = set.byRole("iot_operator")[0];
    if (operator !== undefined) return { account: operator.account, source: `wallet set ${operator.label}${set.source === "hardhat-test-mnemonic" ? " (Hardhat's test mnemonic: throwaway key)" : ""}` };
  } catch (error) {
    if (!isTaskError(error)) throw error;
  }
  throw taskError(`the node needs a submitter key on "${networkName}": set ${NODE_KEY_VARIABLE} or LCORE_WALLET_MNEMONIC (npx hardhat keystore set ...).`);
}

export async function runServe(args: ServeActionArguments, hre: HardhatRuntimeEnvironment, print: Printer = defaultPrinter): Promise<ServeResult> {
  if (!["proof", "batch", "legacy"].includes(args.commit)) throw taskError(`--commit "${args.commit}" is not one of proof, batch, legacy.`);
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65_535) throw taskError(`--port ${args.port} is out of range (0-65535).`);
  const compat = (args.compat ?? "") === "" ? (process.env.LCORE_NODE_COMPAT ?? "none") || "none" : args.compat!;
  const enroll = (args.enroll ?? "") === "" ? (process.env.LCORE_NODE_ENROLL ?? "operator") || "operator" : args.enroll!;
  if (!["none", "m1"].includes(compat)) throw taskError(`--compat "${compat}" is not one of none, m1.`);
  if (!["operator", "open"].includes(enroll)) throw taskError(`--enroll "${enroll}" is not one of operator, open.`);
  if (args.duration < 0) throw taskError("--duration must be 0 (until Ctrl-C) or a number of seconds.");
  const ctx = await openChainContext(hre);
  const root = hre.config.paths.root;
  const deploymentsDir = args.deployments === "" ? defaultDeploymentsDir(hre, ctx) : resolve(args.deployments);

  let contract: Address;
  if (ctx.localKeys) {
    const deployed = await deployProcessor(hre, ctx, { runtime: "auto", build: "never", redeploy: false, submitters: await defaultSubmitters(hre, ctx, () => {}), deploymentsDir, print: () => {} });
    contract = deployed.record.address;
    await runFund({ target: "", threshold: "", counts: "", csv: "", dryRun: false }, hre, () => {});
    print(`${deployed.reused ? "reusing" : "deployed"} MVPIoTProcessor (${deployed.record.runtime === "stylus" ? "Stylus" : "EVM twin"}) at ${contract}; wallet set funded (throwaway keys)`);
  } else {
    const record = await readDeployment(deploymentsDir, ctx.chainId);
    if (record === undefined) throw taskError(`no MVPIoTProcessor deployment recorded for chain ${ctx.chainId}; run \`npx hardhat deploy --network ${ctx.networkName}\` first.`);
    contract = record.address;
  }
  const { account, source } = await submitterAccount(hre, ctx.localKeys, ctx.networkName);

  // PostgreSQL when asked for (option or LCORE_NODE_DATABASE_URL), else SQLite.
  const databaseUrl = args.databaseUrl !== "" ? args.databaseUrl : ((await readConfigVariable(hre, "LCORE_NODE_DATABASE_URL")) ?? "");
  const dbPath = args.db !== "" ? resolve(args.db) : join(root, ".lcore", `node-${ctx.chainId}.db`);
  if (ctx.inProcess && args.db === "") {
    // The in-process chain is new on every run, so yesterday's outbox would point at nothing.
    for (const suffix of ["", "-wal", "-shm"]) if (existsSync(dbPath + suffix)) rmSync(dbPath + suffix);
  }
  const { createNode } = await import("../../node/src/index.js");
  const transport = custom(ctx.connection.provider);
  const chain = ctx.publicClient.chain;
  let node: LcoreNode;
  try {
    node = await createNode({
      chain: {
        publicClient: createPublicClient({ chain, transport, pollingInterval: 100 }) as never,
        walletClient: createWalletClient({ chain, transport, account, pollingInterval: 100 }) as never,
        contractAddress: contract,
      },
      dbPath,
      ...(databaseUrl === "" ? {} : { databaseUrl }),
      commitMode: args.commit as "proof" | "batch" | "legacy",
      batchSize: args.batchSize,
      batchMaxWaitMs: args.batchWaitMs,
      masterSecret: await readConfigVariable(hre, "LCORE_NODE_MASTER_SECRET"),
      masterSecretFile: join(root, ".lcore", "master.key"),
      apiToken: await readConfigVariable(hre, "LCORE_NODE_API_TOKEN"),
      apiTokenFile: join(root, ".lcore", "api-token"),
      http: { host: args.host, port: args.port },
      compat: compat as "none" | "m1",
      enroll: enroll as "operator" | "open",
      compatAllowPublicBind: args.compatAllowPublic === true || process.env.LCORE_NODE_COMPAT_ALLOW_PUBLIC === "1",
      gateways: args.gateways === true || process.env.LCORE_NODE_GATEWAYS === "1",
      logLevel: "warn",
    });
  } catch (error) {
    throw taskError(`the node did not start: ${errorText(error)}`, error);
  }
  let url: string;
  try {
    url = await node.listen({ host: args.host, port: args.port });
  } catch (error) {
    await node.close();
    if ((error as { code?: string }).code === "COMPAT_PUBLIC_BIND") throw taskError(`${errorText(error)} (--compatAllowPublic)`, error);
    throw taskError(`cannot listen on ${args.host}:${args.port} (${errorText(error)}); pass another --port.`, error);
  }
  print(`node serving ${url} on ${ctx.networkName} (chain ${ctx.chainId}); contract ${contract}; submitter ${node.submitterAddress} from ${source}; commits ${args.commit}; ${databaseUrl === "" ? `SQLite ${dbPath}` : `PostgreSQL ${node.store.name}`}`);
  print(`routes: POST /device/register (Authorization: Bearer <token in .lcore/api-token or LCORE_NODE_API_TOKEN>), POST /device/data, POST /device/data/batch, GET /readings/:id, GET /health, GET /metrics; JWS devices: POST /api/device/submit, POST /api/device/register (operator), GET /healthcheck`);
  if (compat === "m1") print("WARNING --compat m1: the predecessor's unsigned POST /device/register {device_id} and POST /device/data {device_id, data, timestamp} are served; their readings are marked unauthenticated");
  if (enroll === "open") print("--enroll open: any did:key whose JWS verifies is registered on its first reading");
  print(args.duration > 0 ? `stopping after ${args.duration} s` : "Ctrl-C stops the node (pending commits are kept in SQLite and resumed next start)");

  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      clearTimeout(timer);
      resolveStop();
    };
    const timer = args.duration > 0 ? setTimeout(stop, args.duration * 1000) : undefined;
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  const metrics = await node.metrics();
  await node.close();
  print(`node stopped: ${JSON.stringify(metrics)}`);
  return { url, contract, submitter: node.submitterAddress, metrics };
}

export default async function serveAction(args: ServeActionArguments, hre: HardhatRuntimeEnvironment): Promise<ServeResult> {
  return await runServe(args, hre);
}
