// The proof hash of a reading: SHA-256 of the final ciphertext (the whole
// envelope), exactly as the predecessor computed it, so its task ids stay valid.
import { createHash } from "node:crypto";

import type { Hex } from "viem";

export function proofHashOf(envelope: Uint8Array): Hex {
  return `0x${createHash("sha256").update(envelope).digest("hex")}`;
}
