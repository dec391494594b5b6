// The corpus cases today's hardhat-stylus engine cannot run yet, each with the
// reason. The suite marks these pending (with the reason in the title) instead
// of running them; every case not listed here must pass in every mode. The
// `runtime` work (issue 9, deliverables 1-5) empties this list: run the suite
// with CORPUS_RUN_PENDING=1 to run the listed cases too and see which pass.
import type { CorpusMode } from "./helpers/corpus-env.js";

/** Why a case is pending, and in which modes (all three when `modes` is absent). */
export interface PendingEngineCase {
  readonly reason: string;
  readonly modes?: readonly CorpusMode[];
}

const STYLUS_CALL_IN_TX =
  "a program's call_contract with state changes or value inside a transaction is refused ('unsupported in this context: call_contract')";
const STYLUS_DELEGATECALL = "a program's delegate_call_contract is refused ('unsupported in this context: delegate_call_contract')";
const EVM_TO_STYLUS = "an EVM contract calling a Stylus program runs 0xEF F0 00 code in EDR's EVM (invalid opcode / empty revert)";
const STYLUS_TO_EVM_STATIC =
  "a program's static call to an EVM contract runs as an inner eth_call whose 63/64 gas exceeds EIP-7825's cap, so it fails (empty revert)";
const PRECOMPILES = "a program's static call to a precompile (ecrecover 0x01, P-256 0x100) comes back empty, so openzeppelin-stylus traps";

export const PENDING_ENGINE: Readonly<Record<string, PendingEngineCase>> = {
  "call.stylus->stylus.tx": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->stylus.revert.tx": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->stylus.value": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->stylus.delegatecall": { reason: STYLUS_DELEGATECALL },
  "call.stylus->evm.static": { reason: STYLUS_TO_EVM_STATIC },
  "call.stylus->evm.tx": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->evm.revert.call": { reason: STYLUS_TO_EVM_STATIC },
  "call.stylus->evm.revert.tx": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->evm.value": { reason: STYLUS_CALL_IN_TX },
  "call.stylus->evm.delegatecall": { reason: STYLUS_DELEGATECALL },
  "call.evm->stylus.static": { reason: EVM_TO_STYLUS },
  "call.evm->stylus.tx": { reason: EVM_TO_STYLUS },
  "call.evm->stylus.revert.call": { reason: EVM_TO_STYLUS },
  "call.evm->stylus.revert.tx": { reason: EVM_TO_STYLUS },
  "call.evm->stylus.value": { reason: EVM_TO_STYLUS },
  "call.evm->stylus.delegatecall": { reason: `delegatecall into a program: ${EVM_TO_STYLUS}` },
  "transfer.stylus": {
    reason:
      `transfer_eth to an EOA: ${STYLUS_CALL_IN_TX}; over HTTP and on the fork already the plain value transfer ` +
      "that funds the program (its receive()) fails with invalid opcode",
  },
  "proxy.solidity->stylus": { reason: `the proxy's delegatecall into the program: ${EVM_TO_STYLUS}` },
  "proxy.stylus->stylus": { reason: `the proxy program's fallback: ${STYLUS_DELEGATECALL}` },
  "proxy.stylus->evm": { reason: `the proxy program's fallback: ${STYLUS_DELEGATECALL}` },
  "factory.solidity.stylus-constructor": {
    reason: "CREATE2 of Stylus init code from a contract is refused by EDR (EIP-3541: new code may not start with 0xEF), so the factory reverts FactoryCreateFailed",
  },
  "factory.stylus.stylus-constructor": {
    reason: "a program's create2 in a transaction is refused ('unsupported in this context: create2'); the activation and constructor calls after it are call_contract",
  },
  "factory.stylus.create-evm": { reason: "a program's create1 in a transaction is refused ('unsupported in this context: create1')" },

  "nft.stylus.safe-transfer-receiver.call": {
    reason: `the program's call to the Solidity receiver fails even in eth_call (${STYLUS_TO_EVM_STATIC}), so the token reports ERC721InvalidReceiver`,
  },
  "nft.stylus.safe-transfer-receiver": { reason: `onERC721Received is a call out in the transfer: ${STYLUS_CALL_IN_TX}` },
  "reentrancy.stylus.callback": { reason: `the call to the hook: ${STYLUS_CALL_IN_TX}` },
  "verifier.stylus.ecrecover": { reason: PRECOMPILES },
  "verifier.stylus.p256": { reason: PRECOMPILES },
};

/** The reason `caseName` is pending in `mode`, or undefined when it must pass. */
export function pendingReason(caseName: string, mode: CorpusMode): string | undefined {
  const entry = PENDING_ENGINE[caseName];
  if (entry === undefined) return undefined;
  if (entry.modes !== undefined && !entry.modes.includes(mode)) return undefined;
  return entry.reason;
}
