// Which EVM code can reach a Stylus program: only code that calls out or
// creates (CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE, CREATE2). Code
// without those opcodes (PUSH data skipped) runs in EDR alone; everything
// else on a chain that holds programs runs in the combined interpreter.
const CALL_FAMILY = new Set([0xf0, 0xf1, 0xf2, 0xf4, 0xf5, 0xfa]);
const cache = new Map<string, boolean>();
const LIMIT = 512;

export function mayCallOut(codeHex: string): boolean {
  const hit = cache.get(codeHex);
  if (hit !== undefined) return hit;
  const code = Buffer.from(codeHex.slice(2), "hex");
  let found = false;
  for (let i = 0; i < code.length; i++) {
    const op = code[i] as number;
    if (op >= 0x60 && op <= 0x7f) {
      i += op - 0x5f;
      continue;
    }
    if (CALL_FAMILY.has(op)) {
      found = true;
      break;
    }
  }
  if (cache.size >= LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(codeHex, found);
  return found;
}
