//! `DataPools`: pools as created (statement, schedule, delivery key) and their running totals
//! (funded, fees, paid, refunded, stakers, extensions, early end); stakes as made and what their
//! recipients claimed, and whether they left; each stake's delivery (the record encrypted to the
//! developer, as emitted); per recipient and pool, the rewards claimed.
//!
//! Everything is either a row created by one event (`pools`, `pool_stakes`, `pool_deliveries`,
//! removed by a rewind above its block) or a sum (`pool_totals`, `pool_stake_totals`,
//! `pool_rewards`, wallet columns), so a rewind undoes it exactly. A pool's end is a value the
//! developer moves, not a sum, but each move says how far: `Extended` carries the old and the new
//! end (the sum of `newEnd - oldEnd` is how far it moved), and `PoolEnded` happens at most once
//! per pool (an ended pool cannot be ended, extended or topped up again), so its `endedAt` is a
//! sum of one term.
//!
//! `CreateFeeSet` is a governance setting: a current value, not a sum; it stays an event.

use super::{Changes, Context, DeriveError, Event, Value};
use crate::events::SuiteEvent;
use alloy::primitives::{Address, U256};
use masa_bindings::contracts::{
    DataPools::{
        Claimed, DataPoolsEvents, Delivered, Extended, PoolCreated, PoolEnded, Refunded, Staked, ToppedUp,
        Unstaked,
    },
    pools::IDataPools::{Delivery, PoolConfig, Statement},
};

/// Pools: rows created by `PoolCreated`.
pub(super) const POOLS: &str = "pools";
/// Stakes: rows created by `Staked`.
pub(super) const STAKES: &str = "pool_stakes";
/// Deliveries: rows created by `Delivered`.
pub(super) const DELIVERIES: &str = "pool_deliveries";
/// Per pool sums.
const TOTALS: &str = "pool_totals";
/// Per stake sums.
const STAKE_TOTALS: &str = "pool_stake_totals";
/// Per recipient and pool sums.
const REWARDS: &str = "pool_rewards";

