// Typed access to the chain below the plugin: every method sends a JSON-RPC
// request through the hook chain's `next`, so it reaches EDR (and, on a
// fork, EDR's lazy remote reads) exactly like any other request.
import type { Address, Hex } from "viem";

/** Sends one JSON-RPC request below the plugin and resolves with its result (rejects on JSON-RPC errors). */
export type SendBelow = (method: string, params: unknown[]) => Promise<unknown>;

/** A block tag as JSON-RPC accepts it: a name, a hex number, or an EIP-1898 object. */
export type BlockTag = string | { blockHash: Hex } | { blockNumber: Hex };

/** The fields of a block the runtime needs for its execution context. */
export interface BlockHeaderInfo {
  number: bigint;
  timestamp: bigint;
  baseFeePerGas: bigint;
  gasLimit: bigint;
  coinbase: Address;
}

/** A transaction receipt reduced to what the plugin reads. */
export interface ReceiptInfo {
  status: "0x1" | "0x0";
  contractAddress: Address | null;
  gasUsed: Hex;
  transactionHash: Hex;
}

/** A transaction as `eth_sendTransaction` takes it (hex quantities). */
export interface RpcTransaction {
  from: Address;
  to?: Address | null;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
  nonce?: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessList?: unknown;
  type?: Hex;
}

/** Values that never change for a connection, kept across requests. */
export interface ConnectionConstants {
  chainId?: bigint;
  /** Automine as last read or set through evm_setAutomine (the hook sees every such request). */
  automine?: boolean;
}

export class ChainRpc {
  readonly #send: SendBelow;
  readonly #constants: ConnectionConstants;

  constructor(send: SendBelow, constants: ConnectionConstants = {}) {
    this.#send = send;
    this.#constants = constants;
  }

  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    return (await this.#send(method, params)) as T;
  }

  async getCode(address: Address, tag: BlockTag): Promise<Hex> {
    return await this.request<Hex>("eth_getCode", [address, tag]);
  }

  async getStorageAt(address: Address, slot: Hex, tag: BlockTag): Promise<Hex> {
    return await this.request<Hex>("eth_getStorageAt", [address, slot, tag]);
  }

  async getBalance(address: Address, tag: BlockTag): Promise<bigint> {
    return BigInt(await this.request<Hex>("eth_getBalance", [address, tag]));
  }

  async getTransactionCount(address: Address, tag: BlockTag): Promise<bigint> {
    return BigInt(await this.request<Hex>("eth_getTransactionCount", [address, tag]));
  }

  async chainId(): Promise<bigint> {
    this.#constants.chainId ??= BigInt(await this.request<Hex>("eth_chainId"));
    return this.#constants.chainId;
  }

  async getAutomine(): Promise<boolean> {
    this.#constants.automine ??= await this.request<boolean>("hardhat_getAutomine");
    return this.#constants.automine;
  }

  async blockNumber(): Promise<bigint> {
    return BigInt(await this.request<Hex>("eth_blockNumber"));
  }

  async getBlock(tag: BlockTag): Promise<BlockHeaderInfo> {
    type RawBlock = { number: Hex | null; timestamp: Hex; baseFeePerGas?: Hex; gasLimit: Hex; miner: Address } | null;
    const raw =
      typeof tag === "object" && "blockHash" in tag
        ? await this.request<RawBlock>("eth_getBlockByHash", [tag.blockHash, false])
        : await this.request<RawBlock>("eth_getBlockByNumber", [
            typeof tag === "object" ? tag.blockNumber : tag,
            false,
          ]);
    if (raw === null) throw new Error(`block ${JSON.stringify(tag)} not found`);
    return {
      number: BigInt(raw.number ?? "0x0"),
      timestamp: BigInt(raw.timestamp),
      baseFeePerGas: BigInt(raw.baseFeePerGas ?? "0x0"),
      gasLimit: BigInt(raw.gasLimit),
      coinbase: raw.miner,
    };
  }

  async setCode(address: Address, code: Hex): Promise<void> {
    await this.request("hardhat_setCode", [address, code]);
  }

  async setStorageAt(address: Address, slot: Hex, value: Hex): Promise<void> {
    await this.request("hardhat_setStorageAt", [address, slot, value]);
  }

  async impersonate(address: Address): Promise<void> {
    await this.request("hardhat_impersonateAccount", [address]);
  }

  async stopImpersonating(address: Address): Promise<void> {
    await this.request("hardhat_stopImpersonatingAccount", [address]);
  }

  async accounts(): Promise<Address[]> {
    return await this.request<Address[]>("eth_accounts");
  }

  async sendTransaction(tx: RpcTransaction): Promise<Hex> {
    return await this.request<Hex>("eth_sendTransaction", [tx]);
  }

  async getReceipt(hash: Hex): Promise<ReceiptInfo | null> {
    return await this.request<ReceiptInfo | null>("eth_getTransactionReceipt", [hash]);
  }
}
