// HKDF key derivation, key ids, and the master-secret file (0600, generated once, never weaker).
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { MasterSecretError } from "../../../node/src/errors/crypto.js";
import { deriveDataKeys, Keyring } from "../../../node/src/crypto/keyring.js";
import { loadOrCreateMasterSecret, parseMasterSecret } from "../../../node/src/crypto/master-secret.js";

describe("crypto/keyring and master secret", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lcore-keys-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("derives distinct 32-byte layer keys and a stable 4-byte key id", () => {
    const a = deriveDataKeys(new Uint8Array(32).fill(1));
    const again = deriveDataKeys(new Uint8Array(32).fill(1));
    const b = deriveDataKeys(new Uint8Array(32).fill(2));
    expect(a.layer1.length).to.equal(32);
    expect(Buffer.from(a.layer1).equals(Buffer.from(a.layer2))).to.equal(false);
    expect(a.keyIdHex).to.equal(again.keyIdHex).and.match(/^[0-9a-f]{8}$/);
    expect(a.keyIdHex).to.not.equal(b.keyIdHex);
    expect(Buffer.from(a.layer1).equals(Buffer.from(b.layer1))).to.equal(false);
  });

  it("wipes derived keys on request", () => {
    const k = new Keyring(new Uint8Array(32).fill(3));
    k.wipe();
    expect(k.current.layer1.every((x) => x === 0)).to.equal(true);
  });

  it("parses hex secrets and refuses short or non-hex ones", () => {
    expect(parseMasterSecret("0x" + "ab".repeat(32)).length).to.equal(32);
    expect(() => parseMasterSecret("ab".repeat(16))).to.throw(MasterSecretError);
    expect(() => parseMasterSecret("zz".repeat(32))).to.throw(MasterSecretError);
  });

  it("generates a secret into a 0600 file once, says so without the secret, and reuses it", () => {
    const path = join(dir, "sub", "master.key");
    const said: string[] = [];
    const first = loadOrCreateMasterSecret({ path, onGenerated: (p) => said.push(p) });
    expect(said).to.deep.equal([path]);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const second = loadOrCreateMasterSecret({ path, onGenerated: (p) => said.push(p) });
    expect(said.length).to.equal(1);
    expect(Buffer.from(second).equals(Buffer.from(first))).to.equal(true);
    expect(readFileSync(path, "utf8").trim()).to.match(/^[0-9a-f]{64}$/);
  });

  it("refuses a secret file other users can read", () => {
    const path = join(dir, "master.key");
    loadOrCreateMasterSecret({ path });
    chmodSync(path, 0o644);
    expect(() => loadOrCreateMasterSecret({ path })).to.throw(MasterSecretError, /unusable/);
  });
});