/// A delivery's ciphertext words as stored: a JSON array of decimal strings, in emitted order.
pub(crate) fn ciphertext_text(words: &[U256]) -> String {
    let words: Vec<String> = words.iter().map(U256::to_string).collect();
    serde_json::Value::from(words).to_string()
}

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    let Some(SuiteEvent::DataPools(event)) = ev.event else { return Ok(()) };
    let pool = |id: &U256| -> Result<Value, DeriveError> { Ok(ev.int("poolId", *id)?.into()) };
    let totals = |id: &U256| -> Result<_, DeriveError> { Ok(vec![("pool_id", pool(id)?)]) };
    let stake = |id: &U256, nullifier: &U256| -> Result<_, DeriveError> {
        Ok(vec![("pool_id", pool(id)?), ("nullifier", (*nullifier).into())])
    };
    let rewards = |recipient: &Address, id: &U256| -> Result<_, DeriveError> {
        Ok(vec![("recipient", (*recipient).into()), ("pool_id", pool(id)?)])
    };
    match event {
        DataPoolsEvents::PoolCreated(PoolCreated {
            poolId: id,
            developer,
            schemaId: _,
            config,
            rewardBudget: budget,
            fee,
        }) => {
            let PoolConfig {
                start,
                end,
                maxStakers: max_stakers,
                statement,
                metadataURI: metadata_uri,
                deliveryKeyX: key_x,
                deliveryKeyY: key_y,
            } = config;
            let Statement {
                schemaId: schema_id,
                issuerSet: issuer_set,
                fieldIndex: field_index,
                operator,
                operandA: operand_a,
                operandB: operand_b,
            } = statement;
            out.row(
                POOLS,
                vec![
                    ("pool_id", pool(id)?),
                    ("developer", (*developer).into()),
                    ("schema_id", (*schema_id).into()),
                    ("issuer_set", (*issuer_set).into()),
                    ("field_index", i64::from(*field_index).into()),
                    ("operator", i64::from(*operator).into()),
                    // uint64 operands may exceed a database integer: decimal text
                    ("operand_a", operand_a.to_string().into()),
                    ("operand_b", operand_b.to_string().into()),
                    ("start_time", ev.int("config.start", *start)?.into()),
                    ("end_time", ev.int("config.end", *end)?.into()),
                    ("max_stakers", i64::from(*max_stakers).into()),
                    ("metadata_uri", metadata_uri.as_str().into()),
                    ("delivery_key_x", (*key_x).into()),
                    ("delivery_key_y", (*key_y).into()),
                    ("created_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("block_number", ev.block().into()),
                ],
            );
            out.amount(TOTALS, totals(id)?, "funded", *budget, true);
            out.amount(TOTALS, totals(id)?, "fees", *fee, true);
            out.wallet_count(*developer, "pools_created", 1);
        }
        DataPoolsEvents::ToppedUp(ToppedUp { poolId: id, rewardAmount: amount, fee }) => {
            out.amount(TOTALS, totals(id)?, "funded", *amount, true);
            out.amount(TOTALS, totals(id)?, "fees", *fee, true);
            out.count(TOTALS, totals(id)?, "top_ups", 1);
        }
        DataPoolsEvents::Extended(Extended { poolId: id, oldEnd: old_end, newEnd: new_end }) => {
            // the contract only moves an end later; a log saying otherwise is not its
            let moved = new_end.checked_sub(*old_end).ok_or_else(|| ev.out_of_range("newEnd", new_end))?;
            out.count(TOTALS, totals(id)?, "extended_by", ev.int("newEnd", moved)?);
            out.count(TOTALS, totals(id)?, "extensions", 1);
        }
        DataPoolsEvents::PoolEnded(PoolEnded { poolId: id, endedAt: ended_at }) => {
            out.count(TOTALS, totals(id)?, "ended_at", ev.int("endedAt", *ended_at)?);
        }
        DataPoolsEvents::Refunded(Refunded { poolId: id, developer, amount }) => {
            out.amount(TOTALS, totals(id)?, "refunded", *amount, true);
            out.count(TOTALS, totals(id)?, "refunds", 1);
            out.wallet_amount(*developer, "pool_refunds", *amount);
        }
        DataPoolsEvents::Staked(Staked { poolId: id, nullifier, recipient }) => {
            let mut row = stake(id, nullifier)?;
            row.extend([
                ("recipient", (*recipient).into()),
                ("staked_time", ev.time().into()),
                ("tx_hash", ev.tx_hash.into()),
                ("log_index", ev.log().into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(STAKES, row);
            out.count(TOTALS, totals(id)?, "stakers", 1);
            out.count(TOTALS, totals(id)?, "stakes", 1);
            out.count(REWARDS, rewards(recipient, id)?, "stakes", 1);
            out.wallet_count(*recipient, "pool_stakes", 1);
        }
        DataPoolsEvents::Delivered(Delivered {
            poolId: id,
            nullifier,
            delivery: Delivery { ephemeralKey: [x, y], nonce, ciphertext },
        }) => {
            let mut row = stake(id, nullifier)?;
            row.extend([
                ("ephemeral_key_x", (*x).into()),
                ("ephemeral_key_y", (*y).into()),
                ("nonce", (*nonce).into()),
                ("ciphertext", ciphertext_text(ciphertext).into()),
                ("block_time", ev.time().into()),
                ("tx_hash", ev.tx_hash.into()),
                ("log_index", ev.log().into()),
                ("block_number", ev.block().into()),
            ]);
            out.row(DELIVERIES, row);
            out.count(TOTALS, totals(id)?, "deliveries", 1);
        }
        DataPoolsEvents::Claimed(Claimed { poolId: id, nullifier, recipient, amount }) => {
            out.amount(TOTALS, totals(id)?, "paid", *amount, true);
            out.count(TOTALS, totals(id)?, "claims", 1);
            out.amount(STAKE_TOTALS, stake(id, nullifier)?, "claimed", *amount, true);
            out.count(STAKE_TOTALS, stake(id, nullifier)?, "claims", 1);
            out.amount(REWARDS, rewards(recipient, id)?, "claimed", *amount, true);
            out.count(REWARDS, rewards(recipient, id)?, "claims", 1);
            out.wallet_amount(*recipient, "pool_rewards", *amount);
        }
        DataPoolsEvents::Unstaked(Unstaked { poolId: id, nullifier, recipient: _ }) => {
            // a stake is withdrawn once (its nullifier cannot stake into the pool again): the
            // time and block are sums of one term
            out.count(STAKE_TOTALS, stake(id, nullifier)?, "unstaked_time", ev.time());
            out.count(STAKE_TOTALS, stake(id, nullifier)?, "unstaked_block", ev.block());
            out.count(TOTALS, totals(id)?, "stakers", -1);
            out.count(TOTALS, totals(id)?, "unstakes", 1);
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Key, Value, tests::Logs};
    use super::*;
    use alloy::{primitives::I256, sol_types::SolEvent};
    use masa_bindings::{
        Contract,
        contracts::DataPools::{CreateFeeSet, PoolCreated},
    };

    fn pool_key(id: i64) -> Key {
        vec![("pool_id", Value::Int(id))]
    }

    fn created(end: u64) -> PoolCreated {
        PoolCreated {
            poolId: U256::from(4),
            developer: Address::repeat_byte(0xde),
            schemaId: U256::from(2),
            config: PoolConfig {
                start: 1_000,
                end,
                maxStakers: 3,
                statement: Statement {
                    schemaId: U256::from(2),
                    issuerSet: U256::from(77),
                    fieldIndex: 1,
                    operator: 6,
                    operandA: 700,
                    operandB: u64::MAX,
                },
                metadataURI: "ipfs://pool".into(),
                deliveryKeyX: U256::from(11),
                deliveryKeyY: U256::from(12),
            },
            rewardBudget: U256::from(990),
            fee: U256::from(10),
        }
    }

    #[test]
    fn a_pool_its_stakes_deliveries_claims_and_schedule() {
        let (id, nullifier, alice) = (U256::from(4), U256::from(99), Address::repeat_byte(0xa1));
        let ciphertext: [U256; 10] = std::array::from_fn(|i| U256::from(1_000 + i) << 200);
        let delivery =
            Delivery { ephemeralKey: [U256::from(5), U256::from(6)], nonce: U256::from(1), ciphertext };
        let logs = Logs::new(
            Contract::DataPools,
            [
                created(2_000).encode_log_data(),
                ToppedUp { poolId: id, rewardAmount: U256::from(99), fee: U256::from(1) }.encode_log_data(),
                Extended { poolId: id, oldEnd: 2_000, newEnd: 2_500 }.encode_log_data(),
                Staked { poolId: id, nullifier, recipient: alice }.encode_log_data(),
                Delivered { poolId: id, nullifier, delivery }.encode_log_data(),
                Claimed { poolId: id, nullifier, recipient: alice, amount: U256::from(30) }.encode_log_data(),
                Claimed { poolId: id, nullifier, recipient: alice, amount: U256::from(7) }.encode_log_data(),
                Unstaked { poolId: id, nullifier, recipient: alice }.encode_log_data(),
                PoolEnded { poolId: id, endedAt: 1_900 }.encode_log_data(),
                Refunded { poolId: id, developer: Address::repeat_byte(0xde), amount: U256::from(5) }
                    .encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let tables: Vec<_> = changes.rows.iter().map(|(t, _)| *t).collect();
        assert_eq!(tables, [POOLS, STAKES, DELIVERIES]);
        let pool = &changes.rows[0].1;
        assert!(pool.contains(&("operand_b", u64::MAX.to_string().into())), "a uint64 beyond BIGINT");
        assert!(
            pool.contains(&("end_time", Value::Int(2_000)))
                && pool.contains(&("block_number", Value::Int(9)))
        );
        let delivered = &changes.rows[2].1;
        assert!(
            delivered.contains(&("log_index", Value::Int(4)))
                && delivered.contains(&("tx_hash", super::super::tests::TX.into()))
        );
        let words: Vec<String> = serde_json::from_str(
            delivered
                .iter()
                .find_map(|(c, v)| (*c == "ciphertext").then(|| v.text().unwrap()))
                .unwrap()
                .as_str(),
        )
        .unwrap();
        assert_eq!(words, ciphertext.map(|w| w.to_string()), "every word, in order, as decimal");
        let amount = |table, key: Key, column| changes.amounts[&(table, key, column)];
        let int = |v: i64| I256::try_from(v).unwrap();
        assert_eq!(amount(TOTALS, pool_key(4), "funded"), int(1_089));
        assert_eq!(amount(TOTALS, pool_key(4), "fees"), int(11));
        assert_eq!(amount(TOTALS, pool_key(4), "paid"), int(37));
        assert_eq!(amount(TOTALS, pool_key(4), "refunded"), int(5));
        let stake_key = vec![("pool_id", Value::Int(4)), ("nullifier", Value::Uint(nullifier))];
        assert_eq!(amount(STAKE_TOTALS, stake_key.clone(), "claimed"), int(37));
        let reward_key = vec![("recipient", Value::Address(alice)), ("pool_id", Value::Int(4))];
        assert_eq!(amount(REWARDS, reward_key.clone(), "claimed"), int(37));
        let count = |table, key: Key, column| changes.counts[&(table, key, column)];
        assert_eq!(count(TOTALS, pool_key(4), "extended_by"), 500);
        assert_eq!(count(TOTALS, pool_key(4), "ended_at"), 1_900);
        assert_eq!(count(TOTALS, pool_key(4), "stakers"), 0, "staked, then left");
        assert_eq!((count(TOTALS, pool_key(4), "stakes"), count(TOTALS, pool_key(4), "claims")), (1, 2));
        assert_eq!(count(STAKE_TOTALS, stake_key.clone(), "unstaked_time"), 86_400 * 3 + 5);
        assert_eq!(count(STAKE_TOTALS, stake_key, "unstaked_block"), 9);
        assert_eq!(count(REWARDS, reward_key, "stakes"), 1);
        assert_eq!(count("wallets", vec![("address", alice.into())], "pool_stakes"), 1);
        assert_eq!(amount("wallets", vec![("address", alice.into())], "pool_rewards"), int(37));
        assert_eq!(
            count("wallets", vec![("address", Address::repeat_byte(0xde).into())], "pools_created"),
            1
        );
        // undone exactly
        let undo = changes.clone().negated();
        assert!(undo.amounts.iter().all(|(cell, v)| changes.amounts[cell] == -*v));
        // the fee setting is an event only
        let set =
            Logs::new(Contract::DataPools, [CreateFeeSet { bps: 100 }.encode_log_data()]).changes().unwrap();
        assert!(set.counts.keys().all(|(table, _, _)| *table == "activity") && set.amounts.is_empty());
    }

    #[test]
    fn an_end_moved_earlier_is_an_error() {
        let back = Extended { poolId: U256::from(1), oldEnd: 2_000, newEnd: 1_000 };
        let err = Logs::new(Contract::DataPools, [back.encode_log_data()]).changes().unwrap_err();
        assert_eq!(
            err.to_string(),
            "DataPools.Extended in block 9: argument `newEnd` = 1000 is out of range"
        );
    }
}
