// A JWS device's public key: checked to be a point of its curve when it
// arrives (noble decodes and validates the point), then imported once into
// node:crypto (OpenSSL verifies ES256K, ES256 and EdDSA, synchronously and
// several times faster than JS).
import { createPublicKey, type KeyObject } from "node:crypto";

import { ed25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

import { InvalidPublicKeyError } from "../../errors/device.js";
import type { JwsAlg } from "../did/device-did.js";

export interface DeviceKey {
  alg: JwsAlg;
  /** Compressed SEC1 (33 bytes) for ES256K/ES256, raw 32 bytes for EdDSA; hex, no 0x. */
  publicKeyHex: string;
  keyObject: KeyObject;
}

const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");

/** Validates and imports a public key (SEC1 compressed/uncompressed, or raw Ed25519). @throws InvalidPublicKeyError (400) */
export function importJwsDeviceKey(alg: JwsAlg, publicKey: Uint8Array): DeviceKey {
  try {
    if (alg === "EdDSA") {
      if (publicKey.length !== 32) throw new Error(`expected 32 bytes, got ${publicKey.length}`);
      ed25519.Point.fromBytes(publicKey).assertValidity();
      const keyObject = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64u(publicKey) }, format: "jwk" });
      return { alg, publicKeyHex: Buffer.from(publicKey).toString("hex"), keyObject };
    }
    const curve = alg === "ES256K" ? secp256k1 : p256;
    const point = curve.Point.fromBytes(publicKey);
    point.assertValidity();
    const raw = point.toBytes(false);
    const keyObject = createPublicKey({
      key: { kty: "EC", crv: alg === "ES256K" ? "secp256k1" : "P-256", x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
      format: "jwk",
    });
    return { alg, publicKeyHex: Buffer.from(point.toBytes(true)).toString("hex"), keyObject };
  } catch (cause) {
    if (cause instanceof InvalidPublicKeyError) throw cause;
    throw new InvalidPublicKeyError({ reason: `not a point of the ${alg} curve (${cause instanceof Error ? cause.message : String(cause)})`, curve: alg });
  }
}
