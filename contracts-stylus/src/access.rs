//! Access control: an owner set once, and the accounts allowed to commit.
//!
//! The owner is zero until [`Access::initialize`] runs; every guarded call
//! before that fails with `AccessNotInitialized`. The owner is always a
//! submitter; other submitters are added and removed by the owner.

use alloy_primitives::Address;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap},
};

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// The owner changed (from zero on `initialize`).
        #[derive(Debug, PartialEq, Eq)]
        event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);
        /// An account was allowed (`true`) or refused (`false`) as a submitter.
        #[derive(Debug, PartialEq, Eq)]
        event SubmitterUpdated(address indexed account, bool allowed);

        /// `initialize` was already called.
        #[derive(Debug, PartialEq, Eq)]
        error AccessAlreadyInitialized();
        /// A guarded function ran before `initialize`.
        #[derive(Debug, PartialEq, Eq)]
        error AccessNotInitialized();
        /// `account` may not call this function.
        #[derive(Debug, PartialEq, Eq)]
        error AccessUnauthorized(address account);
        /// The zero address was given where an account is required.
        #[derive(Debug, PartialEq, Eq)]
        error AccessZeroAddress();
    }
}

/// Refusals of the access-control component.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// `initialize` was already called.
    AlreadyInitialized(AccessAlreadyInitialized),
    /// A guarded function ran before `initialize`.
    NotInitialized(AccessNotInitialized),
    /// The caller may not call this function.
    Unauthorized(AccessUnauthorized),
    /// The zero address was given where an account is required.
    ZeroAddress(AccessZeroAddress),
}

/// Owner and submitter storage.
#[storage]
pub struct Access {
    /// The owner; zero until `initialize`.
    owner: StorageAddress,
    /// Accounts allowed to commit, besides the owner.
    submitters: StorageMap<Address, StorageBool>,
}

