// The services the HTTP routes call: the same operations createNode() exposes
// in-process, so the API and the programmatic interface never drift apart.
import type { SignedReading } from "./crypto/device-signature.js";
import type { DeviceFormats } from "./devices/device-formats.js";
import type { RegisterDeviceParameters, RegisteredDevice } from "./devices/device-registry.js";
import type { IngestResult } from "./ingest/ingest-service.js";
import type { ReadingView } from "./ingest/reading-view.js";
import type { MetricsSnapshot, PrometheusMetrics } from "./metrics/node-metrics.js";

export interface HealthReport {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; error?: string };
  chain: { ok: boolean; block_number?: string; error?: string; submitter: string; contract: string; /** owner or setSubmitter'd on the contract (absent while unknown). */ submitter_authorised?: boolean };
  outbox: { queued: number; in_flight: number; failed: number };
  mode: string;
}

export interface NodeServices {
  registerDevice(parameters: RegisterDeviceParameters): Promise<RegisteredDevice>;
  ingest(reading: SignedReading): Promise<IngestResult>;
  ingestMany(readings: readonly SignedReading[]): Promise<({ ok: true; result: IngestResult } | { ok: false; error: unknown })[]>;
  /** Many readings through ingest() (worker pool, group commit); one outcome each, in order. */
  ingestBatch(readings: readonly SignedReading[]): Promise<({ ok: true; result: IngestResult } | { ok: false; error: unknown })[]>;
  getReading(id: number, options?: { decrypt?: boolean }): Promise<ReadingView>;
  metrics(): Promise<MetricsSnapshot>;
  prometheus: PrometheusMetrics;
  health(): Promise<HealthReport>;
  /** JWS devices and the M1 compat API. */
  formats: DeviceFormats;
  /** Constant-time check of an operator token. */
  isOperator(token: string | undefined): boolean;
}
