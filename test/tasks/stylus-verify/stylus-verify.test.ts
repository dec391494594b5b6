// stylus-verify: the local deployed-code check on the in-process chain and
// both explorer APIs against local servers (request shape, polling, errors).
import { expect } from "chai";
import hre from "hardhat";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Address, Hex } from "viem";

import { bytesToHex, hexToBytes } from "viem";

import { compressStylusProgram, decompressStylusCode } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";

import type { DeployProcessorReturnType } from "../../../tasks/deploy/deploy-processor.js";
import type { StylusVerifyResult } from "../../../tasks/stylus-verify/task-action.js";

import { openChainContext } from "../../../tasks/shared/chain-context.js";
import { diffWasmSections, readWasmSections } from "../../../tasks/stylus-verify/wasm-sections.js";
import { expectTaskError } from "../helpers.js";
import { startMockBlockscout, startMockEtherscan, type MockExplorer } from "./explorer-servers.js";

process.env.LCORE_TASKS_SILENT = "1";

const REPO = "https://github.com/lcore/iot-workspace";
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function verify(args: Record<string, unknown>): Promise<StylusVerifyResult> {
  return hre.tasks.getTask("stylus-verify").run({ skipSource: true, pollInterval: 10, timeout: 5, repository: REPO, commit: COMMIT, ...args }) as Promise<StylusVerifyResult>;
}

/** A WASM module: header + the given sections (id, payload). */
function wasm(sections: Array<[number, number[]]>): Uint8Array {
  const out = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  for (const [id, payload] of sections) out.push(id, payload.length, ...payload);
  return Uint8Array.from(out);
}

