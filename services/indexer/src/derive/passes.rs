//! `AccessPasses`: passes as accepted (owner, developer, record, price token and prices,
//! validity, uses, purpose, terms, delivery key) and their running totals (paid to the owner,
//! fees, escrow, refunded to the developer, uses requested and delivered, revoked, closed); each
//! use's delivery (the record encrypted to the developer, as emitted); per wallet, the passes it
//! granted and bought.
//!
//! Everything is either a row created by one event (`passes`, `pass_deliveries`, removed by a
//! rewind above its block) or a sum (`pass_totals`, wallet columns), so a rewind undoes it
//! exactly. The escrow is a sum too: `PassAccepted` escrows `escrow`, each `UseDelivered` releases
//! its `ownerAmount + fee` (one per-use price), `PassClosed` returns the rest. A pass is revoked
//! at most once (a revoked pass cannot be revoked again) and closed at most once (a close empties
//! the escrow, and an empty escrow cannot be closed), so `revoked`, its time and `closed` are sums
//! of one term.
//!
//! What an owner was paid per wallet is not a wallet column: `UseDelivered` names neither the
//! owner nor the price token, and a change depends on its event alone. The store reads it from
//! `passes` and `pass_totals`, per price token.
//!
//! `FeeSet` is a governance setting (a current value, not a sum), `NonceCancelled` and
//! `NonceFloorRaised` concern offers that were never accepted, and `FeesForwarded` is the fee
//! router's business (its own events count the MASA): they stay events.

use super::{Changes, Context, DeriveError, Event, Value};
use crate::events::SuiteEvent;
use alloy::primitives::U256;
use masa_bindings::contracts::{
    AccessPasses::{AccessPassesEvents, PassAccepted, PassClosed, PassRevoked, UseDelivered, UseRequested},
    access::IAccessPasses::{Delivery, Offer},
};

