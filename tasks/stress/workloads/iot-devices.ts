// Simulated IoT devices in the predecessor's three verticals (EV_ vehicles,
// GH_ greenhouses, POS_ sales terminals): a throwaway Ed25519 key per
// device, a per-device reading counter and plausible reading payloads.
import type { Address, Hex } from "viem";

import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";

import { stringToHex } from "viem";

import { readingSigningMessage } from "../../../node/src/crypto/device-signature.js";

export const VERTICALS = ["EV", "GH", "POS"] as const;
export type Vertical = (typeof VERTICALS)[number];

export interface SimDevice {
  /** e.g. EV_001-3fa9c1 (the run tag keeps re-runs on a live chain from colliding; at most 32 characters). */
  readonly name: string;
  readonly vertical: Vertical;
  /** bytes32 id on chain: the name's bytes right-padded (the node's toChainDeviceId), readable on an explorer. */
  readonly deviceId: Hex;
  /** Raw 32-byte Ed25519 public key, hex without 0x. */
  readonly publicKeyHex: string;
  readonly privateKey: KeyObject;
  readonly owner: Address;
  counter: number;
  registered: boolean;
}

export interface SimReading {
  readonly device: SimDevice;
  readonly counter: number;
  readonly data: Uint8Array;
  /** Ed25519 signature (hex) over the node's reading message. */
  readonly signatureHex: string;
}

/** Creates `count` devices spread over the verticals, owners taken round robin from `owners`. */
export function createDevices(count: number, owners: readonly Address[], runTag: string): SimDevice[] {
  const devices: SimDevice[] = [];
  for (let i = 0; i < count; i++) {
    const vertical = VERTICALS[i % VERTICALS.length]!;
    const name = `${vertical}_${String(Math.floor(i / VERTICALS.length) + 1).padStart(3, "0")}-${runTag}`;
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const spki = publicKey.export({ format: "der", type: "spki" });
    devices.push({
      name,
      vertical,
      deviceId: stringToHex(name, { size: 32 }),
      publicKeyHex: Buffer.from(spki.subarray(spki.length - 32)).toString("hex"),
      privateKey,
      owner: owners[i % owners.length]!,
      counter: 0,
      registered: false,
    });
  }
  return devices;
}

function payload(device: SimDevice, counter: number, random: () => number): Record<string, unknown> {
  const at = new Date().toISOString();
  switch (device.vertical) {
    case "EV":
      return { type: "odometer", at, odometer_km: 12_000 + counter * 3 + Math.round(random() * 3), battery_pct: Math.round(20 + random() * 80) };
    case "GH":
      return { type: "climate", at, temperature_c: Math.round((18 + random() * 10) * 10) / 10, humidity_pct: Math.round(40 + random() * 50), co2_ppm: Math.round(400 + random() * 600) };
    case "POS":
      return { type: "sale", at, amount_cents: Math.round(100 + random() * 20_000), items: 1 + Math.floor(random() * 8) };
  }
}

/** Produces the device's next signed reading. */
export function nextReading(device: SimDevice, random: () => number): SimReading {
  const counter = ++device.counter;
  const data = new TextEncoder().encode(JSON.stringify({ device: device.name, counter, ...payload(device, counter, random) }));
  const signatureHex = sign(null, readingSigningMessage(device.name, counter, data), device.privateKey).toString("hex");
  return { device, counter, data, signatureHex };
}
