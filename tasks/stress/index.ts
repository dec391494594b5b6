// Definition of the `stress` task: the predecessor's workloads, for real.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const stressTask = task(
  "stress",
  "Run payments, merchant settlements, loans and IoT readings (through the node, committed by MVPIoTProcessor) concurrently; live view, /health + /metrics, CSV/JSON/HTML report",
)
  .addOption({ name: "profile", description: "seed (the predecessor's rates) or max (as fast as chain and node allow)", defaultValue: "seed" })
  .addOption({ name: "duration", description: "Seconds to run", type: ArgumentType.INT, defaultValue: 60 })
  .addOption({ name: "devices", description: "Simulated IoT devices (EV_, GH_, POS_)", type: ArgumentType.INT, defaultValue: 15 })
  .addOption({ name: "concurrency", description: "Parallel operations per workload", type: ArgumentType.INT, defaultValue: 4 })
  .addOption({ name: "port", description: "Port of /health and /metrics on 127.0.0.1 while running (0 = any free port)", type: ArgumentType.INT, defaultValue: 9464 })
  .addOption({ name: "commit", description: "How readings are committed: proof (one commitProof each), batch (Merkle batches) or legacy (submitResult with ciphertext)", defaultValue: "batch" })
  .addOption({ name: "batchSize", description: "Readings per Merkle batch (batch mode)", type: ArgumentType.INT, defaultValue: 32 })
  .addOption({ name: "report", description: "JSON report file (the CSV log and HTML report are written beside it)", defaultValue: "reports/stress-report.json" })
  .addOption({ name: "csv", description: "Transaction log CSV (default: beside the report)", defaultValue: "" })
  .addOption({ name: "html", description: "HTML report (default: beside the report)", defaultValue: "" })
  .addOption({ name: "backend", description: "IoT ingest: auto (the embedded node when available), node or direct (in-process encrypt + commit)", defaultValue: "auto" })
  .addOption({ name: "deployments", description: "Folder of the deployment records (default: deployments/, or .lcore/deployments on local chains)", defaultValue: "" })
  .addOption({ name: "seed", description: "Seed of the pseudo-random amounts and readings", type: ArgumentType.INT, defaultValue: 1 })
  .addOption({ name: "minTps", description: "Extra target: confirmed operations per second over the whole run", defaultValue: "" })
  .addFlag({ name: "strict", description: "Exit non-zero when any target is missed" })
  .addFlag({ name: "plain", description: "Print a status line every 10 s instead of the live table" })
  .addFlag({ name: "noFund", description: "Do not top up the wallet set before running (local chains fund automatically)" })
  .setAction(() => import("./task-action.js"))
  .build();
