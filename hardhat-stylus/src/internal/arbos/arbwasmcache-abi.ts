// ArbWasmCache (0x...72): Nitro's ABI (nitro-contracts src/precompiles/ArbWasmCache.sol)
// and the addresses of the contracts a Nitro dev node puts next to it.
import { parseAbi, type Address } from "viem";

export const ARBWASMCACHE_ADDRESS: Address = "0x0000000000000000000000000000000000000072";

export const arbWasmCacheAbi = parseAbi([
  "function isCacheManager(address manager) view returns (bool)",
  "function allCacheManagers() view returns (address[] managers)",
  "function cacheCodehash(bytes32 codehash)",
  "function cacheProgram(address addr)",
  "function evictCodehash(bytes32 codehash)",
  "function codehashIsCached(bytes32 codehash) view returns (bool)",
  "event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached)",
]);

/** `cacheCodehash` exists in ArbOS 30 only (Nitro deprecated it for `cacheProgram` in 31). */
export const CACHE_CODEHASH_MAX_ARBOS = 30;
