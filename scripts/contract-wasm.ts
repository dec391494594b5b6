// WASM post-processing for the contract build, mirroring cargo-stylus: strip
// every custom section (names, producers, target features: metadata that can
// leak paths and varies between machines), then append the 32-byte
// `project_hash` custom section, and compute that hash the way cargo-stylus
// does (keccak over `cargo --version`, the opt-level byte and the crate's
// source files). Used by scripts/build-contract.ts and its tests.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { keccak256, type Hex } from "viem";

/** Name of the custom section cargo-stylus appends (read by `cargo stylus verify`). */
export const PROJECT_HASH_SECTION = "project_hash";

const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const CUSTOM_SECTION_ID = 0;

/** Raised when the bytes are not a WASM binary this module can rewrite. */
export class ContractWasmError extends Error {
  override name = "ContractWasmError";
  readonly shortMessage: string;
  constructor(shortMessage: string, details?: string) {
    super(details === undefined ? shortMessage : `${shortMessage}\n${details}`);
    this.shortMessage = shortMessage;
  }
}

function readU32Leb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = offset;
  for (;;) {
    const byte = bytes[i];
    if (byte === undefined || shift > 28) {
      throw new ContractWasmError("truncated or oversized LEB128 in a section header", "Rebuild the WASM; the file is corrupt.");
    }
    value += (byte & 0x7f) * 2 ** shift;
    i += 1;
    if ((byte & 0x80) === 0) return { value, next: i };
    shift += 7;
  }
}

function u32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** One top-level section: its id and the byte range of the whole section (header included). */
export interface WasmSectionSpan {
  id: number;
  start: number;
  end: number;
  /** For custom sections, the section's name. */
  name?: string;
}

/** Lists the top-level sections of a WASM binary. */
export function listSections(wasm: Uint8Array): WasmSectionSpan[] {
  if (wasm.length < 8 || WASM_HEADER.some((b, i) => wasm[i] !== b)) {
    throw new ContractWasmError("not a WASM v1 binary", "Expected the bytes to start with \\0asm 01 00 00 00.");
  }
  const spans: WasmSectionSpan[] = [];
  let offset = 8;
  while (offset < wasm.length) {
    const id = wasm[offset] as number;
    const size = readU32Leb(wasm, offset + 1);
    const end = size.next + size.value;
    if (end > wasm.length) {
      throw new ContractWasmError(`section ${id} at byte ${offset} runs past the end of the file`);
    }
    const span: WasmSectionSpan = { id, start: offset, end };
    if (id === CUSTOM_SECTION_ID) {
      const nameLength = readU32Leb(wasm, size.next);
      span.name = new TextDecoder().decode(wasm.subarray(nameLength.next, nameLength.next + nameLength.value));
    }
    spans.push(span);
    offset = end;
  }
  return spans;
}

/** Removes every custom section (id 0), keeping the other sections byte for byte. */
export function stripCustomSections(wasm: Uint8Array): Uint8Array {
  const kept = listSections(wasm).filter((s) => s.id !== CUSTOM_SECTION_ID);
  const out = new Uint8Array(8 + kept.reduce((n, s) => n + (s.end - s.start), 0));
  out.set(WASM_HEADER, 0);
  let offset = 8;
  for (const s of kept) {
    out.set(wasm.subarray(s.start, s.end), offset);
    offset += s.end - s.start;
  }
  return out;
}

/** Appends a custom section `name` holding `data`. */
export function appendCustomSection(wasm: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const payload = [...u32Leb(nameBytes.length), ...nameBytes, ...data];
  const section = [CUSTOM_SECTION_ID, ...u32Leb(payload.length), ...payload];
  const out = new Uint8Array(wasm.length + section.length);
  out.set(wasm, 0);
  out.set(section, wasm.length);
  return out;
}

/** The payload of the first custom section named `name`, if any. */
export function readCustomSection(wasm: Uint8Array, name: string): Uint8Array | undefined {
  const span = listSections(wasm).find((s) => s.id === CUSTOM_SECTION_ID && s.name === name);
  if (span === undefined) return undefined;
  const size = readU32Leb(wasm, span.start + 1);
  const nameLength = readU32Leb(wasm, size.next);
  return wasm.subarray(nameLength.next + nameLength.value, span.end);
}

/** cargo-stylus's processing: strip custom sections, then append `project_hash`. */
export function processStylusWasm(wasm: Uint8Array, projectHash: Uint8Array): Uint8Array {
  if (projectHash.length !== 32) {
    throw new ContractWasmError(`project hash must be 32 bytes, got ${projectHash.length}`);
  }
  return appendCustomSection(stripCustomSections(wasm), PROJECT_HASH_SECTION, projectHash);
}

/** Path order of Rust's `PathBuf`: component by component, bytewise. */
function comparePaths(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = Buffer.from(pa[i] as string);
    const y = Buffer.from(pb[i] as string);
    const c = Buffer.compare(x, y);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/**
 * The files cargo-stylus hashes, as `./`-relative paths in its order: every
 * `*.rs`, `Cargo.toml` and `Cargo.lock` below the crate (skipping `target` and
 * `.git` folders), plus `./rust-toolchain.toml`.
 */
export function projectHashFiles(crateDir: string): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(crateDir, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "target" && entry.name !== ".git") walk(path);
      } else if (entry.name === "Cargo.toml" || entry.name === "Cargo.lock" || entry.name.endsWith(".rs")) {
        files.push(path);
      }
    }
  };
  walk(".");
  files.push("./rust-toolchain.toml");
  return files.sort(comparePaths);
}

function u64be(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/**
 * cargo-stylus's project hash: keccak256(cargoVersionOutput || optByte || for each
 * file: u64be(path length) || path || u64be(file length) || contents), with
 * optByte 0 for opt-level "z" and 1 otherwise.
 * @param cargoVersionOutput the exact stdout of `cargo --version` (newline included).
 */
export function computeProjectHash(crateDir: string, cargoVersionOutput: string, optLevelZ: boolean): Hex {
  const parts: Uint8Array[] = [new TextEncoder().encode(cargoVersionOutput), Uint8Array.of(optLevelZ ? 0 : 1)];
  for (const rel of projectHashFiles(crateDir)) {
    const pathBytes = new TextEncoder().encode(rel);
    const full = join(crateDir, rel);
    const contents = readFileSync(full);
    parts.push(u64be(pathBytes.length), pathBytes, u64be(statSync(full).size), contents);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const preimage = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    preimage.set(p, offset);
    offset += p.length;
  }
  return keccak256(preimage);
}
