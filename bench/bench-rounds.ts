// Shared set-up of the throughput benchmarks that compare cases on the same
// network in one run (stylus-vs-evm, stylus-interop): limits from the
// environment, one measured phase of transactions and one of calls per case
// and round, rounds alternating the cases (so load from other processes on a
// shared machine hits every case alike), the median round per case, ratios
// against a baseline case, and the JSON written to bench/results/ with the
// machine's load next to the figures.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";

/** Bounds of a run: BENCH_TXS / BENCH_CALLS per case, BENCH_PHASE_SECONDS per phase (all rounds), BENCH_ROUNDS. */
export interface BenchLimits {
  transactions: number;
  calls: number;
  phaseSeconds: number;
  rounds: number;
}

export function benchLimits(defaults: BenchLimits): BenchLimits {
  const env = (name: string, fallback: number): number => {
    const raw = process.env[name];
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
    return value;
  };
  return {
    transactions: env("BENCH_TXS", defaults.transactions),
    calls: env("BENCH_CALLS", defaults.calls),
    phaseSeconds: env("BENCH_PHASE_SECONDS", defaults.phaseSeconds),
    rounds: Math.max(1, Math.floor(env("BENCH_ROUNDS", defaults.rounds))),
  };
}

export interface PhaseResult {
  count: number;
  seconds: number;
  perSecond: number;
}

export interface CaseResult {
  transactions: PhaseResult;
  calls: PhaseResult;
  averageGasUsed: number;
}

/** One case of a benchmark: what a transaction and a call of iteration `i` are. */
export interface BenchCase {
  /** Sends the i-th transaction and waits for its receipt; returns its gas used (throws if it failed). */
  transaction(i: number): Promise<bigint>;
  /** Makes the i-th call of a round (from 0) whose transactions were `first` .. `first + sent - 1`. */
  call(i: number, round: { first: number; sent: number }): Promise<void>;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

async function phase(limit: number, maxMs: number, step: (i: number) => Promise<void>): Promise<{ count: number; seconds: number }> {
  let count = 0;
  const start = performance.now();
  while (count < limit && performance.now() - start < maxMs) {
    await step(count);
    count++;
  }
  return { count, seconds: (performance.now() - start) / 1000 };
}

/** One round of a case: its share of the transactions, then of the calls. */
export async function measureRound(limits: BenchLimits, roundIndex: number, bench: BenchCase): Promise<CaseResult> {
  const txsPerRound = Math.ceil(limits.transactions / limits.rounds);
  const callsPerRound = Math.ceil(limits.calls / limits.rounds);
  const maxMs = (limits.phaseSeconds * 1000) / limits.rounds;
  let gas = 0n;
  const first = roundIndex * txsPerRound;
  const txs = await phase(txsPerRound, maxMs, async (i) => {
    gas += await bench.transaction(first + i);
  });
  const calls = await phase(callsPerRound, maxMs, async (i) => await bench.call(i, { first, sent: txs.count }));
  const result = (p: { count: number; seconds: number }): PhaseResult => ({
    count: p.count,
    seconds: round2(p.seconds),
    perSecond: round2(p.count / p.seconds),
  });
  return {
    transactions: result(txs),
    calls: result(calls),
    averageGasUsed: txs.count === 0 ? 0 : Number(gas / BigInt(txs.count)),
  };
}

/** The median round of a case, for transactions and calls separately. */
export function median(results: readonly CaseResult[]): CaseResult {
  const pick = (key: (r: CaseResult) => number): CaseResult => [...results].sort((a, b) => key(a) - key(b))[Math.floor(results.length / 2)]!;
  const tx = pick((r) => r.transactions.perSecond);
  const calls = pick((r) => r.calls.perSecond);
  return { transactions: tx.transactions, calls: calls.calls, averageGasUsed: tx.averageGasUsed };
}

/** Runs every case once per round, alternating the cases within each round; returns every round of each. */
export async function alternateRounds(limits: BenchLimits, cases: Record<string, BenchCase>): Promise<Record<string, CaseResult[]>> {
  const rounds: Record<string, CaseResult[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let r = 0; r < limits.rounds; r++) {
    for (const [name, bench] of Object.entries(cases)) rounds[name]!.push(await measureRound(limits, r, bench));
  }
  return rounds;
}

export interface Ratio {
  transactionsPerSecond: number;
  callsPerSecond: number;
  gasUsed: number;
}

export function ratioOf(result: CaseResult, baseline: CaseResult): Ratio {
  return {
    transactionsPerSecond: round2(result.transactions.perSecond / baseline.transactions.perSecond),
    callsPerSecond: round2(result.calls.perSecond / baseline.calls.perSecond),
    gasUsed: round2(result.averageGasUsed / baseline.averageGasUsed),
  };
}

/** The machine's load when the run ended (1, 5 and 15 minute averages) and its cores. */
export function machineLoad(): { loadAverage: number[]; cores: number } {
  return { loadAverage: loadavg().map(round2), cores: cpus().length };
}

/** Writes bench/results/<name>.json (with the load) and says where. */
/**
 * Writes bench/results/<name>.json: the benchmark's name, date, Node version and limits, then
 * `result`, then the machine's load; prints the load and the path.
 */
export function writeResult(name: string, limits: BenchLimits, result: Record<string, unknown>): void {
  const out = path.resolve(import.meta.dirname, `results/${name}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  const header = {
    benchmark: name,
    date: new Date().toISOString(),
    node: process.version,
    limits: { transactions: limits.transactions, calls: limits.calls, phaseSeconds: limits.phaseSeconds, rounds: limits.rounds },
  };
  writeFileSync(out, `${JSON.stringify({ ...header, ...result, machine: machineLoad() }, null, 2)}\n`);
  console.log(`load average ${machineLoad().loadAverage.join(", ")} on ${machineLoad().cores} cores`);
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
