// Errors of the device registry and of signed device submissions.
import { BaseError } from "./base-error.js";

export class UnknownDeviceError extends BaseError {
  override name = "UnknownDeviceError";
  override readonly code = "UNKNOWN_DEVICE";
  override readonly statusCode = 404;
  constructor({ deviceId }: { deviceId: string }) {
    super(`Device "${deviceId}" is not registered.`, {
      details: "Register it first with POST /device/register (operator token required).",
    });
  }
}

export class DeviceExistsError extends BaseError {
  override name = "DeviceExistsError";
  override readonly code = "DEVICE_EXISTS";
  override readonly statusCode = 409;
  constructor({ deviceId }: { deviceId: string }) {
    super(`Device "${deviceId}" is already registered.`, {
      details: "Device ids are registered once; pick another id to add a new device.",
    });
  }
}

export class InvalidPublicKeyError extends BaseError {
  override name = "InvalidPublicKeyError";
  override readonly code = "INVALID_PUBLIC_KEY";
  override readonly statusCode = 400;
  constructor({ reason, curve = "Ed25519" }: { reason: string; curve?: string }) {
    super(`The device public key is not a valid ${curve} public key.`, {
      metaMessages: [`Reason: ${reason}`],
      details:
        curve === "Ed25519"
          ? "Send the 32-byte raw Ed25519 public key as 0x-prefixed or plain hex (64 hex digits)."
          : `Send the ${curve} public key the device signs with (SEC1, compressed or uncompressed, hex).`,
    });
  }
}

export class BadSignatureError extends BaseError {
  override name = "BadSignatureError";
  override readonly code = "BAD_SIGNATURE";
  override readonly statusCode = 401;
  constructor({ deviceId, counter }: { deviceId: string; counter: number }) {
    super(`The signature of device "${deviceId}" does not verify for counter ${counter}.`, {
      details: "Sign ed25519(\"lcore-iot/reading/v1\" || len(device_id) || device_id || counter (u64 BE) || sha256(data)) with the registered key.",
    });
  }
}

export class ReplayedCounterError extends BaseError {
  override name = "ReplayedCounterError";
  override readonly code = "REPLAYED_COUNTER";
  override readonly statusCode = 409;
  readonly lastCounter: number;
  constructor({ deviceId, counter, lastCounter }: { deviceId: string; counter: number; lastCounter: number }) {
    super(`Counter ${counter} of device "${deviceId}" was already used or is out of order.`, {
      metaMessages: [`Last accepted counter: ${lastCounter}`],
      details: `Send counter ${lastCounter + 1} or higher; each counter is accepted once and counters only grow.`,
    });
    this.lastCounter = lastCounter;
  }
}

export class DeviceRateLimitedError extends BaseError {
  override name = "DeviceRateLimitedError";
  override readonly code = "DEVICE_RATE_LIMITED";
  override readonly statusCode = 429;
  constructor({ deviceId, perSecond }: { deviceId: string; perSecond: number }) {
    super(`Device "${deviceId}" sends faster than ${perSecond} readings/s.`, {
      details: "Slow down and retry after a second.",
    });
  }
}
