// The serve task on the in-process chain: deploys, starts the node, and a
// device registered over HTTP gets a signed reading committed on chain.
import { expect } from "chai";
import hre from "hardhat";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ServeResult } from "../../tasks/serve/task-action.js";

import { createDevices, nextReading } from "../../tasks/stress/workloads/iot-devices.js";
import { expectTaskError } from "./helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const PORT = 41_000 + (process.pid % 1000);
const TOKEN = "serve-test-token-0123456789";
const base = `http://127.0.0.1:${PORT}`;

async function waitForHealth(): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return (await r.json()) as Record<string, unknown>;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the node never answered /health");
}

describe("tasks/serve", function () {
  this.timeout(120_000);

  it("serves the node: register a device, submit a signed reading, see it committed", async () => {
    process.env.LCORE_NODE_API_TOKEN = TOKEN;
    const dir = await mkdtemp(join(tmpdir(), "serve-"));
    const running = hre.tasks.getTask("serve").run({ port: PORT, duration: 8, commit: "proof", db: join(dir, "node.db") }) as Promise<ServeResult>;
    try {
      const health = await waitForHealth();
      expect(health.status).to.equal("ok");
      const [device] = createDevices(1, ["0x00000000000000000000000000000000000000d1"], "srv");
      const reg = await fetch(`${base}/device/register`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ device_id: device!.name, public_key: device!.publicKeyHex, owner_address: device!.owner }),
      });
      expect(reg.status).to.equal(201);
      const reading = nextReading(device!, () => 0.5);
      const sent = await fetch(`${base}/device/data`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ device_id: device!.name, data: new TextDecoder().decode(reading.data), counter: reading.counter, signature: reading.signatureHex }),
      });
      expect(sent.status).to.equal(202);
      const { reading_id } = (await sent.json()) as { reading_id: number };
      let status = "";
      for (let i = 0; i < 100 && status !== "committed"; i++) {
        const view = (await (await fetch(`${base}/readings/${reading_id}`)).json()) as { status: string };
        status = view.status;
        if (status !== "committed") await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).to.equal("committed");
    } finally {
      delete process.env.LCORE_NODE_API_TOKEN;
    }
    const result = await running;
    expect(result.url).to.equal(base);
    expect(result.contract).to.match(/^0x[0-9a-fA-F]{40}$/);
  });

  it("fails with one clear line on bad options", async () => {
    await expectTaskError(hre.tasks.getTask("serve").run({ commit: "sometimes", duration: 1 }), /--commit "sometimes"/);
    await expectTaskError(hre.tasks.getTask("serve").run({ port: 70_000, duration: 1 }), /--port 70000 is out of range/);
  });
});
