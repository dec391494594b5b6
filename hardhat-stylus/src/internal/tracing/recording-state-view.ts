// A StateView that remembers which accounts and storage slots a program run
// read, so the prestate tracer can report the state the run depended on.
import type { Address, Hex } from "viem";

import { ChainedStateView } from "../chain/chained-state-view.js";

/** Chained: a transaction later in its block is traced on the state its block's earlier transactions left. */
export class RecordingStateView extends ChainedStateView {
  /** Lower-case address -> storage slots read. */
  readonly touched = new Map<string, Set<Hex>>();

  #touch(address: Address): Set<Hex> {
    const key = address.toLowerCase();
    let slots = this.touched.get(key);
    if (slots === undefined) {
      slots = new Set();
      this.touched.set(key, slots);
    }
    return slots;
  }

  override async getStorageAt(address: Address, slot: Hex): Promise<Hex> {
    this.#touch(address).add(slot.toLowerCase() as Hex);
    return await super.getStorageAt(address, slot);
  }

  override async getBalance(address: Address): Promise<bigint> {
    this.#touch(address);
    return await super.getBalance(address);
  }

  override async getCode(address: Address): Promise<Hex> {
    this.#touch(address);
    return await super.getCode(address);
  }

  // Reads served without a request (cached, or left by the block's earlier transactions) count too.
  override peekStorageAt(address: Address, slot: Hex): Hex | undefined {
    this.#touch(address).add(slot.toLowerCase() as Hex);
    return super.peekStorageAt(address, slot);
  }

  override peekBalance(address: Address): bigint | undefined {
    this.#touch(address);
    return super.peekBalance(address);
  }

  override peekCode(address: Address): Hex | undefined {
    this.#touch(address);
    return super.peekCode(address);
  }
}
