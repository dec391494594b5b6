// The store: WAL, numbered migrations up and down, repositories.
import { expect } from "chai";

import { migrate, openDatabase } from "../../../node/src/store/database.js";
import { openStore } from "../../../node/src/store/index.js";
import { readdirSync } from "node:fs";

describe("store", () => {
  it("opens in WAL mode with foreign keys and migrates to the latest version", () => {
    const db = openDatabase({ path: ":memory:" });
    expect(db.pragma("foreign_keys", { simple: true })).to.equal(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).to.include.members(["devices", "readings", "batches", "outbox", "meta", "schema_migrations"]);
    db.close();
  });

  it("undoes and redoes migrations", () => {
    const db = openDatabase({ path: ":memory:" });
    expect(migrate(db, 0)).to.equal(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'readings'").get()).to.equal(undefined);
    const latest = Math.max(...readdirSync(new URL("../../../node/src/store/migrations/", import.meta.url)).map((f) => Number(/^(\d{3})\.do\./.exec(f)?.[1] ?? 0)));
    expect(migrate(db)).to.equal(latest);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'readings'").get()).to.not.equal(undefined);
    db.close();
  });

  it("stores devices, readings and outbox rows; counters only grow; one outbox row per action", () => {
    const s = openStore({ path: ":memory:" });
    s.devices.insert({ device_id: "EV_1", chain_device_id: "0x01", public_key: "aa", owner_address: "0x0000000000000000000000000000000000000001", registered_at: 1 });
    s.devices.raiseCounter("EV_1", 5);
    s.devices.raiseCounter("EV_1", 3);
    expect(s.devices.get("EV_1")!.last_counter).to.equal(5);
    const id = s.readings.insert({ device_id: "EV_1", counter: 5, key_id: "00000000", envelope: new Uint8Array([1, 2]), proof_hash: "0xab", mode: "proof", received_at: 10 });
    expect(() => s.readings.insert({ device_id: "EV_1", counter: 5, key_id: "0", envelope: new Uint8Array([3]), proof_hash: "0xcd", mode: "proof", received_at: 11 })).to.throw(/UNIQUE/);
    expect(() => s.readings.insert({ device_id: "NOPE", counter: 1, key_id: "0", envelope: new Uint8Array([3]), proof_hash: "0xef", mode: "proof", received_at: 11 })).to.throw(/FOREIGN KEY/);
    s.outbox.enqueue("commit_proof", String(id));
    s.outbox.enqueue("commit_proof", String(id));
    expect(s.outbox.counts().queued).to.equal(1);
    s.readings.markCommitted(id, { txHash: "0xtx", blockNumber: 3, gasUsed: 50_000, committedAt: 20 });
    expect(s.readings.get(id)).to.include({ status: "committed", tx_hash: "0xtx", block_number: 3, gas_used: 50_000 });
    s.close();
  });

  it("claims registrations before proofs", () => {
    const s = openStore({ path: ":memory:" });
    s.outbox.enqueue("commit_proof", "1", 1);
    s.outbox.enqueue("register_device", "EV_1", 2);
    expect(s.outbox.claimDue(Date.now(), 10).map((r) => r.kind)).to.deep.equal(["register_device", "commit_proof"]);
    s.close();
  });
});
