// The non-native device formats as one service for the routes: JWS devices
// (operator registration by DID, open enrolment, submissions) and the M1
// compat API. Each authenticates (or, for M1, identifies) the sender, then
// hands the reading to IngestService.ingestAuthenticated: one envelope, one
// store, one outbox for every format.
import { GatewaysOffError, WrongDeviceFormatError } from "../errors/device-formats.js";
import { ValidationError } from "../errors/request.js";
import type { AuthenticatedIngestResult, IngestService } from "../ingest/ingest-service.js";
import type { Store } from "../store/index.js";
import type { DeviceRegistry, RegisteredDevice } from "./device-registry.js";
import { parseDeviceDid, type JwsAlg } from "./did/device-did.js";
import { importJwsDeviceKey } from "./jws/device-key.js";
import { checkJwsSubmission, type JwsSubmission } from "./jws/jws-submission.js";
import { checkGatewayBatch, type GatewaySubmission } from "./gateway/gateway-batch.js";
import type { IngestResult } from "../ingest/ingest-service.js";
import type { CryptoPool } from "../ingest/crypto-pool.js";
import { JwsVerifier } from "./jws/jws-verifier.js";
import { m1DataBytes, m1ReplayKey, type M1DataBody, type M1RegisterBody } from "./m1/m1-reading.js";

export interface DeviceFormatsOptions {
  compat: "none" | "m1";
  enroll: "operator" | "open";
  jwsTimestampWindowSec: number;
  maxDataBytes: number;
  deviceAnswerWaitMs: number;
  /** Gateway-signed batches (opt-in). */
  gateways: boolean;
  /** The HTTP body limit (a gateway's JWS is at most this long). */
  bodyLimit: number;
}

export interface RegisterDidParameters {
  did: string;
  /** Required for did:lcore (its DID is a hash); for did:key it must match the DID's key when given. SEC1 or raw Ed25519, hex. */
  public_key?: string;
  /** did:lcore only: the key's algorithm (default ES256, the C device SDK's). */
  alg?: JwsAlg;
  owner_address?: string;
}

/** A committed (or still pending) reading, for the answers that carry a tx hash. */
export interface CommitmentState {
  status: string;
  tx_hash: string | null;
  block_number: number | null;
}

export class DeviceFormats {
  readonly options: DeviceFormatsOptions;
  readonly #registry: DeviceRegistry;
  readonly #ingest: IngestService;
  readonly #store: Store;

  readonly #verifier: JwsVerifier;

  /** `pool`: the ingest crypto workers, which then check the JWS signatures too. */
  constructor(registry: DeviceRegistry, ingest: IngestService, store: Store, options: DeviceFormatsOptions, pool?: CryptoPool) {
    this.#verifier = new JwsVerifier(pool);
    this.#registry = registry;
    this.#ingest = ingest;
    this.#store = store;
    this.options = options;
  }

  /** The operator registers a gateway (only with gateways on): a DID whose JWS may carry many readings. */
  async registerGateway(p: RegisterDidParameters): Promise<RegisteredDevice & { did: string }> {
    if (!this.options.gateways) throw new GatewaysOffError();
    return await this.registerDid(p, true);
  }

  /** A gateway's signed batch: one signature check, then every reading through the shared ingest path. */
  async submitGatewayBatch(body: GatewaySubmission): Promise<IngestResult[]> {
    if (!this.options.gateways) throw new GatewaysOffError();
    const checked = await checkGatewayBatch(this.#registry, body, {
      windowSec: this.options.jwsTimestampWindowSec,
      maxDataBytes: this.options.maxDataBytes,
      maxJwsChars: this.options.bodyLimit,
    });
    return await this.#ingest.ingestGatewayBatch(checked.gateway, checked.readings, checked.batchKey);
  }

  /** The operator registers a JWS device by its DID. */
  async registerDid(p: RegisterDidParameters, gateway = false): Promise<RegisteredDevice & { did: string }> {
    const did = parseDeviceDid(p.did);
    const given = p.public_key === undefined ? undefined : hexToBytes(p.public_key);
    if (did.method === "key") {
      if (p.alg !== undefined && p.alg !== did.alg) throw new ValidationError({ issues: [{ path: "alg", message: `the DID names a ${did.alg} key` }] });
      const key = importJwsDeviceKey(did.alg, did.publicKey);
      if (given !== undefined && importJwsDeviceKey(did.alg, given).publicKeyHex !== key.publicKeyHex) {
        throw new ValidationError({ issues: [{ path: "public_key", message: "differs from the key the did:key names" }] });
      }
      return await this.#registry.registerJws({ did: p.did, key, enrolledBy: "operator", gateway, ...(p.owner_address === undefined ? {} : { owner_address: p.owner_address }) });
    }
    if (given === undefined) throw new ValidationError({ issues: [{ path: "public_key", message: "a did:lcore device needs its public key (the DID is only a hash)" }] });
    const key = importJwsDeviceKey(p.alg ?? "ES256", given);
    return await this.#registry.registerJws({ did: p.did, key, enrolledBy: "operator", gateway, ...(p.owner_address === undefined ? {} : { owner_address: p.owner_address }) });
  }

  /** A JWS submission: authenticate, then the shared ingest path. A replayed signed payload is refused (409). */
  async submitJws(body: JwsSubmission): Promise<AuthenticatedIngestResult & { did: string }> {
    const checked = await checkJwsSubmission(
      this.#registry,
      body,
      { enroll: this.options.enroll, windowSec: this.options.jwsTimestampWindowSec, maxDataBytes: this.options.maxDataBytes },
      this.#verifier.verify,
    );
    const result = await this.#ingest.ingestAuthenticated({
      device: checked.device,
      data: checked.data,
      source: { format: "jws", authenticated: true, replayKey: checked.replayKey },
      onReplay: "refuse",
    });
    return { ...result, did: body.did };
  }

  registerM1(body: M1RegisterBody): Promise<{ device: RegisteredDevice; created: boolean }> {
    return this.#registry.registerM1({ device_id: body.device_id, ...(body.public_key === undefined ? {} : { label: body.public_key }) });
  }

  /** An M1 reading: unauthenticated; a repeat of (device, timestamp, data) answers with the first reading. */
  async submitM1(body: M1DataBody): Promise<AuthenticatedIngestResult> {
    const device = this.#registry.cached(body.device_id) ?? (await this.#registry.get(body.device_id));
    if (device.format !== "m1") {
      throw new WrongDeviceFormatError({ deviceId: body.device_id, expected: device.format === "jws" ? "JWS (POST /api/device/submit)" : "signed readings (POST /device/data with counter and signature)" });
    }
    const data = m1DataBytes(body);
    return await this.#ingest.ingestAuthenticated({
      device,
      data,
      source: { format: "m1", authenticated: false, replayKey: m1ReplayKey(body.timestamp, data) },
      onReplay: "return-existing",
    });
  }

  /** Waits (at most deviceAnswerWaitMs) for the reading's commitment; returns its state either way. */
  async waitForCommitment(readingId: number): Promise<CommitmentState> {
    const deadline = Date.now() + this.options.deviceAnswerWaitMs;
    for (;;) {
      const r = (await this.#store.readings.get(readingId))!;
      if (r.status === "committed" || r.status === "failed" || Date.now() >= deadline) return { status: r.status, tx_hash: r.tx_hash, block_number: r.block_number };
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/^0x/i, "");
  if (!/^([0-9a-fA-F]{2})+$/.test(clean)) throw new ValidationError({ issues: [{ path: "public_key", message: "expected hex" }] });
  return Buffer.from(clean, "hex");
}
