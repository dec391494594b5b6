// SPDX-License-Identifier: MIT
// EVM twin of the Stylus program corpus/stylus/reentrancy. The EVM has no
// msg_reentrant: a transient flag set while `enter` runs stands in for it
// (true when this contract is already on the call stack), which is what
// Nitro's msg_reentrant reports for a program.
pragma solidity ^0.8.28;

import {ICorpusReentrancy} from "./ICorpusReentrancy.sol";

interface IReentryHook {
    function onEnter() external;
}

contract CorpusReentrancy is ICorpusReentrancy {
    uint256 public entries;
    uint256 public reentries;
    bool public lastReentrant;

    bool private transient onStack;

    function enter(address hook) external {
        entries += 1;
        emit Entered(hook, entries);
        onStack = true;
        IReentryHook(hook).onEnter();
        onStack = false;
        emit Left(hook, reentries);
    }

    function reenter() external {
        bool reentrant = onStack;
        reentries += 1;
        lastReentrant = reentrant;
        emit Reentered(msg.sender, reentrant);
    }
}
