// SPDX-License-Identifier: MIT
// The ERC-721 receiver of the corpus: records the last onERC721Received call
// and emits `TokenReceived`; when `rejecting`, it reverts with a custom error
// so the token's safeTransferFrom must fail and leave ownership unchanged.
pragma solidity ^0.8.28;

interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

contract CorpusNftReceiver is IERC721Receiver {
    event TokenReceived(address indexed token, address operator, address from, uint256 tokenId, bytes data);

    error ReceiverRejected(uint256 tokenId);

    bool public rejecting;
    uint256 public received;
    address public lastToken;
    uint256 public lastTokenId;

    function setRejecting(bool value) external {
        rejecting = value;
    }

    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4)
    {
        if (rejecting) revert ReceiverRejected(tokenId);
        received += 1;
        lastToken = msg.sender;
        lastTokenId = tokenId;
        emit TokenReceived(msg.sender, operator, from, tokenId, data);
        return IERC721Receiver.onERC721Received.selector;
    }
}
