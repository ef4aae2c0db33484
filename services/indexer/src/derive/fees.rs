//! `FeeRouter`: payments per input token and the split of the MASA they became.

use super::{Changes, Context, DeriveError, Event};

const BUCKETS: [&str; 6] = ["burned", "oracle", "validator", "contributor", "treasury", "dust"];

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    if ev.contract != "FeeRouter" {
        return Ok(());
    }
    match ev.name {
        "FeePaid" => {
            let token = ev.address("token")?;
            out.count("fee_payments", vec![("token", token.into())], "payments", 1);
            out.amount(
                "fee_payments",
                vec![("token", token.into())],
                "amount_in",
                ev.uint("amountIn")?,
                true,
            );
            out.amount("fee_payments", vec![("token", token.into())], "masa", ev.uint("masaAmount")?, true);
            out.wallet_count(ev.address("payer")?, "fees_paid", 1);
        }
        "FeeDistributed" => {
            for bucket in BUCKETS {
                out.amount(
                    "fee_distribution",
                    vec![("bucket", bucket.into())],
                    "amount",
                    ev.uint(bucket)?,
                    true,
                );
            }
        }
        _ => {}
    }
    Ok(())
}
