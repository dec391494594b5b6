//! Device registry: a device id maps to its owner, an active flag and the
//! time it was registered. A device is registered once; only its active flag
//! changes afterwards.

use alloy_primitives::{Address, B256, U64};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU64},
};

use crate::access::{AccessUnauthorized, AccessZeroAddress};

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A device was registered (active) for `device_owner`.
        #[derive(Debug, PartialEq, Eq)]
        event DeviceRegistered(bytes32 indexed device_id, address indexed device_owner);
        /// A device was switched on (`true`) or off (`false`).
        #[derive(Debug, PartialEq, Eq)]
        event DeviceStatusChanged(bytes32 indexed device_id, bool active);

        /// `device_id` is already registered.
        #[derive(Debug, PartialEq, Eq)]
        error RegistryDeviceExists(bytes32 device_id);
        /// `device_id` was never registered.
        #[derive(Debug, PartialEq, Eq)]
        error RegistryUnknownDevice(bytes32 device_id);
        /// `device_id` is registered but switched off.
        #[derive(Debug, PartialEq, Eq)]
        error RegistryDeviceInactive(bytes32 device_id);
    }
}

/// Refusals of the registry component.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The device is already registered.
    DeviceExists(RegistryDeviceExists),
    /// The device was never registered.
    UnknownDevice(RegistryUnknownDevice),
    /// The device is switched off.
    DeviceInactive(RegistryDeviceInactive),
    /// The caller is neither the contract owner nor the device owner.
    Unauthorized(AccessUnauthorized),
    /// The device owner is the zero address.
    ZeroAddress(AccessZeroAddress),
}

/// One registered device (packed into one storage slot).
#[storage]
pub struct Device {
    /// The account that may switch the device on and off; never zero once registered.
    device_owner: StorageAddress,
    /// Whether proofs may be committed for the device.
    active: StorageBool,
    /// Block timestamp of the registration.
    registered_at: StorageU64,
}

/// Device storage and its counter.
#[storage]
pub struct Registry {
    /// Devices by id.
    devices: StorageMap<B256, Device>,
    /// How many devices were registered.
    count: StorageU64,
}

impl Registry {
    /// Registers `device_id` as active for `device_owner`. The caller's right to do so
    /// is checked by the contract before.
    ///
    /// # Errors
    /// `AccessZeroAddress` for a zero owner, `RegistryDeviceExists` on a second call.
    ///
    /// # Events
    /// `DeviceRegistered(device_id, device_owner)`.
    pub fn register(&mut self, device_id: B256, device_owner: Address) -> Result<(), Error> {
        if device_owner.is_zero() {
            return Err(Error::ZeroAddress(AccessZeroAddress {}));
        }
        if self.exists(device_id) {
            return Err(Error::DeviceExists(RegistryDeviceExists { device_id }));
        }
        let registered_at = self.vm().block_timestamp();
        let mut device = self.devices.setter(device_id);
        device.device_owner.set(device_owner);
        device.active.set(true);
        device.registered_at.set(U64::from(registered_at));
        let count = self.count.get() + U64::from(1);
        self.count.set(count);
        self.vm().log(DeviceRegistered {
            device_id,
            device_owner,
        });
        Ok(())
    }

    /// Switches a device on or off; `contract_owner` and the device's owner may.
    ///
    /// # Errors
    /// `RegistryUnknownDevice`, then `AccessUnauthorized(caller)`.
    ///
    /// # Events
    /// `DeviceStatusChanged(device_id, active)`.
    pub fn set_active(
        &mut self,
        contract_owner: Address,
        device_id: B256,
        active: bool,
    ) -> Result<(), Error> {
        if !self.exists(device_id) {
            return Err(Error::UnknownDevice(RegistryUnknownDevice { device_id }));
        }
        let caller = self.vm().msg_sender();
        let device_owner = self.devices.get(device_id).device_owner.get();
        if caller != contract_owner && caller != device_owner {
            return Err(Error::Unauthorized(AccessUnauthorized { account: caller }));
        }
        self.devices.setter(device_id).active.set(active);
        self.vm().log(DeviceStatusChanged { device_id, active });
        Ok(())
    }

    /// Guard: the device is registered and active.
    ///
    /// # Errors
    /// `RegistryUnknownDevice`, `RegistryDeviceInactive`.
    pub fn ensure_active(&self, device_id: B256) -> Result<(), Error> {
        let device = self.devices.get(device_id);
        if device.device_owner.get().is_zero() {
            return Err(Error::UnknownDevice(RegistryUnknownDevice { device_id }));
        }
        if !device.active.get() {
            return Err(Error::DeviceInactive(RegistryDeviceInactive { device_id }));
        }
        Ok(())
    }

