// Orchestrates a stress run: prepare (deploy, fund, devices, IoT backend),
// run every workload concurrently for the duration with a live view and
// the metrics server, drain, re-check readings on chain, then write the
// CSV log, the JSON report and the HTML report.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Abi, Address } from "viem";

import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";

import { keccak256, parseEther } from "viem";

import type { StressOptions } from "../options.js";
import type { IotBackend } from "../workloads/iot-backend.js";

import { defaultDeploymentsDir, deployProcessor } from "../../deploy/deploy-processor.js";
import { defaultSubmitters } from "../../deploy/task-action.js";
import { runFund } from "../../fund/task-action.js";
import { stylusVersion } from "../../shared/arbwasm.js";
import { openChainContext } from "../../shared/chain-context.js";
import { readDeployment } from "../../shared/deployment-record.js";
import { taskError } from "../../shared/errors.js";
import { defaultPrinter, formatEth, renderTable, type Printer } from "../../shared/format.js";
import { loadEvmTwinArtifact, loadStylusArtifact } from "../../shared/processor-artifact.js";
import { DEFAULT_ROLE_COUNTS, loadWalletSet } from "../../shared/wallet-set.js";
import { StressRecorder } from "../metrics/recorder.js";
import { pacingFor } from "../options.js";
import { renderTxLogCsv } from "../report/csv-log.js";
import { renderHtmlReport } from "../report/html-report.js";
import { costsCsvPath, measureChainCosts, renderCostsCsv } from "../report/chain-costs.js";
import { buildReport, type DomainStats, type StressReport } from "../report/kpis.js";
import { createIotBackend } from "../workloads/iot-backend-factory.js";
import { createDevices } from "../workloads/iot-devices.js";
import { IotWorkload } from "../workloads/iot.js";
import { LoansWorkload } from "../workloads/loans.js";
import { PaymentsWorkload } from "../workloads/payments.js";
import { SettlementsWorkload } from "../workloads/settlements.js";
import { seededRandom, type WorkloadEnv } from "../workloads/workload-env.js";
import { ChainSender } from "./chain-sender.js";
import { LiveDisplay } from "./live-display.js";
import { startMetricsServer } from "./metrics-server.js";
import { pace } from "./pacer.js";

/** Least balance each wallet needs on a public chain before a run (wei). */
const MIN_WALLET_BALANCE = parseEther("0.002");

export interface RunStressReturnType {
  readonly report: StressReport;
  readonly files: { json: string; csv: string; html: string; costs: string };
}

