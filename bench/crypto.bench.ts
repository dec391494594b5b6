// Dual encryption ops/s for a 256-byte reading, @noble/ciphers against
// node:crypto (OpenSSL) doing the same two layers (AES-256-GCM, then
// XChaCha20-Poly1305; OpenSSL has no XChaCha20, so the "openssl" engine runs
// noble's HChaCha20 + OpenSSL ChaCha20-Poly1305: byte-identical output), each
// with the SHA-256 proof hash; plus the single layers and the device
// signature check (node:crypto Ed25519 vs @noble/curves). Bounded by count and
// time. Writes bench/results/crypto.json.
//   node --import tsx bench/crypto.bench.ts
import { createCipheriv, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";

import { gcm } from "@noble/ciphers/aes.js";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { ed25519 } from "@noble/curves/ed25519.js";

import { importDevicePublicKey, generateDeviceKeyPair, readingSigningMessage, signReading, verifyReadingSignature } from "../node/src/crypto/device-signature.js";
import { openEnvelope, sealEnvelope } from "../node/src/crypto/envelope.js";
import { Keyring } from "../node/src/crypto/keyring.js";
import { proofHashOf } from "../node/src/crypto/proof-hash.js";

const MAX_MS = Number(process.env.BENCH_MS ?? 1_500);
const MAX_OPS = 2_000_000;

function measure(name: string, fn: () => void): { name: string; ops_per_sec: number; ops: number } {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(MAX_MS) * 1_000_000n;
  let ops = 0;
  while (ops < MAX_OPS) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    if (process.hrtime.bigint() >= deadline) break;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, ops_per_sec: Math.round(ops / secs), ops };
}

const keyring = new Keyring(randomBytes(32));
const keys = keyring.current;
const plaintext = randomBytes(256);
const aad = randomBytes(30);

const results = [
  measure("noble: AES-256-GCM + XChaCha20-Poly1305 + SHA-256 (seal)", () => {
    proofHashOf(sealEnvelope({ keys, deviceId: "EV_001", counter: 1, plaintext, engine: "noble" }));
  }),
  measure("node:crypto: AES-256-GCM + XChaCha20-Poly1305 + SHA-256 (seal)", () => {
    proofHashOf(sealEnvelope({ keys, deviceId: "EV_001", counter: 1, plaintext, engine: "openssl" }));
  }),
];
const sealedNoble = sealEnvelope({ keys, deviceId: "EV_001", counter: 1, plaintext, engine: "noble" });
results.push(
  measure("noble: open (both layers)", () => {
    openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: sealedNoble, engine: "noble" });
  }),
  measure("node:crypto: open (both layers)", () => {
    openEnvelope({ keyring, deviceId: "EV_001", counter: 1, envelope: sealedNoble, engine: "openssl" });
  }),
  measure("noble: AES-256-GCM layer only", () => {
    gcm(keys.layer1, randomBytes(12), aad).encrypt(plaintext);
  }),
  measure("node:crypto: AES-256-GCM layer only", () => {
    const c = createCipheriv("aes-256-gcm", keys.layer1, randomBytes(12));
    c.setAAD(aad);
    c.update(plaintext);
    c.final();
    c.getAuthTag();
  }),
  measure("noble: XChaCha20-Poly1305 layer only (284 B)", () => {
    xchacha20poly1305(keys.layer2, randomBytes(24), aad).encrypt(sealedNoble.subarray(0, 284));
  }),
);
const device = generateDeviceKeyPair();
const pub = importDevicePublicKey(device.publicKey);
const reading = signReading({ deviceId: "EV_001", counter: 1, data: plaintext.toString("base64"), encoding: "base64", privateKey: device.privateKey });
const msg = readingSigningMessage("EV_001", 1, plaintext);
const sig = Buffer.from(reading.signature, "hex");
const pubRaw = Buffer.from(device.publicKey, "hex");
results.push(
  measure("node:crypto: Ed25519 verify (device signature)", () => {
    verifyReadingSignature({ publicKey: pub, deviceId: "EV_001", counter: 1, data: plaintext, signatureHex: reading.signature });
  }),
  measure("noble/curves: Ed25519 verify (device signature)", () => {
    ed25519.verify(sig, msg, pubRaw);
  }),
);

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
const sealNoble = results[0]!.ops_per_sec;
const sealNode = results[1]!.ops_per_sec;
console.log(`load average: ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores`);
console.log(`Dual encryption and signatures, 256-byte reading, one core, ${MAX_MS} ms per case`);
for (const r of results) console.log(`${r.name.padEnd(66)} ${String(r.ops_per_sec).padStart(10)} ops/s`);
console.log(`node:crypto / noble, seal both layers + SHA-256: ${ratio(sealNode, sealNoble)}x`);
console.log(`node:crypto / noble, open both layers:           ${ratio(results[3]!.ops_per_sec, results[2]!.ops_per_sec)}x`);
console.log(`node:crypto / noble, Ed25519 verify:             ${ratio(results[7]!.ops_per_sec, results[8]!.ops_per_sec)}x`);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/crypto.json", import.meta.url),
  `${JSON.stringify(
    {
      bench: "crypto",
      date: new Date().toISOString(),
      node: process.version,
      cores: cpus().length,
      load_average_at_end: loadavg().map((x) => Math.round(x * 100) / 100),
      reading_bytes: 256,
      baseline: "noble (both layers + SHA-256)",
      results,
      ratios: {
        seal_nodecrypto_over_noble: ratio(sealNode, sealNoble),
        open_nodecrypto_over_noble: ratio(results[3]!.ops_per_sec, results[2]!.ops_per_sec),
        ed25519_verify_nodecrypto_over_noble: ratio(results[7]!.ops_per_sec, results[8]!.ops_per_sec),
      },
    },
    null,
    2,
  )}\n`,
);
