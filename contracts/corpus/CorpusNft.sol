// SPDX-License-Identifier: MIT
// EVM twin of the Stylus program corpus/stylus/nft: an ERC-721 that behaves as
// openzeppelin-stylus 0.3's Erc721 does (same events and errors, and a
// receiver that reverts with data is reported as InvalidReceiverWithReason),
// so the token cases run on both.
pragma solidity ^0.8.28;

import {ICorpusNft} from "./ICorpusNft.sol";

interface IERC721ReceiverTwin {
    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4);
}

contract CorpusNft is ICorpusNft {
    mapping(uint256 => address) private _owners;
    mapping(address => uint256) private _balances;
    mapping(uint256 => address) private _approvals;
    mapping(address => mapping(address => bool)) private _operators;

    function mint(address to, uint256 tokenId) external {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        if (_update(to, tokenId, address(0)) != address(0)) revert ERC721InvalidSender(address(0));
    }

    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _balances[owner];
    }

    function ownerOf(uint256 tokenId) public view returns (address) {
        return _requireOwned(tokenId);
    }

    function safeTransferFrom(address from, address to, uint256 tokenId) external {
        safeTransferFrom(from, to, tokenId, "");
    }

    function safeTransferFrom(address from, address to, uint256 tokenId, bytes memory data) public {
        transferFrom(from, to, tokenId);
        _checkOnERC721Received(msg.sender, from, to, tokenId, data);
    }

    function transferFrom(address from, address to, uint256 tokenId) public {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        address previous = _update(to, tokenId, msg.sender);
        if (previous != from) revert ERC721IncorrectOwner(from, tokenId, previous);
    }

    function approve(address to, uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner && !_operators[owner][msg.sender]) revert ERC721InvalidApprover(msg.sender);
        _approvals[tokenId] = to;
        emit Approval(owner, to, tokenId);
    }

    function setApprovalForAll(address operator, bool approved) external {
        if (operator == address(0)) revert ERC721InvalidOperator(address(0));
        _operators[msg.sender][operator] = approved;
        emit ApprovalForAll(msg.sender, operator, approved);
    }

    function getApproved(uint256 tokenId) external view returns (address) {
        _requireOwned(tokenId);
        return _approvals[tokenId];
    }

    function isApprovedForAll(address owner, address operator) public view returns (bool) {
        return _operators[owner][operator];
    }

    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x80ac58cd || interfaceId == 0x01ffc9a7;
    }

    function _requireOwned(uint256 tokenId) private view returns (address owner) {
        owner = _owners[tokenId];
        if (owner == address(0)) revert ERC721NonexistentToken(tokenId);
    }

    function _update(address to, uint256 tokenId, address auth) private returns (address from) {
        from = _owners[tokenId];
        if (auth != address(0)) {
            bool authorized = from == auth || _operators[from][auth] || _approvals[tokenId] == auth;
            if (!authorized) {
                if (from == address(0)) revert ERC721NonexistentToken(tokenId);
                revert ERC721InsufficientApproval(auth, tokenId);
            }
        }
        if (from != address(0)) {
            delete _approvals[tokenId];
            _balances[from] -= 1;
        }
        if (to != address(0)) _balances[to] += 1;
        _owners[tokenId] = to;
        emit Transfer(from, to, tokenId);
    }

    function _checkOnERC721Received(address operator, address from, address to, uint256 tokenId, bytes memory data)
        private
    {
        if (to.code.length == 0) return;
        try IERC721ReceiverTwin(to).onERC721Received(operator, from, tokenId, data) returns (bytes4 answer) {
            if (answer != IERC721ReceiverTwin.onERC721Received.selector) revert ERC721InvalidReceiver(to);
        } catch (bytes memory reason) {
            if (reason.length == 0) revert ERC721InvalidReceiver(to);
            revert InvalidReceiverWithReason(string(reason));
        }
    }
}
