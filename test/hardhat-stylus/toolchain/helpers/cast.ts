// Runs Foundry's real `cast` binary (from @foundry-rs/cast's platform package,
// not its npm wrapper, which exits 0 on failure) and returns what it printed.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const CAST_BINARY = fileURLToPath(
  new URL("../../../../node_modules/@foundry-rs/cast-linux-amd64/bin/cast", import.meta.url),
);

/** Hardhat's first two well-known test keys (public, only ever funded on local chains). */
export const TEST_KEYS = {
  owner: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  other: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
} as const;

export const TEST_ADDRESSES = {
  owner: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  other: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
} as const;

export class CastError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`cast ${args.join(" ")} failed (exit ${exitCode}): ${stderr.trim()}`);
  }
}

export function castAvailable(): boolean {
  return process.platform === "linux" && process.arch === "x64" && existsSync(CAST_BINARY);
}

/** Runs `cast <args>` (bounded to 60 s) and resolves with its trimmed stdout; rejects with CastError on failure. */
export async function cast(args: readonly string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(CAST_BINARY, [...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        const code = typeof error.code === "number" ? error.code : null;
        reject(new CastError(args, code, stderr.length > 0 ? stderr : error.message));
        return;
      }
      resolve(stdout.trim());
    });
  });
}

/** `cast <args> --json`, parsed. */
export async function castJson<T>(args: readonly string[]): Promise<T> {
  return JSON.parse(await cast([...args, "--json"])) as T;
}

/** Resolves with the CastError of a command that must fail (rejects when it succeeds). */
export async function castFails(args: readonly string[]): Promise<CastError> {
  try {
    const out = await cast(args);
    throw new Error(`cast ${args.join(" ")} was expected to fail but printed: ${out}`);
  } catch (error) {
    if (error instanceof CastError) return error;
    throw error;
  }
}
