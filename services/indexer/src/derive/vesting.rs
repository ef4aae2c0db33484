//! Vesting wallets: allocation, released and revoked amounts; releases per beneficiary.

use super::{Changes, Context, DeriveError, Event};

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    if ev.contract != "MasaVestingWallet" {
        return Ok(());
    }
    let wallet = || vec![("wallet", ev.address.into())];
    match ev.name {
        "VestingInitialized" => out.amount("vesting", wallet(), "allocation", ev.uint("allocation")?, true),
        "Released" => {
            let amount = ev.uint("amount")?;
            out.amount("vesting", wallet(), "released", amount, true);
            out.wallet_amount(ev.address("beneficiary")?, "vested_released", amount);
        }
        "Revoked" => out.amount("vesting", wallet(), "revoked_unvested", ev.uint("unvested")?, true),
        _ => {}
    }
    Ok(())
}
