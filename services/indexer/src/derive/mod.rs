//! Derived state: what each event changes in the family tables (balances, supply, fees,
//! vesting, governance, zkSBT statistics, data pools, access passes, the oracle network,
//! per-wallet summaries, activity).
//!
//! A family turns one decoded event into [`Changes`]: additions to counters (integers, or
//! uint256 amounts kept as decimal text) and rows that exist from the event's block on. The
//! store applies them in the transaction that writes the events; a reorg rewind recomputes the
//! changes of the removed events from their stored rows and applies them negated, and deletes
//! the rows above the common ancestor. Changes depend on the event alone (never on the database),
//! so applying and undoing are exact inverses.
//!
//! Adding a contract family: one module here with a `changes` function, listed in
//! `FAMILIES`, and one migration for its tables.

mod activity;
mod fees;
mod governance;
mod identity;
mod oracle;
mod passes;
mod pools;
mod token;
mod vesting;

use crate::events::SuiteEvent;
use alloy::primitives::{Address, I256, U256};
use masa_bindings::Contract;
use std::collections::BTreeMap;

/// The families, applied to every event in order.
const FAMILIES: &[Family] = &[
    token::changes,
    fees::changes,
    vesting::changes,
    governance::changes,
    identity::changes,
    pools::changes,
    passes::changes,
    oracle::changes,
    activity::changes,
];

/// Tables whose rows are created by an event (with its `block_number`): a rewind deletes the
/// rows above the common ancestor.
pub const ROW_TABLES: &[&str] = &[
    governance::ROW_TABLE,
    identity::ROW_TABLE,
    pools::POOLS,
    pools::STAKES,
    pools::DELIVERIES,
    passes::PASSES,
    passes::DELIVERIES,
    oracle::NODES,
    oracle::ENDPOINTS,
    oracle::STAKE_CHANGES,
    oracle::SLASHES,
    oracle::REQUESTS,
    oracle::RESULTS,
    oracle::DISSENTS,
    oracle::WEIGHTS,
];

/// What a row of `oracle_stake_changes` records: the store replays them with the node's slashes.
pub(crate) use oracle::kind as oracle_stake_kind;

type Family = fn(&Event<'_>, &Context, &mut Changes) -> Result<(), DeriveError>;

/// A family added after its contract's events were already indexed: an index built before the
/// family's migration holds those events with nothing derived from them. The migration lists the
/// family in the `derive_backlog` table, and the store derives its tables from the stored events
/// once ([`Store::derive_backlog`](crate::store::Store::derive_backlog)).
#[derive(Debug, Clone, Copy)]
pub struct Backlog {
    /// Its name in `derive_backlog`.
    pub family: &'static str,
    /// The contracts whose stored events it derives from.
    pub contracts: &'static [Contract],
    changes: Family,
}

/// The families a migration may list in `derive_backlog`.
pub const BACKLOG: &[Backlog] = &[
    Backlog { family: "pools", contracts: &[Contract::DataPools], changes: pools::changes },
    Backlog { family: "passes", contracts: &[Contract::AccessPasses], changes: passes::changes },
    Backlog {
        family: "oracle",
        contracts: &[Contract::OracleNodes, Contract::OracleRequests, Contract::OracleRewards],
        changes: oracle::changes,
    },
];

/// An event argument whose value the derived tables cannot hold (a database integer, or one
/// of a fixed set of choices).
#[derive(Debug, thiserror::Error)]
#[error("{contract}.{event} in block {block}: argument `{arg}` = {value} is out of range")]
pub struct DeriveError {
    contract: Contract,
    event: String,
    block: u64,
    arg: &'static str,
    value: String,
}

/// Deployment facts the families need.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The fee router, whose MASA transfers to a wallet are rewards.
    pub fee_router: Option<Address>,
}

/// An indexed event: who emitted it, when, and what it says.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The emitting contract.
    pub contract: Contract,
    /// The emitting address.
    pub address: Address,
    /// The event's name as stored ([`UNKNOWN`](crate::events::UNKNOWN) when it did not decode).
    pub name: &'a str,
    /// The event, decoded from its raw log; `None` when the log is none of the contract's bound
    /// events (only its activity counts).
    pub event: Option<&'a SuiteEvent>,
    /// Block number.
    pub block_number: u64,
    /// Block timestamp (seconds).
    pub block_time: u64,
    /// Position of the log in its block.
    pub log_index: u64,
    /// The emitting transaction's hash (0x-hex, as stored in `events.tx_hash`).
    pub tx_hash: &'a str,
}

