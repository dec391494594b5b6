// Splits a WASM binary into its sections (id, name, bytes) so two builds can
// be compared section by section: "code differs", "custom section
// project_hash differs", "data differs", ... instead of just "different".
import { createHash } from "node:crypto";

export interface WasmSection {
  /** 0 = custom, 1 = type, ... 12 = data count. */
  readonly id: number;
  /** Standard name, or "custom:<name>" for custom sections. */
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

const NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"];

function readU32(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  let i = offset;
  for (;;) {
    if (i >= bytes.length) throw new RangeError("truncated LEB128");
    const b = bytes[i++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
    if (shift > 35) throw new RangeError("LEB128 too long");
  }
  return { value: result, next: i };
}

/** Lists the sections of `wasm`; throws RangeError on a malformed module. */
export function readWasmSections(wasm: Uint8Array): WasmSection[] {
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) throw new RangeError("not a WASM module (missing \\0asm)");
  const sections: WasmSection[] = [];
  let offset = 8;
  while (offset < wasm.length) {
    const id = wasm[offset]!;
    const { value: size, next } = readU32(wasm, offset + 1);
    const end = next + size;
    if (end > wasm.length) throw new RangeError(`section ${id} runs past the end of the module`);
    const bytes = wasm.subarray(next, end);
    let name = NAMES[id] ?? `unknown-${id}`;
    if (id === 0) {
      const { value: len, next: at } = readU32(bytes, 0);
      name = `custom:${new TextDecoder().decode(bytes.subarray(at, at + len))}`;
    }
    sections.push({ id, name, size, sha256: createHash("sha256").update(bytes).digest("hex"), bytes });
    offset = end;
  }
  return sections;
}

export interface SectionDifference {
  readonly section: string;
  readonly deployed: string;
  readonly built: string;
}

/** Names the sections that differ between two modules (missing on one side, or different bytes). */
export function diffWasmSections(deployed: Uint8Array, built: Uint8Array): SectionDifference[] {
  const a = readWasmSections(deployed);
  const b = readWasmSections(built);
  const key = (s: WasmSection, i: number, all: WasmSection[]) => `${s.name}#${all.slice(0, i).filter((x) => x.name === s.name).length}`;
  const mapA = new Map(a.map((s, i) => [key(s, i, a), s]));
  const mapB = new Map(b.map((s, i) => [key(s, i, b), s]));
  const out: SectionDifference[] = [];
  for (const k of new Set([...mapA.keys(), ...mapB.keys()])) {
    const x = mapA.get(k);
    const y = mapB.get(k);
    const label = k.endsWith("#0") ? k.slice(0, -2) : k;
    const describe = (s: WasmSection | undefined) => (s === undefined ? "absent" : `${s.size} bytes, sha256 ${s.sha256.slice(0, 16)}…`);
    if (x === undefined || y === undefined || x.sha256 !== y.sha256) out.push({ section: label, deployed: describe(x), built: describe(y) });
  }
  return out;
}
