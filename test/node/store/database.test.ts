// The store: WAL, numbered migrations up and down, repositories.
import { expect } from "chai";

import { migrate, openDatabase } from "../../../node/src/store/database.js";
import { readdirSync } from "node:fs";
import { sqlAll, sqlValue } from "../helpers/store-sql.js";
import { openTestStore, TEST_BACKEND } from "../helpers/test-store.js";

/** The newest SQLite migration (each branch that adds one moves it). */
const latest = Math.max(...readdirSync(new URL("../../../node/src/store/migrations/", import.meta.url)).map((f) => Number(/^(\d{3})\.do\./.exec(f)?.[1] ?? 0)));

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
    expect(migrate(db)).to.equal(latest);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'readings'").get()).to.not.equal(undefined);
    db.close();
  });

  const device = { device_id: "EV_1", chain_device_id: "0x01", public_key: "aa", owner_address: "0x0000000000000000000000000000000000000001", registered_at: 1 };
  const reading = (counter: number, proof = `0x${counter.toString(16).padStart(64, "0")}`) => ({
    device_id: "EV_1", counter, key_id: "00000000", envelope: new Uint8Array([counter & 0xff, 2]), proof_hash: proof, mode: "proof" as const, received_at: 10,
  });

  it(`keeps each commit's parent-chain gas (receipt gasUsedForL1) from migration 002 on (${TEST_BACKEND})`, async () => {
    const s = await openTestStore();
    await s.devices.insert({ ...device, device_id: "EV_9" });
    const id = await s.readings.insert({ ...reading(1, "0x99"), device_id: "EV_9" });
    await s.readings.markCommitted(id, { txHash: "0xtx9", blockNumber: 4, gasUsed: 60_000, gasUsedForL1: 12_345, committedAt: 20 });
    expect(await s.readings.get(id)).to.include({ gas_used: 60_000, gas_used_for_l1: 12_345 });
    await s.close();
  });

  it("undoes migration 002 on SQLite: the parent-chain gas columns go, the rest stays", () => {
    const db = openDatabase({ path: ":memory:" });
    expect(migrate(db, 1)).to.equal(1);
    expect(db.prepare("SELECT name FROM pragma_table_info('readings')").pluck().all()).to.not.include("gas_used_for_l1");
    expect(migrate(db)).to.equal(latest);
    expect(db.prepare("SELECT name FROM pragma_table_info('batches')").pluck().all()).to.include("gas_used_for_l1");
    db.close();
  });

  it(`stores devices, readings and outbox rows; counters only grow; one outbox row per action (${TEST_BACKEND})`, async () => {
    const s = await openTestStore();
    await s.devices.insert(device);
    await s.devices.raiseCounter("EV_1", 5);
    await s.devices.raiseCounter("EV_1", 3);
    expect((await s.devices.get("EV_1"))!.last_counter).to.equal(5);
    const id = await s.readings.insert(reading(5, "0xab"));
    await expectRejected(s.readings.insert(reading(5, "0xcd")), /UNIQUE|duplicate key/);
    await expectRejected(s.readings.insert({ ...reading(1, "0xef"), device_id: "NOPE" }), /FOREIGN KEY|foreign key/);
    await s.outbox.enqueue("commit_proof", String(id));
    await s.outbox.enqueue("commit_proof", String(id));
    expect((await s.outbox.counts()).queued).to.equal(1);
    await s.readings.markCommitted(id, { txHash: "0xtx", blockNumber: 3, gasUsed: 50_000, committedAt: 20 });
    expect(await s.readings.get(id)).to.include({ status: "committed", tx_hash: "0xtx", block_number: 3, gas_used: 50_000 });
    expect(Buffer.from((await s.readings.get(id))!.envelope)).to.deep.equal(Buffer.from([5, 2]));
    await s.close();
  });

  it("claims registrations before proofs", async () => {
    const s = await openTestStore();
    await s.outbox.enqueue("commit_proof", "1", 1);
    await s.outbox.enqueue("register_device", "EV_1", 2);
    expect((await s.outbox.claimDue(Date.now(), 10)).map((r) => r.kind)).to.deep.equal(["register_device", "commit_proof"]);
    await s.close();
  });

  it("persists readings with their outbox rows and refuses counters at or below the stored one", async () => {
    const s = await openTestStore();
    await s.devices.insert(device);
    const first = await s.readings.persistReadings([reading(1), reading(2), reading(3)], "commit_proof");
    expect(first.every((o) => typeof o === "number")).to.equal(true);
    expect((await s.devices.get("EV_1"))!.last_counter).to.equal(3);
    expect((await s.outbox.counts()).queued).to.equal(3);
    const second = await s.readings.persistReadings([reading(2, "0x02bb"), reading(4)], "commit_proof");
    expect(second[0]).to.equal("replayed");
    expect(second[1]).to.be.a("number");
    expect((await s.outbox.counts()).queued).to.equal(4);
    await s.close();
  });

  const identity = (deviceId: string, did: string | null) => ({ device_id: deviceId, format: "jws" as const, did, alg: "EdDSA" as const, label: null, enrolled_by: "operator" as const });
  const source = (key: string) => ({ format: "jws" as const, authenticated: 1 as const, replay_key: key });

  it(`registers a non-native device with its identity atomically and refuses a second device with the same DID (${TEST_BACKEND})`, async () => {
    const s = await openTestStore();
    expect(await s.deviceFormats.register(device, identity("EV_1", "did:key:z1"), true)).to.equal(true);
    expect(await s.deviceFormats.identityByDid("did:key:z1")).to.include({ device_id: "EV_1", format: "jws", alg: "EdDSA" });
    expect(await s.deviceFormats.register(device, identity("EV_1", "did:key:z2"), true)).to.equal(false);
    expect(await s.deviceFormats.register({ ...device, device_id: "EV_2", chain_device_id: "0x02" }, identity("EV_2", "did:key:z1"), true)).to.equal(false);
    // Nothing of the refused registrations stays: no device EV_2, one identity, one outbox row.
    expect(await s.devices.get("EV_2")).to.equal(undefined);
    expect(await s.deviceFormats.identity("EV_2")).to.equal(undefined);
    expect((await s.outbox.counts()).queued).to.equal(1);
    await s.close();
  });

  it(`stores a reading and its source in one unit of work; a replay key is accepted once (${TEST_BACKEND})`, async () => {
    const s = await openTestStore();
    await s.deviceFormats.register(device, identity("EV_1", "did:key:z1"), false);
    const first = await s.readings.persistReadings([reading(1), reading(2)], "commit_proof", [source("k1"), undefined]);
    expect(first.every((o) => typeof o === "number")).to.equal(true);
    expect(await s.deviceFormats.source(first[0] as number)).to.include({ device_id: "EV_1", format: "jws", authenticated: 1, replay_key: "k1" });
    expect(await s.deviceFormats.source(first[1] as number)).to.equal(undefined);
    expect(await s.deviceFormats.readingByReplayKey("EV_1", "k1")).to.equal(first[0]);
    // The same key again (in a later write, and twice in one write): not inserted, not counted, no outbox row; fresh keys go on.
    const second = await s.readings.persistReadings([reading(3, "0x03aa"), reading(4), reading(5, "0x05aa"), reading(6)], "commit_proof", [source("k1"), source("k2"), source("k2"), undefined]);
    expect(second[0]).to.equal("duplicate");
    expect(second[1]).to.be.a("number");
    expect(second[2]).to.equal("duplicate");
    expect(second[3]).to.be.a("number");
    expect(Number(await sqlValue(s, "SELECT COUNT(*) FROM readings"))).to.equal(4);
    expect((await s.outbox.counts()).queued).to.equal(4);
    expect(await s.deviceFormats.counts()).to.deep.equal([{ format: "jws", authenticated: 1, n: 2 }]);
    await s.close();
  });

  describe("several instances on one database", function () {
    before(function () {
      if (TEST_BACKEND !== "postgres") this.skip();
    });

    it("accepts each counter on one instance only, however the writes race", async () => {
      const a = await openTestStore({ instanceId: "A" });
      const b = await openTestStore({ sameDatabaseAs: a, instanceId: "B" });
      const c = await openTestStore({ sameDatabaseAs: a, instanceId: "C" });
      await a.devices.insert(device);
      // Every instance tries to store the same 30 counters (the same signed readings replayed to each).
      const outcomes = await Promise.all(
        [a, b, c].flatMap((s) => Array.from({ length: 30 }, (_, i) => s.readings.persistReadings([reading(i + 1)], "commit_proof").catch(() => ["error" as const]))),
      );
      const stored = outcomes.flat().filter((o) => typeof o === "number");
      expect(new Set(stored).size).to.equal(stored.length);
      const rows = await sqlAll<{ counter: number }>(a, "SELECT counter FROM readings ORDER BY counter");
      expect(new Set(rows.map((r) => r.counter)).size).to.equal(rows.length);
      expect(rows.length).to.equal(stored.length);
      // A counter stored by one instance is refused by the others.
      for (const s of [a, b, c]) expect(await s.readings.persistReadings([reading(rows[0]!.counter, "0x99")], "commit_proof")).to.deep.equal(["replayed"]);
      for (const s of [a, b, c]) await s.close();
    });

    it("accepts each signed payload (replay key) on one instance only, however the writes race", async () => {
      const a = await openTestStore({ instanceId: "A" });
      const b = await openTestStore({ sameDatabaseAs: a, instanceId: "B" });
      const c = await openTestStore({ sameDatabaseAs: a, instanceId: "C" });
      // One device per payload; each instance numbers the payload with its own (higher) counter, so only the replay key stops the repeats.
      for (let i = 0; i < 10; i++) await a.deviceFormats.register({ ...device, device_id: `EV_${i}`, chain_device_id: `0x1${i}` }, identity(`EV_${i}`, `did:key:z${i}`), false);
      const outcomes = await Promise.all(
        [a, b, c].flatMap((s, k) =>
          Array.from({ length: 10 }, (_, i) =>
            s.readings.persistReadings([{ ...reading(k + 1, `0x${k}${i}ff`), device_id: `EV_${i}` }], "commit_proof", [source(`p${i}`)]).catch(() => ["error" as const]),
          ),
        ),
      );
      const rows = await sqlAll<{ replay_key: string }>(a, "SELECT replay_key FROM reading_sources");
      expect(rows.length).to.equal(10);
      expect(new Set(rows.map((r) => r.replay_key)).size).to.equal(10);
      expect(Number(await sqlValue(a, "SELECT COUNT(*) FROM readings"))).to.equal(10);
      expect(outcomes.flat().filter((o) => typeof o === "number").length).to.equal(10);
      // The repeats are refused cleanly (a 409 to the device), not as failed writes.
      expect(outcomes.flat().filter((o) => o === "duplicate").length).to.equal(20);
      for (const s of [a, b, c]) await s.close();
    });

    it("claims each outbox row for one instance only, and hands a dead instance's rows over when its lease expires", async () => {
      const a = await openTestStore({ instanceId: "A" });
      const b = await openTestStore({ sameDatabaseAs: a, instanceId: "B" });
      for (let i = 1; i <= 60; i++) await a.outbox.enqueue("commit_proof", String(i), 1);
      const [ca, cb] = await Promise.all([a.outbox.claimDue(Date.now(), 40), b.outbox.claimDue(Date.now(), 40)]);
      const ids = [...ca, ...cb].map((r) => r.id);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids.length).to.equal(60);
      // A sends one of its rows, then "dies" (stops renewing).
      const row = ca[0]!;
      await a.outbox.markSent(row.id, 7, ["0x" + "aa".repeat(32)], Date.now() - 60_000);
      expect((await a.outbox.inFlight()).map((r) => r.id)).to.include(row.id);
      expect((await b.outbox.inFlight()).map((r) => r.id)).to.not.include(row.id);
      // B's claims cannot take A's unexpired rows; after the lease, B takes them (sent rows come back to the queue).
      const ofA = new Set(ca.map((r) => r.id));
      expect((await b.outbox.claimDue(Date.now(), 100)).filter((r) => ofA.has(r.id))).to.deep.equal([]);
      const later = Date.now() + 120_000;
      expect(await b.outbox.renewLeases(later, 30_000)).to.equal(1);
      const taken = await b.outbox.claimDue(later, 100);
      expect(taken.map((r) => r.id)).to.include(row.id);
      expect(taken.every((r) => r.claimed_by === "B")).to.equal(true);
      await a.close();
      await b.close();
    });
  });
});

async function expectRejected(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (error) {
    expect(String((error as Error).message)).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${pattern}`);
}
