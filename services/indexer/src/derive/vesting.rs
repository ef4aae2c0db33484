//! Vesting wallets: allocation, released and revoked amounts; releases per beneficiary.

use super::{Changes, Context, DeriveError, Event};
use crate::events::SuiteEvent;
use masa_bindings::contracts::MasaVestingWallet::{
    MasaVestingWalletEvents, Released, Revoked, VestingInitialized,
};

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::MasaVestingWallet(event)) = ev.event else { return Ok(()) };
    let wallet = || vec![("wallet", ev.address.into())];
    match event {
        MasaVestingWalletEvents::VestingInitialized(VestingInitialized { allocation, .. }) => {
            out.amount("vesting", wallet(), "allocation", *allocation, true);
        }
        MasaVestingWalletEvents::Released(Released { beneficiary, amount }) => {
            out.amount("vesting", wallet(), "released", *amount, true);
            out.wallet_amount(*beneficiary, "vested_released", *amount);
        }
        MasaVestingWalletEvents::Revoked(Revoked { unvested, .. }) => {
            out.amount("vesting", wallet(), "revoked_unvested", *unvested, true);
        }
        _ => {}
    }
    Ok(())
}
