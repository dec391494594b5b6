// Compact JWS of a device reading: jose decodes the protected header and the
// base64url segments; node:crypto verifies the signature over the JWS's own
// first two segments (never a re-serialised payload: Python's json.dumps and
// JS's JSON.stringify disagree on `20.0` and non-ASCII text). jose cannot
// verify ES256K on Node (no secp256k1 in WebCrypto), so every alg goes through
// node:crypto, synchronously, with IEEE P1363 (r||s) signatures.
import { createHash, verify, type KeyObject } from "node:crypto";

import { base64url, decodeProtectedHeader } from "jose";

import { MalformedJwsError, UnsupportedAlgError } from "../../errors/device-formats.js";
import type { JwsAlg } from "../did/device-did.js";

export interface ParsedJws {
  alg: string;
  /** The signed payload bytes (base64url-decoded second segment). */
  payload: Uint8Array;
  /** ASCII bytes of `header.payload`: what the signature covers. */
  signingInput: Buffer;
  signature: Uint8Array;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Splits and decodes a compact JWS. @throws MalformedJwsError */
export function parseCompactJws(jws: string, maxChars: number): ParsedJws {
  if (jws.length > maxChars) throw new MalformedJwsError({ reason: `longer than ${maxChars} characters` });
  const parts = jws.split(".");
  if (parts.length !== 3) throw new MalformedJwsError({ reason: `expected 3 segments, got ${parts.length}` });
  if (!parts.every((p) => SEGMENT.test(p))) throw new MalformedJwsError({ reason: "a segment is empty or not base64url" });
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: Uint8Array;
  let signature: Uint8Array;
  try {
    header = decodeProtectedHeader(jws);
    payload = base64url.decode(parts[1]!);
    signature = base64url.decode(parts[2]!);
  } catch (cause) {
    throw new MalformedJwsError({ reason: cause instanceof Error ? cause.message : "undecodable" });
  }
  if (typeof header.alg !== "string") throw new MalformedJwsError({ reason: "the header has no alg" });
  if (header.crit !== undefined) throw new MalformedJwsError({ reason: "critical header parameters are not supported" });
  if (header.b64 !== undefined && header.b64 !== true) throw new MalformedJwsError({ reason: "unencoded payloads (b64: false) are not supported" });
  return { alg: header.alg, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`, "latin1"), signature };
}

/** Refuses an alg other than the device key's (including "none"). @throws UnsupportedAlgError */
export function assertAlg(parsed: ParsedJws, expected: JwsAlg): void {
  if (parsed.alg !== expected) throw new UnsupportedAlgError({ alg: parsed.alg, expected });
}

/** True when the signature verifies over the JWS's own signing input. Never throws. */
export function verifyJwsSignature(alg: JwsAlg, key: KeyObject, signingInput: Uint8Array, signature: Uint8Array): boolean {
  const expectedLength = 64;
  if (signature.length !== expectedLength) return false;
  try {
    return alg === "EdDSA"
      ? verify(null, signingInput, key, signature)
      : verify("sha256", signingInput, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}

/** verifyJwsSignature on libuv's threadpool (node:crypto's callback form), off the event loop. Never rejects. */
export function verifyJwsSignatureAsync(alg: JwsAlg, key: KeyObject, signingInput: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const done = (error: Error | null, ok: boolean) => resolve(error === null && ok);
    try {
      if (alg === "EdDSA") verify(null, signingInput, key, signature, done);
      else verify("sha256", signingInput, { key, dsaEncoding: "ieee-p1363" }, signature, done);
    } catch {
      resolve(false);
    }
  });
}

/** The replay key of a signed payload: SHA-256 of the signing input (the same for any re-encoding of the signature). */
export function signedPayloadKey(signingInput: Uint8Array): string {
  return createHash("sha256").update(signingInput).digest("hex");
}