    /// `(device_owner, active, registered_at)`; all zero for an unknown device.
    pub fn get(&self, device_id: B256) -> (Address, bool, u64) {
        let device = self.devices.get(device_id);
        (
            device.device_owner.get(),
            device.active.get(),
            device.registered_at.get().to::<u64>(),
        )
    }

    /// How many devices were registered.
    pub fn count(&self) -> u64 {
        self.count.get().to::<u64>()
    }

    /// A device exists once it has an owner (never zero after `register`).
    fn exists(&self, device_id: B256) -> bool {
        !self.devices.get(device_id).device_owner.get().is_zero()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256};

    use super::*;
    use crate::{
        testing::{Fixture, ALICE, BOB, DAVE, DEVICE, EVE, T0},
        Error as ContractError,
    };

    #[test]
    fn registers_an_active_device_and_emits_device_registered() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        f.contract
            .register_device(DEVICE, DAVE)
            .expect("submitter registers");
        assert_eq!(f.contract.get_device(DEVICE), (DAVE, true, T0));
        assert_eq!(f.contract.totals().0, 1);
        f.assert_emitted_only(DeviceRegistered {
            device_id: DEVICE,
            device_owner: DAVE,
        });
    }

    #[test]
    fn lets_the_owner_register_devices_too() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        f.contract
            .register_device(DEVICE, DAVE)
            .expect("owner registers");
        assert_eq!(f.contract.get_device(DEVICE).0, DAVE);
    }

    #[test]
    fn refuses_a_second_registration_and_keeps_the_first() {
        let mut f = Fixture::with_device();
        f.vm.set_block_timestamp(T0 + 60);
        f.sender(ALICE);
        let err = f.contract.register_device(DEVICE, EVE).unwrap_err();
        assert!(
            matches!(err, ContractError::DeviceExists(RegistryDeviceExists { device_id }) if device_id == DEVICE),
            "{err:?}"
        );
        assert_eq!(f.contract.get_device(DEVICE), (DAVE, true, T0));
        assert_eq!(f.contract.totals().0, 1);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_a_zero_device_owner() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f
            .contract
            .register_device(DEVICE, Address::ZERO)
            .unwrap_err();
        assert!(matches!(err, ContractError::ZeroAddress(_)), "{err:?}");
        assert_eq!(f.contract.get_device(DEVICE), (Address::ZERO, false, 0));
        f.assert_no_logs();
    }

    #[test]
    fn prevents_strangers_from_registering_devices() {
        let mut f = Fixture::initialized();
        f.sender(EVE);
        let err = f.contract.register_device(DEVICE, EVE).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == EVE),
            "{err:?}"
        );
        f.assert_no_logs();
    }

    #[test]
    fn lets_the_device_owner_switch_the_device_off_and_on() {
        let mut f = Fixture::with_device();
        f.sender(DAVE);
        f.contract
            .set_device_active(DEVICE, false)
            .expect("device owner switches off");
        assert_eq!(f.contract.get_device(DEVICE), (DAVE, false, T0));
        f.assert_emitted_only(DeviceStatusChanged {
            device_id: DEVICE,
            active: false,
        });
        f.contract
            .set_device_active(DEVICE, true)
            .expect("device owner switches on");
        assert_eq!(f.contract.get_device(DEVICE), (DAVE, true, T0));
        f.assert_emitted_only(DeviceStatusChanged {
            device_id: DEVICE,
            active: true,
        });
    }

    #[test]
    fn lets_the_contract_owner_switch_a_device() {
        let mut f = Fixture::with_device();
        f.sender(ALICE);
        f.contract
            .set_device_active(DEVICE, false)
            .expect("owner switches off");
        assert!(!f.contract.get_device(DEVICE).1);
    }

    #[test]
    fn prevents_submitters_and_strangers_from_switching_a_device() {
        let mut f = Fixture::with_device();
        for caller in [BOB, EVE] {
            f.sender(caller);
            let err = f.contract.set_device_active(DEVICE, false).unwrap_err();
            assert!(
                matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == caller),
                "{err:?}"
            );
        }
        assert!(f.contract.get_device(DEVICE).1);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_to_switch_an_unknown_device() {
        let mut f = Fixture::initialized();
        f.sender(ALICE);
        let err = f.contract.set_device_active(DEVICE, true).unwrap_err();
        assert!(
            matches!(err, ContractError::UnknownDevice(RegistryUnknownDevice { device_id }) if device_id == DEVICE),
            "{err:?}"
        );
        f.assert_no_logs();
    }

    #[test]
    fn answers_zeros_for_an_unknown_device() {
        let f = Fixture::with_device();
        assert_eq!(
            f.contract.get_device(B256::repeat_byte(7)),
            (Address::ZERO, false, 0)
        );
    }
}
