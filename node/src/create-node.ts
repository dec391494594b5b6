// createNode(): wires store, keys, device registry, ingest, outbox committer,
// verifier, metrics and the Fastify app into one object, the importable API
// of the node (used by server.ts, the tests, the benchmarks and the stress task).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import type { FastifyInstance } from "fastify";
import pino from "pino";
import type { Address } from "viem";

import { buildApp } from "./app.js";
import { createChainClients, type ChainClients } from "./chain/clients.js";
import { readSubmitterAuthorised } from "./chain/read-submitter.js";
import { errorSummary } from "./chain/revert-reason.js";
import { CompatBindError } from "./errors/device-formats.js";
import { resolveNodeConfig, type NodeConfig, type NodeUserConfig } from "./config.js";
import type { SignedReading } from "./crypto/device-signature.js";
import { Keyring } from "./crypto/keyring.js";
import { loadOrCreateMasterSecret, parseMasterSecret } from "./crypto/master-secret.js";
import { DeviceFormats } from "./devices/device-formats.js";
import { DeviceRegistry, type RegisterDeviceParameters, type RegisteredDevice } from "./devices/device-registry.js";
import { CryptoPool } from "./ingest/crypto-pool.js";
import { IngestService, type IngestResult } from "./ingest/ingest-service.js";
import { viewReading, type ReadingView } from "./ingest/reading-view.js";
import { createPrometheusMetrics, metricsSnapshot, type MetricsSnapshot, type PrometheusMetrics } from "./metrics/node-metrics.js";
import { OutboxCommitter } from "./outbox/committer.js";
import { openStore, type Store } from "./store/index.js";
import type { HealthReport, NodeServices } from "./services.js";
import { verifyReadings, type VerifyReadingsParameters, type VerifyReport } from "./verifier/verify-readings.js";
import { makePrivateDir } from "./fs/private-path.js";

