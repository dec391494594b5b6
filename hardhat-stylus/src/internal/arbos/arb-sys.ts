// ArbSys (0x64), after Nitro's precompiles/ArbSys.go: the chain's block
// number and id, the ArbOS version (Nitro reports 55 + version), the L1→L2
// address alias, and withdrawals to the parent chain (sendTxToL1,
// withdrawEth: an L2ToL1Tx event and a leaf number; the value stays burnt at
// 0x64). This is a one-chain emulation: the send Merkle tree keeps only its
// size (sendMerkleTreeState answers the size, a zero root and no partials),
// and call depth is judged from caller and origin (a call straight from the
// transaction's sender is top level).
import {
  concatHex,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  keccak256,
  numberToHex,
  pad,
  parseAbi,
  type Address,
  type Hex,
} from "viem";

import { DEFAULT_PARENT_CHAIN_PRICE_MODEL, type ParentChainPriceModel } from "./l1-pricing.js";
import { definePrecompile, type DefinedPrecompile, PrecompileRevert, STORAGE_WRITE_COST, type MethodScope } from "./precompile-kit.js";

export const ARBSYS_ADDRESS: Address = "0x0000000000000000000000000000000000000064";

/** Nitro's util.RemapL1Address offset (AddressAliasHelper.L1_TO_L2_ALIAS_OFFSET). */
export const ALIAS_OFFSET = 0x1111000000000000000000000000000000001111n;
const ADDRESS_MASK = (1n << 160n) - 1n;

/** ArbSys's slot holding the send Merkle tree's size (the emulation's own layout). */
const SEND_COUNT_SLOT: Hex = pad("0x01", { size: 32 });

const ARBSYS_EVENTS = parseAbi([
  "event L2ToL1Tx(address caller, address indexed destination, uint256 indexed hash, uint256 indexed position, uint256 arbBlockNum, uint256 ethBlockNum, uint256 timestamp, uint256 callvalue, bytes data)",
  "error InvalidBlockNumber(uint256 requested, uint256 current)",
]);

/** The L2 alias of an L1 contract address (AddressAliasHelper.applyL1ToL2Alias). */
export function applyL1ToL2Alias(address: Address): Address {
  return pad(numberToHex((BigInt(address) + ALIAS_OFFSET) & ADDRESS_MASK), { size: 20 }) as Address;
}

export interface ArbSysOptions {
  arbOsVersion: number;
  parentChain?: ParentChainPriceModel;
}

async function sendTxToL1(scope: MethodScope, destination: Address, data: Hex, parentBlock: bigint): Promise<bigint> {
  const { context } = scope;
  const { block } = context;
  const position = BigInt(await context.state.getStorage(ARBSYS_ADDRESS, SEND_COUNT_SLOT));
  const sendHash = keccak256(
    concatHex([
      context.caller,
      destination,
      pad(numberToHex(block.number), { size: 32 }),
      pad(numberToHex(parentBlock), { size: 32 }),
      pad(numberToHex(block.timestamp), { size: 32 }),
      pad(numberToHex(context.value), { size: 32 }),
      data,
    ]),
  );
  await context.state.setStorage(ARBSYS_ADDRESS, SEND_COUNT_SLOT, pad(numberToHex(position + 1n), { size: 32 }));
  scope.charge(STORAGE_WRITE_COST);
  const topics = encodeEventTopics({
    abi: ARBSYS_EVENTS,
    eventName: "L2ToL1Tx",
    args: { destination, hash: BigInt(sendHash), position },
  }) as Hex[];
  scope.emit({
    topics,
    data: encodeAbiParameters(
      [{ type: "address" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }, { type: "bytes" }],
      [context.caller, block.number, parentBlock, block.timestamp, context.value, data],
    ),
  });
  return position;
}

export function createArbSys(options: ArbSysOptions): DefinedPrecompile {
  const parentBlock = (options.parentChain ?? DEFAULT_PARENT_CHAIN_PRICE_MODEL).l1BlockNumber;
  return definePrecompile({
    address: ARBSYS_ADDRESS,
    name: "ArbSys",
    arbOsVersion: options.arbOsVersion,
    extraAbi: [
      "event L2ToL1Tx(address caller, address indexed destination, uint256 indexed hash, uint256 indexed position, uint256 arbBlockNum, uint256 ethBlockNum, uint256 timestamp, uint256 callvalue, bytes data)",
      "error InvalidBlockNumber(uint256 requested, uint256 current)",
    ],
    methods: [
      { signature: "function arbBlockNumber() view returns (uint256)", run: (_a, s) => s.context.block.number },
      {
        signature: "function arbBlockHash(uint256 arbBlockNum) view returns (bytes32)",
        run: async ([requested], s) => {
          const current = s.context.block.number;
          const n = requested as bigint;
          if (n >= current || n + 256n < current) {
            if (options.arbOsVersion >= 11) {
              throw new PrecompileRevert(encodeErrorResult({ abi: ARBSYS_EVENTS, errorName: "InvalidBlockNumber", args: [n, current] }));
            }
            throw new PrecompileRevert();
          }
          return s.context.getBlockHash === undefined ? pad("0x00", { size: 32 }) : await s.context.getBlockHash(n);
        },
      },
      { signature: "function arbChainID() view returns (uint256)", run: (_a, s) => s.context.chainId },
      { signature: "function arbOSVersion() view returns (uint256)", run: () => 55n + BigInt(options.arbOsVersion) },
      { signature: "function getStorageGasAvailable() view returns (uint256)", run: () => 0n },
      {
        signature: "function isTopLevelCall() view returns (bool)",
        run: (_a, s) => s.context.caller.toLowerCase() === s.context.origin.toLowerCase(),
      },
      {
        signature: "function mapL1SenderContractAddressToL2Alias(address sender, address unused) pure returns (address)",
        run: ([sender]) => applyL1ToL2Alias(sender as Address),
      },
      // No L1-originated (retryable, deposit) transactions run contract code on this chain.
      { signature: "function wasMyCallersAddressAliased() view returns (bool)", run: () => false },
      {
        signature: "function myCallersAddressWithoutAliasing() view returns (address)",
        run: (_a, s) =>
          s.context.caller.toLowerCase() === s.context.origin.toLowerCase()
            ? "0x0000000000000000000000000000000000000000"
            : s.context.origin,
      },
      {
        signature: "function sendTxToL1(address destination, bytes data) payable returns (uint256)",
        run: async ([destination, data], s) => await sendTxToL1(s, destination as Address, data as Hex, parentBlock),
      },
      {
        signature: "function withdrawEth(address destination) payable returns (uint256)",
        run: async ([destination], s) => await sendTxToL1(s, destination as Address, "0x", parentBlock),
      },
      {
        signature: "function sendMerkleTreeState() view returns (uint256 size, bytes32 root, bytes32[] partials)",
        run: async (_a, s) => {
          if (BigInt(s.context.caller) !== 0n) throw new PrecompileRevert(new Uint8Array(), "method can only be called by address zero");
          const size = BigInt(await s.context.state.getStorage(ARBSYS_ADDRESS, SEND_COUNT_SLOT));
          return [size, pad("0x00", { size: 32 }), []];
        },
      },
    ],
  });
}
