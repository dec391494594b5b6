// The local child chain's side of parent-to-child ETH deposits, as Nitro
// credits them: it follows the parent bridge's delayed messages (Bridge
// MessageDelivered + Inbox InboxMessageDelivered), and for each ETH deposit
// (kind 12) mints the value to its destination on the child in a child
// transaction whose hash is recorded under the deposit's own transaction id
// (EthDepositMessage.calculateDepositTxId, the 0x64-typed ArbitrumDepositTx
// hash Nitro mines), so the SDK's wait finds a receipt under that id. EDR
// cannot mine a 0x64 transaction, so the minted value arrives as a transfer
// from the message's sender (the aliased parent address, as Nitro's deposit
// `from`) funded for exactly that; the hash alias is the hardhat-stylus one
// (chain/transaction-aliases.ts). Crediting is idempotent per message.
import type { EIP1193Provider } from "hardhat/types/providers";
import type { Address, Chain, Hex, PublicClient, Transport } from "viem";

import { EthDepositMessage } from "@arbitrum/sdk";
import { getAddress, numberToHex, parseAbi, slice } from "viem";

import { ARBWASM_ADDRESS } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { aliasSlot } from "../../../hardhat-stylus/src/internal/chain/transaction-aliases.js";
import { ethersV5 } from "../sdk-ethers.js";

import type { OrbitBridgeAddresses } from "./bridge-deployment.js";

/** Messages.sol: L1MessageType_ethDeposit. */
export const ETH_DEPOSIT_KIND = 12;

export const BRIDGE_EVENTS = parseAbi([
  "event MessageDelivered(uint256 indexed messageIndex, bytes32 indexed beforeInboxAcc, address inbox, uint8 kind, address sender, bytes32 messageDataHash, uint256 baseFeeL1, uint64 timestamp)",
  "event InboxMessageDelivered(uint256 indexed messageNum, bytes data)",
]);

export interface CreditedDeposit {
  messageNumber: bigint;
  /** The deposit's transaction id (what the SDK waits for). */
  childTxHash: Hex;
  /** The child transaction that carries it. */
  minedHash: Hex;
  from: Address;
  to: Address;
  value: bigint;
}

export interface DepositRelayerParameters {
  parent: PublicClient<Transport, Chain>;
  child: EIP1193Provider;
  addresses: OrbitBridgeAddresses;
  childChainId: number;
  pollIntervalMs?: number;
}

export class DepositRelayer {
  readonly credited: CreditedDeposit[] = [];
  /** False: deposits stay pending on the parent chain (to test what a late deposit does). */
  crediting = true;
  /** The last error a poll hit (the loop keeps going). */
  lastError: unknown = undefined;
  readonly #params: DepositRelayerParameters;
  #nextBlock = 0n;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(params: DepositRelayerParameters) {
    this.#params = params;
  }

  start(): void {
    this.#stopped = false;
    const tick = (): void => {
      if (this.#stopped) return;
      this.#running = this.poll()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.lastError = error;
        })
        .finally(() => {
          if (!this.#stopped) this.#timer = setTimeout(tick, this.#params.pollIntervalMs ?? 200);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  /** Credits every ETH deposit delivered since the last poll (nothing while `crediting` is false). */
  async poll(): Promise<CreditedDeposit[]> {
    if (!this.crediting) return [];
    const { parent, addresses } = this.#params;
    const latest = await parent.getBlockNumber();
    if (latest < this.#nextBlock) return [];
    const range = { fromBlock: this.#nextBlock, toBlock: latest };
    const [delivered, inboxMessages] = await Promise.all([
      parent.getContractEvents({ address: addresses.bridge, abi: BRIDGE_EVENTS, eventName: "MessageDelivered", ...range }),
      parent.getContractEvents({ address: addresses.inbox, abi: BRIDGE_EVENTS, eventName: "InboxMessageDelivered", ...range }),
    ]);
    const dataByMessage = new Map(inboxMessages.map((e) => [e.args.messageNum!, e.args.data!]));
    const done: CreditedDeposit[] = [];
    for (const event of delivered) {
      if (event.args.kind !== ETH_DEPOSIT_KIND) continue;
      const messageNumber = event.args.messageIndex!;
      const data = dataByMessage.get(messageNumber);
      if (data === undefined) continue;
      done.push(await this.#credit(messageNumber, event.args.sender!, data));
    }
    this.#nextBlock = latest + 1n;
    return done;
  }

  async #credit(messageNumber: bigint, from: Address, data: Hex): Promise<CreditedDeposit> {
    const { child, childChainId } = this.#params;
    // Inbox.depositEth: abi.encodePacked(dest, msg.value).
    const to = getAddress(slice(data, 0, 20));
    const value = ethersV5.BigNumber.from(slice(data, 20));
    const childTxHash = EthDepositMessage.calculateDepositTxId(
      childChainId,
      ethersV5.BigNumber.from(messageNumber),
      from,
      to,
      value,
    ) as Hex;
    const slot = aliasSlot(childTxHash);
    const existing = (await child.request({ method: "eth_getStorageAt", params: [ARBWASM_ADDRESS, slot, "latest"] })) as Hex;
    const record = { messageNumber, childTxHash, from, to: to as Address, value: value.toBigInt() };
    if (BigInt(existing) !== 0n) return { ...record, minedHash: existing };

    const block = (await child.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { baseFeePerGas?: Hex };
    const maxFee = BigInt(block.baseFeePerGas ?? "0x0") * 2n + 1n;
    const balance = BigInt((await child.request({ method: "eth_getBalance", params: [from, "latest"] })) as Hex);
    const toCode = (await child.request({ method: "eth_getCode", params: [to, "latest"] })) as Hex;
    const mintByTransfer = toCode === "0x";
    if (!mintByTransfer) {
      // A contract destination is credited without running its code, as Nitro's deposit does.
      const toBalance = BigInt((await child.request({ method: "eth_getBalance", params: [to, "latest"] })) as Hex);
      await child.request({ method: "hardhat_setBalance", params: [to, numberToHex(toBalance + record.value)] });
    }
    const transferValue = mintByTransfer ? record.value : 0n;
    await child.request({ method: "hardhat_setBalance", params: [from, numberToHex(balance + transferValue + 21_000n * maxFee)] });
    await child.request({ method: "hardhat_impersonateAccount", params: [from] });
    let minedHash: Hex;
    try {
      minedHash = (await child.request({
        method: "eth_sendTransaction",
        params: [
          {
            from,
            to: mintByTransfer ? to : from,
            value: numberToHex(transferValue),
            gas: numberToHex(21_000n),
            maxFeePerGas: numberToHex(maxFee),
            maxPriorityFeePerGas: "0x0",
          },
        ],
      })) as Hex;
    } finally {
      await child.request({ method: "hardhat_stopImpersonatingAccount", params: [from] });
    }
    await child.request({ method: "hardhat_setStorageAt", params: [ARBWASM_ADDRESS, slot, minedHash] });
    const credited = { ...record, minedHash };
    this.credited.push(credited);
    return credited;
  }
}
