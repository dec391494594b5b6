// Device clients written the way the predecessor's SDKs sign: lcore-sdk's
// TypeScript package (noble secp256k1 over SHA-256 of the signing input,
// did:key 0xe7), the C device SDK (ES256 via a JOSE library, typ JWT,
// did:lcore:<hex of SHA-256(key)[0..16]>) and an Ed25519 did:key device
// (EdDSA via jose). Test helpers; the node never imports them.
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { spawn } from "node:child_process";

import { secp256k1 } from "@noble/curves/secp256k1.js";
import { CompactSign } from "jose";

import { didKeyOf } from "../../../node/src/devices/did/device-did.js";

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

export interface JwsDevice {
  did: string;
  alg: "ES256K" | "ES256" | "EdDSA";
  publicKeyHex: string;
  sign(payload: unknown): Promise<string>;
}

/** lcore-sdk TypeScript: header {alg: ES256K, typ: JWS}, JSON.stringify payload, noble sign, compact r||s. */
export function es256kDevice(secret = secp256k1.utils.randomSecretKey()): JwsDevice {
  const pub = secp256k1.getPublicKey(secret, true);
  return {
    did: didKeyOf("ES256K", pub),
    alg: "ES256K",
    publicKeyHex: Buffer.from(pub).toString("hex"),
    async sign(payload) {
      const input = `${b64u(JSON.stringify({ alg: "ES256K", typ: "JWS" }))}.${b64u(JSON.stringify(payload))}`;
      const sig = secp256k1.sign(new TextEncoder().encode(input), secret); // sha256 prehash, low-S, 64 bytes
      return `${input}.${b64u(sig)}`;
    },
  };
}

function joseDevice(alg: "ES256" | "EdDSA", privateKey: KeyObject, publicKey: KeyObject, typ: string, did: (raw: Uint8Array) => string): JwsDevice {
  const jwk = publicKey.export({ format: "jwk" });
  const raw =
    alg === "EdDSA"
      ? Buffer.from(jwk.x!, "base64url")
      : Buffer.concat([Buffer.from([Buffer.from(jwk.y!, "base64url")[31]! & 1 ? 3 : 2]), Buffer.from(jwk.x!, "base64url")]);
  return {
    did: did(raw),
    alg,
    publicKeyHex: raw.toString("hex"),
    async sign(payload) {
      return await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, typ }).sign(privateKey);
    },
  };
}

/** C device SDK: ES256 (P-256), typ JWT, did:lcore: hex of SHA-256(public key)[0..16]. */
export function es256LcoreDevice(): JwsDevice {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return joseDevice("ES256", privateKey, publicKey, "JWT", (raw) => `did:lcore:${createHash("sha256").update(raw).digest("hex").slice(0, 32)}`);
}

/** P-256 did:key (multicodec 0x1200). */
export function es256KeyDevice(): JwsDevice {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return joseDevice("ES256", privateKey, publicKey, "JWS", (raw) => didKeyOf("ES256", raw));
}

/** Ed25519 did:key (multicodec 0xed), EdDSA. */
export function eddsaDevice(): JwsDevice {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return joseDevice("EdDSA", privateKey, publicKey, "JWS", (raw) => didKeyOf("EdDSA", raw));
}

/** Runs one of the Python fixtures (python3 stdlib) with its steps on stdin; returns its JSON lines. */
export function runPythonClient(script: "m1_client.py" | "sdk_client.py", baseUrl: string, steps: unknown[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [new URL(`../fixtures/${script}`, import.meta.url).pathname, baseUrl], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${script} exited ${code}: ${err}`));
      else resolve(out.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>));
    });
    child.stdin.end(JSON.stringify(steps));
  });
}
