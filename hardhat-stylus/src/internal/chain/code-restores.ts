// Deferred code restores. A transaction mined through an entry applier
// (state-applier.ts) leaves the applier's code at the program's address in
// EDR; putting the program's code back right away costs one EDR request per
// transaction, and the next transaction to the same program would replace it
// again. So the restore waits: the connection's StateCache answers code reads
// with the program's code meanwhile, and every request that could run or read
// code in EDR (anything outside RESTORE_SAFE_METHODS, or any request about the
// pending block, which EDR builds by running the mempool) puts every deferred
// code back before it reaches EDR. A hardhat_setCode of a deferred address
// replaces that code anyway, so it drops the restore of that address.
import type { Hex } from "viem";

/**
 * Methods that neither run EVM code nor read code, at a block other than "pending": the applier
 * code can stay in place while they reach EDR. Historical code reads recognise entry appliers
 * (code-repair.ts); block headers and receipts do not change with hardhat_setCode.
 */
export const RESTORE_SAFE_METHODS: ReadonlySet<string> = new Set([
  "eth_accounts",
  "eth_blockNumber",
  "eth_chainId",
  "eth_gasPrice",
  "eth_getBalance",
  "eth_getBlockByHash",
  "eth_getBlockByNumber",
  "eth_getLogs",
  "eth_getStorageAt",
  "eth_getTransactionByHash",
  "eth_getTransactionCount",
  "eth_getTransactionReceipt",
  "eth_maxPriorityFeePerGas",
  "hardhat_getAutomine",
  // Writes that run nothing (a hardhat_setCode of a deferred address drops its restore first).
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "net_version",
]);

/** Sets an account's code in EDR without going through the plugin again. */
export type RawSetCode = (address: Hex, code: Hex) => Promise<void>;

function mentionsPending(params: unknown): boolean {
  return Array.isArray(params) && params.some((p) => p === "pending");
}

/** The restores one connection still owes EDR (lower-case address → the code to put back). */
export class CodeRestores {
  /** Lower-case address -> the code to put back, and the code EDR holds there meanwhile. */
  readonly #pending = new Map<string, { restore: Hex; installed: Hex }>();

  /** Puts `restore` back at `address` (which holds `installed` in EDR) before a request could see the difference. */
  defer(address: Hex, restore: Hex, installed: Hex): void {
    this.#pending.set(address.toLowerCase(), { restore, installed });
  }

  /**
   * When EDR still holds exactly `code` at `address` under a deferred restore, takes that restore
   * back (the caller wants `code` there and defers again afterwards) and says so; else false.
   */
  claim(address: Hex, code: Hex): boolean {
    const key = address.toLowerCase();
    const pending = this.#pending.get(key);
    if (pending === undefined || pending.installed.toLowerCase() !== code.toLowerCase()) return false;
    this.#pending.delete(key);
    return true;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * To call before `method` reaches EDR: restores what it could observe (all of it, or nothing).
   * `internal`: the plugin's own request, which reads only the header of a block it asks for
   * without transactions (the pending block's header does not depend on code).
   */
  async before(method: string, params: unknown, setCode: RawSetCode, internal = false): Promise<void> {
    if (this.#pending.size === 0) return;
    if (method === "hardhat_setCode" && Array.isArray(params) && typeof params[0] === "string") {
      this.#pending.delete(params[0].toLowerCase());
    }
    const headerOnly = internal && method === "eth_getBlockByNumber" && Array.isArray(params) && params[1] === false;
    if (RESTORE_SAFE_METHODS.has(method) && (headerOnly || !mentionsPending(params))) return;
    const owed = [...this.#pending];
    this.#pending.clear();
    for (const [address, { restore }] of owed) await setCode(address as Hex, restore);
  }
}
