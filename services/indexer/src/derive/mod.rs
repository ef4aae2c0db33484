//! Derived state: what each event changes in the family tables (balances, supply, fees,
//! vesting, governance, zkSBT statistics, per-wallet summaries, activity).
//!
//! A family turns one decoded event into [`Changes`]: additions to counters (integers, or
//! uint256 amounts kept as decimal text) and rows that exist from the event's block on. The
//! store applies them in the transaction that writes the events; a reorg rewind recomputes the
//! changes of the removed events from their stored rows and applies them negated, and deletes
//! the rows above the common ancestor. Changes depend on the event alone (never on the database),
//! so applying and undoing are exact inverses.
//!
//! Adding a contract family: one module here with a `changes` function, listed in
//! [`FAMILIES`], and one migration for its tables.

mod activity;
mod fees;
mod governance;
mod identity;
mod token;
mod vesting;

use alloy::primitives::{Address, I256, U256};
use std::collections::BTreeMap;

/// The families, applied to every event in order.
const FAMILIES: &[Family] = &[
    token::changes,
    fees::changes,
    vesting::changes,
    governance::changes,
    identity::changes,
    activity::changes,
];

/// Tables whose rows are created by an event (with its `block_number`): a rewind deletes the
/// rows above the common ancestor.
pub const ROW_TABLES: &[&str] = &[governance::ROW_TABLE, identity::ROW_TABLE];

type Family = fn(&Event<'_>, &Context, &mut Changes) -> Result<(), DeriveError>;

/// An event whose arguments do not have the shape its ABI promises.
#[derive(Debug, thiserror::Error)]
#[error("{contract}.{event}: argument `{arg}` is missing or malformed")]
pub struct DeriveError {
    contract: String,
    event: String,
    arg: &'static str,
}

/// Deployment facts the families need.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The fee router, whose MASA transfers to a wallet are rewards.
    pub fee_router: Option<Address>,
}

/// A decoded event, as stored.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// Manifest name of the emitting contract.
    pub contract: &'a str,
    /// The emitting address.
    pub address: Address,
    /// Event name.
    pub name: &'a str,
    /// Decoded arguments (catalog JSON: numbers as decimal strings, addresses checksummed).
    pub args: &'a serde_json::Value,
    /// Block number.
    pub block_number: u64,
    /// Block timestamp (seconds).
    pub block_time: u64,
}

impl Event<'_> {
    fn err(&self, arg: &'static str) -> DeriveError {
        DeriveError { contract: self.contract.to_owned(), event: self.name.to_owned(), arg }
    }

    /// A string argument.
    fn str(&self, arg: &'static str) -> Result<&str, DeriveError> {
        self.args.get(arg).and_then(|v| v.as_str()).ok_or_else(|| self.err(arg))
    }

    /// An address argument, checksummed as stored.
    fn address(&self, arg: &'static str) -> Result<Address, DeriveError> {
        self.str(arg)?.parse().map_err(|_| self.err(arg))
    }

    /// An unsigned integer argument.
    fn uint(&self, arg: &'static str) -> Result<U256, DeriveError> {
        self.str(arg)?.parse().map_err(|_| self.err(arg))
    }

    /// The block number as a database integer.
    fn block(&self) -> i64 {
        i64::try_from(self.block_number).expect("block numbers fit in i64")
    }

    /// An unsigned integer argument that fits in a database integer.
    fn int(&self, arg: &'static str) -> Result<i64, DeriveError> {
        i64::try_from(self.uint(arg)?).map_err(|_| self.err(arg))
    }
}

