// Runs a workload's operation on a schedule until the run is stopped:
// every `intervalMs` (the seed profile's fixed rates) or back to back on
// `concurrency` workers (the max profile). Operations never throw out of
// here: a workload records its own failures.

export interface PaceParameters {
  readonly signal: AbortSignal;
  /** Milliseconds between starts; 0 = back to back. */
  readonly intervalMs: number;
  /** Parallel workers (back to back) or the cap on operations in flight (interval). */
  readonly concurrency: number;
  /** Stop after this many starts (bounded loops). */
  readonly maxOperations?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Calls `operation` per the schedule; resolves when stopped and every started operation has finished. */
export async function pace(params: PaceParameters, operation: (n: number) => Promise<void>): Promise<void> {
  const { signal, intervalMs, concurrency } = params;
  const max = params.maxOperations ?? Number.POSITIVE_INFINITY;
  let started = 0;
  const run = async (n: number) => {
    try {
      await operation(n);
    } catch {
      // The workload records its failures; a throw here must not stop the run.
    }
  };
  if (intervalMs <= 0) {
    const worker = async () => {
      while (!signal.aborted && started < max) {
        const n = started++;
        await run(n);
        // Yield so timers (display, metrics server) keep running on a fast chain.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, () => worker()));
    return;
  }
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  while (!signal.aborted && started < max) {
    const n = started++;
    if (inFlight.size < Math.max(1, concurrency)) {
      const p = run(n).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    const nextAt = t0 + started * intervalMs;
    await sleep(Math.max(0, nextAt - performance.now()), signal);
  }
  await Promise.all(inFlight);
}

export { sleep };
