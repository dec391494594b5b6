// [slow] hardhat-stylus as a user installs it: `npm pack` builds the package
// (prepack: tsc to dist/ with declarations), then a fresh Hardhat 3 project
// in a temp folder installs the tarball plus hardhat and viem from the npm
// registry, deploys and calls the committed Stylus program there, and
// type-checks a file that uses `connection.stylus`. Bounded: every child
// process has a timeout, the whole suite 6 minutes. Skipped, visibly, with
// LCORE_SKIP_SLOW=1 or when the registry cannot be reached.
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const pluginDir = path.join(root, "hardhat-stylus");
const templates = fileURLToPath(new URL("./consumer-project/", import.meta.url));
const deployedHex = path.join(root, "contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex");

interface Run {
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: without what `hardhat test` sets for this workspace
 * (HARDHAT_CONFIG, NODE_OPTIONS loading its TypeScript hooks, HH_TEST).
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("HARDHAT_") || key === "NODE_OPTIONS" || key === "HH_TEST") delete env[key];
  }
  return env;
}

/** Runs a command (no shell) with a timeout; rejects with its output when it fails. */
async function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
  return await new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, env: userEnv() }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(Object.assign(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stderr}`), { stderr }));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

const version = (pkg: string): string =>
  (JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;

const NETWORK_ERROR = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network request|request to .* failed/i;

describe("[slow] hardhat-stylus as an installable package", function () {
  this.timeout(360_000);
  let work: string;
  let project: string;
  let tarball: string;
  let packedFiles: string[];

  before(async function () {
    if (process.env.LCORE_SKIP_SLOW === "1") {
      console.log("    [skipped] LCORE_SKIP_SLOW=1: the packed-plugin install test needs the npm registry and ~1 min");
      this.skip();
    }
    work = mkdtempSync(path.join(tmpdir(), "hardhat-stylus-pack-"));
    project = path.join(work, "project");
    const packed = await run("npm", ["pack", "--json", "--pack-destination", work], pluginDir, 180_000);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("["))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info!.filename);
    packedFiles = info!.files.map((f) => f.path);

    // The fresh project: its own package.json, nothing from this workspace but the tarball.
    rmSync(project, { recursive: true, force: true });
    await run("mkdir", ["-p", project], work, 5_000);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh-stylus-project", private: true, type: "module" }));
    copyFileSync(path.join(templates, "hardhat.config.js.tmpl"), path.join(project, "hardhat.config.js"));
    copyFileSync(path.join(templates, "deploy-and-call.mjs.tmpl"), path.join(project, "deploy-and-call.mjs"));
    copyFileSync(path.join(templates, "check-types.ts.tmpl"), path.join(project, "check-types.ts"));
    copyFileSync(path.join(templates, "tsconfig.json"), path.join(project, "tsconfig.json"));
    try {
      await run(
        "npm",
        ["install", "--prefix", project, "--no-audit", "--no-fund", "--loglevel=error", tarball, `hardhat@${version("hardhat")}`, `viem@${version("viem")}`],
        work,
        300_000,
      );
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      if (NETWORK_ERROR.test(stderr)) {
        console.log(`    [skipped] the npm registry is unreachable: ${stderr.split("\n")[0]}`);
        this.skip();
      }
      throw error;
    }
  });

  after(function () {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    // prepack built dist/ in the source folder; it is a build output (gitignored), not source.
    rmSync(path.join(pluginDir, "dist"), { recursive: true, force: true });
  });

  it("packs built JavaScript with declarations and the README, without sources or tests", function () {
    for (const file of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/types.d.ts", "dist/internal/hook-handlers/network.js"]) {
      expect(packedFiles, file).to.include(file);
    }
    expect(packedFiles.filter((f) => f.startsWith("src/") || f.endsWith(".test.ts"))).to.deep.equal([]);
    const manifest = JSON.parse(readFileSync(path.join(project, "node_modules/hardhat-stylus/package.json"), "utf8")) as {
      exports: Record<string, { types: string; default: string }>;
      peerDependencies: Record<string, string>;
    };
    expect(Object.keys(manifest.exports)).to.deep.equal([".", "./types"]);
    expect(manifest.peerDependencies.hardhat).to.equal("^3.18.0");
    expect(existsSync(path.join(project, "node_modules/hardhat-stylus", manifest.exports["."]!.default))).to.equal(true);
  });

  it("deploys, activates and calls a Stylus program in the fresh project's in-process network", async function () {
    const { stdout } = await run(process.execPath, ["deploy-and-call.mjs", deployedHex], project, 120_000);
    const line = stdout.trim().split("\n").pop()!;
    const seen = JSON.parse(line) as { activated: boolean; isEmulated: boolean; status: string; owner: string; account: string; codePrefix: string };
    expect(seen.codePrefix).to.equal("0xeff000");
    expect(seen.activated).to.equal(true);
    expect(seen.isEmulated).to.equal(true);
    expect(seen.status).to.equal("success");
    expect(seen.owner).to.equal(seen.account);
  });

  it("types `connection.stylus` and `hardhat-stylus/types` for the project's TypeScript", async function () {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", path.join(project, "tsconfig.json")], project, 120_000);
  });
});
