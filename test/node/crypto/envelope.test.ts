// The dual-AEAD envelope: round trips, byte-for-byte agreement of the noble
// and OpenSSL engines (and of noble's XChaCha20-Poly1305 with the HChaCha20 +
// OpenSSL ChaCha20-Poly1305 construction), AAD binding, tampering, rotation.
import { expect } from "chai";

import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";

import { DecryptionError, EnvelopeFormatError, UnknownKeyIdError } from "../../../node/src/errors/crypto.js";
import { ENVELOPE_OVERHEAD, buildAad, openEnvelope, readEnvelopeHeader, sealEnvelope } from "../../../node/src/crypto/envelope.js";
import { Keyring } from "../../../node/src/crypto/keyring.js";

const secretA = new Uint8Array(32).fill(0xa1);
const secretB = new Uint8Array(32).fill(0xb2);
const plaintext = new TextEncoder().encode(JSON.stringify({ kwh: 12.75, meter: "GH_007" }));

describe("crypto/envelope", () => {
  const keyring = new Keyring(secretA);

  for (const engine of ["noble", "openssl"] as const) {
    it(`round-trips with the ${engine} engine and adds ${ENVELOPE_OVERHEAD} bytes`, () => {
      const env = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 7, plaintext, engine });
      expect(env.length).to.equal(plaintext.length + ENVELOPE_OVERHEAD);
      expect(readEnvelopeHeader(env)).to.deep.equal({ version: 1, keyIdHex: keyring.current.keyIdHex });
      expect(openEnvelope({ keyring, deviceId: "EV_001", counter: 7, envelope: env, engine })).to.deep.equal(plaintext);
    });
  }

  it("produces envelopes each engine can open (same format, byte for byte)", () => {
    const byNoble = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext, engine: "noble" });
    const byOpenssl = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext, engine: "openssl" });
    expect(openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: byNoble, engine: "openssl" })).to.deep.equal(plaintext);
    expect(openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: byOpenssl, engine: "noble" })).to.deep.equal(plaintext);
  });

  it("matches noble's xchacha20poly1305 for layer 2 (cross-check of the HChaCha20 construction)", () => {
    const env = sealEnvelope({ keys: keyring.current, deviceId: "D", counter: 3, plaintext, engine: "openssl" });
    const aad = buildAad(env.subarray(0, 5), "D", 3);
    const layer1 = xchacha20poly1305(keyring.current.layer2, env.subarray(5, 29), aad).decrypt(env.subarray(29));
    expect(layer1.length).to.equal(12 + plaintext.length + 16);
  });

  it("uses a fresh nonce every time (same input, different envelopes)", () => {
    const a = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext });
    const b = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext });
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(false);
  });

  it("binds device id and counter (AAD): another id or counter fails to decrypt", () => {
    const env = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 9, plaintext });
    expect(() => openEnvelope({ keyring, deviceId: "EV_002", counter: 9, envelope: env })).to.throw(DecryptionError);
    expect(() => openEnvelope({ keyring, deviceId: "EV_001", counter: 10, envelope: env })).to.throw(DecryptionError);
  });

  it("refuses a tampered ciphertext, nonce or header", () => {
    for (const at of [5, 20, 40, -1]) {
      const env = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext });
      const i = at < 0 ? env.length + at : at;
      env[i]! ^= 0x80;
      expect(() => openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: env }), `byte ${i}`).to.throw(DecryptionError);
    }
    const env = sealEnvelope({ keys: keyring.current, deviceId: "EV_001", counter: 1, plaintext });
    env[0] = 2;
    expect(() => openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: env })).to.throw(EnvelopeFormatError);
    expect(() => readEnvelopeHeader(new Uint8Array(10))).to.throw(EnvelopeFormatError);
  });

  it("rotates keys: old envelopes open with the retired secret in the keyring, and fail clearly without it", () => {
    const old = sealEnvelope({ keys: new Keyring(secretA).current, deviceId: "EV_001", counter: 1, plaintext });
    const rotated = new Keyring(secretB, [secretA]);
    expect(rotated.current.keyIdHex).to.not.equal(keyring.current.keyIdHex);
    expect(openEnvelope({ keyring: rotated, deviceId: "EV_001", counter: 1, envelope: old })).to.deep.equal(plaintext);
    const fresh = sealEnvelope({ keys: rotated.current, deviceId: "EV_001", counter: 2, plaintext });
    expect(readEnvelopeHeader(fresh).keyIdHex).to.equal(rotated.current.keyIdHex);
    expect(() => openEnvelope({ keyring: new Keyring(secretB), deviceId: "EV_001", counter: 1, envelope: old })).to.throw(UnknownKeyIdError);
  });
});
