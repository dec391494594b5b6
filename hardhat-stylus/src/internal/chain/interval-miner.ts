// The plugin's interval mining. EDR's own interval timer mines blocks without
// a request the plugin could intercept, so transactions in them that reach
// Stylus programs would run 0xEF as an invalid opcode. The plugin keeps EDR's
// interval at 0 and runs this timer instead: every tick mines one block
// through the plugin's hook (an evm_mine, planned like any other), as
// Hardhat's interval mining does (a fixed interval in ms, or a random one in
// [min, max] per block). The timer never keeps the process alive.
import { debugLog } from "./debug-log.js";

/** Hardhat's `mining.interval` / `evm_setIntervalMining` parameter: ms, [min, max] ms, or 0 (off). */
export type MiningInterval = number | [number, number] | readonly [number, number];

export class IntervalMiner {
  readonly #detach: (run: () => void) => void;
  readonly #mine: () => Promise<void>;
  #interval: MiningInterval = 0;
  #timer: NodeJS.Timeout | undefined;
  #generation = 0;
  readonly #warned = new Set<string>();

  /**
   * `detach` runs its argument outside the request's async context (so ticks are seen as outside
   * requests); `mine` mines one block through the plugin.
   */
  constructor(detach: (run: () => void) => void, mine: () => Promise<void>) {
    this.#detach = detach;
    this.#mine = mine;
  }

  /** Sets the interval (0 stops); returns whether mining on an interval is on. */
  set(interval: MiningInterval | undefined): boolean {
    this.stop();
    this.#interval = normalise(interval);
    if (!this.active) return false;
    this.#schedule(this.#generation);
    return true;
  }

  get active(): boolean {
    const interval = this.#interval;
    return typeof interval === "number" ? interval > 0 : interval[1] > 0;
  }

  stop(): void {
    this.#generation++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A failed tick is retried on the next one; its message is printed once (nobody waits for a response). */
  #warn(message: string): void {
    debugLog(`interval mining: ${message}`);
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    console.warn(`hardhat-stylus: interval mining failed, retrying every interval: ${message}`);
  }

  #delay(): number {
    const interval = this.#interval;
    if (typeof interval === "number") return interval;
    const [min, max] = interval;
    return min + Math.floor(Math.random() * (max - min + 1));
  }

  #schedule(generation: number): void {
    this.#detach(() => {
      this.#timer = setTimeout(() => {
        void this.#mine()
          .catch((error: unknown) => this.#warn(error instanceof Error ? error.message : String(error)))
          .finally(() => {
            if (generation === this.#generation) this.#schedule(generation);
          });
      }, this.#delay());
      this.#timer.unref();
    });
  }
}

function normalise(interval: MiningInterval | undefined): MiningInterval {
  if (interval === undefined || interval === null) return 0;
  if (Array.isArray(interval)) {
    const [min, max] = interval as [number, number];
    if (!(Number.isFinite(min) && Number.isFinite(max)) || min < 0 || max < min) {
      throw new RangeError(`hardhat-stylus: interval mining range [${min}, ${max}] must be two numbers with 0 <= min <= max`);
    }
    return [min, max];
  }
  const ms = Number(interval);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`hardhat-stylus: interval mining needs a number of milliseconds >= 0, got ${String(interval)}`);
  return ms;
}
