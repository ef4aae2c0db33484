//! MASA: balances, minted and burned totals, transfer counts, rewards from the fee router.

use super::{Changes, Context, DeriveError, Event};
use crate::events::SuiteEvent;
use alloy::primitives::Address;
use masa_bindings::contracts::MasaToken::{MasaTokenEvents, Transfer};

pub(super) fn changes(ev: &Event<'_>, ctx: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::MasaToken(MasaTokenEvents::Transfer(Transfer { from, to, value }))) = ev.event
    else {
        return Ok(());
    };
    let (from, to, value) = (*from, *to, *value);
    let token = || vec![("token", ev.address.into())];
    if from == Address::ZERO {
        out.amount("supply", token(), "minted", value, true);
    } else {
        out.amount(
            "balances",
            vec![("token", ev.address.into()), ("holder", from.into())],
            "amount",
            value,
            false,
        );
        out.wallet_count(from, "transfers_out", 1);
    }
    if to == Address::ZERO {
        out.amount("supply", token(), "burned", value, true);
    } else {
        out.amount(
            "balances",
            vec![("token", ev.address.into()), ("holder", to.into())],
            "amount",
            value,
            true,
        );
        out.wallet_count(to, "transfers_in", 1);
        if Some(from) == ctx.fee_router {
            out.wallet_amount(to, "rewards_earned", value);
        }
    }
    Ok(())
}
