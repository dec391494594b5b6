// Request and response schemas of /device/*, with their static types.
import { z } from "zod";

export const registerDeviceBody = z.strictObject({
  device_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,32}$/, "expected 1-32 characters of [A-Za-z0-9_.:-]"),
  public_key: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, "expected a 32-byte raw Ed25519 public key as hex"),
  owner_address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address").optional(),
});
export type RegisterDeviceBody = z.infer<typeof registerDeviceBody>;

export const deviceDataBody = z.strictObject({
  device_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,32}$/, "expected 1-32 characters of [A-Za-z0-9_.:-]"),
  /** The reading: UTF-8 text (JSON text is fine), or base64 with encoding "base64". */
  data: z.string().min(1, "expected a non-empty string"),
  encoding: z.enum(["utf8", "base64"]).optional(),
  counter: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^(0x)?[0-9a-fA-F]{128}$/, "expected a 64-byte Ed25519 signature as hex"),
});
export type DeviceDataBody = z.infer<typeof deviceDataBody>;

export const deviceDataBatchBody = z.strictObject({
  readings: z.array(deviceDataBody).min(1).max(1000),
});
export type DeviceDataBatchBody = z.infer<typeof deviceDataBatchBody>;
