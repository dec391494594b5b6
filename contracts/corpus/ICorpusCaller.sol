// SPDX-License-Identifier: MIT
// The caller interface of the corpus: the Stylus program corpus/stylus/caller
// and its Solidity twin CorpusCaller. The target is any ICorpusCounter (Stylus
// or Solidity), so the four caller/callee pairs share one test.
pragma solidity ^0.8.28;

interface ICorpusCaller {
    /// A call out succeeded (`value`: the number set or the wei forwarded).
    event Called(address indexed target, uint256 value);

    /// This contract's own slot 0 (written by `delegateSetNumber`).
    function number() external view returns (uint256);
    function readNumber(address target) external view returns (uint256);
    function callIncrement(address target) external;
    function callSetNumber(address target, uint256 value) external;
    function forwardDeposit(address target) external payable;
    function delegateSetNumber(address implementation, uint256 value) external;
    function payOut(address to, uint256 amount) external;
}
