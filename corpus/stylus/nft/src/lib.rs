//! Corpus program `nft`: an ERC-721 built on openzeppelin-stylus's `Erc721`.
//!
//! Anyone may mint (the corpus checks transfers, not access control). The
//! case that matters is `safeTransferFrom` to a contract: the token calls the
//! receiver's `onERC721Received` (contracts/corpus/CorpusNftReceiver.sol)
//! inside the transaction and reverts the transfer unless the receiver
//! answers with the selector.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloy_primitives::{aliases::B32, Address, U256};
use openzeppelin_stylus::{
    token::erc721::{self, Erc721, IErc721},
    utils::introspection::erc165::IErc165,
};
use stylus_sdk::{abi::Bytes, prelude::*};

/// The token: OpenZeppelin's ERC-721 storage and nothing else.
#[entrypoint]
#[storage]
pub struct CorpusNft {
    /// Owners, balances and approvals.
    erc721: Erc721,
}

#[public]
#[implements(IErc721<Error = erc721::Error>, IErc165)]
impl CorpusNft {
    /// Mints `token_id` to `to` without the receiver check.
    ///
    /// # Errors
    /// `ERC721InvalidSender` when the token exists, `ERC721InvalidReceiver` for the zero address.
    pub fn mint(&mut self, to: Address, token_id: U256) -> Result<(), erc721::Error> {
        self.erc721._mint(to, token_id)
    }
}

#[public]
impl IErc721 for CorpusNft {
    type Error = erc721::Error;

    fn balance_of(&self, owner: Address) -> Result<U256, Self::Error> {
        self.erc721.balance_of(owner)
    }

    fn owner_of(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.owner_of(token_id)
    }

    fn safe_transfer_from(&mut self, from: Address, to: Address, token_id: U256) -> Result<(), Self::Error> {
        self.erc721.safe_transfer_from(from, to, token_id)
    }

    #[selector(name = "safeTransferFrom")]
    fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> Result<(), Self::Error> {
        self.erc721.safe_transfer_from_with_data(from, to, token_id, data)
    }

    fn transfer_from(&mut self, from: Address, to: Address, token_id: U256) -> Result<(), Self::Error> {
        self.erc721.transfer_from(from, to, token_id)
    }

    fn approve(&mut self, to: Address, token_id: U256) -> Result<(), Self::Error> {
        self.erc721.approve(to, token_id)
    }

    fn set_approval_for_all(&mut self, operator: Address, approved: bool) -> Result<(), Self::Error> {
        self.erc721.set_approval_for_all(operator, approved)
    }

    fn get_approved(&self, token_id: U256) -> Result<Address, Self::Error> {
        self.erc721.get_approved(token_id)
    }

    fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.erc721.is_approved_for_all(owner, operator)
    }
}

#[public]
impl IErc165 for CorpusNft {
    fn supports_interface(&self, interface_id: B32) -> bool {
        self.erc721.supports_interface(interface_id)
    }
}
