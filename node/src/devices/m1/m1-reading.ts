// The predecessor's (M1) unsigned API, served only with --compat m1: request
// shapes and the replay key. An M1 reading carries a device id, its data and a
// timestamp in seconds, and the M1 client retries every non-2xx answer at
// once, so (device, timestamp, data) identifies a reading: a retry gets the
// first reading back instead of a second row.
import { createHash } from "node:crypto";

import { z } from "zod";

const deviceId = z.string().regex(/^[A-Za-z0-9_.:-]{1,32}$/, "expected 1-32 characters of [A-Za-z0-9_.:-]");

export const m1RegisterBody = z.strictObject({
  device_id: deviceId,
  /** M1 devices send 32 random bytes here that nothing signs with: kept as a label, never used as a key. */
  public_key: z.string().max(256).optional(),
});
export type M1RegisterBody = z.infer<typeof m1RegisterBody>;

export const m1DataBody = z.strictObject({
  device_id: deviceId,
  /** The reading: the M1 client sends a JSON text; a JSON object is accepted too. */
  data: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type M1DataBody = z.infer<typeof m1DataBody>;

/** True when a POST /device/data body is M1-shaped (a timestamp, no counter or signature). */
export function isM1DataBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && "timestamp" in body && !("signature" in body) && !("counter" in body);
}

export function m1DataBytes(body: M1DataBody): Buffer {
  return Buffer.from(typeof body.data === "string" ? body.data : JSON.stringify(body.data), "utf8");
}

export function m1ReplayKey(timestamp: number, data: Uint8Array): string {
  return createHash("sha256").update(`m1/v1\u0000${timestamp}\u0000`).update(data).digest("hex");
}
