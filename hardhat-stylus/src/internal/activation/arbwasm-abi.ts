// The ABI of Arbitrum's ArbWasm precompile (0x...71) as Nitro exposes it:
// functions, the ProgramActivated event and the custom errors, so calls are
// decoded and errors encoded byte for byte like on Nitro.
import { parseAbi } from "viem";

export const ARBWASM_ADDRESS = "0x0000000000000000000000000000000000000071" as const;

export const arbWasmAbi = parseAbi([
  "function activateProgram(address program) payable returns (uint16 version, uint256 dataFee)",
  "function stylusVersion() view returns (uint16 version)",
  "function codehashVersion(bytes32 codehash) view returns (uint16 version)",
  "function codehashKeepalive(bytes32 codehash) payable",
  "function codehashAsmSize(bytes32 codehash) view returns (uint32 size)",
  "function programVersion(address program) view returns (uint16 version)",
  "function programInitGas(address program) view returns (uint64 gas, uint64 gasWhenCached)",
  "function programMemoryFootprint(address program) view returns (uint16 footprint)",
  "function programTimeLeft(address program) view returns (uint64 secs)",
  "function inkPrice() view returns (uint32 price)",
  "function maxStackDepth() view returns (uint32 depth)",
  "function freePages() view returns (uint16 pages)",
  "function pageGas() view returns (uint16 gas)",
  "function pageRamp() view returns (uint64 ramp)",
  "function pageLimit() view returns (uint16 limit)",
  "function minInitGas() view returns (uint64 gas, uint64 cached)",
  "function initCostScalar() view returns (uint64 percent)",
  "function expiryDays() view returns (uint16 days)",
  "function keepaliveDays() view returns (uint16 days)",
  "function blockCacheSize() view returns (uint16 count)",
  "event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version)",
  "event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee)",
  "error ProgramNotWasm()",
  "error ProgramNotActivated()",
  "error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion)",
  "error ProgramExpired(uint64 ageInSeconds)",
  "error ProgramUpToDate()",
  "error ProgramKeepaliveTooSoon(uint64 ageInSeconds)",
  "error ProgramInsufficientValue(uint256 have, uint256 want)",
]);

/** Nitro's Stylus parameters at ArbOS 32+ (defaults of a fresh chain), returned by the ArbWasm views. */
export const STYLUS_PARAMS = {
  version: 2,
  inkPrice: 10_000,
  maxStackDepth: 262_144,
  freePages: 2,
  pageGas: 1_000,
  pageRamp: 620_674_314n,
  pageLimit: 128,
  minInitGas: 72n * 128n,
  minCachedInitGas: 11n * 32n,
  initCostScalar: 50n * 2n,
  cachedCostScalar: 50n * 2n,
  expiryDays: 365,
  keepaliveDays: 31,
  blockCacheSize: 32,
} as const;
