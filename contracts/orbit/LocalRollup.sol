// SPDX-License-Identifier: MIT
// The rollup contract of the local parent/child pair (tasks/orbit/local-pair):
// it answers what the Arbitrum SDK reads to register a chain from its rollup
// address (bridge, inbox, sequencerInbox, outbox, confirmPeriodBlocks) and the
// owner() that nitro-contracts' Bridge asks before it lets anyone wire its
// inboxes and outbox. It validates no assertions: the local child credits
// deposits itself and posts no batches.
pragma solidity ^0.8.28;

contract LocalRollup {
    address public immutable owner;
    address public bridge;
    address public inbox;
    address public sequencerInbox;
    address public outbox;
    uint64 public immutable confirmPeriodBlocks;
    uint256 public immutable chainId;

    error LocalRollupNotOwner(address caller);
    error LocalRollupAlreadyWired();

    constructor(uint256 chainId_, uint64 confirmPeriodBlocks_) {
        owner = msg.sender;
        chainId = chainId_;
        confirmPeriodBlocks = confirmPeriodBlocks_;
    }

    /// Records the bridge contracts once, after they are deployed and initialised.
    function wire(address bridge_, address inbox_, address sequencerInbox_, address outbox_) external {
        if (msg.sender != owner) revert LocalRollupNotOwner(msg.sender);
        if (bridge != address(0)) revert LocalRollupAlreadyWired();
        bridge = bridge_;
        inbox = inbox_;
        sequencerInbox = sequencerInbox_;
        outbox = outbox_;
    }
}
