// The versioned encrypted envelope of a reading: two AEAD layers, layer 1
// AES-256-GCM and layer 2 XChaCha20-Poly1305 over the layer-1 output, both
// bound to the same AAD (header + device id + counter). Random nonces from
// the OS CSPRNG: 96-bit for GCM, 192-bit for XChaCha (no reuse in practice;
// rotate the master secret well before 2^32 readings per key, NIST SP 800-38D).
//
// Layout (version 1):
//   [0]      version 0x01
//   [1..5)   key id (4 bytes)
//   [5..29)  layer-2 nonce (24 bytes)
//   [29..)   XChaCha20-Poly1305( layer-1 nonce (12) || AES-GCM ciphertext || GCM tag (16) ) || Poly1305 tag (16)
//
// Two engines produce the same bytes: "noble" (@noble/ciphers, the reference)
// and "openssl" (node:crypto AES-256-GCM and ChaCha20-Poly1305, with noble's
// HChaCha20 turning the 24-byte nonce into the XChaCha subkey).
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from "node:crypto";

import { gcm } from "@noble/ciphers/aes.js";
import { hchacha, xchacha20poly1305 } from "@noble/ciphers/chacha.js";

import { DecryptionError, EnvelopeFormatError } from "../errors/crypto.js";
import type { DataKeys, Keyring } from "./keyring.js";

export const ENVELOPE_VERSION = 1;
const HEADER_BYTES = 5;
const L2_NONCE = 24;
const L1_NONCE = 12;
const TAG = 16;
/** Bytes an envelope adds to the plaintext. */
export const ENVELOPE_OVERHEAD = HEADER_BYTES + L2_NONCE + TAG + L1_NONCE + TAG;

export type CryptoEngine = "noble" | "openssl";

/** AAD = version || key id || u8 len(deviceId) || deviceId (UTF-8) || counter (u64 big-endian). */
export function buildAad(header: Uint8Array, deviceId: string, counter: number): Uint8Array {
  const id = Buffer.from(deviceId, "utf8");
  if (id.length > 255) throw new RangeError(`"deviceId" expected at most 255 bytes, got ${id.length}`);
  const aad = new Uint8Array(header.length + 1 + id.length + 8);
  aad.set(header, 0);
  aad[header.length] = id.length;
  aad.set(id, header.length + 1);
  new DataView(aad.buffer).setBigUint64(header.length + 1 + id.length, BigInt(counter), false);
  return aad;
}

const SIGMA = u32le(new TextEncoder().encode("expand 32-byte k"));
function u32le(bytes: Uint8Array): Uint32Array {
  const copy = Uint8Array.from(bytes);
  return new Uint32Array(copy.buffer, 0, copy.length / 4);
}
/** XChaCha20 subkey and 12-byte ChaCha20 nonce for a 24-byte nonce (draft-irtf-cfrg-xchacha §2.3). */
function xchachaSubkey(key: Uint8Array, nonce24: Uint8Array): { subkey: Buffer; nonce12: Buffer } {
  const out = new Uint32Array(8);
  hchacha(SIGMA, u32le(key), u32le(nonce24.subarray(0, 16)), out);
  const subkey = Buffer.from(new Uint8Array(out.buffer)); // a copy: `out` is wiped below
  out.fill(0);
  const nonce12 = Buffer.alloc(12);
  nonce12.set(nonce24.subarray(16, 24), 4);
  return { subkey, nonce12 };
}

function header(keys: DataKeys): Uint8Array {
  const h = new Uint8Array(HEADER_BYTES);
  h[0] = ENVELOPE_VERSION;
  h.set(keys.keyId, 1);
  return h;
}

export interface SealParameters {
  keys: DataKeys;
  deviceId: string;
  counter: number;
  plaintext: Uint8Array;
  engine?: CryptoEngine;
}

// node:crypto ciphers get their keys as short-lived KeyObjects: on Node 24 a
// raw Buffer key takes a slow path (~20 us per cipher, 4x the cipher itself).

