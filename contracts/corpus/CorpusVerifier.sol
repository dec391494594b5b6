// SPDX-License-Identifier: MIT
// EVM twin of the Stylus program corpus/stylus/verifier: the same checks
// (low `s`, v in {27, 28}, non-zero signer; P-256 low `s`) and errors.
pragma solidity ^0.8.28;

import {ICorpusVerifier} from "./ICorpusVerifier.sol";

contract CorpusVerifier is ICorpusVerifier {
    uint256 private constant SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;
    uint256 private constant P256_HALF_N = 0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8;
    address private constant P256_VERIFY = address(0x100);

    function recover(bytes32 hash, uint8 v, bytes32 r, bytes32 s) external pure returns (address) {
        if (uint256(s) > SECP256K1_HALF_N) revert ECDSAInvalidSignatureS(s);
        address signer = ecrecover(hash, v, r, s);
        if (signer == address(0)) revert ECDSAInvalidSignature();
        return signer;
    }

    function verifyP256(bytes32 hash, bytes32 r, bytes32 s, bytes32 x, bytes32 y) external view returns (bool) {
        if (uint256(s) > P256_HALF_N) return false;
        (bool ok, bytes memory out) = P256_VERIFY.staticcall(abi.encode(hash, r, s, x, y));
        return ok && out.length == 32 && abi.decode(out, (uint256)) == 1;
    }
}