impl Access {
    /// Sets the first owner.
    ///
    /// # Errors
    /// `AccessAlreadyInitialized` when an owner is set; `AccessZeroAddress` for a zero `owner`.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    pub fn initialize(&mut self, owner: Address) -> Result<(), Error> {
        if !self.owner.get().is_zero() {
            return Err(Error::AlreadyInitialized(AccessAlreadyInitialized {}));
        }
        if owner.is_zero() {
            return Err(Error::ZeroAddress(AccessZeroAddress {}));
        }
        self._transfer_ownership(owner);
        Ok(())
    }

    /// The owner, zero before `initialize`.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// Hands ownership to `new_owner`; owner only.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized(caller)`, `AccessZeroAddress`.
    ///
    /// # Events
    /// `OwnershipTransferred(previous, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.only_owner()?;
        if new_owner.is_zero() {
            return Err(Error::ZeroAddress(AccessZeroAddress {}));
        }
        self._transfer_ownership(new_owner);
        Ok(())
    }

    /// Allows or refuses `account` as a submitter; owner only.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized(caller)`, `AccessZeroAddress`.
    ///
    /// # Events
    /// `SubmitterUpdated(account, allowed)`.
    pub fn set_submitter(&mut self, account: Address, allowed: bool) -> Result<(), Error> {
        self.only_owner()?;
        if account.is_zero() {
            return Err(Error::ZeroAddress(AccessZeroAddress {}));
        }
        self.submitters.setter(account).set(allowed);
        self.vm().log(SubmitterUpdated { account, allowed });
        Ok(())
    }

    /// True for the owner and for allowed submitters; never for the zero address.
    pub fn is_submitter(&self, account: Address) -> bool {
        !account.is_zero() && (account == self.owner.get() || self.submitters.get(account))
    }

    /// Guard: the caller is the owner.
    ///
    /// # Errors
    /// `AccessNotInitialized` before `initialize`, otherwise `AccessUnauthorized(caller)`.
    pub fn only_owner(&self) -> Result<(), Error> {
        let owner = self.owner.get();
        if owner.is_zero() {
            return Err(Error::NotInitialized(AccessNotInitialized {}));
        }
        let caller = self.vm().msg_sender();
        if caller != owner {
            return Err(Error::Unauthorized(AccessUnauthorized { account: caller }));
        }
        Ok(())
    }

    /// Guard: the caller is a submitter (or the owner).
    ///
    /// # Errors
    /// `AccessNotInitialized` before `initialize`, otherwise `AccessUnauthorized(caller)`.
    pub fn only_submitter(&self) -> Result<(), Error> {
        if self.owner.get().is_zero() {
            return Err(Error::NotInitialized(AccessNotInitialized {}));
        }
        let caller = self.vm().msg_sender();
        if !self.is_submitter(caller) {
            return Err(Error::Unauthorized(AccessUnauthorized { account: caller }));
        }
        Ok(())
    }

    /// Writes the owner and emits `OwnershipTransferred`.
    fn _transfer_ownership(&mut self, new_owner: Address) {
        let previous_owner = self.owner.get();
        self.owner.set(new_owner);
        self.vm().log(OwnershipTransferred {
            previous_owner,
            new_owner,
        });
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::Address;

    use super::*;
    use crate::{
        testing::{Fixture, ALICE, BOB, DAVE, DEVICE, EVE, PROOF},
        Error as ContractError,
    };

    #[test]
    fn reports_the_zero_owner_before_initialize() {
        let f = Fixture::new();
        assert_eq!(f.contract.owner(), Address::ZERO);
        assert!(!f.contract.is_submitter(ALICE));
    }

    #[test]
    fn initialize_sets_the_owner_and_emits_ownership_transferred() {
        let mut f = Fixture::new();
        f.sender(EVE);
        f.contract.initialize(ALICE).expect("first initialize");
        assert_eq!(f.contract.owner(), ALICE);
        f.assert_emitted_only(OwnershipTransferred {
            previous_owner: Address::ZERO,
            new_owner: ALICE,
        });
    }

    #[test]
    fn refuses_a_second_initialize_and_keeps_the_owner() {
        let mut f = Fixture::initialized();
        f.sender(EVE);
        let err = f.contract.initialize(EVE).unwrap_err();
        assert!(
            matches!(err, ContractError::AlreadyInitialized(_)),
            "{err:?}"
        );
        assert_eq!(f.contract.owner(), ALICE);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_a_zero_owner_on_initialize() {
        let mut f = Fixture::new();
        let err = f.contract.initialize(Address::ZERO).unwrap_err();
        assert!(matches!(err, ContractError::ZeroAddress(_)), "{err:?}");
        assert_eq!(f.contract.owner(), Address::ZERO);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_every_guarded_call_before_initialize() {
        let mut f = Fixture::new();
        f.sender(ALICE);
        let results = [
            f.contract.transfer_ownership(BOB),
            f.contract.set_submitter(BOB, true),
            f.contract.register_device(DEVICE, DAVE),
            f.contract.commit_proof(PROOF, DEVICE),
            f.contract.commit_batch(DEVICE, PROOF, 1),
            f.contract.submit_result(DEVICE, vec![1], PROOF),
        ];
        for result in results {
            assert!(
                matches!(result, Err(ContractError::NotInitialized(_))),
                "{result:?}"
            );
        }
        f.assert_no_logs();
    }

    #[test]
    fn transfers_ownership_and_emits_the_event() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        f.contract
            .transfer_ownership(DAVE)
            .expect("owner transfers");
        assert_eq!(f.contract.owner(), DAVE);
        f.assert_emitted_only(OwnershipTransferred {
            previous_owner: ALICE,
            new_owner: DAVE,
        });
    }

    #[test]
    fn takes_the_rights_of_a_former_owner_away() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        f.contract
            .transfer_ownership(DAVE)
            .expect("owner transfers");
        let err = f.contract.set_submitter(EVE, true).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == ALICE),
            "{err:?}"
        );
        assert!(!f.contract.is_submitter(ALICE));
        assert!(f.contract.is_submitter(DAVE));
    }

    #[test]
    fn prevents_non_owners_from_transferring_ownership() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.transfer_ownership(BOB).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == BOB),
            "{err:?}"
        );
        assert_eq!(f.contract.owner(), ALICE);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_to_transfer_ownership_to_the_zero_address() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        let err = f.contract.transfer_ownership(Address::ZERO).unwrap_err();
        assert!(matches!(err, ContractError::ZeroAddress(_)), "{err:?}");
        assert_eq!(f.contract.owner(), ALICE);
        f.assert_no_logs();
    }

    #[test]
    fn lets_the_owner_add_and_revoke_submitters_with_events() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        f.contract.set_submitter(DAVE, true).expect("owner adds");
        assert!(f.contract.is_submitter(DAVE));
        f.assert_emitted_only(SubmitterUpdated {
            account: DAVE,
            allowed: true,
        });
        f.contract
            .set_submitter(DAVE, false)
            .expect("owner revokes");
        assert!(!f.contract.is_submitter(DAVE));
        f.assert_emitted_only(SubmitterUpdated {
            account: DAVE,
            allowed: false,
        });
    }

    #[test]
    fn prevents_non_owners_from_setting_submitters() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.set_submitter(EVE, true).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == BOB),
            "{err:?}"
        );
        assert!(!f.contract.is_submitter(EVE));
        f.assert_no_logs();
    }

    #[test]
    fn refuses_a_zero_submitter() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        let err = f.contract.set_submitter(Address::ZERO, true).unwrap_err();
        assert!(matches!(err, ContractError::ZeroAddress(_)), "{err:?}");
        f.assert_no_logs();
    }

    #[test]
    fn treats_the_owner_as_a_submitter_and_never_the_zero_address() {
        let f = Fixture::initialized();
        assert!(f.contract.is_submitter(ALICE));
        assert!(f.contract.is_submitter(BOB));
        assert!(!f.contract.is_submitter(EVE));
        assert!(!f.contract.is_submitter(Address::ZERO));
    }

    #[test]
    fn refuses_commits_from_a_revoked_submitter() {
        let mut f = Fixture::with_device();
        f.sender(ALICE);
        f.contract.set_submitter(BOB, false).expect("owner revokes");
        f.vm.clear_mocks();
        f.sender(BOB);
        let err = f.contract.commit_proof(PROOF, DEVICE).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == BOB),
            "{err:?}"
        );
        f.assert_no_logs();
    }
}
