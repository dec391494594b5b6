// Device DIDs: did:key (multibase base58btc, multicodec-prefixed public key:
// secp256k1 0xe7, P-256 0x1200, Ed25519 0xed) as the lcore-sdk packages make
// them, and the opaque did:lcore:<32 hex> of the C device SDK (a hash of key
// material, so its key must be registered by the operator).
import { base58 } from "@scure/base";

import { InvalidDidError } from "../../errors/device-formats.js";

export type JwsAlg = "ES256K" | "ES256" | "EdDSA";

export type ParsedDid =
  | { method: "key"; did: string; alg: JwsAlg; publicKey: Uint8Array }
  | { method: "lcore"; did: string };

/** Multicodec codes as unsigned varints, with the key length each must carry. */
const MULTICODECS: { prefix: number[]; alg: JwsAlg; keyLength: number }[] = [
  { prefix: [0xe7, 0x01], alg: "ES256K", keyLength: 33 },
  { prefix: [0x80, 0x24], alg: "ES256", keyLength: 33 },
  { prefix: [0xed, 0x01], alg: "EdDSA", keyLength: 32 },
];

export const MAX_DID_LENGTH = 128;

/** Parses a device DID. @throws InvalidDidError */
export function parseDeviceDid(did: string): ParsedDid {
  if (did.length > MAX_DID_LENGTH) throw new InvalidDidError({ did, reason: `longer than ${MAX_DID_LENGTH} characters` });
  const lcore = /^did:lcore:([0-9a-f]{32})$/.exec(did);
  if (lcore !== null) return { method: "lcore", did };
  if (!did.startsWith("did:key:")) throw new InvalidDidError({ did, reason: "expected did:key:z… or did:lcore:<32 hex>" });
  const multibase = did.slice("did:key:".length);
  if (!multibase.startsWith("z")) throw new InvalidDidError({ did, reason: "only base58btc multibase (z…) is supported" });
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(multibase.slice(1));
  } catch {
    throw new InvalidDidError({ did, reason: "the multibase part is not base58btc" });
  }
  for (const codec of MULTICODECS) {
    if (codec.prefix.every((b, i) => bytes[i] === b)) {
      const publicKey = bytes.slice(codec.prefix.length);
      if (publicKey.length !== codec.keyLength) {
        throw new InvalidDidError({ did, reason: `a ${codec.alg} key is ${codec.keyLength} bytes (compressed), got ${publicKey.length}` });
      }
      return { method: "key", did, alg: codec.alg, publicKey };
    }
  }
  throw new InvalidDidError({ did, reason: `unsupported multicodec 0x${Buffer.from(bytes.slice(0, 2)).toString("hex")}` });
}

/** Makes the did:key of a public key (compressed SEC1 for ES256K/ES256, raw for EdDSA): what the device SDKs print. */
export function didKeyOf(alg: JwsAlg, publicKey: Uint8Array): string {
  const codec = MULTICODECS.find((c) => c.alg === alg)!;
  return `did:key:z${base58.encode(Uint8Array.from([...codec.prefix, ...publicKey]))}`;
}