/** Encrypts a reading into a version-1 envelope. */
export function sealEnvelope({ keys, deviceId, counter, plaintext, engine = "noble" }: SealParameters): Uint8Array {
  const head = header(keys);
  const aad = buildAad(head, deviceId, counter);
  const n1 = randomBytes(L1_NONCE);
  const n2 = randomBytes(L2_NONCE);
  const out = new Uint8Array(HEADER_BYTES + L2_NONCE + L1_NONCE + plaintext.length + TAG + TAG);
  out.set(head, 0);
  out.set(n2, HEADER_BYTES);
  const l1 = new Uint8Array(L1_NONCE + plaintext.length + TAG);
  l1.set(n1, 0);
  if (engine === "noble") {
    l1.set(gcm(keys.layer1, n1, aad).encrypt(plaintext), L1_NONCE);
    out.set(xchacha20poly1305(keys.layer2, n2, aad).encrypt(l1), HEADER_BYTES + L2_NONCE);
  } else {
    const c1 = createCipheriv("aes-256-gcm", createSecretKey(keys.layer1), n1);
    c1.setAAD(aad);
    const body1 = c1.update(plaintext);
    c1.final();
    l1.set(body1, L1_NONCE);
    l1.set(c1.getAuthTag(), L1_NONCE + body1.length);
    const { subkey, nonce12 } = xchachaSubkey(keys.layer2, n2);
    const c2 = createCipheriv("chacha20-poly1305", createSecretKey(subkey), nonce12, { authTagLength: TAG });
    c2.setAAD(aad, { plaintextLength: l1.length });
    const body2 = c2.update(l1);
    c2.final();
    subkey.fill(0);
    out.set(body2, HEADER_BYTES + L2_NONCE);
    out.set(c2.getAuthTag(), HEADER_BYTES + L2_NONCE + body2.length);
  }
  l1.fill(0);
  return out;
}

/** The version and key id of an envelope, without decrypting it. */
export function readEnvelopeHeader(envelope: Uint8Array): { version: number; keyIdHex: string } {
  if (envelope.length < ENVELOPE_OVERHEAD) {
    throw new EnvelopeFormatError({ reason: `expected at least ${ENVELOPE_OVERHEAD} bytes, got ${envelope.length}` });
  }
  const version = envelope[0]!;
  if (version !== ENVELOPE_VERSION) {
    throw new EnvelopeFormatError({ reason: `unsupported version ${version} (this node reads version ${ENVELOPE_VERSION})` });
  }
  return { version, keyIdHex: Buffer.from(envelope.subarray(1, HEADER_BYTES)).toString("hex") };
}

export interface OpenParameters {
  keyring: Keyring;
  deviceId: string;
  counter: number;
  envelope: Uint8Array;
  engine?: CryptoEngine;
}

/**
 * Decrypts an envelope written by `sealEnvelope`.
 * @throws EnvelopeFormatError, UnknownKeyIdError, DecryptionError (tampered data, wrong key or wrong AAD).
 */
export function openEnvelope({ keyring, deviceId, counter, envelope, engine = "noble" }: OpenParameters): Uint8Array {
  const { keyIdHex } = readEnvelopeHeader(envelope);
  const keys = keyring.get(keyIdHex);
  const head = envelope.subarray(0, HEADER_BYTES);
  const aad = buildAad(head, deviceId, counter);
  const n2 = envelope.subarray(HEADER_BYTES, HEADER_BYTES + L2_NONCE);
  const c2 = envelope.subarray(HEADER_BYTES + L2_NONCE);
  let l1: Uint8Array;
  try {
    if (engine === "noble") {
      l1 = xchacha20poly1305(keys.layer2, n2, aad).decrypt(c2);
    } else {
      const { subkey, nonce12 } = xchachaSubkey(keys.layer2, n2);
      const d = createDecipheriv("chacha20-poly1305", createSecretKey(subkey), nonce12, { authTagLength: TAG });
      d.setAAD(aad, { plaintextLength: c2.length - TAG });
      d.setAuthTag(c2.subarray(c2.length - TAG));
      l1 = Buffer.concat([d.update(c2.subarray(0, c2.length - TAG)), d.final()]);
      subkey.fill(0);
    }
  } catch (cause) {
    throw new DecryptionError({ layer: 2, cause });
  }
  try {
    const n1 = l1.subarray(0, L1_NONCE);
    const c1 = l1.subarray(L1_NONCE);
    if (engine === "noble") return gcm(keys.layer1, n1, aad).decrypt(c1);
    const d = createDecipheriv("aes-256-gcm", createSecretKey(keys.layer1), n1);
    d.setAAD(aad);
    d.setAuthTag(c1.subarray(c1.length - TAG));
    return new Uint8Array(Buffer.concat([d.update(c1.subarray(0, c1.length - TAG)), d.final()]));
  } catch (cause) {
    throw new DecryptionError({ layer: 1, cause });
  } finally {
    l1.fill(0);
  }
}
