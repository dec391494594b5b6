// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Test contract for hardhat-stylus's combined EVM/Stylus interpreter: forwards calls
/// (call with value, staticcall, delegatecall) to any target, keeps a counter with an event
/// (so tests see state, value and the order of logs across EVM and Stylus frames), and deploys
/// Stylus init code with CREATE2 then activates it through ArbWasm in the same transaction,
/// the way a StylusDeployer-style factory does.
contract InteropProbe {
    uint256 public count;

    event Bumped(uint256 count);
    event Deployed(address program);

    receive() external payable {}

    function bump() public returns (uint256) {
        count += 1;
        emit Bumped(count);
        return count;
    }

    function forward(address target, bytes calldata data) external payable returns (bytes memory) {
        bump();
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) bubble(ret);
        return ret;
    }

    function forwardStatic(address target, bytes calldata data) external view returns (bytes memory) {
        (bool ok, bytes memory ret) = target.staticcall(data);
        if (!ok) bubble(ret);
        return ret;
    }

    function forwardDelegate(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.delegatecall(data);
        if (!ok) bubble(ret);
        return ret;
    }

    /// Bumps, then calls `target` with `gasLimit` gas and tolerates its failure.
    function tryForward(address target, bytes calldata data, uint256 gasLimit) external returns (bool ok) {
        bump();
        (ok, ) = target.call{gas: gasLimit}(data);
    }

    function deployStylus(bytes calldata initCode, bytes32 salt) external payable returns (address program) {
        bytes memory code = initCode;
        assembly {
            program := create2(0, add(code, 32), mload(code), salt)
        }
        require(program != address(0), "create2 failed");
        (bool ok, bytes memory ret) = address(0x71).call{value: msg.value}(
            abi.encodeWithSignature("activateProgram(address)", program)
        );
        if (!ok) bubble(ret);
        emit Deployed(program);
    }

    function bubble(bytes memory ret) private pure {
        assembly {
            revert(add(ret, 32), mload(ret))
        }
    }
}
