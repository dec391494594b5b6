// `serve --compat m1 --enroll open` on the in-process chain serves both
// device generations at once: the predecessor's M1 Python client and
// lcore-sdk's Python client (ES256K did:key), each reading committed on chain.
import { expect } from "chai";
import hre from "hardhat";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ServeResult } from "../../tasks/serve/task-action.js";

import { runPythonClient } from "../node/devices/jws-clients.js";
import { expectTaskError } from "./helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const PORT = 42_000 + (process.pid % 1000);
const base = `http://127.0.0.1:${PORT}`;

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("tasks/serve --compat m1 --enroll open", function () {
  this.timeout(180_000);

  it("serves the M1 client and the lcore-sdk client side by side; both readings get committed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "serve-compat-"));
    const running = hre.tasks.getTask("serve").run({ port: PORT, duration: 25, commit: "batch", batchWaitMs: 200, compat: "m1", enroll: "open", db: join(dir, "node.db") }) as Promise<ServeResult>;
    await waitFor(async () => ((await fetch(`${base}/status`)).ok ? true : undefined), "/status");
    const m1 = await runPythonClient("m1_client.py", base, [
      { op: "status" },
      { op: "register", device_id: "demo_001" },
      { op: "register", device_id: "demo_001" },
      { op: "data", device_id: "demo_001", data: '{"kwh": 3.5}' },
    ]);
    expect(m1.map((l) => l.success)).to.deep.equal([true, true, true, true]);
    const sdk = await runPythonClient("sdk_client.py", base, [{ op: "health" }, { op: "submit", key: randomBytes(32).toString("hex"), payload: { temperature: 19.5 } }]);
    expect(sdk[0]!.healthy).to.equal(true);
    expect(sdk[1]!.success, JSON.stringify(sdk[1])).to.equal(true);

    const ids = [(m1[3]!.response as { reading_id: number }).reading_id, (sdk[1]!.data as { readingId: number }).readingId];
    const clientTx = [m1[3]!.tx_hash, sdk[1]!.tx_hash];
    for (const [i, id] of ids.entries()) {
      const view = await waitFor(async () => {
        const v = (await (await fetch(`${base}/readings/${id}`)).json()) as { status: string; tx_hash: string; format: string; authenticated: boolean };
        return v.status === "committed" ? v : undefined;
      }, `reading ${id} committed`);
      expect(view.format).to.equal(i === 0 ? "m1" : "jws");
      expect(view.authenticated).to.equal(i !== 0);
      if (clientTx[i] !== null) expect(clientTx[i]).to.equal(view.tx_hash); // the client only saw a tx hash that is real
    }
    const result = await running;
    expect(result.metrics.node.unauthenticated_readings).to.equal(1);
    expect(result.metrics.node.readings_by_format).to.deep.equal({ native: 0, jws: 1, gateway: 0, m1: 1 });
  });

  it("refuses unknown --compat / --enroll values and a public bind with --compat m1", async () => {
    await expectTaskError(hre.tasks.getTask("serve").run({ compat: "m2", duration: 1 }), /--compat "m2"/);
    await expectTaskError(hre.tasks.getTask("serve").run({ enroll: "anyone", duration: 1 }), /--enroll "anyone"/);
    await expectTaskError(hre.tasks.getTask("serve").run({ compat: "m1", host: "0.0.0.0", port: PORT + 1, duration: 1 }), /Refusing to listen on 0\.0\.0\.0/);
  });
});
