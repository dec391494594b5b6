// What every workload of a stress run shares: the chain sender, the
// recorder, the wallet set, the stop signal and the profile's pacing.
import type { Address } from "viem";

import type { WalletSet } from "../../shared/wallet-set.js";
import type { ChainSender } from "../engine/chain-sender.js";
import type { StressRecorder } from "../metrics/recorder.js";

export type ProfileName = "seed" | "max";

export interface WorkloadEnv {
  readonly sender: ChainSender;
  readonly recorder: StressRecorder;
  readonly wallets: WalletSet;
  readonly signal: AbortSignal;
  readonly profile: ProfileName;
  readonly concurrency: number;
  /** Receives the settlements' sweeps (the operator's treasury: the deployer). */
  readonly treasury: Address;
  /** Amounts are divided by this (1 on local chains, 100 on real ones, where wallets hold 0.01 ETH). */
  readonly amountDivisor: bigint;
  /** Deterministic pseudo-random numbers in [0, 1) so runs are repeatable. */
  readonly random: () => number;
}

/** Mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value between lo and hi wei, in steps of lo/10 (readable amounts in the log). */
export function randomAmount(random: () => number, lo: bigint, hi: bigint): bigint {
  const step = lo / 10n === 0n ? 1n : lo / 10n;
  const steps = (hi - lo) / step;
  return lo + step * BigInt(Math.floor(random() * Number(steps + 1n)));
}
