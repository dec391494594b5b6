// SPDX-License-Identifier: MIT
// EVM twin of the Stylus program corpus/stylus/counter: same interface, same
// storage layout (slot 0 number, slot 1 deposited), same events and errors.
pragma solidity ^0.8.28;

import {ICorpusCounter} from "./ICorpusCounter.sol";

contract CorpusCounter is ICorpusCounter {
    uint256 public number;
    uint256 public deposited;

    uint256 private constant LIMIT = 1_000_000;

    constructor(uint256 initial) {
        if (initial != 0) setNumber(initial);
    }

    function increment() external {
        _set(number + 1);
    }

    function decrement() external {
        if (number == 0) revert CounterUnderflow();
        _set(number - 1);
    }

    function setNumber(uint256 value) public {
        if (value > LIMIT) revert CounterTooLarge(value, LIMIT);
        _set(value);
    }

    function deposit() external payable {
        deposited += msg.value;
        emit Deposited(msg.sender, msg.value);
    }

    function _set(uint256 value) private {
        number = value;
        emit NumberSet(msg.sender, value);
    }
}
