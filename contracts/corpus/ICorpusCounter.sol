// SPDX-License-Identifier: MIT
// The counter interface of the corpus: the Stylus program corpus/stylus/counter
// and its Solidity twin CorpusCounter both implement it, so one behaviour test
// runs on both and the TypeScript side takes the ABI from here.
pragma solidity ^0.8.28;

interface ICorpusCounter {
    /// The number changed (set, incremented or decremented) by `by`.
    event NumberSet(address indexed by, uint256 number);
    /// `from` sent `amount` wei to `deposit`.
    event Deposited(address indexed from, uint256 amount);

    /// `decrement` at zero.
    error CounterUnderflow();
    /// `setNumber` above the limit (1,000,000).
    error CounterTooLarge(uint256 requested, uint256 limit);

    function number() external view returns (uint256);
    function deposited() external view returns (uint256);
    function increment() external;
    function decrement() external;
    function setNumber(uint256 value) external;
    function deposit() external payable;
}

/// The Stylus constructor entry of the counter program (selector of
/// `stylus_constructor()`, arguments ABI-encoded after it), as a factory calls it.
interface IStylusConstructor {
    function stylus_constructor() external;
}
