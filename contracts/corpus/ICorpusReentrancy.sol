// SPDX-License-Identifier: MIT
// The interface of the Stylus program corpus/stylus/reentrancy.
pragma solidity ^0.8.28;

interface ICorpusReentrancy {
    event Entered(address indexed hook, uint256 entries);
    event Reentered(address indexed by, bool reentrant);
    event Left(address indexed hook, uint256 reentries);

    function entries() external view returns (uint256);
    function reentries() external view returns (uint256);
    function lastReentrant() external view returns (bool);
    function enter(address hook) external;
    function reenter() external;
}
