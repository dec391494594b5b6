// SQL for the device registry.
import type { Db } from "./database.js";

export interface DeviceRow {
  device_id: string;
  chain_device_id: string;
  public_key: string;
  owner_address: string;
  last_counter: number;
  registered_at: number;
  chain_status: "pending" | "registered" | "failed";
  chain_tx_hash: string | null;
}

export function createDevicesRepository(db: Db) {
  const insert = db.prepare(
    "INSERT INTO devices (device_id, chain_device_id, public_key, owner_address, registered_at) VALUES (@device_id, @chain_device_id, @public_key, @owner_address, @registered_at)",
  );
  const byId = db.prepare("SELECT * FROM devices WHERE device_id = ?");
  const all = db.prepare("SELECT * FROM devices ORDER BY device_id");
  const setCounter = db.prepare("UPDATE devices SET last_counter = ? WHERE device_id = ? AND last_counter < ?");
  const setChain = db.prepare("UPDATE devices SET chain_status = ?, chain_tx_hash = COALESCE(?, chain_tx_hash) WHERE device_id = ?");
  return {
    insert(row: Omit<DeviceRow, "last_counter" | "chain_status" | "chain_tx_hash">): void {
      insert.run(row);
    },
    get(deviceId: string): DeviceRow | undefined {
      return byId.get(deviceId) as DeviceRow | undefined;
    },
    all(): DeviceRow[] {
      return all.all() as DeviceRow[];
    },
    /** Raises the stored counter (never lowers it). */
    raiseCounter(deviceId: string, counter: number): void {
      setCounter.run(counter, deviceId, counter);
    },
    setChainStatus(deviceId: string, status: DeviceRow["chain_status"], txHash: string | null): void {
      setChain.run(status, txHash, deviceId);
    },
  };
}
export type DevicesRepository = ReturnType<typeof createDevicesRepository>;