export interface LcoreNode {
  readonly config: NodeConfig;
  /** The Fastify app (routes registered, not listening; use `listen()` or `app.inject()`). */
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly outbox: OutboxCommitter;
  /** JWS devices, gateway-signed batches and the M1 compat API (what /api/device/*, /api/gateway/* and --compat m1 call). */
  readonly formats: DeviceFormats;
  readonly clients: ChainClients;
  /** The account that signs commits (must be owner or an authorised submitter). */
  readonly submitterAddress: Address;
  /** The operator token (for POST /device/register and decrypting reads). */
  readonly operatorToken: string;
  registerDevice(parameters: RegisterDeviceParameters): Promise<RegisteredDevice>;
  /** One signed reading; resolves when durable in the store. */
  ingest(reading: SignedReading): Promise<IngestResult>;
  /** Many signed readings in one transaction; one outcome each. */
  ingestMany(readings: readonly SignedReading[]): Promise<({ ok: true; result: IngestResult } | { ok: false; error: unknown })[]>;
  /** Many signed readings through ingest() (uses the worker pool); one outcome each, in order. */
  ingestBatch(readings: readonly SignedReading[]): Promise<({ ok: true; result: IngestResult } | { ok: false; error: unknown })[]>;
  getReading(id: number, options?: { decrypt?: boolean }): Promise<ReadingView>;
  /** Waits (bounded) until every given reading is committed or failed; returns their views. */
  waitForCommitment(readingIds: number | readonly number[], options?: { timeoutMs?: number }): Promise<ReadingView[]>;
  verify(parameters?: VerifyReadingsParameters): Promise<VerifyReport>;
  metrics(): Promise<MetricsSnapshot>;
  prometheusText(): Promise<string>;
  health(): Promise<HealthReport>;
  /** Listens on config.http host/port (127.0.0.1 by default); returns the URL. */
  listen(overrides?: { host?: string; port?: number }): Promise<string>;
  /** Stops the commit loop, flushes ingest, closes HTTP and the store, wipes keys. */
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function readOrCreateToken(path: string, log: pino.Logger): string {
  if (existsSync(path)) {
    if ((statSync(path).mode & 0o077) !== 0) throw new Error(`${path} is readable by other users; run chmod 600 ${path}`);
    return readFileSync(path, "utf8").trim();
  }
  makePrivateDir(dirname(path));
  const token = randomBytes(24).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  log.warn({ path }, "no operator API token configured; generated one into this file (mode 0600)");
  return token;
}

export async function createNode(userConfig: NodeUserConfig): Promise<LcoreNode> {
  const config = resolveNodeConfig(userConfig);
  const log = pino({ level: config.logLevel, name: "lcore-node" });

  const masterSecret =
    config.masterSecret !== undefined
      ? parseMasterSecret(config.masterSecret)
      : loadOrCreateMasterSecret({
          path: config.masterSecretFile,
          onGenerated: (path) => log.warn({ path }, "no master secret configured; generated a random one into this file (mode 0600). Back it up: readings cannot be decrypted without it"),
        });
  const keyring = new Keyring(masterSecret, config.previousMasterSecrets.map(parseMasterSecret));
  masterSecret.fill(0);
  const operatorToken = config.apiToken ?? readOrCreateToken(config.apiTokenFile, log);
  const tokenDigest = createHash("sha256").update(operatorToken).digest();

  const clients: ChainClients = "publicClient" in config.chain
      ? config.chain
      : createChainClients({ ...config.chain, ...(config.chain.timeoutMs === undefined ? {} : { timeout: config.chain.timeoutMs }) });
  const store = await openStore({
    path: config.dbPath,
    synchronous: config.sqliteSynchronous,
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
    instanceId: clients.walletClient.account.address,
    ...(config.committer.leaseMs === undefined ? {} : { leaseMs: config.committer.leaseMs }),
    poolSize: config.databasePoolSize,
  });
  let prometheus: PrometheusMetrics | undefined;
  try {
    await store.metrics.firstStartedAt();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }

  const outbox = new OutboxCommitter(
    store,
    clients,
    { ...config.committer, mode: config.commitMode, batchSize: config.batchSize, batchMaxWaitMs: config.batchMaxWaitMs },
    log,
    {
      onSent: (row) => prometheus?.txSent.inc({ kind: row.kind }),
      onConfirmed: (row, receipt, latencyMs) => {
        prometheus?.commitsConfirmed.inc({ kind: row.kind });
        prometheus?.commitGas.inc({ kind: row.kind }, receipt.gasUsed);
        prometheus?.commitLatency.observe({ kind: row.kind }, latencyMs / 1000);
      },
      onFailed: (row) => prometheus?.commitsFailed.inc({ kind: row.kind }),
      onFees: (maxFeePerGas) => prometheus?.maxFeePerGas.set(Number(maxFeePerGas)),
    },
  );
  const devices = new DeviceRegistry(store, {
    defaultOwner: outbox.submitterAddress,
    burst: config.deviceBurst,
    registerOnChain: config.commitMode !== "legacy",
  });

  const pool = config.ingestWorkers > 0 ? new CryptoPool(config.ingestWorkers, keyring.current, config.cryptoEngine) : undefined;
  await pool?.ready();
  const ingestService = new IngestService(
    store,
    devices,
    keyring,
    {
      mode: config.commitMode,
      engine: config.cryptoEngine,
      maxDataBytes: config.maxDataBytes,
      devicePerSecond: config.devicePerSecond,
      deviceBurst: config.deviceBurst,
      maxGroup: 2_000,
    },
    {
      onAccepted: (n) => prometheus?.ingestAccepted.inc(n),
      onRefused: (code) => prometheus?.ingestRefused.inc({ code }),
    },
    pool,
  );

  const formats = new DeviceFormats(devices, ingestService, store, {
    compat: config.compat,
    enroll: config.enroll,
    jwsTimestampWindowSec: config.jwsTimestampWindowSec,
    maxDataBytes: config.maxDataBytes,
    deviceAnswerWaitMs: config.deviceAnswerWaitMs,
    gateways: config.gateways,
    bodyLimit: config.http.bodyLimit,
  }, pool);
  if (config.compat === "m1") {
    log.warn("--compat m1: POST /device/register and /device/data also accept the predecessor's unsigned requests; their readings are stored as unauthenticated. Serve it on loopback or behind a gateway you trust");
  }
  if (config.enroll === "open") log.warn("--enroll open: any did:key that signs a valid reading is registered");

  const metrics = () => metricsSnapshot(store, { mode: config.commitMode, chainOk: outbox.chain.ok });
  prometheus = createPrometheusMetrics(metrics);

  // Whether this instance's key may commit (asked once the chain answers; a new key needs setSubmitter by the owner).
  let submitterAuthorised: boolean | undefined;
  const health = async (): Promise<HealthReport> => {
    const report: HealthReport = {
      status: "ok",
      database: { ok: true },
      chain: { ok: true, submitter: outbox.submitterAddress, contract: clients.contractAddress },
      outbox: { queued: 0, in_flight: 0, failed: 0 },
      mode: config.commitMode,
    };
    try {
      await Promise.race([
        store.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000).unref()),
      ]);
      const c = await store.outbox.counts();
      report.outbox = { queued: c.queued, in_flight: c.sent, failed: c.failed };
    } catch (error) {
      report.database = { ok: false, error: errorSummary(error) };
    }
    try {
      const block = await Promise.race([
        clients.publicClient.getBlockNumber({ cacheTime: 0 }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000).unref()),
      ]);
      report.chain.block_number = block.toString();
      submitterAuthorised ??= await readSubmitterAuthorised(clients.publicClient, { address: clients.contractAddress, account: outbox.submitterAddress });
      if (submitterAuthorised !== undefined) report.chain.submitter_authorised = submitterAuthorised;
    } catch (error) {
      report.chain.ok = false;
      report.chain.error = errorSummary(error);
    }
    // Degraded: the chain or the database does not answer. With the database
    // down the route answers 503 (readings are refused, nothing is lost).
    report.status = report.database.ok && report.chain.ok ? "ok" : "degraded";
    return report;
  };

  const services: NodeServices = {
    registerDevice: (p) => devices.register(p),
    ingest: (r) => ingestService.ingest(r),
    ingestMany: (r) => ingestService.ingestMany(r),
    ingestBatch: async (r) =>
      (await Promise.allSettled(r.map((x) => ingestService.ingest(x)))).map((o) =>
        o.status === "fulfilled" ? { ok: true as const, result: o.value } : { ok: false as const, error: o.reason as unknown },
      ),
    getReading: (id, o) => viewReading(store, id, { decrypt: o?.decrypt, keyring, engine: config.cryptoEngine }),
    metrics,
    prometheus,
    health,
    formats,
    isOperator: (token) => token !== undefined && timingSafeEqual(createHash("sha256").update(token).digest(), tokenDigest),
  };
  const app = await buildApp(services, { bodyLimit: config.http.bodyLimit, ipPerMinute: config.http.ipPerMinute, logLevel: config.logLevel });
  void readSubmitterAuthorised(clients.publicClient, { address: clients.contractAddress, account: outbox.submitterAddress }).then((ok) => {
    submitterAuthorised ??= ok;
    if (ok === false) {
      log.warn({ submitter: outbox.submitterAddress, contract: clients.contractAddress }, "this node's account is neither the contract owner nor an authorised submitter: commits will be refused until the owner calls setSubmitter(address, true)");
    }
  });
  if (config.autoStart) outbox.start();
  log.info({ mode: config.commitMode, db: store.backend === "sqlite" ? config.dbPath : store.name, contract: clients.contractAddress, submitter: outbox.submitterAddress, keyIds: keyring.keyIds }, "node ready");

  let closed = false;
  return {
    config,
    app,
    store,
    outbox,
    formats,
    clients,
    submitterAddress: outbox.submitterAddress,
    operatorToken,
    registerDevice: services.registerDevice,
    ingest: services.ingest,
    ingestMany: services.ingestMany,
    ingestBatch: services.ingestBatch,
    getReading: services.getReading,
    async waitForCommitment(readingIds, { timeoutMs = 30_000 } = {}) {
      const ids = typeof readingIds === "number" ? [readingIds] : [...readingIds];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const views = await Promise.all(ids.map((id) => services.getReading(id)));
        if (views.every((v) => v.status === "committed" || v.status === "failed")) return views;
        if (Date.now() >= deadline) throw new Error(`readings not committed within ${timeoutMs} ms: ${views.filter((v) => v.status !== "committed").map((v) => v.id).join(", ")}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    verify: (p) => verifyReadings(store, clients, p),
    metrics,
    prometheusText: () => prometheus!.registry.metrics(),
    health,
    async listen(overrides = {}) {
      const host = overrides.host ?? config.http.host;
      if (config.compat === "m1" && !config.compatAllowPublicBind && !isLoopback(host)) throw new CompatBindError({ host });
      return await app.listen({ host, port: overrides.port ?? config.http.port });
    },
    async close() {
      if (closed) return;
      closed = true;
      await ingestService.flush();
      await pool?.close();
      await outbox.stop();
      await app.close();
      await store.close();
      keyring.wipe();
    },
  };
}
