// Parses and checks the stress task's options into one typed object.
import { resolve } from "node:path";

import type { CommitMode } from "./workloads/iot-backend.js";
import type { ProfileName } from "./workloads/workload-env.js";

import { taskError } from "../shared/errors.js";

export interface StressActionArguments {
  profile: string;
  duration: number;
  devices: number;
  concurrency: number;
  port: number;
  commit: string;
  batchSize: number;
  report: string;
  csv: string;
  html: string;
  backend: string;
  deployments: string;
  seed: number;
  minTps: string;
  strict: boolean;
  plain: boolean;
  noFund: boolean;
}

export interface StressOptions {
  readonly profile: ProfileName;
  readonly durationSec: number;
  readonly devices: number;
  readonly concurrency: number;
  readonly port: number;
  readonly commitMode: CommitMode;
  readonly batchSize: number;
  readonly reportFile: string;
  readonly csvFile: string;
  readonly htmlFile: string;
  readonly backend: "auto" | "node" | "direct";
  /** Folder of deployment records; undefined = the default for the chain. */
  readonly deploymentsDir: string | undefined;
  readonly seed: number;
  /** Extra target: confirmed operations per second over the run (0 = none). */
  readonly minTxPerSec: number;
  readonly strict: boolean;
  readonly plain: boolean;
  readonly fund: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw taskError(`--${name} "${value}" is not one of ${allowed.join(", ")}.`);
  return value as T;
}

function intIn(name: string, value: number, lo: number, hi: number): number {
  if (!Number.isInteger(value) || value < lo || value > hi) throw taskError(`--${name} ${value} is out of range; use an integer from ${lo} to ${hi}.`);
  return value;
}

function parseMinTps(text: string): number {
  if (text.trim() === "") return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw taskError(`--min-tps "${text}" is not a number of operations per second (e.g. 50).`);
  return value;
}

/** Checks every option; relative file names resolve against `root`. */
export function parseStressOptions(args: StressActionArguments, root: string): StressOptions {
  const reportFile = resolve(root, args.report === "" ? "reports/stress-report.json" : args.report);
  const base = reportFile.replace(/\.json$/i, "");
  return {
    profile: oneOf<ProfileName>("profile", args.profile, ["seed", "max"]),
    durationSec: intIn("duration", args.duration, 1, 7 * 24 * 3600),
    devices: intIn("devices", args.devices, 1, 10_000),
    concurrency: intIn("concurrency", args.concurrency, 1, 256),
    port: intIn("port", args.port, 0, 65_535),
    commitMode: oneOf<CommitMode>("commit", args.commit, ["proof", "batch", "legacy"]),
    batchSize: intIn("batch-size", args.batchSize, 1, 4096),
    reportFile,
    csvFile: args.csv === "" ? `${base}.csv` : resolve(root, args.csv),
    htmlFile: args.html === "" ? `${base}.html` : resolve(root, args.html),
    backend: oneOf("backend", args.backend, ["auto", "node", "direct"] as const),
    deploymentsDir: args.deployments === "" ? undefined : resolve(root, args.deployments),
    seed: intIn("seed", args.seed, 0, 2 ** 31 - 1),
    minTxPerSec: parseMinTps(args.minTps),
    strict: args.strict,
    plain: args.plain,
    fund: !args.noFund,
  };
}

/** Pacing per profile: the predecessor's intervals (seed) or back to back (max). */
export interface ProfilePacing {
  readonly paymentsMs: number;
  readonly settlementsMs: number;
  readonly loansMs: number;
  readonly loanTermMs: number;
  readonly registrationMs: number;
  readonly readingsMs: number;
  readonly batchWaitMs: number;
}

export function pacingFor(profile: ProfileName): ProfilePacing {
  return profile === "seed"
    ? { paymentsMs: 500, settlementsMs: 1_000, loansMs: 2_000, loanTermMs: 4_000, registrationMs: 10_000, readingsMs: 5_000, batchWaitMs: 10_000 }
    : // Settlements poll for takings and loans repay after 1 s so neither spins when there is nothing to do.
      { paymentsMs: 0, settlementsMs: 100, loansMs: 0, loanTermMs: 1_000, registrationMs: 0, readingsMs: 0, batchWaitMs: 1_000 };
}
