// Device ids: readable strings off chain (1..32 of [A-Za-z0-9_.:-], like the
// predecessor's EV_001), and the same bytes right-padded to bytes32 on chain,
// so an explorer shows the id.
import { hexToString, stringToHex, type Hex } from "viem";

export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,32}$/;

export function toChainDeviceId(deviceId: string): Hex {
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new RangeError(`"deviceId" expected 1-32 characters of [A-Za-z0-9_.:-], got ${JSON.stringify(deviceId)}`);
  }
  return stringToHex(deviceId, { size: 32 });
}

export function fromChainDeviceId(chainDeviceId: Hex): string {
  return hexToString(chainDeviceId, { size: 32 }).replace(/\0+$/, "");
}
