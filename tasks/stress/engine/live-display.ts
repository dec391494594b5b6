// The live terminal view of a stress run: a table redrawn in place with
// log-update on a terminal (per workload: sent, confirmed, failed, tx/s,
// p50/p95), or one summary line every 10 s when output is not a terminal.
import logUpdate from "log-update";

import type { StressRecorder } from "../metrics/recorder.js";

import { renderTable } from "../../shared/format.js";

export interface LiveDisplayParameters {
  readonly recorder: StressRecorder;
  readonly durationSec: number;
  readonly header: () => string;
  readonly footer: () => string;
  /** Force the plain line mode (tests, CI); default: only when stdout is not a TTY. */
  readonly plain?: boolean;
  readonly silent?: boolean;
}

function ms(sec: number): string {
  return sec === 0 ? "-" : sec < 1 ? `${(sec * 1000).toFixed(1)} ms` : `${sec.toFixed(2)} s`;
}

/** The table shown while running. */
export function renderLiveTable(recorder: StressRecorder): string {
  return renderTable(
    ["workload", "sent", "confirmed", "failed", "in flight", "tx/s", "p50", "p95"],
    recorder.snapshots().map((s) => [s.workload, s.sent, s.confirmed, s.failed, s.inFlight, s.txPerSec.toFixed(2), ms(s.latency.p50), ms(s.latency.p95)]),
  );
}

export class LiveDisplay {
  readonly #p: LiveDisplayParameters;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #tty: boolean;

  constructor(params: LiveDisplayParameters) {
    this.#p = params;
    // A terminal with no size (some CI pseudo-terminals) cannot show a redrawn table: fall back to lines.
    this.#tty = params.plain !== true && process.stdout.isTTY === true && (process.stdout.rows ?? 0) > 0;
    if (params.silent === true) return;
    this.#timer = setInterval(() => this.#draw(), this.#tty ? 500 : 10_000);
    this.#timer.unref();
  }

  #progress(): string {
    const elapsed = this.#p.recorder.elapsedSec();
    return `${elapsed.toFixed(0)} s / ${this.#p.durationSec} s`;
  }

  #draw(): void {
    if (this.#tty) {
      logUpdate(`${this.#p.header()}  ${this.#progress()}\n${renderLiveTable(this.#p.recorder)}\n${this.#p.footer()}`);
    } else {
      const parts = this.#p.recorder.snapshots().map((s) => `${s.workload} ${s.confirmed}/${s.sent}${s.failed > 0 ? ` (${s.failed} failed)` : ""}`);
      console.log(`[${this.#progress()}] ${parts.join(", ")} | ${this.#p.footer()}`);
    }
  }

  /** Draws the final state and stops redrawing. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#p.silent === true) return;
    if (this.#tty) {
      this.#draw();
      logUpdate.done();
    }
  }
}
