// SPDX-License-Identifier: MIT
// Called by the reentrancy program's `enter`: calls `reenter()` back on the
// program (a reentrant call) and then emits `Hooked`, so the logs of one
// transaction read Entered, Reentered, Hooked, Left.
pragma solidity ^0.8.28;

import {ICorpusReentrancy} from "./ICorpusReentrancy.sol";

contract CorpusReentryHook {
    event Hooked(address indexed program);

    function onEnter() external {
        ICorpusReentrancy(msg.sender).reenter();
        emit Hooked(msg.sender);
    }
}
