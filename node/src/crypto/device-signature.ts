// Device signatures: Ed25519 (RFC 8032) over a domain-separated message that
// binds the device id, the per-device counter and the SHA-256 of the data.
// Verification runs on node:crypto (OpenSSL, ~12.8k verifies/s per core,
// 12x @noble/curves), which keeps signature checks from capping ingest; the
// async form runs it on libuv's threadpool (the other cores).
// `signReading` is the device-side helper (also used by tests and the stress task).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

import { ed25519 } from "@noble/curves/ed25519.js";

import { InvalidPublicKeyError } from "../errors/device.js";

const DOMAIN = Buffer.from("lcore-iot/reading/v1", "utf8");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The exact bytes a device signs. */
export function readingSigningMessage(deviceId: string, counter: number, data: Uint8Array): Buffer {
  const id = Buffer.from(deviceId, "utf8");
  const msg = Buffer.alloc(DOMAIN.length + 1 + id.length + 8 + 32);
  let o = DOMAIN.copy(msg, 0);
  msg[o++] = id.length;
  o += id.copy(msg, o);
  msg.writeBigUInt64BE(BigInt(counter), o);
  o += 8;
  createHash("sha256").update(data).digest().copy(msg, o);
  return msg;
}

function hexBytes(label: string, hex: string, length: number): Buffer {
  const clean = hex.replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length !== length * 2) {
    throw new InvalidPublicKeyError({ reason: `"${label}" expected ${length} bytes of hex, got ${clean.length / 2}` });
  }
  return Buffer.from(clean, "hex");
}

/** Imports a raw 32-byte Ed25519 public key (hex), refusing bytes that are not a point of the curve. @throws InvalidPublicKeyError */
export function importDevicePublicKey(publicKeyHex: string): KeyObject {
  const raw = hexBytes("public_key", publicKeyHex, 32);
  try {
    // OpenSSL imports any 32 bytes; noble decodes the point and checks it is on the curve.
    ed25519.Point.fromBytes(raw).assertValidity();
  } catch (cause) {
    throw new InvalidPublicKeyError({ reason: `not a point of Ed25519 (${cause instanceof Error ? cause.message : String(cause)})` });
  }
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: "der", type: "spki" });
  } catch (cause) {
    throw new InvalidPublicKeyError({ reason: cause instanceof Error ? cause.message : String(cause) });
  }
}

/** True when `signatureHex` (64 bytes) is the device's signature of the reading. Never throws on bad input. */
export function verifyReadingSignature(parameters: {
  publicKey: KeyObject;
  deviceId: string;
  counter: number;
  data: Uint8Array;
  signatureHex: string;
}): boolean {
  const clean = parameters.signatureHex.replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{128}$/.test(clean)) return false;
  try {
    return verify(
      null,
      readingSigningMessage(parameters.deviceId, parameters.counter, parameters.data),
      parameters.publicKey,
      Buffer.from(clean, "hex"),
    );
  } catch {
    return false;
  }
}

/**
 * verifyReadingSignature on libuv's threadpool (node:crypto's callback form):
 * the check runs off the calling thread, so the event loop keeps serving
 * while it runs. Resolves true when the signature verifies; never rejects.
 */
export function verifyReadingSignatureAsync(parameters: {
  publicKey: KeyObject;
  deviceId: string;
  counter: number;
  data: Uint8Array;
  signatureHex: string;
}): Promise<boolean> {
  const clean = parameters.signatureHex.replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]{128}$/.test(clean)) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    try {
      verify(null, readingSigningMessage(parameters.deviceId, parameters.counter, parameters.data), parameters.publicKey, Buffer.from(clean, "hex"), (error, ok) => resolve(error === null && ok));
    } catch {
      resolve(false);
    }
  });
}

/** A device key pair; `privateKey` is the 32-byte seed as hex (keep it on the device). */
export interface DeviceKeyPair {
  publicKey: string;
  privateKey: string;
}

/** Generates an Ed25519 device key pair (raw hex, no 0x). */
export function generateDeviceKeyPair(): DeviceKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const pub = publicKey.export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length);
  const priv = privateKey.export({ format: "der", type: "pkcs8" }).subarray(PKCS8_PREFIX.length);
  return { publicKey: pub.toString("hex"), privateKey: priv.toString("hex") };
}

const privateKeyCache = new Map<string, KeyObject>();
function privateKeyObject(privateKeyHex: string): KeyObject {
  let key = privateKeyCache.get(privateKeyHex);
  if (key === undefined) {
    const seed = hexBytes("privateKey", privateKeyHex, 32);
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
    if (privateKeyCache.size > 10_000) privateKeyCache.clear();
    privateKeyCache.set(privateKeyHex, key);
  }
  return key;
}

/** A signed reading, in the shape `POST /device/data` and `node.ingest()` take. */
export interface SignedReading {
  device_id: string;
  counter: number;
  data: string;
  encoding?: "utf8" | "base64";
  signature: string;
}

/**
 * Device side: signs `data` (a UTF-8 string, or base64 when `encoding` is "base64") with the device key.
 * @example
 * const reading = signReading({ deviceId: "EV_001", counter: 1, data: '{"km":12.5}', privateKey });
 * await fetch(url + "/device/data", { method: "POST", body: JSON.stringify(reading), headers: { "content-type": "application/json" } });
 */
export function signReading(parameters: {
  deviceId: string;
  counter: number;
  data: string;
  privateKey: string;
  encoding?: "utf8" | "base64";
}): SignedReading {
  const encoding = parameters.encoding ?? "utf8";
  const bytes = Buffer.from(parameters.data, encoding);
  const signature = sign(null, readingSigningMessage(parameters.deviceId, parameters.counter, bytes), privateKeyObject(parameters.privateKey));
  const reading: SignedReading = {
    device_id: parameters.deviceId,
    counter: parameters.counter,
    data: parameters.data,
    signature: signature.toString("hex"),
  };
  if (encoding !== "utf8") reading.encoding = encoding;
  return reading;
}