export async function runStress(hre: HardhatRuntimeEnvironment, options: StressOptions, print: Printer = defaultPrinter): Promise<RunStressReturnType> {
  const silent = process.env.LCORE_TASKS_SILENT === "1";
  const ctx = await openChainContext(hre);
  print(`stress on ${ctx.networkName} (chain ${ctx.chainId}), profile ${options.profile}, ${options.durationSec} s, ${options.devices} devices, concurrency ${options.concurrency}, commits: ${options.commitMode}`);
  if (ctx.localKeys) print("keys: Hardhat's public test accounts and mnemonic (throwaway keys, local chains only)");

  // 1. Contract: deploy (local chains) or the recorded deployment.
  let address: Address;
  let abi: Abi;
  if (ctx.localKeys) {
    const submitters = await defaultSubmitters(hre, ctx, print);
    const deployed = await deployProcessor(hre, ctx, { runtime: "auto", build: "never", redeploy: false, submitters, deploymentsDir: options.deploymentsDir, print: (l) => {
        if (!l.startsWith("┌")) print(l);
      } });
    address = deployed.record.address;
  } else {
    const record = await readDeployment(options.deploymentsDir ?? defaultDeploymentsDir(hre, ctx), ctx.chainId);
    if (record === undefined) throw taskError(`no MVPIoTProcessor deployment recorded for chain ${ctx.chainId}; run \`npx hardhat deploy --network ${ctx.networkName}\` first.`);
    address = record.address;
  }
  const code = (await ctx.publicClient.getCode({ address })) ?? "0x";
  const runtime = code.toLowerCase().startsWith("0xeff000") ? "stylus" : "evm";
  abi = (runtime === "stylus" ? await loadStylusArtifact(hre).catch(() => loadEvmTwinArtifact(hre)) : await loadEvmTwinArtifact(hre)).abi;
  const version = runtime === "stylus" ? await stylusVersion(ctx.publicClient) : undefined;

  // 2. Wallets: fund on local chains, check balances elsewhere.
  const wallets = await loadWalletSet(hre, { localKeys: ctx.localKeys, networkName: ctx.networkName, counts: DEFAULT_ROLE_COUNTS });
  if (ctx.localKeys && options.fund) {
    const funded = await runFund({ target: "", threshold: "", counts: "", csv: "", dryRun: false }, hre, () => {});
    print(`funded ${funded.sent.length} wallet(s) (${formatEth(funded.totalTopUp)}) of ${wallets.wallets.length}`);
  } else {
    const balances = await Promise.all(wallets.wallets.map((w) => ctx.publicClient.getBalance({ address: w.address })));
    const short = wallets.wallets.filter((_, i) => (balances[i] ?? 0n) < MIN_WALLET_BALANCE);
    if (short.length > 0) {
      throw taskError(`${short.length} wallet(s) hold less than ${formatEth(MIN_WALLET_BALANCE)} (first: ${short[0]!.label}); run \`npx hardhat fund --network ${ctx.networkName}\` first.`);
    }
  }

  // 3. Workloads.
  const pacing = pacingFor(options.profile);
  const recorder = new StressRecorder();
  const controller = new AbortController();
  const sender = new ChainSender(ctx);
  const env: WorkloadEnv = {
    sender,
    recorder,
    wallets,
    signal: controller.signal,
    profile: options.profile,
    concurrency: options.concurrency,
    treasury: ctx.deployerAddress,
    amountDivisor: ctx.localKeys ? 1n : 100n,
    random: seededRandom(options.seed),
  };
  const runTag = randomBytes(3).toString("hex");
  const backend: IotBackend = await createIotBackend(hre, {
    choice: options.backend,
    sender,
    contract: address,
    abi,
    operators: wallets.byRole("iot_operator").map((w) => w.account),
    commitMode: options.commitMode,
    batchSize: options.batchSize,
    batchWaitMs: pacing.batchWaitMs,
    runTag,
    print,
  });
  const payments = new PaymentsWorkload(env);
  const settlements = new SettlementsWorkload(env, payments);
  const loans = new LoansWorkload(env, pacing.loanTermMs);
  const devices = createDevices(options.devices, wallets.byRole("iot_device").map((w) => w.address), runTag);
  const iot = new IotWorkload(env, backend, devices);
  let verified = 0;
  const domain = (): DomainStats => {
    const s = backend.stats();
    return {
      payments: { volumeWei: payments.volumeWei },
      settlements: { sweeps: settlements.sweeps, settledWei: settlements.settledWei, unsettledWei: settlements.unsettledWei },
      loans: { originated: loans.originated, repaid: loans.repaid, outstanding: loans.outstanding.size, outstandingPrincipalWei: loans.outstandingPrincipalWei, interestPaidWei: loans.interestPaidWei },
      iot: {
        devicesRegistered: iot.devicesRegistered,
        readingsSubmitted: iot.readingsSubmitted,
        readingsRejected: iot.readingsRejected,
        readingsCommitted: s.readingsCommitted,
        commitTransactions: s.commitTransactions,
        commitGasUsed: s.commitGasUsed,
        batches: s.batches,
        readingsVerifiedOnChain: verified,
      },
    };
  };

  const server = await startMetricsServer({
    port: options.port,
    recorder,
    domain,
    info: { network: ctx.networkName, chain_id: ctx.chainId, contract: address, runtime, profile: options.profile, commit_mode: options.commitMode },
  });
  print(`contract ${address} (${runtime === "stylus" ? `Stylus program${version === undefined ? "" : ` v${version}`}` : "EVM twin"}); IoT via ${backend.kind}; metrics on ${server.url}/metrics, health on ${server.url}/health`);
  const display = new LiveDisplay({
    recorder,
    durationSec: options.durationSec,
    plain: options.plain,
    silent,
    header: () => `stress ${options.profile} on ${ctx.networkName}`,
    footer: () => {
      const d = domain();
      return `devices ${d.iot.devicesRegistered}/${options.devices} · readings committed ${d.iot.readingsCommitted}/${d.iot.readingsSubmitted} · loans outstanding ${d.loans.outstanding} · Ctrl-C stops early`;
    },
  });
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const stopTimer = setTimeout(() => controller.abort(), options.durationSec * 1000);

  try {
    const firstRegistered = iot.firstRegistered();
    await Promise.all([
      pace({ signal: controller.signal, intervalMs: pacing.paymentsMs, concurrency: options.concurrency }, () => payments.once()),
      pace({ signal: controller.signal, intervalMs: pacing.settlementsMs, concurrency: 1 }, () => settlements.once()),
      pace({ signal: controller.signal, intervalMs: pacing.loansMs, concurrency: options.concurrency }, () => loans.once()),
      pace({ signal: controller.signal, intervalMs: pacing.registrationMs, concurrency: options.concurrency, maxOperations: options.devices }, () => iot.registerNext()),
      (async () => {
        await Promise.race([firstRegistered, new Promise((resolve) => controller.signal.addEventListener("abort", resolve, { once: true }))]);
        await pace({ signal: controller.signal, intervalMs: pacing.readingsMs, concurrency: options.concurrency }, () => iot.submitOne());
      })(),
    ]);
    // Settle what the run left behind: commit pending readings; outstanding loans stay outstanding (reported).
    await iot.drain(60_000);
    recorder.finish();
    verified = await backend.verifyOnChain(Math.min(200, backend.stats().readingsCommitted));
  } finally {
    clearTimeout(stopTimer);
    process.removeListener("SIGINT", onSigint);
    display.stop();
    await server.close();
    await backend.close();
  }

  const files = { json: options.reportFile, csv: options.csvFile, html: options.htmlFile, costs: costsCsvPath(options.csvFile) };
  const costs = await measureChainCosts(ctx.publicClient, recorder.records, options.commitMode);
  const rel = (f: string) => {
    const r = relative(hre.config.paths.root, f);
    return r === "" || r.startsWith("..") ? f : r;
  };
  const report = buildReport(
    recorder,
    {
      network: ctx.networkName,
      chainId: ctx.chainId,
      inProcess: ctx.inProcess,
      profile: options.profile,
      commitMode: options.commitMode,
      devices: options.devices,
      concurrency: options.concurrency,
      plannedDurationSec: options.durationSec,
      startedAt: new Date(Date.now() - recorder.elapsedSec() * 1000).toISOString(),
      contract: { address, runtime, codeHash: keccak256(code), stylusVersion: version },
      keySource: wallets.source,
      iotBackend: backend.kind,
    },
    domain(),
    { json: rel(files.json), csv: rel(files.csv), html: rel(files.html), costs_csv: rel(files.costs) },
    { minTxPerSec: options.minTxPerSec, costs },
  );
  for (const file of Object.values(files)) await mkdir(dirname(file), { recursive: true });
  await writeFile(files.csv, renderTxLogCsv(recorder.records));
  await writeFile(files.costs, renderCostsCsv(costs));
  await writeFile(files.json, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
  await writeFile(files.html, renderHtmlReport(report));

  print(summaryText(report));
  print(`report: ${rel(files.json)} · log: ${rel(files.csv)} · open in a browser: ${rel(files.html)}`);
  return { report, files };
}

function summaryText(r: StressReport): string {
  const s = (x: number) => (x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`);
  const workloads = renderTable(
    ["workload", "sent", "confirmed", "failed", "tx/s", "p50", "p95", "p99"],
    Object.entries(r.workloads).map(([w, k]) => [w, k.sent, k.confirmed, k.failed, k.tx_per_sec.toFixed(2), s(k.latency_sec.p50), s(k.latency_sec.p95), s(k.latency_sec.p99)]),
  );
  const targets = renderTable(
    ["", "target", "wanted", "actual"],
    r.targets.map((t) => [t.met ? "met" : "MISSED", t.name, `${t.comparison} ${Number(t.target.toFixed(4))}`, Number(t.actual.toFixed(4))]),
  );
  const costs =
    r.costs === undefined
      ? []
      : [
          renderTable(
            ["workload", "tx", "ops", "L2 execution gas", "parent-chain gas", "parent-chain fee", "fee", "ETH per op"],
            Object.entries(r.costs.workloads).map(([w, c]) => [w, c.transactions, c.operations, c.execution_gas, c.parent_chain_gas, `${c.parent_chain_fee_eth.toPrecision(4)} ETH`, `${c.fee_eth.toPrecision(4)} ETH`, c.eth_per_operation.toPrecision(4)]),
          ),
          `cost per reading (${r.costs.commit_mode}): ${r.costs.eth_per_reading.toPrecision(4)} ETH, ${(r.costs.workloads.iot_readings.parent_chain_share * 100).toFixed(1)} % of it for parent-chain data`,
        ];
  return [
    workloads,
    ...costs,
    `readings committed ${r.iot.readings_committed}/${r.iot.readings_submitted} (${r.iot.commit_mode}, ${r.iot.commit_transactions} tx, ${Math.round(r.iot.gas_per_reading)} gas/reading, ${r.iot.readings_verified_on_chain} re-checked on chain) · contract ${r.contract.address} ran as ${r.contract.ranAsStylus ? "a Stylus program" : "the EVM twin"}`,
    targets,
    r.all_targets_met ? "all targets met" : `${r.targets.filter((t) => !t.met).length} target(s) missed`,
  ].join("\n");
}

