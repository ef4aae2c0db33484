//! `OracleNodes`, `OracleRequests` and `OracleRewards`: the oracle network. Nodes as registered,
//! their endpoint changes, stake changes and slashes, with running totals (stake held, staked in,
//! unbonded, lapsed, claimed, slashed); requests as posted, their results and dissents, whether
//! they were refunded; per operator, the request fees its node earned and withdrew, the weight
//! its stake gives it in the rewards and the rewards it claimed; per wallet, the nodes it
//! registered and the requests it posted.
//!
//! Everything is either a row created by one event (removed by a rewind above its block) or a sum,
//! so a rewind undoes it exactly. What is not a sum is read from the rows, in chain order:
//! - a node's **endpoint** is its latest `EndpointChanged` row's, or the registered one;
//! - a node's **jail** ends at the largest `jailedUntil` of its `Slashed` rows (each slash emits
//!   the node's jail end after it, which a slash never moves earlier), so a rewind that removes a
//!   slash also removes what it did to the jail, where a kept maximum could not be lowered back;
//! - a node's stake **split** between active and unbonding: a slash takes the active stake first,
//!   then the unbonding stake, and `Slashed` says how much, not from which (that depends on the
//!   stake at the time). The store replays the node's stake changes and slashes (rows) in order;
//!   their sum, `held` (in by stakes, out by claims and slashes), is a sum here and checks it;
//! - a node's **weight** in the rewards: `WeightSynced` carries the new weight, not the change
//!   (the change would depend on the previous weight, which the event does not carry), so each
//!   sync is a row and the weight now is the latest row's. Syncs happen at stake changes and
//!   when anyone pays gas for one: the rows grow with transactions, like every event;
//! - the **remainder** of a fee split: `RequestFinalized` carries each operator's share but not
//!   the fee, which `RequestPosted` carried, so the first operator's remainder
//!   (fee - share * operators) is read from the result and request rows together.
//!
//! `ParamsSet` and `RewardsSet` are governance settings (current values, not sums),
//! `Distributed` and `SourceAccepted` concern the rewards' funding, not a node: they stay events.

use super::{Changes, Context, DeriveError, Event, Value};
use crate::events::SuiteEvent;
use alloy::primitives::{Address, U256};
use masa_bindings::contracts::{
    OracleNodes::{
        self as nodes, EndpointChanged, NodeRegistered, OracleNodesEvents, Slashed, Unbonding,
        UnbondingLapsed,
    },
    OracleRequests::{
        Dissented, FeesWithdrawn, OracleRequestsEvents, RequestFinalized, RequestPosted, RequestRefunded,
    },
    OracleRewards::{OracleRewardsEvents, RewardClaimed, WeightSynced},
};

/// Nodes: rows created by `NodeRegistered`.
pub(super) const NODES: &str = "oracle_nodes";
/// Endpoint changes: rows created by `EndpointChanged`.
pub(super) const ENDPOINTS: &str = "oracle_endpoints";
/// Stake changes: rows created by `Staked`, `Unbonding`, `UnbondingLapsed` and `Claimed`.
pub(super) const STAKE_CHANGES: &str = "oracle_stake_changes";
/// Slashes: rows created by `Slashed`.
pub(super) const SLASHES: &str = "oracle_slashes";
/// Requests: rows created by `RequestPosted`.
pub(super) const REQUESTS: &str = "oracle_requests";
/// Results: rows created by `RequestFinalized`.
pub(super) const RESULTS: &str = "oracle_results";
/// Dissents: rows created by `Dissented`.
pub(super) const DISSENTS: &str = "oracle_dissents";
/// Weights: rows created by `WeightSynced`.
pub(super) const WEIGHTS: &str = "oracle_weights";
/// Per node sums.
const NODE_TOTALS: &str = "oracle_node_totals";
/// Per request sums.
const REQUEST_TOTALS: &str = "oracle_request_totals";
/// Per operator fee sums.
const FEES: &str = "oracle_fees";
/// Per operator reward sums.
const REWARDS: &str = "oracle_rewards";

/// What a row of [`STAKE_CHANGES`] records (its `kind`).
pub(crate) mod kind {
    /// `Staked`: the active stake grew by `amount`, to `staked`.
    pub(crate) const STAKE: &str = "stake";
    /// `Unbonding`: `amount` of the active stake started unbonding, claimable from `unbonded_at`.
    pub(crate) const UNBOND: &str = "unbond";
    /// `UnbondingLapsed`: the unbonding stake, `amount`, is active again.
    pub(crate) const LAPSE: &str = "lapse";
    /// `Claimed`: the unbonded stake, `amount`, was withdrawn.
    pub(crate) const CLAIM: &str = "claim";
}

