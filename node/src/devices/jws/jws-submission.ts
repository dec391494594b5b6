// A JWS device's submission, as lcore-sdk's Python/TypeScript/C clients post
// it to /api/device/submit: {did, payload, signature (compact JWS over the
// payload), timestamp (Unix s)}. Checks, cheapest first: timestamp window,
// DID, JWS shape and alg, signature over the JWS's own segments, then that the
// body's payload is the JSON value the JWS signs. Open enrolment registers a
// did:key only after its first signature verified.
import { isDeepStrictEqual } from "node:util";

import { z } from "zod";

import { JwsSignatureError, PayloadMismatchError, StaleTimestampError, UnknownDidError, WrongDeviceFormatError } from "../../errors/device-formats.js";
import { DeviceExistsError } from "../../errors/device.js";
import type { CachedDevice, DeviceRegistry } from "../device-registry.js";
import { MAX_DID_LENGTH, parseDeviceDid } from "../did/device-did.js";
import { assertAlg, parseCompactJws, signedPayloadKey, verifyJwsSignature } from "./compact-jws.js";
import { importJwsDeviceKey, type DeviceKey } from "./device-key.js";

export const jwsSubmissionBody = z.strictObject({
  did: z.string().min(1).max(MAX_DID_LENGTH),
  payload: z.unknown().refine((v) => v !== undefined, "expected the signed JSON value"),
  signature: z.string().min(1).max(200_000),
  timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type JwsSubmission = z.infer<typeof jwsSubmissionBody>;

export interface CheckedJwsReading {
  device: CachedDevice;
  /** The bytes the JWS signs (stored and encrypted as the reading). */
  data: Buffer;
  replayKey: string;
}

export interface JwsCheckOptions {
  enroll: "operator" | "open";
  windowSec: number;
  maxDataBytes: number;
  now?: number;
}

/** Checks one signature (on this thread, or batched onto the crypto workers). */
export type VerifyJws = (key: DeviceKey, signingInput: Buffer, signature: Uint8Array) => boolean | Promise<boolean>;

const verifyHere: VerifyJws = (key, input, signature) => verifyJwsSignature(key.alg, key.keyObject, input, signature);

/** Authenticates a submission (enrolling an unknown did:key in open mode). Throws the 4xx errors of the bad-input table. */
export async function checkJwsSubmission(registry: DeviceRegistry, body: JwsSubmission, options: JwsCheckOptions, verify: VerifyJws = verifyHere): Promise<CheckedJwsReading> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(now - body.timestamp) > options.windowSec) throw new StaleTimestampError({ timestamp: body.timestamp, now, windowSec: options.windowSec });
  const parsedDid = parseDeviceDid(body.did);
  const known = registry.byDid(body.did);
  let device = known instanceof Promise ? await known : known;
  let key: DeviceKey;
  if (device !== undefined) {
    if (device.format !== "jws") throw new WrongDeviceFormatError({ deviceId: body.did, expected: "gateway batches (POST /api/gateway/submit)" });
    key = device.jwsKey!;
  }
  else if (parsedDid.method === "key" && options.enroll === "open") key = importJwsDeviceKey(parsedDid.alg, parsedDid.publicKey);
  else throw new UnknownDidError({ did: body.did, openEnrollment: options.enroll === "open" });

  // base64url inflates by 4/3; refuse oversize before decoding.
  const jws = parseCompactJws(body.signature, Math.ceil((options.maxDataBytes * 4) / 3) + 2_048);
  assertAlg(jws, key.alg);
  if (!(await verify(key, jws.signingInput, jws.signature))) throw new JwsSignatureError({ did: body.did });
  let signed: unknown;
  try {
    signed = JSON.parse(Buffer.from(jws.payload).toString("utf8"));
  } catch {
    throw new PayloadMismatchError();
  }
  if (!isDeepStrictEqual(signed, body.payload)) throw new PayloadMismatchError();

  if (device === undefined) {
    try {
      await registry.registerJws({ did: body.did, key, enrolledBy: "open" });
    } catch (error) {
      if (!(error instanceof DeviceExistsError)) throw error; // enrolled by a concurrent request meanwhile
    }
    device = (await registry.byDid(body.did))!;
  }
  return { device, data: Buffer.from(jws.payload), replayKey: signedPayloadKey(jws.signingInput) };
}
