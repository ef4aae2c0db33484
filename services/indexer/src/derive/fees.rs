//! `FeeRouter`: payments per input token and the split of the MASA they became.

use super::{Changes, Context, DeriveError, Event};
use crate::events::SuiteEvent;
use masa_bindings::contracts::FeeRouter::{FeeDistributed, FeePaid, FeeRouterEvents};

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::FeeRouter(event)) = ev.event else { return Ok(()) };
    match event {
        FeeRouterEvents::FeePaid(FeePaid { payer, token, amountIn: amount_in, masaAmount: masa, .. }) => {
            let token = || vec![("token", (*token).into())];
            out.count("fee_payments", token(), "payments", 1);
            out.amount("fee_payments", token(), "amount_in", *amount_in, true);
            out.amount("fee_payments", token(), "masa", *masa, true);
            out.wallet_count(*payer, "fees_paid", 1);
        }
        FeeRouterEvents::FeeDistributed(FeeDistributed {
            burned,
            oracle,
            validator,
            contributor,
            treasury,
            dust,
        }) => {
            for (bucket, amount) in [
                ("burned", burned),
                ("oracle", oracle),
                ("validator", validator),
                ("contributor", contributor),
                ("treasury", treasury),
                ("dust", dust),
            ] {
                out.amount("fee_distribution", vec![("bucket", bucket.into())], "amount", *amount, true);
            }
        }
        _ => {}
    }
    Ok(())
}
