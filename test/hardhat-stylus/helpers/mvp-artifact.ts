// Loads the MVPIoTProcessor Stylus artifact written by the contract build,
// through contracts-stylus/artifacts/index.ts when it exists (falling back to
// MVPIoTProcessor.deployed.hex), as deployed code (EF F0 00 ...).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { hexToBytes, type Hex } from "viem";

const ARTIFACTS = path.resolve(import.meta.dirname, "../../../contracts-stylus/artifacts");

function asBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string" && /^0x[0-9a-fA-F]+$/.test(value.trim())) return hexToBytes(value.trim() as Hex);
  return undefined;
}

/**
 * The deployed code of MVPIoTProcessor, or undefined when the contract build has not produced it yet.
 * STYLUS_MVP_WASM points at another build's .wasm (compressed here), like the runtime's artifact test.
 */
export async function loadMvpDeployedCode(): Promise<Uint8Array | undefined> {
  const override = process.env.STYLUS_MVP_WASM;
  if (override !== undefined && override !== "" && existsSync(override)) {
    const { compressStylusProgram } = await import("../../../hardhat-stylus/src/internal/wasm/program-format.js");
    return compressStylusProgram(new Uint8Array(readFileSync(override)));
  }
  const index = path.join(ARTIFACTS, "index.ts");
  const hexFile = path.join(ARTIFACTS, "MVPIoTProcessor.deployed.hex");
  if (!existsSync(hexFile)) return undefined;
  if (existsSync(index)) {
    const mod = (await import(index)) as { loadMvpIoTProcessorArtifact?: () => unknown };
    if (typeof mod.loadMvpIoTProcessorArtifact === "function") {
      const artifact = (await mod.loadMvpIoTProcessorArtifact()) as Record<string, unknown>;
      for (const key of ["deployedCode", "deployed", "deployedHex", "code", "deployedBytecode"]) {
        const bytes = asBytes(artifact[key]);
        if (bytes !== undefined && bytes[0] === 0xef) return bytes;
      }
      const wasm = asBytes(artifact.wasm);
      if (wasm !== undefined) {
        const { compressStylusProgram } = await import("../../../hardhat-stylus/src/internal/wasm/program-format.js");
        return compressStylusProgram(wasm);
      }
    }
  }
  return asBytes(readFileSync(hexFile, "utf8"));
}