impl Event<'_> {
    fn out_of_range(&self, arg: &'static str, value: &dyn std::fmt::Display) -> DeriveError {
        DeriveError {
            contract: self.contract,
            event: self.name.to_owned(),
            block: self.block_number,
            arg,
            value: value.to_string(),
        }
    }

    /// The block number as a database integer.
    fn block(&self) -> i64 {
        i64::try_from(self.block_number).expect("block numbers fit in i64")
    }

    /// The block time as a database integer.
    fn time(&self) -> i64 {
        i64::try_from(self.block_time).expect("block times fit in i64")
    }

    /// The log index as a database integer.
    fn log(&self) -> i64 {
        i64::try_from(self.log_index).expect("log indices fit in i64")
    }

    /// An integer argument that must fit in a database integer.
    fn int<T: TryInto<i64> + std::fmt::Display + Copy>(
        &self,
        arg: &'static str,
        value: T,
    ) -> Result<i64, DeriveError> {
        value.try_into().map_err(|_| self.out_of_range(arg, &value))
    }

    /// The column of a fixed set that an argument selects (`support`, `mode`, ...).
    fn choice<T: TryInto<usize> + std::fmt::Display + Copy>(
        &self,
        arg: &'static str,
        value: T,
        columns: &[&'static str],
    ) -> Result<&'static str, DeriveError> {
        value
            .try_into()
            .ok()
            .and_then(|i: usize| columns.get(i).copied())
            .ok_or_else(|| self.out_of_range(arg, &value))
    }
}

/// A key or column value. Addresses and uint256 values are kept as such and written as text
/// (checksummed, decimal) only when a batch's aggregated changes reach the database: the
/// checksum's keccak256 is paid once per cell, not once per event.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// BIGINT.
    Int(i64),
    /// TEXT.
    Text(String),
    /// TEXT: the checksummed address.
    Address(Address),
    /// TEXT: the decimal number.
    Uint(U256),
}

impl Value {
    /// The value as the database holds it, when it is text.
    pub fn text(&self) -> Option<String> {
        match self {
            Self::Int(_) => None,
            Self::Text(s) => Some(s.clone()),
            Self::Address(a) => Some(a.to_checksum(None)),
            Self::Uint(u) => Some(u.to_string()),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Int(i) => write!(f, "{i}"),
            Self::Text(s) => f.write_str(s),
            Self::Address(a) => write!(f, "{}", a.to_checksum(None)),
            Self::Uint(u) => write!(f, "{u}"),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<Address> for Value {
    fn from(v: Address) -> Self {
        Self::Address(v)
    }
}
impl From<U256> for Value {
    fn from(v: U256) -> Self {
        Self::Uint(v)
    }
}

/// Key columns and their values.
pub type Key = Vec<(&'static str, Value)>;

/// Where a counter lives: table, key, column.
pub type Cell = (&'static str, Key, &'static str);

/// The changes of a batch of events, aggregated per cell.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Integer counters.
    pub counts: BTreeMap<Cell, i64>,
    /// uint256 amounts (decimal text columns).
    pub amounts: BTreeMap<Cell, I256>,
    /// New rows, by table.
    pub rows: Vec<(&'static str, Vec<(&'static str, Value)>)>,
}

impl Changes {
    /// The changes of `events`, in order.
    pub fn of<'a>(events: impl IntoIterator<Item = Event<'a>>, ctx: &Context) -> Result<Self, DeriveError> {
        let mut changes = Self::default();
        for event in events {
            changes.add(&event, ctx)?;
        }
        Ok(changes)
    }

    /// Adds the changes of `event`.
    pub fn add(&mut self, event: &Event<'_>, ctx: &Context) -> Result<(), DeriveError> {
        for family in FAMILIES {
            family(event, ctx, self)?;
        }
        Ok(())
    }

    /// The changes `backlog`'s family alone derives from `events`, in order (the other families
    /// derived them when the events were indexed).
    pub fn of_family<'a>(
        backlog: &Backlog,
        events: impl IntoIterator<Item = Event<'a>>,
        ctx: &Context,
    ) -> Result<Self, DeriveError> {
        let mut changes = Self::default();
        for event in events {
            (backlog.changes)(&event, ctx, &mut changes)?;
        }
        Ok(changes)
    }

