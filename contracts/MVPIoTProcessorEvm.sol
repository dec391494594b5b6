// SPDX-License-Identifier: MIT
// MVPIoTProcessorEvm: a Solidity twin of the Stylus contract MVPIoTProcessor
// (contracts-stylus/), with the same interface, storage work and refusals
// (docs/contract-interface.sol). It is the EVM baseline in the benchmarks and
// a reference in conformance tests; the product contract is the Stylus one.
pragma solidity ^0.8.28;

contract MVPIoTProcessorEvm {
    struct Device {
        address deviceOwner;
        bool active;
        uint64 registeredAt;
    }
    struct Proof {
        bytes32 deviceId;
        address submitter;
        uint64 timestamp;
        uint64 blockNumber;
    }
    struct Batch {
        bytes32 root;
        uint32 count;
        address submitter;
        uint64 timestamp;
        uint64 blockNumber;
    }
    struct Result {
        uint8[] encryptedResult;
        bytes32 proofHash;
        uint256 timestamp;
        address submitter;
    }

    address private _owner;
    mapping(address => bool) private _submitters;
    mapping(bytes32 => Device) private _devices;
    mapping(bytes32 => Proof) private _proofs;
    mapping(bytes32 => Batch) private _batches;
    mapping(bytes32 => Result) private _results;
    uint64 private _deviceCount;
    uint64 private _proofCount;
    uint64 private _batchCount;
    uint64 private _resultCount;

    event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);
    event SubmitterUpdated(address indexed account, bool allowed);
    event DeviceRegistered(bytes32 indexed device_id, address indexed device_owner);
    event DeviceStatusChanged(bytes32 indexed device_id, bool active);
    event ProofCommitted(bytes32 indexed proof_hash, bytes32 indexed device_id, address indexed submitter, uint64 timestamp);
    event BatchCommitted(bytes32 indexed batch_id, bytes32 indexed root, address indexed submitter, uint32 count, uint64 timestamp);
    event ResultSubmitted(bytes32 indexed task_id, bytes32 indexed proof_hash, address indexed submitter);

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

    // ---- access control ----
    function initialize(address owner_) external {
        if (_owner != address(0)) revert AccessAlreadyInitialized();
        if (owner_ == address(0)) revert AccessZeroAddress();
        _transferOwnership(owner_);
    }

    function owner() external view returns (address) {
        return _owner;
    }

    function transferOwnership(address new_owner) external {
        _onlyOwner();
        if (new_owner == address(0)) revert AccessZeroAddress();
        _transferOwnership(new_owner);
    }

    function setSubmitter(address account, bool allowed) external {
        _onlyOwner();
        if (account == address(0)) revert AccessZeroAddress();
        _submitters[account] = allowed;
        emit SubmitterUpdated(account, allowed);
    }

    function isSubmitter(address account) public view returns (bool) {
        return account != address(0) && (account == _owner || _submitters[account]);
    }

    // ---- device registry ----
    function registerDevice(bytes32 device_id, address device_owner) external {
        _onlySubmitter();
        if (device_owner == address(0)) revert AccessZeroAddress();
        if (_devices[device_id].registeredAt != 0) revert RegistryDeviceExists(device_id);
        _devices[device_id] = Device(device_owner, true, uint64(block.timestamp));
        _deviceCount += 1;
        emit DeviceRegistered(device_id, device_owner);
    }

    function setDeviceActive(bytes32 device_id, bool active) external {
        Device storage d = _devices[device_id];
        if (d.registeredAt == 0) revert RegistryUnknownDevice(device_id);
        if (msg.sender != _owner && msg.sender != d.deviceOwner) revert AccessUnauthorized(msg.sender);
        d.active = active;
        emit DeviceStatusChanged(device_id, active);
    }

    function getDevice(bytes32 device_id) external view returns (address device_owner, bool active, uint64 registered_at) {
        Device storage d = _devices[device_id];
        return (d.deviceOwner, d.active, d.registeredAt);
    }

    // ---- per-reading proofs ----
    function commitProof(bytes32 proof_hash, bytes32 device_id) external {
        _onlySubmitter();
        if (proof_hash == bytes32(0)) revert ProofZeroHash();
        Device storage d = _devices[device_id];
        if (d.registeredAt == 0) revert RegistryUnknownDevice(device_id);
        if (!d.active) revert RegistryDeviceInactive(device_id);
        if (_proofs[proof_hash].timestamp != 0) revert ProofAlreadyCommitted(proof_hash);
        _proofs[proof_hash] = Proof(device_id, msg.sender, uint64(block.timestamp), uint64(block.number));
        _proofCount += 1;
        emit ProofCommitted(proof_hash, device_id, msg.sender, uint64(block.timestamp));
    }

    function getProof(bytes32 proof_hash)
        external
        view
        returns (bytes32 device_id, address submitter, uint64 timestamp, uint64 block_number)
    {
        Proof storage p = _proofs[proof_hash];
        return (p.deviceId, p.submitter, p.timestamp, p.blockNumber);
    }

    function isProofCommitted(bytes32 proof_hash) external view returns (bool) {
        return _proofs[proof_hash].timestamp != 0;
    }

    // ---- Merkle batches ----
    function commitBatch(bytes32 batch_id, bytes32 root, uint32 count) external {
        _onlySubmitter();
        if (root == bytes32(0)) revert BatchZeroRoot();
        if (count == 0) revert BatchEmpty();
        if (_batches[batch_id].timestamp != 0) revert BatchAlreadyCommitted(batch_id);
        _batches[batch_id] = Batch(root, count, msg.sender, uint64(block.timestamp), uint64(block.number));
        _batchCount += 1;
        emit BatchCommitted(batch_id, root, msg.sender, count, uint64(block.timestamp));
    }

    function getBatch(bytes32 batch_id)
        external
        view
        returns (bytes32 root, uint32 count, address submitter, uint64 timestamp, uint64 block_number)
    {
        Batch storage b = _batches[batch_id];
        return (b.root, b.count, b.submitter, b.timestamp, b.blockNumber);
    }

    function verifyInclusion(bytes32 batch_id, bytes32 proof_hash, uint32 index, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        Batch storage b = _batches[batch_id];
        uint256 n = b.count;
        if (n == 0 || index >= n) return false;
        bytes32 h = keccak256(abi.encodePacked(bytes1(0x00), proof_hash));
        uint256 i = index;
        uint256 k = 0;
        while (n > 1) {
            if (!(i % 2 == 0 && i == n - 1)) {
                if (k >= proof.length) return false;
                bytes32 s = proof[k++];
                h = i % 2 == 0
                    ? keccak256(abi.encodePacked(bytes1(0x01), h, s))
                    : keccak256(abi.encodePacked(bytes1(0x01), s, h));
            }
            i >>= 1;
            n = (n + 1) >> 1;
        }
        return k == proof.length && h == b.root;
    }

    // ---- predecessor interface ----
    function submitResult(bytes32 task_id, uint8[] calldata encrypted_result, bytes32 proof_hash) external {
        _onlySubmitter();
        if (_results[task_id].timestamp != 0) revert ResultAlreadySubmitted(task_id);
        _results[task_id] = Result(encrypted_result, proof_hash, block.timestamp, msg.sender);
        _resultCount += 1;
        emit ResultSubmitted(task_id, proof_hash, msg.sender);
    }

    function getResult(bytes32 task_id) external view returns (uint8[] memory, bytes32, uint256, address) {
        Result storage r = _results[task_id];
        return (r.encryptedResult, r.proofHash, r.timestamp, r.submitter);
    }

    function totals() external view returns (uint64 devices, uint64 proofs, uint64 batches, uint64 results) {
        return (_deviceCount, _proofCount, _batchCount, _resultCount);
    }

    // ---- internals ----
    function _transferOwnership(address new_owner) private {
        address previous = _owner;
        _owner = new_owner;
        emit OwnershipTransferred(previous, new_owner);
    }

    function _onlyOwner() private view {
        if (_owner == address(0)) revert AccessNotInitialized();
        if (msg.sender != _owner) revert AccessUnauthorized(msg.sender);
    }

    function _onlySubmitter() private view {
        if (_owner == address(0)) revert AccessNotInitialized();
        if (!isSubmitter(msg.sender)) revert AccessUnauthorized(msg.sender);
    }
}
