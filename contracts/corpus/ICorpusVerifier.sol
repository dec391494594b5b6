// SPDX-License-Identifier: MIT
// The interface of the Stylus program corpus/stylus/verifier and its Solidity
// twin CorpusVerifier: ecrecover (0x01) and the P-256 verifier (0x100).
pragma solidity ^0.8.28;

interface ICorpusVerifier {
    error ECDSAInvalidSignature();
    error ECDSAInvalidSignatureS(bytes32 s);

    function recover(bytes32 hash, uint8 v, bytes32 r, bytes32 s) external view returns (address);
    function verifyP256(bytes32 hash, bytes32 r, bytes32 s, bytes32 x, bytes32 y) external view returns (bool);
}
