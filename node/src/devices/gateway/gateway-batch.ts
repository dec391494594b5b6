// Gateway-signed batches (opt-in, --gateways): a gateway the operator
// registered by DID signs one compact JWS over many readings, so the node
// verifies one signature per batch instead of one per reading. The signed
// payload is JSON {"timestamp": <Unix s>, "readings": ["<reading text>", ...]};
// each reading is a JSON string, so the bytes stored are exactly the bytes
// signed (a string's unescaping is lossless). The timestamp is inside the
// signature here; the replay key is the hash of the signing input.
import { z } from "zod";

import { JwsSignatureError, StaleTimestampError, UnknownDidError, WrongDeviceFormatError } from "../../errors/device-formats.js";
import { ValidationError } from "../../errors/request.js";
import type { CachedDevice, DeviceRegistry } from "../device-registry.js";
import { MAX_DID_LENGTH, parseDeviceDid } from "../did/device-did.js";
import { assertAlg, parseCompactJws, signedPayloadKey, verifyJwsSignature } from "../jws/compact-jws.js";

export const MAX_GATEWAY_READINGS = 5_000;

export const gatewaySubmissionBody = z.strictObject({
  did: z.string().min(1).max(MAX_DID_LENGTH),
  signature: z.string().min(1),
});
export type GatewaySubmission = z.infer<typeof gatewaySubmissionBody>;

const signedBatch = z.strictObject({
  timestamp: z.number().int().min(0),
  readings: z.array(z.string().min(1)).min(1).max(MAX_GATEWAY_READINGS),
});

export interface CheckedGatewayBatch {
  gateway: CachedDevice;
  readings: Buffer[];
  /** Replay key of the whole batch; reading i gets `${batchKey}:${i}`. */
  batchKey: string;
}

/** Authenticates a gateway batch: the DID is a registered gateway, the JWS verifies, the signed timestamp is fresh. */
export async function checkGatewayBatch(
  registry: DeviceRegistry,
  body: GatewaySubmission,
  { windowSec, maxDataBytes, maxJwsChars, now = Date.now() }: { windowSec: number; maxDataBytes: number; maxJwsChars: number; now?: number },
): Promise<CheckedGatewayBatch> {
  parseDeviceDid(body.did);
  const gateway = await registry.byDid(body.did);
  if (gateway === undefined) throw new UnknownDidError({ did: body.did, openEnrollment: false });
  if (gateway.format !== "gateway") throw new WrongDeviceFormatError({ deviceId: body.did, expected: "single readings (POST /api/device/submit)" });
  const key = gateway.jwsKey!;
  const jws = parseCompactJws(body.signature, maxJwsChars);
  assertAlg(jws, key.alg);
  if (!verifyJwsSignature(key.alg, key.keyObject, jws.signingInput, jws.signature)) throw new JwsSignatureError({ did: body.did });
  let parsed: z.infer<typeof signedBatch>;
  try {
    parsed = signedBatch.parse(JSON.parse(Buffer.from(jws.payload).toString("utf8")));
  } catch {
    throw new ValidationError({ issues: [{ path: "signature.payload", message: `expected {"timestamp": <Unix s>, "readings": [1..${MAX_GATEWAY_READINGS} strings]}` }] });
  }
  const nowSec = Math.floor(now / 1000);
  if (Math.abs(nowSec - parsed.timestamp) > windowSec) throw new StaleTimestampError({ timestamp: parsed.timestamp, now: nowSec, windowSec });
  const readings = parsed.readings.map((r) => Buffer.from(r, "utf8"));
  const over = readings.findIndex((r) => r.length > maxDataBytes);
  if (over >= 0) throw new ValidationError({ issues: [{ path: `readings.${over}`, message: `expected at most ${maxDataBytes} bytes, got ${readings[over]!.length}` }] });
  return { gateway, readings, batchKey: signedPayloadKey(jws.signingInput) };
}
