// ArbOwnerPublic (0x6b), after Nitro's precompiles/ArbOwnerPublic.go: who
// owns the chain and the chain-wide settings anyone may read. One configured
// chain owner, who also receives the network and infrastructure fees; no
// native-token owners or transaction filterers; Nitro's initial values for
// the rest (Stylus: at most 2 contract fragments, from ArbOS 60).
import { encodeAbiParameters, encodeEventTopics, parseAbi, type Address, type Hex } from "viem";

import { DEFAULT_PARENT_CHAIN_PRICE_MODEL, type ParentChainPriceModel } from "./l1-pricing.js";
import { definePrecompile, type DefinedPrecompile, PrecompileRevert } from "./precompile-kit.js";
import { ARBOS_FRAGMENTS_VERSION as STYLUS_CONTRACT_LIMIT_ARBOS_VERSION, DEFAULT_MAX_FRAGMENTS as INITIAL_MAX_FRAGMENT_COUNT } from "../wasm/fragmented-program.js";

export const ARBOWNERPUBLIC_ADDRESS: Address = "0x000000000000000000000000000000000000006b";

/** params.ArbosVersion_StylusContractLimit and arbos/programs initialMaxFragmentCount (one source: the fragment format). */
export { STYLUS_CONTRACT_LIMIT_ARBOS_VERSION, INITIAL_MAX_FRAGMENT_COUNT };

const EVENTS = parseAbi(["event ChainOwnerRectified(address rectifiedOwner)"]);

export interface ArbOwnerPublicOptions {
  arbOsVersion: number;
  chainOwner: Address;
  parentChain?: ParentChainPriceModel;
}

export function createArbOwnerPublic(options: ArbOwnerPublicOptions): DefinedPrecompile {
  const owner = options.chainOwner;
  const isOwner = (a: unknown): boolean => typeof a === "string" && a.toLowerCase() === owner.toLowerCase();
  const model = options.parentChain ?? DEFAULT_PARENT_CHAIN_PRICE_MODEL;
  return definePrecompile({
    address: ARBOWNERPUBLIC_ADDRESS,
    name: "ArbOwnerPublic",
    arbOsVersion: options.arbOsVersion,
    extraAbi: ["event ChainOwnerRectified(address rectifiedOwner)"],
    methods: [
      { signature: "function getAllChainOwners() view returns (address[])", reads: 1, run: () => [owner] },
      { signature: "function isChainOwner(address addr) view returns (bool)", reads: 1, run: ([a]) => isOwner(a) },
      {
        signature: "function rectifyChainOwner(address ownerToRectify)",
        since: 11,
        reads: 1,
        run: ([a], s) => {
          if (!isOwner(a)) throw new PrecompileRevert(new Uint8Array(), "not an owner");
          s.emit({
            topics: encodeEventTopics({ abi: EVENTS, eventName: "ChainOwnerRectified" }) as Hex[],
            data: encodeAbiParameters([{ type: "address" }], [a as Address]),
          });
          return undefined;
        },
      },
      { signature: "function isNativeTokenOwner(address addr) view returns (bool)", since: 41, reads: 1, run: () => false },
      { signature: "function getAllNativeTokenOwners() view returns (address[])", since: 41, reads: 1, run: () => [] },
      { signature: "function getNativeTokenManagementFrom() view returns (uint64)", since: 41, reads: 1, run: () => 0n },
      { signature: "function getNetworkFeeAccount() view returns (address)", reads: 1, run: () => owner },
      { signature: "function getInfraFeeAccount() view returns (address)", since: 5, reads: 1, run: () => owner },
      {
        signature: "function getBrotliCompressionLevel() view returns (uint64)",
        since: 20,
        reads: 1,
        run: () => BigInt(model.brotliCompressionLevel),
      },
      { signature: "function getScheduledUpgrade() view returns (uint64, uint64)", since: 20, reads: 2, run: () => [0n, 0n] },
      { signature: "function isCalldataPriceIncreaseEnabled() view returns (bool)", since: 40, reads: 1, run: () => false },
      { signature: "function getParentGasFloorPerToken() view returns (uint64)", since: 50, reads: 1, run: () => 0n },
      {
        signature: "function getMaxStylusContractFragments() view returns (uint8)",
        since: STYLUS_CONTRACT_LIMIT_ARBOS_VERSION,
        reads: 1,
        run: () => INITIAL_MAX_FRAGMENT_COUNT,
      },
    ],
  });
}
