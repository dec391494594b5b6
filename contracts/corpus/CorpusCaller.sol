// SPDX-License-Identifier: MIT
// EVM twin of the Stylus program corpus/stylus/caller. Failed calls revert
// with the callee's revert data unchanged, as the program does.
pragma solidity ^0.8.28;

import {ICorpusCaller} from "./ICorpusCaller.sol";
import {ICorpusCounter} from "./ICorpusCounter.sol";

contract CorpusCaller is ICorpusCaller {
    uint256 public number;
    uint256 private deposited;

    receive() external payable {}

    function readNumber(address target) external view returns (uint256) {
        return ICorpusCounter(target).number();
    }

    function callIncrement(address target) external {
        (bool ok, bytes memory data) = target.call(abi.encodeCall(ICorpusCounter.increment, ()));
        _bubble(ok, data);
        emit Called(target, 0);
    }

    function callSetNumber(address target, uint256 value) external {
        (bool ok, bytes memory data) = target.call(abi.encodeCall(ICorpusCounter.setNumber, (value)));
        _bubble(ok, data);
        emit Called(target, value);
    }

    function forwardDeposit(address target) external payable {
        (bool ok, bytes memory data) = target.call{value: msg.value}(abi.encodeCall(ICorpusCounter.deposit, ()));
        _bubble(ok, data);
        emit Called(target, msg.value);
    }

    function delegateSetNumber(address implementation, uint256 value) external {
        (bool ok, bytes memory data) = implementation.delegatecall(abi.encodeCall(ICorpusCounter.setNumber, (value)));
        _bubble(ok, data);
    }

    function payOut(address to, uint256 amount) external {
        (bool ok, bytes memory data) = to.call{value: amount}("");
        _bubble(ok, data);
    }

    function _bubble(bool ok, bytes memory data) private pure {
        if (!ok) {
            assembly {
                revert(add(data, 32), mload(data))
            }
        }
    }
}
