// Historical code reads, repaired. `hardhat_setCode` changes the state of the
// latest block, so the effects applier put at a program's address just
// before mining block N+1 also shows in the state EDR keeps for block N, and
// a Stylus deployment shows its placeholder code (first byte zeroed) in the
// block that mined it until the Stylus code is set. Reads of code at a
// historical block (eth_getCode, eth_call's probe, and what a fork of a
// served chain fetches) would see these transient codes; this module
// recognises them and answers with the code the address holds now.
import { bytesToHex, type Address, type Hex } from "viem";

import type { BlockTag, ChainRpc } from "./chain-rpc.js";

import { EFFECTS_APPLIER_CODE } from "./effects-applier.js";
import { ENTRY_APPLIER_PREFIX } from "./state-applier.js";

const APPLIER_HEX = bytesToHex(EFFECTS_APPLIER_CODE).toLowerCase();

/** True for tags that read the current state (no repair needed). */
export function isCurrentTag(tag: BlockTag): boolean {
  return tag === "latest" || tag === "pending";
}

function isTransient(code: Hex): boolean {
  const lower = code.toLowerCase();
  return lower === APPLIER_HEX || lower.startsWith(ENTRY_APPLIER_PREFIX) || /^0x00f00[012]/.test(lower);
}

/** `code` read at `tag`, or the address's current code when `code` is one of the plugin's transient codes. */
export async function repairCode(rpc: ChainRpc, address: Address, code: Hex, tag: BlockTag): Promise<Hex> {
  if (isCurrentTag(tag) || !isTransient(code)) return code;
  const current = await rpc.getCode(address, "latest");
  if (code.toLowerCase() === APPLIER_HEX || code.toLowerCase().startsWith(ENTRY_APPLIER_PREFIX)) return current;
  // A placeholder deployment: the current code is the same with 0xEF as first byte.
  return current.toLowerCase() === `0xef${code.slice(4).toLowerCase()}` ? current : code;
}
