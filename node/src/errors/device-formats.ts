// Errors of the device formats beyond the native one: JWS-signed readings from
// did:key / did:lcore devices, and the predecessor's unsigned M1 API.
import { BaseError } from "./base-error.js";

export class InvalidDidError extends BaseError {
  override name = "InvalidDidError";
  override readonly code = "INVALID_DID";
  override readonly statusCode = 400;
  constructor({ did, reason }: { did: string; reason: string }) {
    super(`"${did.slice(0, 80)}" is not a usable device DID: ${reason}.`, {
      details: "Send a did:key with a secp256k1 (0xe7), P-256 (0x1200) or Ed25519 (0xed) public key, or a did:lcore:<32 hex> registered by the operator.",
    });
  }
}

export class UnknownDidError extends BaseError {
  override name = "UnknownDidError";
  override readonly code = "UNKNOWN_DEVICE";
  override readonly statusCode = 404;
  constructor({ did, openEnrollment }: { did: string; openEnrollment: boolean }) {
    super(`Device "${did.slice(0, 80)}" is not registered.`, {
      details: openEnrollment
        ? "A did:lcore device must be registered by the operator (POST /api/device/register with its public key)."
        : "Ask the operator to register the DID (POST /api/device/register), or start the node with --enroll open.",
    });
  }
}

export class MalformedJwsError extends BaseError {
  override name = "MalformedJwsError";
  override readonly code = "MALFORMED_JWS";
  override readonly statusCode = 400;
  constructor({ reason }: { reason: string }) {
    super(`The signature is not a compact JWS: ${reason}.`, {
      details: "Send header.payload.signature, each part base64url without padding, the header a JSON object with alg.",
    });
  }
}

export class UnsupportedAlgError extends BaseError {
  override name = "UnsupportedAlgError";
  override readonly code = "UNSUPPORTED_ALG";
  override readonly statusCode = 400;
  constructor({ alg, expected }: { alg: string; expected: string }) {
    super(`JWS alg "${alg.slice(0, 20)}" is not accepted for this device.`, {
      details: `This device's key signs with ${expected}; "none" and other algorithms are refused.`,
    });
  }
}

export class JwsSignatureError extends BaseError {
  override name = "JwsSignatureError";
  override readonly code = "BAD_SIGNATURE";
  override readonly statusCode = 401;
  constructor({ did }: { did: string }) {
    super(`The JWS signature does not verify with the key of "${did.slice(0, 80)}".`, {
      details: "Sign base64url(header) + \".\" + base64url(payload) with the device key the DID names.",
    });
  }
}

export class PayloadMismatchError extends BaseError {
  override name = "PayloadMismatchError";
  override readonly code = "PAYLOAD_MISMATCH";
  override readonly statusCode = 400;
  constructor() {
    super("The body's payload is not the payload the JWS signs.", {
      details: "Send the same JSON value in `payload` that the JWS payload segment encodes.",
    });
  }
}

export class StaleTimestampError extends BaseError {
  override name = "StaleTimestampError";
  override readonly code = "STALE_TIMESTAMP";
  override readonly statusCode = 400;
  constructor({ timestamp, now, windowSec }: { timestamp: number; now: number; windowSec: number }) {
    super(`Timestamp ${timestamp} is more than ${windowSec} s from the node's clock (${now}).`, {
      details: "Send the Unix time in seconds; set the device clock (NTP) if it drifts.",
    });
  }
}

export class ReplayedPayloadError extends BaseError {
  override name = "ReplayedPayloadError";
  override readonly code = "REPLAYED_PAYLOAD";
  override readonly statusCode = 409;
  constructor({ deviceId }: { deviceId: string }) {
    super(`This signed payload of device "${deviceId}" was already accepted.`, {
      details: "Each signed payload is accepted once; include a timestamp or sequence number in the payload so readings differ.",
    });
  }
}

export class WrongDeviceFormatError extends BaseError {
  override name = "WrongDeviceFormatError";
  override readonly code = "WRONG_DEVICE_FORMAT";
  override readonly statusCode = 409;
  constructor({ deviceId, expected }: { deviceId: string; expected: string }) {
    super(`Device "${deviceId}" does not send in this format.`, {
      details: `It was registered for ${expected}; use that route.`,
    });
  }
}

export class GatewaysOffError extends BaseError {
  override name = "GatewaysOffError";
  override readonly code = "GATEWAYS_OFF";
  override readonly statusCode = 404;
  constructor() {
    super("Gateway-signed batches are not enabled on this node.", {
      details: "Start the node with --gateways (LCORE_NODE_GATEWAYS=1) to accept them.",
    });
  }
}

export class CompatBindError extends BaseError {
  override name = "CompatBindError";
  override readonly code = "COMPAT_PUBLIC_BIND";
  override readonly statusCode = 500;
  constructor({ host }: { host: string }) {
    super(`Refusing to listen on ${host} with --compat m1: that API accepts unsigned readings from anyone who can reach it.`, {
      details: "Bind 127.0.0.1 (behind a gateway you trust), or allow it explicitly with LCORE_NODE_COMPAT_ALLOW_PUBLIC=1 / compatAllowPublicBind: true.",
    });
  }
}
