// The deterministic wallet set used by fund and stress: HD wallets from one
// mnemonic, one derivation index range per role. On local chains the
// mnemonic defaults to Hardhat's public test mnemonic (throwaway keys);
// elsewhere it comes from the LCORE_WALLET_MNEMONIC configuration variable.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, HDAccount } from "viem";

import { mnemonicToAccount } from "viem/accounts";

import { readConfigVariable } from "./config-variables.js";
import { taskError } from "./errors.js";

/** The predecessor's wallet types, minus its funder (the network's first account funds). */
export const WALLET_ROLES = ["payment_user", "merchant", "lender", "borrower", "iot_device", "iot_operator"] as const;
export type WalletRole = (typeof WALLET_ROLES)[number];

/** Default counts: the predecessor's 26 wallets (25 + its funder). */
export const DEFAULT_ROLE_COUNTS: Readonly<Record<WalletRole, number>> = {
  payment_user: 6,
  merchant: 4,
  lender: 3,
  borrower: 4,
  iot_device: 5,
  iot_operator: 3,
};

/** First derivation index of each role (m/44'/60'/0'/0/<index>); 100 apart, so counts up to 100 never overlap. */
export const ROLE_BASE_INDEX: Readonly<Record<WalletRole, number>> = {
  payment_user: 100,
  merchant: 200,
  lender: 300,
  borrower: 400,
  iot_device: 500,
  iot_operator: 600,
};

/** Hardhat's public test mnemonic: the in-process chain's accounts; never holds real funds. */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** Name of the configuration variable holding the wallet-set mnemonic on real networks. */
export const WALLET_MNEMONIC_VARIABLE = "LCORE_WALLET_MNEMONIC";

export interface Wallet {
  readonly role: WalletRole;
  /** e.g. merchant-03 */
  readonly label: string;
  readonly index: number;
  readonly path: string;
  readonly address: Address;
  readonly account: HDAccount;
}

export interface WalletSet {
  readonly wallets: readonly Wallet[];
  readonly source: "hardhat-test-mnemonic" | "configuration-variable";
  byRole(role: WalletRole): Wallet[];
}

/** Parses "payment_user=5,merchant=2" (unknown roles and bad numbers are errors). */
export function parseRoleCounts(text: string): Record<WalletRole, number> {
  const counts: Record<WalletRole, number> = { ...DEFAULT_ROLE_COUNTS };
  if (text.trim() === "") return counts;
  for (const part of text.split(",")) {
    const [rawRole, rawCount] = part.split("=").map((s) => s.trim());
    if (rawRole === undefined || rawCount === undefined || !(WALLET_ROLES as readonly string[]).includes(rawRole)) {
      throw taskError(`bad --counts entry "${part}": use role=count with roles ${WALLET_ROLES.join(", ")}.`);
    }
    const count = Number(rawCount);
    if (!Number.isInteger(count) || count < 0 || count > 100) {
      throw taskError(`bad --counts entry "${part}": the count must be an integer from 0 to 100.`);
    }
    counts[rawRole as WalletRole] = count;
  }
  return counts;
}

/** Derives the wallet set from a mnemonic. */
export function deriveWalletSet(mnemonic: string, counts: Readonly<Record<WalletRole, number>>, source: WalletSet["source"]): WalletSet {
  const wallets: Wallet[] = [];
  for (const role of WALLET_ROLES) {
    for (let i = 0; i < counts[role]; i++) {
      const index = ROLE_BASE_INDEX[role] + i;
      let account: HDAccount;
      try {
        account = mnemonicToAccount(mnemonic, { addressIndex: index });
      } catch (error) {
        throw taskError(`the wallet mnemonic is not a valid BIP-39 phrase; check ${WALLET_MNEMONIC_VARIABLE}.`, error);
      }
      wallets.push({
        role,
        label: `${role}-${String(i + 1).padStart(2, "0")}`,
        index,
        path: `m/44'/60'/0'/0/${index}`,
        address: account.address,
        account,
      });
    }
  }
  return { wallets, source, byRole: (role) => wallets.filter((w) => w.role === role) };
}

/** Loads the wallet set for a chain: the configuration variable, else Hardhat's test mnemonic on local chains. */
export async function loadWalletSet(
  hre: HardhatRuntimeEnvironment,
  options: { localKeys: boolean; networkName: string; counts: Readonly<Record<WalletRole, number>> },
): Promise<WalletSet> {
  const configured = await readConfigVariable(hre, WALLET_MNEMONIC_VARIABLE);
  if (configured !== undefined) return deriveWalletSet(configured.trim(), options.counts, "configuration-variable");
  if (!options.localKeys) {
    throw taskError(
      `network "${options.networkName}" needs a wallet mnemonic: run \`npx hardhat keystore set ${WALLET_MNEMONIC_VARIABLE}\` (or export it) and retry.`,
    );
  }
  return deriveWalletSet(HARDHAT_TEST_MNEMONIC, options.counts, "hardhat-test-mnemonic");
}