    fn count(&mut self, table: &'static str, key: Key, column: &'static str, delta: i64) {
        *self.counts.entry((table, key, column)).or_default() += delta;
    }

    fn amount(&mut self, table: &'static str, key: Key, column: &'static str, delta: U256, add: bool) {
        // amounts are uint256 values of one chain, whose sums are bounded by a token's supply
        let delta = I256::from_raw(delta);
        let entry = self.amounts.entry((table, key, column)).or_insert(I256::ZERO);
        *entry = if add { *entry + delta } else { *entry - delta };
    }

    fn wallet_count(&mut self, wallet: Address, column: &'static str, delta: i64) {
        self.count("wallets", vec![("address", wallet.into())], column, delta);
    }

    fn wallet_amount(&mut self, wallet: Address, column: &'static str, delta: U256) {
        self.amount("wallets", vec![("address", wallet.into())], column, delta, true);
    }

    fn row(&mut self, table: &'static str, columns: Vec<(&'static str, Value)>) {
        self.rows.push((table, columns));
    }

    /// The changes that undo these (rows are removed by block number instead).
    pub fn negated(mut self) -> Self {
        self.counts.values_mut().for_each(|v| *v = -*v);
        self.amounts.values_mut().for_each(|v| *v = -*v);
        self.rows.clear();
        self
    }

    /// Drops counters that sum to zero.
    pub fn compact(&mut self) {
        self.counts.retain(|_, v| *v != 0);
        self.amounts.retain(|_, v| !v.is_zero());
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::events;
    use alloy::{primitives::LogData, sol_types::SolEvent};
    use masa_bindings::contracts::{
        MasaGovernor::{ProposalCreated, ProposalExecuted, VoteCast},
        MasaToken::Transfer,
        ZkSBT::DisclosureConsumed,
    };

    /// The transaction of [`Logs::events`].
    pub(crate) const TX: &str = "0x0909090909090909090909090909090909090909090909090909090909090909";

    /// Events of one contract as the indexer stores and derives them: each log decoded by
    /// [`events::decode`].
    pub(crate) struct Logs {
        contract: Contract,
        decoded: Vec<(&'static str, Option<SuiteEvent>)>,
    }

    impl Logs {
        pub(crate) fn new(contract: Contract, logs: impl IntoIterator<Item = LogData>) -> Self {
            Self { contract, decoded: logs.into_iter().map(|log| events::decode(contract, &log)).collect() }
        }

        /// The events, emitted by address 0x0707… in block 9 on day 3, in transaction
        /// [`TX`], with log indices 0, 1, ...
        pub(crate) fn events(&self) -> impl Iterator<Item = Event<'_>> {
            self.decoded.iter().enumerate().map(|(i, (name, event))| Event {
                contract: self.contract,
                address: Address::repeat_byte(7),
                name,
                event: event.as_ref(),
                block_number: 9,
                block_time: 86_400 * 3 + 5,
                log_index: i as u64,
                tx_hash: TX,
            })
        }

        pub(crate) fn changes(&self) -> Result<Changes, DeriveError> {
            Changes::of(self.events(), &Context::default())
        }
    }

    fn key(k: &'static str, v: impl Into<Value>) -> Key {
        vec![(k, v.into())]
    }

    fn vote(voter: Address, support: u8) -> LogData {
        VoteCast {
            voter,
            proposalId: U256::from(42),
            support,
            weight: U256::from(5000),
            reason: String::new(),
        }
        .encode_log_data()
    }

    #[test]
    fn governance_rows_tallies_and_lifecycle() {
        let voter = Address::repeat_byte(1);
        let created = ProposalCreated {
            proposalId: U256::from(42),
            proposer: voter,
            targets: vec![],
            values: vec![],
            signatures: vec![],
            calldatas: vec![],
            voteStart: U256::from(100),
            voteEnd: U256::from(200),
            description: "raise the burn share".into(),
        };
        let executed = ProposalExecuted { proposalId: U256::from(42) };
        let logs = Logs::new(
            Contract::MasaGovernor,
            [created.encode_log_data(), vote(voter, 1), executed.encode_log_data()],
        );
        let changes = logs.changes().unwrap();
        assert_eq!(changes.rows.len(), 1);
        assert_eq!(changes.rows[0].0, "proposals");
        assert!(changes.rows[0].1.contains(&("block_number", Value::Int(9))));
        assert!(changes.rows[0].1.contains(&("description", "raise the burn share".into())));
        assert_eq!(
            changes.amounts[&("proposal_tallies", key("proposal_id", U256::from(42)), "for_votes")],
            I256::try_from(5000).unwrap()
        );
        assert_eq!(changes.counts[&("proposal_tallies", key("proposal_id", U256::from(42)), "executed")], 1);
        assert_eq!(changes.counts[&("wallets", key("address", voter), "votes_cast")], 1);
        // every event counts towards its day's activity
        let day =
            vec![("day", Value::Int(3)), ("contract", "MasaGovernor".into()), ("event", "VoteCast".into())];
        assert_eq!(changes.counts[&("activity", day, "events")], 1);
    }

    #[test]
    fn negation_undoes_and_drops_rows() {
        let holder = Address::repeat_byte(2);
        let mint = Transfer { from: Address::ZERO, to: holder, value: U256::from(10) };
        let burn = Transfer { from: holder, to: Address::ZERO, value: U256::from(4) };
        let logs = Logs::new(Contract::MasaToken, [mint.encode_log_data(), burn.encode_log_data()]);
        let changes = logs.changes().unwrap();
        let balance = (
            "balances",
            vec![("token", Address::repeat_byte(7).into()), ("holder", holder.into())],
            "amount",
        );
        assert_eq!(changes.amounts[&balance], I256::try_from(6).unwrap());
        let undo = changes.clone().negated();
        assert_eq!(undo.amounts[&balance], I256::try_from(-6).unwrap());
        assert!(undo.counts.iter().all(|(cell, v)| changes.counts[cell] == -v));
        assert!(undo.rows.is_empty());
    }

    #[test]
    fn the_same_log_of_another_contract_derives_nothing_but_activity() {
        let transfer = Transfer { from: Address::ZERO, to: Address::repeat_byte(2), value: U256::from(10) };
        // the zkSBT's ERC-721 `Transfer` (same selector) is not MASA moving
        let nft = masa_bindings::contracts::ZkSBT::Transfer {
            from: Address::ZERO,
            to: Address::repeat_byte(2),
            tokenId: U256::from(10),
        };
        let changes = Logs::new(Contract::ZkSBT, [nft.encode_log_data()]).changes().unwrap();
        let keys: Vec<_> = changes.counts.keys().map(|(table, key, _)| (*table, key[2].1.clone())).collect();
        assert_eq!(keys, [("activity", "Transfer".into())]);
        assert!(changes.amounts.is_empty() && changes.rows.is_empty(), "{changes:?}");
        // a log of a contract without bound events is an `unknown` event
        let changes = Logs::new(Contract::WETH9, [transfer.encode_log_data()]).changes().unwrap();
        let day = vec![("day", Value::Int(3)), ("contract", "WETH9".into()), ("event", "unknown".into())];
        assert_eq!(changes.counts.keys().collect::<Vec<_>>(), [&("activity", day, "events")]);
    }

    #[test]
    fn an_argument_out_of_range_is_an_error_not_a_skip() {
        let logs = Logs::new(Contract::MasaGovernor, [vote(Address::ZERO, 3)]);
        let err = logs.changes().unwrap_err();
        assert_eq!(
            err.to_string(),
            "MasaGovernor.VoteCast in block 9: argument `support` = 3 is out of range"
        );
        let consumed = DisclosureConsumed {
            consumer: Address::ZERO,
            purpose: Default::default(),
            nullifier: U256::from(1),
            scope: U256::ZERO,
            mode: U256::from(2),
            tokenId: U256::ZERO,
            root: U256::ZERO,
            schemaId: U256::from(1),
            issuerSet: U256::ZERO,
            fieldIndex: U256::ZERO,
            operator: U256::ZERO,
            operandA: U256::ZERO,
            operandB: U256::ZERO,
            recipient: Address::ZERO,
            message: Default::default(),
        };
        let err = Logs::new(Contract::ZkSBT, [consumed.encode_log_data()]).changes().unwrap_err();
        assert!(err.to_string().contains("`mode` = 2"), "{err}");
    }
}