/// A key or column value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// BIGINT.
    Int(i64),
    /// TEXT.
    Text(String),
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
        Self::Text(v.to_checksum(None))
    }
}
impl From<U256> for Value {
    fn from(v: U256) -> Self {
        Self::Text(v.to_string())
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
            for family in FAMILIES {
                family(&event, ctx, &mut changes)?;
            }
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
mod tests {
    use super::*;
    use serde_json::json;

    fn event<'a>(contract: &'a str, name: &'a str, args: &'a serde_json::Value) -> Event<'a> {
        Event {
            contract,
            address: Address::repeat_byte(7),
            name,
            args,
            block_number: 9,
            block_time: 86_400 * 3 + 5,
        }
    }

    fn key(k: &'static str, v: &str) -> Key {
        vec![(k, v.into())]
    }

    #[test]
    fn governance_rows_tallies_and_lifecycle() {
        let voter = Address::repeat_byte(1).to_checksum(None);
        let created = json!({ "proposalId": "42", "proposer": voter, "voteStart": "100", "voteEnd": "200",
            "description": "raise the burn share" });
        let vote =
            json!({ "voter": voter, "proposalId": "42", "support": "1", "weight": "5000", "reason": "" });
        let executed = json!({ "proposalId": "42" });
        let changes = Changes::of(
            [
                event("MasaGovernor", "ProposalCreated", &created),
                event("MasaGovernor", "VoteCast", &vote),
                event("MasaGovernor", "ProposalExecuted", &executed),
            ],
            &Context::default(),
        )
        .unwrap();
        assert_eq!(changes.rows.len(), 1);
        assert_eq!(changes.rows[0].0, "proposals");
        assert!(changes.rows[0].1.contains(&("block_number", Value::Int(9))));
        assert_eq!(
            changes.amounts[&("proposal_tallies", key("proposal_id", "42"), "for_votes")],
            I256::try_from(5000).unwrap()
        );
        assert_eq!(changes.counts[&("proposal_tallies", key("proposal_id", "42"), "executed")], 1);
        assert_eq!(changes.counts[&("wallets", key("address", &voter), "votes_cast")], 1);
        // every event counts towards its day's activity
        let day =
            vec![("day", Value::Int(3)), ("contract", "MasaGovernor".into()), ("event", "VoteCast".into())];
        assert_eq!(changes.counts[&("activity", day, "events")], 1);
    }

    #[test]
    fn negation_undoes_and_drops_rows() {
        let holder = Address::repeat_byte(2).to_checksum(None);
        let mint = json!({ "from": Address::ZERO.to_checksum(None), "to": holder, "value": "10" });
        let burn = json!({ "from": holder, "to": Address::ZERO.to_checksum(None), "value": "4" });
        let ctx = Context::default();
        let events = [event("MasaToken", "Transfer", &mint), event("MasaToken", "Transfer", &burn)];
        let changes = Changes::of(events, &ctx).unwrap();
        let balance = (
            "balances",
            vec![("token", Address::repeat_byte(7).into()), ("holder", holder.as_str().into())],
            "amount",
        );
        assert_eq!(changes.amounts[&balance], I256::try_from(6).unwrap());
        let undo = changes.clone().negated();
        assert_eq!(undo.amounts[&balance], I256::try_from(-6).unwrap());
        assert!(undo.counts.iter().all(|(cell, v)| changes.counts[cell] == -v));
        assert!(undo.rows.is_empty());
    }

    #[test]
    fn a_malformed_argument_is_an_error_not_a_skip() {
        let bad = json!({ "from": "0x12", "to": "nope", "value": "x" });
        let err = Changes::of([event("MasaToken", "Transfer", &bad)], &Context::default()).unwrap_err();
        assert_eq!(err.to_string(), "MasaToken.Transfer: argument `from` is missing or malformed");
        let mode = json!({ "consumer": Address::ZERO.to_checksum(None), "recipient": Address::ZERO.to_checksum(None),
            "schemaId": "1", "mode": "2" });
        let err =
            Changes::of([event("ZkSBT", "DisclosureConsumed", &mode)], &Context::default()).unwrap_err();
        assert!(err.to_string().contains("`mode`"), "{err}");
    }
}