pub(super) fn changes(ev: &Event<'_>, _: &Context, out: &mut Changes) -> Result<(), DeriveError> {
    match ev.event {
        Some(SuiteEvent::OracleNodes(event)) => node_changes(ev, event, out),
        Some(SuiteEvent::OracleRequests(event)) => request_changes(ev, event, out),
        Some(SuiteEvent::OracleRewards(event)) => reward_changes(ev, event, out),
        _ => Ok(()),
    }
}

fn operator_key(operator: Address) -> Vec<(&'static str, Value)> {
    vec![("operator", operator.into())]
}

/// A row of [`STAKE_CHANGES`].
fn stake_change(
    ev: &Event<'_>,
    out: &mut Changes,
    operator: Address,
    kind: &'static str,
    amount: U256,
    staked: U256,
    unbonded_at: i64,
) {
    out.row(
        STAKE_CHANGES,
        vec![
            ("block_number", ev.block().into()),
            ("log_index", ev.log().into()),
            ("operator", operator.into()),
            ("kind", kind.into()),
            ("amount", amount.into()),
            ("staked", staked.into()),
            ("unbonded_at", unbonded_at.into()),
            ("block_time", ev.time().into()),
            ("tx_hash", ev.tx_hash.into()),
        ],
    );
}

fn node_changes(ev: &Event<'_>, event: &OracleNodesEvents, out: &mut Changes) -> Result<(), DeriveError> {
    match event {
        OracleNodesEvents::NodeRegistered(NodeRegistered { operator, signer, endpoint }) => {
            out.row(
                NODES,
                vec![
                    ("operator", (*operator).into()),
                    ("signer", (*signer).into()),
                    ("endpoint", endpoint.as_str().into()),
                    ("registered_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("log_index", ev.log().into()),
                    ("block_number", ev.block().into()),
                ],
            );
            out.wallet_count(*operator, "nodes_registered", 1);
        }
        OracleNodesEvents::EndpointChanged(EndpointChanged { operator, endpoint }) => {
            out.row(
                ENDPOINTS,
                vec![
                    ("block_number", ev.block().into()),
                    ("log_index", ev.log().into()),
                    ("operator", (*operator).into()),
                    ("endpoint", endpoint.as_str().into()),
                    ("changed_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                ],
            );
            out.count(NODE_TOTALS, operator_key(*operator), "endpoint_changes", 1);
        }
        OracleNodesEvents::Staked(nodes::Staked { operator, amount, staked }) => {
            stake_change(ev, out, *operator, kind::STAKE, *amount, *staked, 0);
            out.amount(NODE_TOTALS, operator_key(*operator), "held", *amount, true);
            out.amount(NODE_TOTALS, operator_key(*operator), "staked_in", *amount, true);
            out.count(NODE_TOTALS, operator_key(*operator), "stakes", 1);
        }
        OracleNodesEvents::Unbonding(Unbonding { operator, amount, unbondedAt: unbonded_at }) => {
            let at = ev.int("unbondedAt", *unbonded_at)?;
            stake_change(ev, out, *operator, kind::UNBOND, *amount, U256::ZERO, at);
            out.amount(NODE_TOTALS, operator_key(*operator), "unbonded", *amount, true);
            out.count(NODE_TOTALS, operator_key(*operator), "unbondings", 1);
        }
        OracleNodesEvents::UnbondingLapsed(UnbondingLapsed { operator, amount }) => {
            stake_change(ev, out, *operator, kind::LAPSE, *amount, U256::ZERO, 0);
            out.amount(NODE_TOTALS, operator_key(*operator), "lapsed", *amount, true);
            out.count(NODE_TOTALS, operator_key(*operator), "lapses", 1);
        }
        OracleNodesEvents::Claimed(nodes::Claimed { operator, amount }) => {
            stake_change(ev, out, *operator, kind::CLAIM, *amount, U256::ZERO, 0);
            out.amount(NODE_TOTALS, operator_key(*operator), "held", *amount, false);
            out.amount(NODE_TOTALS, operator_key(*operator), "claimed", *amount, true);
            out.count(NODE_TOTALS, operator_key(*operator), "claims", 1);
        }
        OracleNodesEvents::Slashed(Slashed {
            operator,
            reporter,
            reason,
            amount,
            reward,
            burned,
            jailedUntil: jailed_until,
        }) => {
            out.row(
                SLASHES,
                vec![
                    ("block_number", ev.block().into()),
                    ("log_index", ev.log().into()),
                    ("operator", (*operator).into()),
                    ("reporter", (*reporter).into()),
                    ("reason", reason.to_string().into()),
                    ("amount", (*amount).into()),
                    ("reward", (*reward).into()),
                    ("burned", (*burned).into()),
                    ("jailed_until", ev.int("jailedUntil", *jailed_until)?.into()),
                    ("slashed_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                ],
            );
            out.amount(NODE_TOTALS, operator_key(*operator), "held", *amount, false);
            out.amount(NODE_TOTALS, operator_key(*operator), "slashed", *amount, true);
            out.count(NODE_TOTALS, operator_key(*operator), "slashes", 1);
        }
        _ => {}
    }
    Ok(())
}

fn request_changes(
    ev: &Event<'_>,
    event: &OracleRequestsEvents,
    out: &mut Changes,
) -> Result<(), DeriveError> {
    let request = |id: &U256| -> Result<Value, DeriveError> { Ok(ev.int("requestId", *id)?.into()) };
    match event {
        OracleRequestsEvents::RequestPosted(RequestPosted {
            requestId: id,
            consumer,
            jobType: job_type,
            paramsHash: params_hash,
            uri,
            fee,
            quorum,
            deadline,
        }) => {
            out.row(
                REQUESTS,
                vec![
                    ("request_id", request(id)?),
                    ("consumer", (*consumer).into()),
                    ("job_type", job_type.to_string().into()),
                    ("params_hash", params_hash.to_string().into()),
                    ("uri", uri.as_str().into()),
                    ("fee", (*fee).into()),
                    ("quorum", i64::from(*quorum).into()),
                    ("deadline", ev.int("deadline", *deadline)?.into()),
                    ("posted_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("block_number", ev.block().into()),
                ],
            );
            out.wallet_count(*consumer, "requests_posted", 1);
        }
        OracleRequestsEvents::RequestFinalized(RequestFinalized {
            requestId: id,
            resultHash: result_hash,
            configHash: config_hash,
            operators,
            share,
        }) => {
            // the contract pays at least one operator (the quorum is at least 1)
            let first = *operators.first().ok_or_else(|| ev.out_of_range("operators", &"[]"))?;
            let count = ev.int("operators", operators.len())?;
            let names: Vec<String> = operators.iter().map(|a| a.to_checksum(None)).collect();
            out.row(
                RESULTS,
                vec![
                    ("request_id", request(id)?),
                    ("result_hash", result_hash.to_string().into()),
                    ("config_hash", config_hash.to_string().into()),
                    ("operators", serde_json::Value::from(names).to_string().into()),
                    ("operator_count", count.into()),
                    ("first_operator", first.into()),
                    ("share", (*share).into()),
                    ("finalized_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                    ("log_index", ev.log().into()),
                    ("block_number", ev.block().into()),
                ],
            );
            for operator in operators {
                out.amount(FEES, operator_key(*operator), "shares", *share, true);
                out.count(FEES, operator_key(*operator), "answered", 1);
            }
        }
        OracleRequestsEvents::Dissented(Dissented {
            requestId: id,
            operator,
            resultHash: result_hash,
            configHash: config_hash,
        }) => {
            out.row(
                DISSENTS,
                vec![
                    ("block_number", ev.block().into()),
                    ("log_index", ev.log().into()),
                    ("request_id", request(id)?),
                    ("operator", (*operator).into()),
                    ("result_hash", result_hash.to_string().into()),
                    ("config_hash", config_hash.to_string().into()),
                    ("tx_hash", ev.tx_hash.into()),
                ],
            );
            out.count(FEES, operator_key(*operator), "dissents", 1);
        }
        OracleRequestsEvents::RequestRefunded(RequestRefunded { requestId: id, consumer: _, fee: _ }) => {
            // a request refunds once (only an open one does): sums of one term
            let key = vec![("request_id", request(id)?)];
            out.count(REQUEST_TOTALS, key.clone(), "refunded", 1);
            out.count(REQUEST_TOTALS, key, "refunded_time", ev.time());
        }
        OracleRequestsEvents::FeesWithdrawn(FeesWithdrawn { operator, amount }) => {
            out.amount(FEES, operator_key(*operator), "withdrawn", *amount, true);
            out.count(FEES, operator_key(*operator), "withdrawals", 1);
        }
    }
    Ok(())
}

fn reward_changes(ev: &Event<'_>, event: &OracleRewardsEvents, out: &mut Changes) -> Result<(), DeriveError> {
    match event {
        OracleRewardsEvents::WeightSynced(WeightSynced { operator, weight, totalWeight: total }) => {
            out.row(
                WEIGHTS,
                vec![
                    ("block_number", ev.block().into()),
                    ("log_index", ev.log().into()),
                    ("operator", (*operator).into()),
                    ("weight", (*weight).into()),
                    ("total_weight", (*total).into()),
                    ("synced_time", ev.time().into()),
                    ("tx_hash", ev.tx_hash.into()),
                ],
            );
        }
        OracleRewardsEvents::RewardClaimed(RewardClaimed { operator, amount }) => {
            out.amount(REWARDS, operator_key(*operator), "claimed", *amount, true);
            out.count(REWARDS, operator_key(*operator), "claims", 1);
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
        primitives::{B256, I256, aliases::U96},
        sol_types::SolEvent,
    };
    use masa_bindings::{
        Contract,
        contracts::{
            OracleNodes::{ParamsSet, RewardsSet, Staked},
            OracleRewards::{Distributed, SourceAccepted},
            oracle::IOracleNodes::Params,
        },
    };

    fn key(operator: Address) -> Key {
        vec![("operator", Value::Address(operator))]
    }

    fn int(v: i64) -> I256 {
        I256::try_from(v).unwrap()
    }

    #[test]
    fn a_node_its_stake_changes_slashes_and_endpoint() {
        let (op, signer, reporter) =
            (Address::repeat_byte(0x0a), Address::repeat_byte(0x5e), Address::repeat_byte(0x7e));
        let reason = B256::repeat_byte(0xee);
        let logs = Logs::new(
            Contract::OracleNodes,
            [
                NodeRegistered { operator: op, signer, endpoint: "https://node.example".into() }
                    .encode_log_data(),
                Staked { operator: op, amount: U256::from(100), staked: U256::from(100) }.encode_log_data(),
                Unbonding { operator: op, amount: U256::from(40), unbondedAt: 5_000 }.encode_log_data(),
                Slashed {
                    operator: op,
                    reporter,
                    reason,
                    amount: U256::from(70),
                    reward: U256::from(7),
                    burned: U256::from(31),
                    jailedUntil: 9_000,
                }
                .encode_log_data(),
                UnbondingLapsed { operator: op, amount: U256::from(10) }.encode_log_data(),
                Staked { operator: op, amount: U256::from(5), staked: U256::from(15) }.encode_log_data(),
                Unbonding { operator: op, amount: U256::from(15), unbondedAt: 8_000 }.encode_log_data(),
                nodes::Claimed { operator: op, amount: U256::from(15) }.encode_log_data(),
                EndpointChanged { operator: op, endpoint: "https://moved.example".into() }.encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let tables: Vec<_> = changes.rows.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            tables,
            [
                NODES,
                STAKE_CHANGES,
                STAKE_CHANGES,
                SLASHES,
                STAKE_CHANGES,
                STAKE_CHANGES,
                STAKE_CHANGES,
                STAKE_CHANGES,
                ENDPOINTS
            ]
        );
        let node = &changes.rows[0].1;
        assert!(node.contains(&("signer", Value::Address(signer))));
        assert!(node.contains(&("endpoint", "https://node.example".into())));
        assert!(
            node.contains(&("block_number", Value::Int(9))) && node.contains(&("log_index", Value::Int(0)))
        );
        let unbond = &changes.rows[2].1;
        assert!(unbond.contains(&("kind", kind::UNBOND.into())));
        assert!(unbond.contains(&("unbonded_at", Value::Int(5_000))));
        assert!(unbond.contains(&("amount", Value::Uint(U256::from(40)))));
        let stake = &changes.rows[5].1;
        assert!(stake.contains(&("staked", Value::Uint(U256::from(15)))), "the stake after it, as emitted");
        let slash = &changes.rows[3].1;
        assert!(slash.contains(&("reason", format!("0x{}", "ee".repeat(32)).into())));
        assert!(slash.contains(&("reporter", Value::Address(reporter))));
        assert!(slash.contains(&("jailed_until", Value::Int(9_000))));
        assert!(slash.contains(&("log_index", Value::Int(3))));
        let amount = |column| changes.amounts.get(&(NODE_TOTALS, key(op), column)).copied();
        // held: in 100 + 5, out 70 slashed and 15 claimed
        assert_eq!(amount("held"), Some(int(20)));
        assert_eq!(amount("staked_in"), Some(int(105)));
        assert_eq!((amount("unbonded"), amount("lapsed")), (Some(int(55)), Some(int(10))));
        assert_eq!((amount("claimed"), amount("slashed")), (Some(int(15)), Some(int(70))));
        let count = |column| changes.counts[&(NODE_TOTALS, key(op), column)];
        assert_eq!(
            [
                count("stakes"),
                count("unbondings"),
                count("lapses"),
                count("claims"),
                count("slashes"),
                count("endpoint_changes")
            ],
            [2, 2, 1, 1, 1, 1]
        );
        assert_eq!(changes.counts[&("wallets", vec![("address", op.into())], "nodes_registered")], 1);
        // undone exactly
        let undo = changes.clone().negated();
        assert!(undo.amounts.iter().all(|(cell, v)| changes.amounts[cell] == -*v));
        assert!(undo.counts.iter().all(|(cell, v)| changes.counts[cell] == -*v));
        // the settings are events only
        let params = Params {
            minStake: U96::from(1_u64),
            maxStake: U96::from(2_u64),
            unbondingPeriod: 3_600,
            claimWindow: 3_600,
            jailPeriod: 3_600,
            equivocationPenalty: U96::from(1_u64),
            reporterShareBps: 1_000,
            burnBps: 5_000,
            slashCapacity: U96::from(1_u64),
            refillPerSecond: U96::from(1_u64),
            treasury: Address::repeat_byte(1),
        };
        let plain = Logs::new(
            Contract::OracleNodes,
            [
                ParamsSet { params }.encode_log_data(),
                RewardsSet { rewards: Address::repeat_byte(2) }.encode_log_data(),
            ],
        )
        .changes()
        .unwrap();
        assert!(plain.counts.keys().all(|(table, _, _)| *table == "activity") && plain.amounts.is_empty());
        assert!(plain.rows.is_empty() && plain.counts.len() == 2, "{plain:?}");
    }

    #[test]
    fn requests_their_results_dissents_refunds_and_fees() {
        let (consumer, a, b, c) = (
            Address::repeat_byte(0xc0),
            Address::repeat_byte(0x0a),
            Address::repeat_byte(0x0b),
            Address::repeat_byte(0x0c),
        );
        let posted = |id: u64, fee: u64| RequestPosted {
            requestId: U256::from(id),
            consumer,
            jobType: B256::repeat_byte(0x10),
            paramsHash: B256::repeat_byte(0x20),
            uri: "https://example.org".into(),
            fee: U256::from(fee),
            quorum: 2,
            deadline: 1_000_000,
        };
        let logs = Logs::new(
            Contract::OracleRequests,
            [
                posted(1, 10).encode_log_data(),
                posted(2, 7).encode_log_data(),
                Dissented {
                    requestId: U256::from(1),
                    operator: c,
                    resultHash: B256::repeat_byte(0x44),
                    configHash: B256::repeat_byte(0x33),
                }
                .encode_log_data(),
                RequestFinalized {
                    requestId: U256::from(1),
                    resultHash: B256::repeat_byte(0x22),
                    configHash: B256::repeat_byte(0x33),
                    operators: vec![a, b],
                    share: U256::from(5),
                }
                .encode_log_data(),
                RequestRefunded { requestId: U256::from(2), consumer, fee: U256::from(7) }.encode_log_data(),
                FeesWithdrawn { operator: a, amount: U256::from(5) }.encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let tables: Vec<_> = changes.rows.iter().map(|(t, _)| *t).collect();
        assert_eq!(tables, [REQUESTS, REQUESTS, DISSENTS, RESULTS]);
        let request = &changes.rows[0].1;
        assert!(
            request.contains(&("request_id", Value::Int(1))) && request.contains(&("quorum", Value::Int(2)))
        );
        assert!(request.contains(&("job_type", format!("0x{}", "10".repeat(32)).into())));
        assert!(request.contains(&("fee", Value::Uint(U256::from(10)))));
        assert!(request.contains(&("deadline", Value::Int(1_000_000))));
        let result = &changes.rows[3].1;
        let names = serde_json::json!([a.to_checksum(None), b.to_checksum(None)]).to_string();
        assert!(result.contains(&("operators", names.into())), "{result:?}");
        assert!(result.contains(&("first_operator", Value::Address(a))));
        assert!(result.contains(&("operator_count", Value::Int(2))));
        assert!(result.contains(&("share", Value::Uint(U256::from(5)))));
        let dissent = &changes.rows[2].1;
        assert!(
            dissent.contains(&("operator", Value::Address(c)))
                && dissent.contains(&("log_index", Value::Int(2)))
        );
        // each agreeing operator's share; the remainder is the store's to add (the fee is not
        // in the event)
        let amount = |op, column| changes.amounts.get(&(FEES, key(op), column)).copied();
        assert_eq!(
            (amount(a, "shares"), amount(b, "shares"), amount(c, "shares")),
            (Some(int(5)), Some(int(5)), None)
        );
        assert_eq!(amount(a, "withdrawn"), Some(int(5)));
        let count = |op, column| changes.counts.get(&(FEES, key(op), column)).copied();
        assert_eq!(
            (count(a, "answered"), count(b, "answered"), count(c, "answered")),
            (Some(1), Some(1), None)
        );
        assert_eq!((count(c, "dissents"), count(a, "withdrawals")), (Some(1), Some(1)));
        let refund = vec![("request_id", Value::Int(2))];
        assert_eq!(changes.counts[&(REQUEST_TOTALS, refund.clone(), "refunded")], 1);
        assert_eq!(changes.counts[&(REQUEST_TOTALS, refund, "refunded_time")], 86_400 * 3 + 5);
        assert_eq!(changes.counts[&("wallets", vec![("address", consumer.into())], "requests_posted")], 2);
        let undo = changes.clone().negated();
        assert!(undo.amounts.iter().all(|(cell, v)| changes.amounts[cell] == -*v));
        assert!(undo.counts.iter().all(|(cell, v)| changes.counts[cell] == -*v));
    }

    #[test]
    fn weights_are_rows_and_claims_are_sums() {
        let op = Address::repeat_byte(0x0a);
        let logs = Logs::new(
            Contract::OracleRewards,
            [
                WeightSynced { operator: op, weight: U256::from(300), totalWeight: U256::from(900) }
                    .encode_log_data(),
                Distributed { amount: U256::from(50), waiting: U256::from(1) }.encode_log_data(),
                WeightSynced { operator: op, weight: U256::ZERO, totalWeight: U256::from(600) }
                    .encode_log_data(),
                RewardClaimed { operator: op, amount: U256::from(12) }.encode_log_data(),
                RewardClaimed { operator: op, amount: U256::from(3) }.encode_log_data(),
                SourceAccepted { source: Address::repeat_byte(9) }.encode_log_data(),
            ],
        );
        let changes = logs.changes().unwrap();
        let weights: Vec<_> = changes.rows.iter().filter(|(t, _)| *t == WEIGHTS).map(|(_, r)| r).collect();
        assert_eq!(weights.len(), 2, "one row per sync");
        assert!(weights[1].contains(&("weight", Value::Uint(U256::ZERO))));
        assert!(weights[1].contains(&("total_weight", Value::Uint(U256::from(600)))));
        assert!(weights[1].contains(&("log_index", Value::Int(2))));
        assert_eq!(changes.amounts[&(REWARDS, key(op), "claimed")], int(15));
        assert_eq!(changes.counts[&(REWARDS, key(op), "claims")], 2);
        assert_eq!(changes.rows.len(), 2, "Distributed and SourceAccepted are events only");
    }

    #[test]
    fn a_request_id_beyond_a_database_integer_is_an_error() {
        let refunded = RequestRefunded { requestId: U256::MAX, consumer: Address::ZERO, fee: U256::ZERO };
        let err = Logs::new(Contract::OracleRequests, [refunded.encode_log_data()]).changes().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "OracleRequests.RequestRefunded in block 9: argument `requestId` = {} is out of range",
                U256::MAX
            )
        );
        let nobody = RequestFinalized {
            requestId: U256::from(1),
            resultHash: B256::ZERO,
            configHash: B256::ZERO,
            operators: vec![],
            share: U256::ZERO,
        };
        let err = Logs::new(Contract::OracleRequests, [nobody.encode_log_data()]).changes().unwrap_err();
        assert!(err.to_string().contains("argument `operators` = [] is out of range"), "{err}");
    }
}
