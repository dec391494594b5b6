// cargo-stylus 0.10, unmodified, deploying a program larger than 24 KB
// compressed to a `hardhat node` whose plugin emulates ArbOS 60: it splits
// the program into fragments, deploys them and a root by CREATE, activates
// the root; the program then serves calls with the whole (reassembled) WASM.
// Skipped, visibly, when the cargo-stylus binary is not installed.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import { bytesToHex, createPublicClient, http, type Hex, type PublicClient } from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { parseStylusRoot } from "../../../hardhat-stylus/src/internal/wasm/fragmented-program.js";
import { bigBlobWat, blobBytes } from "../../fixtures/stylus-programs/integration/big-blob.js";
import { startServedDevnet, type ServedDevnet } from "../../helpers/served-hardhat-node.js";
import { watToWasm } from "../helpers/wat.js";

import { TEST_KEYS } from "./helpers/cast.js";
import { cargoStylus, cargoStylusMissing, createStylusWorkspace, deployedAddress } from "./helpers/cargo-stylus.js";

const ARBOS60_CONFIG = fileURLToPath(new URL("../../fixtures/hardhat-arbos60/hardhat.config.ts", import.meta.url));

describe("cargo-stylus deploys a program over 24 KB as fragments + root (ArbOS 60)", function () {
  this.timeout(300_000);
  let served: ServedDevnet | undefined;
  let workspace: ReturnType<typeof createStylusWorkspace> | undefined;
  let pub: PublicClient;

  before(async function () {
    const missing = cargoStylusMissing();
    if (missing !== undefined) {
      console.log(`    [skipped] ${missing}`);
      this.skip();
    }
    served = await startServedDevnet({ timeoutMs: 90_000, config: ARBOS60_CONFIG });
    pub = createPublicClient({ transport: http(served.url) });
    workspace = createStylusWorkspace();
  });

  after(async () => {
    await served?.stop();
    workspace?.dispose();
  });

  it("cargo stylus deploy --wasm-file big.wasm: fragments, root, activation; calls read the whole program", async () => {
    const size = 30_000;
    const big = path.join(workspace!.dir, "big.wasm");
    writeFileSync(big, await watToWasm(bigBlobWat(size)));
    const run = await cargoStylus(workspace!.dir, ["deploy", "--no-verify", "-e", served!.url, "--wasm-file", big, "--private-key", TEST_KEYS.owner]);
    expect(run.exitCode, run.output).to.equal(0);
    expect(run.output).to.match(/2 fragments/);
    expect(run.output).to.match(/successfully activated/);
    const program = deployedAddress(run);

    const code = await pub.getCode({ address: program });
    expect(code?.slice(0, 10)).to.equal("0xeff00200");
    const root = parseStylusRoot(Buffer.from(code!.slice(2), "hex"));
    expect(root.fragments).to.have.length(2);
    for (const fragment of root.fragments) {
      expect((await pub.getCode({ address: fragment }))?.slice(0, 8)).to.equal("0xeff001");
    }
    const version = await pub.readContract({ address: ARBWASM_ADDRESS, abi: arbWasmAbi, functionName: "programVersion", args: [program] });
    expect(version).to.be.greaterThan(0);

    const blob = blobBytes(size);
    for (const at of [0, 0x6100, size - 32]) {
      const { data } = await pub.call({ to: program, data: `0x${at.toString(16).padStart(8, "0")}` as Hex });
      expect(data).to.equal(bytesToHex(blob.subarray(at, at + 32)));
    }
  });
});
