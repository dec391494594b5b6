// registerDevice(bytes32 device_id, address device_owner): the call, the
// on-chain check, and the event that records it.
import type { Address, Hex, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import type { ContractCall, FoundCommit } from "./types.js";
import { findEventCommit } from "./find-event-commit.js";

export function registerDeviceCall({ chainDeviceId, owner }: { chainDeviceId: Hex; owner: Address }): ContractCall {
  return { functionName: "registerDevice", args: [chainDeviceId, owner] };
}

/** True when the device id is already registered on chain. */
export async function isDeviceRegistered(client: PublicClient, address: Address, chainDeviceId: Hex): Promise<boolean> {
  const [, , registeredAt] = await client.readContract({ address, abi: mvpIoTProcessorAbi, functionName: "getDevice", args: [chainDeviceId] });
  return registeredAt !== 0n;
}

export function findDeviceRegistration(client: PublicClient, address: Address, chainDeviceId: Hex): Promise<FoundCommit | undefined> {
  return findEventCommit(client, address, "DeviceRegistered", { device_id: chainDeviceId });
}
