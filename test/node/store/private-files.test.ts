// Files the node creates are private whatever the umask and whatever
// LCORE_NODE_DB_PATH says: the SQLite file and its -wal/-shm 0600, the
// folders it made 0700, the generated master key and token 0600; a folder that
// already existed keeps its mode.
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { openSqliteStore as openStore } from "../../../node/src/store/index.js";
import { TEST_BACKEND } from "../helpers/test-store.js";
import { startTestNode } from "../helpers/node-fixture.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("node files are private", () => {
  let dir: string;
  let oldUmask: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lcore-private-"));
    oldUmask = process.umask(0); // the most permissive umask: every mode below comes from the node
  });
  afterEach(() => {
    process.umask(oldUmask);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a database at a custom path: folders 0700, the file and its -wal/-shm 0600", () => {
    const parentMode = mode(dir);
    const path = join(dir, "custom", "nested", "node.db");
    const store = openStore({ path });
    store.db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
    try {
      expect(mode(join(dir, "custom"))).to.equal(0o700);
      expect(mode(join(dir, "custom", "nested"))).to.equal(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file), file).to.equal(0o600);
      expect(mode(dir), "an existing folder keeps its mode").to.equal(parentMode);
    } finally {
      store.close();
    }
  });

  it("an existing world-readable database file is narrowed to 0600 when opened", () => {
    const path = join(dir, "old.db");
    openStore({ path }).close();
    chmodSync(path, 0o644);
    const store = openStore({ path });
    store.close();
    expect(mode(path)).to.equal(0o600);
  });

  it("createNode's generated master key and token, and its folder", async () => {
    const f = await startTestNode({
      masterSecret: undefined,
      apiToken: undefined,
      masterSecretFile: join(dir, "keys", "master.key"),
      apiTokenFile: join(dir, "keys", "api-token"),
      dbPath: join(dir, "db", "node.db"),
    });
    try {
      expect(mode(join(dir, "keys"))).to.equal(0o700);
      expect(mode(join(dir, "keys", "master.key"))).to.equal(0o600);
      expect(mode(join(dir, "keys", "api-token"))).to.equal(0o600);
      if (TEST_BACKEND === "sqlite") {
        expect(mode(join(dir, "db"))).to.equal(0o700);
        expect(mode(join(dir, "db", "node.db"))).to.equal(0o600);
      }
    } finally {
      await f.close();
    }
  });
});