describe("tasks/stylus-verify", function () {
  this.timeout(120_000);
  let address: Address;
  const servers: MockExplorer[] = [];

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), "verify-"));
    const deployed = (await hre.tasks.getTask("deploy").run({ build: "never", deployments: dir, redeploy: true })) as DeployProcessorReturnType;
    address = deployed.record.address;
  });
  after(async () => {
    for (const s of servers) await s.close();
  });

  it("confirms the deployed code is the artifact's (local check, no explorer)", async () => {
    const result = await verify({ address, explorer: "none" });
    expect(result.local!.matches).to.equal(true);
    expect(result.local!.deployedCodeHash).to.equal(result.local!.artifactCodeHash);
    expect(result.explorer).to.equal(undefined);
    if (result.local!.runtime === "stylus") {
      const withSource = await verify({ address, explorer: "none", skipSource: false });
      expect(withSource.local!.sourceCheck).to.equal("current");
      expect(withSource.local!.sourceCheckNote).to.match(/project_hash/);
    }
  });

  it("fails with one line when the deployed code differs, or when there is none", async () => {
    const ctx = await openChainContext(hre);
    const code = (await ctx.publicClient.getCode({ address }))!;
    const other = "0x00000000000000000000000000000000000abcde" as Address;
    const flipped = `${code.slice(0, -2)}${code.endsWith("00") ? "01" : "00"}` as Hex;
    await ctx.connection.provider.request({ method: "hardhat_setCode", params: [other, flipped] });
    await expectTaskError(verify({ address: other, explorer: "none" }), /is not the artifact built from this source/);
    await expectTaskError(verify({ address: "0x00000000000000000000000000000000000fffff", explorer: "none" }), /there is no contract at/);
  });

  it("names the WASM section that differs in deployed Stylus code", async function () {
    const ctx = await openChainContext(hre);
    const code = (await ctx.publicClient.getCode({ address }))!;
    if (!code.startsWith("0xeff000")) this.skip(); // the EVM twin was deployed (no Stylus runtime)
    const wasmBytes = decompressStylusCode(hexToBytes(code));
    const sections = readWasmSections(wasmBytes);
    const projectHash = sections.find((s) => s.name === "custom:project_hash");
    expect(projectHash, "project_hash section").to.not.equal(undefined);
    // Flip the last byte of the module (inside the trailing project_hash section) and deploy that code elsewhere.
    const changed = Uint8Array.from(wasmBytes);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 0xff;
    const other = "0x00000000000000000000000000000000000abcdf" as Address;
    await ctx.connection.provider.request({ method: "hardhat_setCode", params: [other, bytesToHex(compressStylusProgram(changed))] });
    await expectTaskError(verify({ address: other, explorer: "none" }), /not the artifact built from this source \(differs in custom:project_hash\)/);
  });

  it("names the WASM sections that differ", () => {
    const a = wasm([[1, [1, 0x60, 0, 0]], [10, [1, 2, 0, 0x0b]], [0, [12, ...Buffer.from("project_hash"), 1, 2]]]);
    const b = wasm([[1, [1, 0x60, 0, 0]], [10, [1, 2, 0, 0x0b]], [0, [12, ...Buffer.from("project_hash"), 9, 9]]]);
    expect(readWasmSections(a).map((s) => s.name)).to.deep.equal(["type", "code", "custom:project_hash"]);
    expect(diffWasmSections(a, b).map((d) => d.section)).to.deep.equal(["custom:project_hash"]);
    expect(diffWasmSections(a, wasm([[1, [1, 0x60, 0, 0]]])).map((d) => d.section)).to.deep.equal(["code", "custom:project_hash"]);
  });

  it("verifies on Blockscout: posts the documented fields, then polls until verified", async () => {
    const server = await startMockBlockscout({ pendingPolls: 2 });
    servers.push(server);
    const result = await verify({ address, explorer: "blockscout", apiUrl: server.url, cargoStylusVersion: "0.10.0" });
    expect(result.explorer).to.include({ kind: "blockscout", status: "verified" });
    const post = server.requests.find((r) => r.method === "POST")!;
    expect(post.path).to.equal(`/api/v2/smart-contracts/${address}/verification/via/stylus-github-repository`);
    expect(post.body).to.deep.include({ cargo_stylus_version: "0.10.0", repository_url: REPO, commit: COMMIT, path_prefix: "contracts-stylus" });
    expect(server.requests.filter((r) => r.method === "GET")).to.have.length(3);
    const again = await verify({ address, explorer: "blockscout", apiUrl: server.url });
    expect(again.explorer!.status).to.equal("already-verified");
  });

  it("reports a Blockscout build that never verifies, and a missing Stylus route", async () => {
    const server = await startMockBlockscout();
    servers.push(server);
    await expectTaskError(verify({ address, explorer: "blockscout", apiUrl: server.url, repository: "https://github.com/x/broken", timeout: 1, pollInterval: 100 }), /not verified after 1 s/);
    await expectTaskError(verify({ address, explorer: "blockscout", apiUrl: `${server.url}/nothing-here` }), /no Stylus verification \(404\)/);
  });

  it("verifies on an Etherscan-style API with codeformat=stylus and polls the GUID", async () => {
    const server = await startMockEtherscan();
    servers.push(server);
    const result = await verify({ address, explorer: "etherscan", apiUrl: `${server.url}/v2/api`, apiKey: "KEY", cargoStylusVersion: "0.10.0" });
    expect(result.explorer).to.include({ kind: "etherscan", status: "verified", detail: "Pass - Verified" });
    const post = server.requests.find((r) => r.method === "POST")!;
    expect(post.query.chainid).to.equal("31337");
    expect(post.body).to.deep.include({
      module: "contract",
      action: "verifysourcecode",
      codeformat: "stylus",
      sourceCode: REPO,
      contractaddress: address,
      contractname: "mvp_iot_processor",
      compilerversion: "stylus:0.10.0",
      licenseType: "3",
    });
    const polls = server.requests.filter((r) => r.query.action === "checkverifystatus");
    expect(polls).to.have.length(2);
    expect(polls[0]!.query.guid).to.match(/^guid/);
  });

  it("reports Etherscan refusals and failed builds in one line", async () => {
    const server = await startMockEtherscan();
    servers.push(server);
    await expectTaskError(verify({ address, explorer: "etherscan", apiUrl: `${server.url}/v2/api`, apiKey: "nope" }), /refused the verification .*Invalid API Key/);
    await expectTaskError(verify({ address, explorer: "etherscan", apiUrl: `${server.url}/v2/api`, apiKey: "KEY", contractName: "wrong" }), /could not verify the contract: Fail - Unable to verify/);
    await expectTaskError(verify({ address, explorer: "etherscan", apiUrl: "http://127.0.0.1:9/v2/api", apiKey: "KEY" }), /did not answer/);
    await expectTaskError(verify({ address, explorer: "etherscan", apiUrl: `${server.url}/v2/api` }), /needs a key/);
  });

  it("uses no explorer on local chains unless asked, and checks its options", async () => {
    const result = await verify({ address });
    expect(result.explorer).to.equal(undefined);
    await expectTaskError(verify({ address, explorer: "sourcify" }), /--explorer "sourcify"/);
    await expectTaskError(verify({ address: "0x12" }), /not an address/);
  });
});
