// SPDX-License-Identifier: MIT
// The external interface of MVPIoTProcessor, the contract both sides build to.
// The Rust crate in contracts-stylus/ implements exactly this; its
// `cargo run --features export-abi` output is the source of the committed ABI
// (contracts-stylus/artifacts/). Legacy functions keep the predecessor's
// selectors: submitResult(bytes32,uint8[],bytes32) and getResult(bytes32).
pragma solidity ^0.8.23;

interface IMVPIoTProcessor {
    // ---- access control -------------------------------------------------
    /// Sets the owner once; the deployer calls it right after activation.
    function initialize(address owner) external;
    function owner() external view returns (address);
    function transferOwnership(address new_owner) external;
    /// Owner only: allow or revoke an account that may commit.
    function setSubmitter(address account, bool allowed) external;
    /// True for authorised submitters and for the owner.
    function isSubmitter(address account) external view returns (bool);

    // ---- device registry ------------------------------------------------
    /// Submitter or owner. Reverts RegistryDeviceExists on a second call.
    function registerDevice(bytes32 device_id, address device_owner) external;
    /// Owner or the device's owner.
    function setDeviceActive(bytes32 device_id, bool active) external;
    /// Unknown device: (address(0), false, 0).
    function getDevice(bytes32 device_id) external view returns (address device_owner, bool active, uint64 registered_at);

    // ---- per-reading proof commits (32 bytes, no ciphertext) -----------
    /// Submitter only; the device must be registered and active; a proof is written once.
    function commitProof(bytes32 proof_hash, bytes32 device_id) external;
    /// Unknown proof: all zero.
    function getProof(bytes32 proof_hash) external view returns (bytes32 device_id, address submitter, uint64 timestamp, uint64 block_number);
    function isProofCommitted(bytes32 proof_hash) external view returns (bool);

    // ---- Merkle batches -------------------------------------------------
    /// Submitter only; count >= 1, root != 0, a batch id is written once.
    function commitBatch(bytes32 batch_id, bytes32 root, uint32 count) external;
    /// Unknown batch: all zero.
    function getBatch(bytes32 batch_id) external view returns (bytes32 root, uint32 count, address submitter, uint64 timestamp, uint64 block_number);
    /// True when `proof_hash` is leaf `index` of the committed batch (see the Merkle rules below).
    function verifyInclusion(bytes32 batch_id, bytes32 proof_hash, uint32 index, bytes32[] calldata proof) external view returns (bool);

    // ---- predecessor interface -----------------------------------------
    /// Submitter only; a task id is written once (ResultAlreadySubmitted).
    function submitResult(bytes32 task_id, uint8[] calldata encrypted_result, bytes32 proof_hash) external;
    /// Unknown task: empty array and zeros, as the predecessor answered.
    function getResult(bytes32 task_id) external view returns (uint8[] memory, bytes32, uint256, address);

    // ---- counters ---------------------------------------------------------
    function totals() external view returns (uint64 devices, uint64 proofs, uint64 batches, uint64 results);

    // ---- events (every state change; ids indexed) ---------------------------
    event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);
    event SubmitterUpdated(address indexed account, bool allowed);
    event DeviceRegistered(bytes32 indexed device_id, address indexed device_owner);
    event DeviceStatusChanged(bytes32 indexed device_id, bool active);
    event ProofCommitted(bytes32 indexed proof_hash, bytes32 indexed device_id, address indexed submitter, uint64 timestamp);
    event BatchCommitted(bytes32 indexed batch_id, bytes32 indexed root, address indexed submitter, uint32 count, uint64 timestamp);
    event ResultSubmitted(bytes32 indexed task_id, bytes32 indexed proof_hash, address indexed submitter);

    // ---- custom errors -------------------------------------------------------
    error AccessAlreadyInitialized();
    error AccessNotInitialized();
    error AccessUnauthorized(address account);
    error AccessZeroAddress();
    error RegistryDeviceExists(bytes32 device_id);
    error RegistryUnknownDevice(bytes32 device_id);
    error RegistryDeviceInactive(bytes32 device_id);
    error ProofZeroHash();
    error ProofAlreadyCommitted(bytes32 proof_hash);
    error BatchZeroRoot();
    error BatchEmpty();
    error BatchAlreadyCommitted(bytes32 batch_id);
    error ResultAlreadySubmitted(bytes32 task_id);
}

// Merkle rules, identical in node/src/merkle (TypeScript) and contracts-stylus/src (Rust):
//   leaf(p)       = keccak256(0x00 || p)            p = proof_hash (SHA-256 of the final ciphertext)
//   node(l, r)    = keccak256(0x01 || l || r)
//   a level of n nodes pairs (0,1), (2,3), ...; when n is odd the last node is promoted unchanged
//   root of one leaf = leaf(p); a batch holds count >= 1 leaves
//   proof of leaf i = the siblings from the bottom up, skipping levels where the node is promoted
//   verify: h = leaf(p), i = index, n = count; require index < count;
//           while n > 1 { if !(i even && i == n-1) { s = proof[k++]; h = i even ? node(h, s) : node(s, h) }
//                         i >>= 1; n = (n + 1) >> 1 }
//           valid iff every proof element was consumed and h == root