/// Passes: rows created by `PassAccepted`.
pub(super) const PASSES: &str = "passes";
/// Deliveries: rows created by `UseDelivered`.
pub(super) const DELIVERIES: &str = "pass_deliveries";
/// Per pass sums.
const TOTALS: &str = "pass_totals";

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::AccessPasses(event)) = ev.event else { return Ok(()) };
    let pass = |id: &U256| -> Result<Value, DeriveError> { Ok(ev.int("passId", *id)?.into()) };
    let totals = |id: &U256| -> Result<_, DeriveError> { Ok(vec![("pass_id", pass(id)?)]) };
    match event {
        AccessPassesEvents::PassAccepted(PassAccepted {
            passId: id,
            owner,
            developer,
            offer,
            ownerAmount: owner_amount,
            fee,
            escrow,
        }) => {
            let Offer {
                owner: _,
                tokenId: token_id,
                developer: _,
                token,
                upfrontPrice: upfront,
                perUsePrice: per_use,
                validFrom: valid_from,
                validUntil: valid_until,
                maxUses: max_uses,
                purpose,
                deliveryKeyX: key_x,
                deliveryKeyY: key_y,
                terms,
                nonce: _,
                deadline: _,
            } = offer;
            out.row(
                PASSES,
                vec![
                    ("pass_id", pass(id)?),
                    ("owner", (*owner).into()),
                    ("developer", (*developer).into()),
                    ("token_id", (*token_id).into()),
                    ("price_token", (*token).into()),
                    ("upfront_price", U256::from(*upfront).into()),
                    ("per_use_price", U256::from(*per_use).into()),
                    // uint64 times an offer may set beyond a database integer: decimal text
                    ("valid_from", valid_from.to_string().into()),
                    ("valid_until", valid_until.to_string().into()),
                    ("max_uses", i64::from(*max_uses).into()),
                    ("purpose", purpose.to_string().into()),
                    ("terms", (*terms).into()),
                    ("delivery_key_x", (*key_x).into()),
                    ("delivery_key_y", (*key_y).into()),
                    ("accepted_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("block_number", ev.block().into()),
                ],
            );
            out.amount(TOTALS, totals(id)?, "owner_paid", *owner_amount, true);
            out.amount(TOTALS, totals(id)?, "fees", *fee, true);
            out.amount(TOTALS, totals(id)?, "escrow", *escrow, true);
            out.wallet_count(*owner, "passes_granted", 1);
            out.wallet_count(*developer, "passes_bought", 1);
        }
        AccessPassesEvents::UseRequested(UseRequested { passId: id, useIndex: _ }) => {
            out.count(TOTALS, totals(id)?, "requested", 1);
        }
        AccessPassesEvents::UseDelivered(UseDelivered {
            passId: id,
            useIndex: use_index,
            ownerAmount: owner_amount,
            fee,
            delivery: Delivery { ephemeralKey: [x, y], nonce, ciphertext },
        }) => {
            out.row(
                DELIVERIES,
                vec![
                    ("pass_id", pass(id)?),
                    ("use_index", ev.int("useIndex", *use_index)?.into()),
                    ("owner_amount", (*owner_amount).into()),
                    ("fee", (*fee).into()),
                    ("ephemeral_key_x", (*x).into()),
                    ("ephemeral_key_y", (*y).into()),
                    ("nonce", (*nonce).into()),
                    ("ciphertext", super::pools::ciphertext_text(ciphertext).into()),
                    ("block_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("log_index", ev.log().into()),
                    ("block_number", ev.block().into()),
                ],
            );
            // the use's price, released from the escrow: the owner's part and the fee
            let released = owner_amount.checked_add(*fee).ok_or_else(|| ev.out_of_range("fee", fee))?;
            out.amount(TOTALS, totals(id)?, "escrow", released, false);
            out.amount(TOTALS, totals(id)?, "owner_paid", *owner_amount, true);
            out.amount(TOTALS, totals(id)?, "fees", *fee, true);
            out.count(TOTALS, totals(id)?, "delivered", 1);
        }
        AccessPassesEvents::PassRevoked(PassRevoked { passId: id, refundable: _ }) => {
            out.count(TOTALS, totals(id)?, "revoked", 1);
            out.count(TOTALS, totals(id)?, "revoked_time", ev.time());
        }
        AccessPassesEvents::PassClosed(PassClosed { passId: id, developer: _, amount }) => {
            out.amount(TOTALS, totals(id)?, "escrow", *amount, false);
            out.amount(TOTALS, totals(id)?, "refunded", *amount, true);
            out.count(TOTALS, totals(id)?, "closed", 1);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Key, tests::Logs};
    use super::*;
    use alloy::{
        primitives::{Address, B256, I256},
        sol_types::SolEvent,
    };
    use masa_bindings::{
        Contract,
        contracts::AccessPasses::{FeeSet, FeesForwarded, NonceCancelled, NonceFloorRaised},
    };

    fn pass_key(id: i64) -> Key {
        vec![("pass_id", Value::Int(id))]
    }

    fn accepted(valid_until: u64) -> PassAccepted {
        let (owner, developer) = (Address::repeat_byte(0xa1), Address::repeat_byte(0xde));
        PassAccepted {
            passId: U256::from(3),
            owner,
            developer,
            offer: Offer {
                owner,
                tokenId: U256::from(41),
                developer,
                token: Address::repeat_byte(0x70),
                upfrontPrice: 1_000,
                perUsePrice: 200,
                validFrom: 1_000,
                validUntil: valid_until,
                maxUses: 3,
                purpose: B256::repeat_byte(0x55),
                deliveryKeyX: U256::from(11),
                deliveryKeyY: U256::from(12),
                terms: Address::repeat_byte(0x7e),
                nonce: U256::from(9),
                deadline: U256::from(5_000),
            },
            ownerAmount: U256::from(975),
            fee: U256::from(25),
            escrow: U256::from(600),
        }
    }

    #[test]
    fn a_pass_its_uses_deliveries_revocation_and_close() {
        let id = U256::from(3);
        let ciphertext: [U256; 10] = std::array::from_fn(|i| U256::from(1_000 + i) << 200);
        let delivery =
            Delivery { ephemeralKey: [U256::from(5), U256::from(6)], nonce: U256::from(77), ciphertext };
        let delivered = |use_index: u64| UseDelivered {
            passId: id,
            useIndex: U256::from(use_index),
            ownerAmount: U256::from(195),
            fee: U256::from(5),
            delivery: delivery.clone(),
        };
        let logs = Logs::new(
            Contract::AccessPasses,
            [
                accepted(u64::MAX).encode_log_data(),
                UseRequested { passId: id, useIndex: U256::ZERO }.encode_log_data(),
                delivered(0).encode_log_data(),
                UseRequested { passId: id, useIndex: U256::from(1) }.encode_log_data(),
                PassRevoked { passId: id, refundable: U256::from(400) }.encode_log_data(),
                PassClosed { passId: id, developer: Address::repeat_byte(0xde), amount: U256::from(400) }
                    .encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let tables: Vec<_> = changes.rows.iter().map(|(t, _)| *t).collect();
        assert_eq!(tables, [PASSES, DELIVERIES]);
        let row = &changes.rows[0].1;
        assert!(row.contains(&("valid_until", u64::MAX.to_string().into())), "a uint64 beyond BIGINT");
        assert!(row.contains(&("purpose", format!("0x{}", "55".repeat(32)).into())));
        assert!(row.contains(&("upfront_price", Value::Uint(U256::from(1_000)))));
        assert!(row.contains(&("max_uses", Value::Int(3))) && row.contains(&("block_number", Value::Int(9))));
        let d = &changes.rows[1].1;
        assert!(d.contains(&("use_index", Value::Int(0))) && d.contains(&("log_index", Value::Int(2))));
        let words: Vec<String> = serde_json::from_str(
            d.iter().find_map(|(c, v)| (*c == "ciphertext").then(|| v.text().unwrap())).unwrap().as_str(),
        )
        .unwrap();
        assert_eq!(words, ciphertext.map(|w| w.to_string()), "every word, in order, as decimal");
        let amount = |column| changes.amounts.get(&(TOTALS, pass_key(3), column)).copied();
        let int = |v: i64| Some(I256::try_from(v).unwrap());
        // the conservation law: 1,000 + 3 * 200 paid = owner_paid + fees + escrow + refunded
        assert_eq!(amount("owner_paid"), int(975 + 195));
        assert_eq!(amount("fees"), int(25 + 5));
        assert_eq!(amount("escrow"), int(0), "escrowed 600, released 200, returned 400: nothing held");
        assert_eq!(amount("refunded"), int(400));
        let count = |column| changes.counts[&(TOTALS, pass_key(3), column)];
        assert_eq!((count("requested"), count("delivered")), (2, 1));
        assert_eq!((count("revoked"), count("revoked_time"), count("closed")), (1, 86_400 * 3 + 5, 1));
        let wallet = |byte, column| {
            changes.counts[&("wallets", vec![("address", Address::repeat_byte(byte).into())], column)]
        };
        assert_eq!((wallet(0xa1, "passes_granted"), wallet(0xde, "passes_bought")), (1, 1));
        // undone exactly
        let undo = changes.clone().negated();
        assert!(undo.amounts.iter().all(|(cell, v)| changes.amounts[cell] == -*v));
        assert!(undo.counts.iter().all(|(cell, v)| changes.counts[cell] == -*v));
        // the settings and the offers' nonces are events only
        let plain = Logs::new(
            Contract::AccessPasses,
            [
                FeeSet { bps: 250 }.encode_log_data(),
                NonceCancelled { owner: Address::repeat_byte(1), nonce: U256::from(2) }.encode_log_data(),
                NonceFloorRaised { owner: Address::repeat_byte(1), floor: U256::from(3) }.encode_log_data(),
                FeesForwarded {
                    token: Address::repeat_byte(2),
                    amount: U256::from(4),
                    masaAmount: U256::from(5),
                }
                .encode_log_data(),
            ],
        )
        .changes()
        .unwrap();
        assert!(plain.counts.keys().all(|(table, _, _)| *table == "activity") && plain.amounts.is_empty());
        assert_eq!(plain.counts.len(), 4, "each counts towards the day's activity");
    }

    #[test]
    fn a_pass_id_beyond_a_database_integer_is_an_error() {
        let requested = UseRequested { passId: U256::MAX, useIndex: U256::ZERO };
        let err = Logs::new(Contract::AccessPasses, [requested.encode_log_data()]).changes().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "AccessPasses.UseRequested in block 9: argument `passId` = {} is out of range",
                U256::MAX
            )
        );
    }
}
