//! Reads of the oracle network's tables for the HTTP API: nodes (with their stake, slashes, fees
//! and rewards) and data requests (with their results and dissents), with keyset (cursor)
//! pagination. Every parameter is bound, never formatted in.
//!
//! What the derive layer keeps as rows rather than sums is put together here
//! ([`crate::derive`]'s oracle module says why): a node's endpoint now (its latest change), its
//! jail (the largest of its slashes' jail ends), its active and unbonding stake (its stake changes
//! and slashes replayed in chain order, checked against the stake held, a sum), its weight (its
//! latest sync) and the remainders of the fee splits it was paid first in.

use super::{During, Store, StoreError, n, next_cursor, parse_amount};
use crate::derive::oracle_stake_kind as kind;
use alloy::primitives::U256;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row, any::AnyRow};
use utoipa::ToSchema;

/// An oracle node: as registered, its stake, slashes, request fees and rewards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleNodeRow {
    /// The operator: registered the node, stakes for it, is paid its fees and rewards.
    pub operator: String,
    /// The node's key: signs its answers (one node per key).
    pub signer: String,
    /// Where the node is reached now (metadata).
    pub endpoint: String,
    /// The endpoint it registered with.
    pub registered_endpoint: String,
    /// Endpoint changes since.
    pub endpoint_changes: i64,
    /// Registered at (unix seconds).
    pub registered_time: i64,
    /// Registered in block.
    pub block_number: i64,
    /// Index of its `NodeRegistered` log in the block.
    pub log_index: i64,
    /// Registered by transaction.
    pub tx_hash: String,
    /// Its active stake now, not unbonding (MASA wei, decimal). An unbonding left unclaimed past
    /// its claim window counts again once a transaction of the node records the lapse, as the
    /// registry's `node` view says.
    pub staked: String,
    /// Its stake unbonding now (still slashable).
    pub unbonding: String,
    /// When the unbonding stake is claimable (unix seconds), while one is pending.
    pub unbonded_at: Option<i64>,
    /// Active plus unbonding: what the registry holds for it.
    pub held: String,
    /// Staked in total.
    pub staked_in: String,
    /// Stakes made.
    pub stakes: i64,
    /// Put in unbonding in total.
    pub unbonded: String,
    /// Unbondings started.
    pub unbondings: i64,
    /// Unbonding stake that lapsed back to the active stake (not claimed in its window).
    pub lapsed: String,
    /// Unbondings that lapsed.
    pub lapses: i64,
    /// Stake withdrawn (claimed after unbonding).
    pub claimed: String,
    /// Claims of unbonded stake.
    pub claims: i64,
    /// Slashed in total.
    pub slashed: String,
    /// Its slashes, in chain order.
    pub slashes: Vec<OracleSlashRow>,
    /// Jailed (inactive) until then (unix seconds): the latest jail end of its slashes; none if
    /// never slashed.
    pub jailed_until: Option<i64>,
    /// Request fees its node earned: its shares of the requests it answered, and the split's
    /// remainder of those it was paid first in.
    pub fees_earned: String,
    /// Request fees withdrawn.
    pub fees_withdrawn: String,
    /// Earned and not withdrawn (the requests contract's `earned`).
    pub fees_pending: String,
    /// Requests its node answered with the agreed result (and was paid for).
    pub requests_answered: i64,
    /// Withdrawals of fees.
    pub fee_withdrawals: i64,
    /// Answers of its node recorded as dissents.
    pub dissents: i64,
    /// Its weight in the rewards as last synced: its active stake then (0 if never synced).
    pub weight: String,
    /// Rewards claimed.
    pub rewards_claimed: String,
    /// Claims of rewards.
    pub reward_claims: i64,
}

/// A slash of a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleSlashRow {
    /// Paid a share for reporting it (the zero address for a governance slash).
    pub reporter: String,
    /// Why (bytes32, 0x-hex): `keccak256("equivocation")` for a reported equivocation.
    pub reason: String,
    /// Slashed (MASA wei, decimal), from the active stake first, then the unbonding stake.
    pub amount: String,
    /// Paid to the reporter.
    pub reward: String,
    /// Burned; the rest went to the treasury.
    pub burned: String,
    /// The node's jail end after it (unix seconds).
    pub jailed_until: i64,
    /// Slashed at (unix seconds).
    pub slashed_time: i64,
    /// Slashed in block.
    pub block_number: i64,
    /// Index of the `Slashed` log in its block.
    pub log_index: i64,
    /// Slashed by transaction.
    pub tx_hash: String,
}

/// A page of oracle nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleNodePage {
    /// Nodes in the order they registered.
    pub nodes: Vec<OracleNodeRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which oracle nodes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OracleNodeFilter {
    /// Signing with this key (checksummed).
    pub signer: Option<String>,
    /// Slashed at least once (`true`) or never (`false`).
    pub slashed: Option<bool>,
    /// Registered strictly after this `NodeRegistered` event (block, log index): the cursor.
    pub after: Option<(u64, u64)>,
    /// Page size.
    pub limit: u32,
}

/// Where a data request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    /// Waiting for a quorum of agreeing nodes; once its deadline passed, anyone may refund it.
    Open,
    /// Answered: its result is on-chain, its fee went to the agreeing nodes.
    Finalized,
    /// Expired without a quorum: its fee went back to its consumer.
    Refunded,
}

impl RequestStatus {
    /// The status as the API writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Finalized => "finalized",
            Self::Refunded => "refunded",
        }
    }
}

/// A data request: its terms as posted, where it stands, its result and dissents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleRequestRow {
    /// The request's id (from 1).
    pub request_id: i64,
    /// Who posted it (and is refunded).
    pub consumer: String,
    /// The job (bytes32, 0x-hex): `keccak256` of its name, e.g. `web:v1`.
    pub job_type: String,
    /// Hash of the job's parameters (bytes32, 0x-hex).
    pub params_hash: String,
    /// Where the parameters are (or the parameters themselves).
    pub uri: String,
    /// MASA paid to the agreeing nodes (wei, decimal), held in escrow until then.
    pub fee: String,
    /// Agreeing active nodes needed.
    pub quorum: i64,
    /// Last second at which it may finalize (unix seconds).
    pub deadline: i64,
    /// Posted at (unix seconds).
    pub posted_time: i64,
    /// Posted in block.
    pub block_number: i64,
    /// Posted by transaction.
    pub tx_hash: String,
    /// Where it stands.
    pub status: RequestStatus,
    /// Its result, once finalized.
    pub result: Option<OracleResultRow>,
    /// When its fee went back to its consumer (unix seconds), if it was refunded.
    pub refunded_time: Option<i64>,
    /// Active nodes' signed answers that disagreed, recorded by the finalization, in chain order.
    pub dissents: Vec<OracleDissentRow>,
}

/// A finalized request's result and how its fee was split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleResultRow {
    /// Hash of the agreed canonical result (bytes32, 0x-hex).
    pub result_hash: String,
    /// Hash of the configuration it was computed under (model, source version).
    pub config_hash: String,
    /// The operators whose nodes signed it, each paid `share` (in the event's order: by signer).
    pub operators: Vec<String>,
    /// Each operator's share of the fee (MASA wei, decimal).
    pub share: String,
    /// What is left of the fee after the shares, paid to the first operator as well.
    pub remainder: String,
    /// Finalized at (unix seconds).
    pub finalized_time: i64,
    /// Finalized in block.
    pub block_number: i64,
    /// Index of the `RequestFinalized` log in its block.
    pub log_index: i64,
    /// Finalized by transaction.
    pub tx_hash: String,
}

/// A dissenting node's signed answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleDissentRow {
    /// The node's operator.
    pub operator: String,
    /// The result it signed (bytes32, 0x-hex).
    pub result_hash: String,
    /// The configuration it signed.
    pub config_hash: String,
    /// Recorded in block.
    pub block_number: i64,
    /// Index of the `Dissented` log in its block.
    pub log_index: i64,
    /// Recorded by transaction (the finalization's).
    pub tx_hash: String,
}

/// A page of data requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OracleRequestPage {
    /// Requests by id.
    pub requests: Vec<OracleRequestRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which data requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OracleRequestFilter {
    /// Posted by this consumer (checksummed).
    pub consumer: Option<String>,
    /// Standing so.
    pub status: Option<RequestStatus>,
    /// Ids strictly above this one: the cursor.
    pub after: Option<i64>,
    /// Page size.
    pub limit: u32,
}

/// A change of a node's stake, in chain order: a row of `oracle_stake_changes` or a slash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Movement {
    /// Staked: the active stake is now `staked`, as emitted.
    Stake { staked: U256 },
    /// `amount` of the active stake started unbonding, claimable from `at`.
    Unbond { amount: U256, at: i64 },
    /// The unbonding stake, `amount`, is active again.
    Lapse { amount: U256 },
    /// The unbonding stake, `amount`, was withdrawn.
    Claim { amount: U256 },
    /// `amount` slashed: from the active stake first, then the unbonding stake.
    Slash { amount: U256 },
}

/// A node's stake now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stake {
    staked: U256,
    unbonding: U256,
    /// When the unbonding stake is claimable; 0 when none unbonds.
    unbonded_at: i64,
}

/// The stake the `movements` (in chain order) leave, as `OracleNodes` computes it; `None` if one
/// takes more than there is (the rows are not a node's history).
fn replay(movements: impl IntoIterator<Item = Movement>) -> Option<Stake> {
    let mut s = Stake::default();
    for movement in movements {
        match movement {
            Movement::Stake { staked } => s.staked = staked,
            Movement::Unbond { amount, at } => {
                s.staked = s.staked.checked_sub(amount)?;
                s.unbonding = s.unbonding.checked_add(amount)?;
                s.unbonded_at = at;
            }
            Movement::Lapse { amount } => {
                s.staked = s.staked.checked_add(amount)?;
                s.unbonding = s.unbonding.checked_sub(amount)?;
                s.unbonded_at = 0;
            }
            Movement::Claim { amount } => {
                s.unbonding = s.unbonding.checked_sub(amount)?;
                s.unbonded_at = 0;
            }
            Movement::Slash { amount } => {
                let from_stake = amount.min(s.staked);
                s.staked -= from_stake;
                s.unbonding = s.unbonding.checked_sub(amount - from_stake)?;
                if s.unbonding.is_zero() {
                    s.unbonded_at = 0;
                }
            }
        }
    }
    Some(s)
}

/// A node with its totals (zero before any change): the columns [`Store::oracle_node_row`] reads.
const NODE_SELECT: &str = "SELECT n.operator, n.signer, n.endpoint, n.registered_time, n.block_number, \
     n.log_index, n.tx_hash, \
     COALESCE(t.held, '0'), COALESCE(t.staked_in, '0'), COALESCE(t.stakes, 0), COALESCE(t.unbonded, '0'), \
     COALESCE(t.unbondings, 0), COALESCE(t.lapsed, '0'), COALESCE(t.lapses, 0), COALESCE(t.claimed, '0'), \
     COALESCE(t.claims, 0), COALESCE(t.slashed, '0'), COALESCE(t.endpoint_changes, 0), \
     COALESCE(f.shares, '0'), COALESCE(f.answered, 0), COALESCE(f.withdrawn, '0'), \
     COALESCE(f.withdrawals, 0), COALESCE(f.dissents, 0), COALESCE(w.claimed, '0'), COALESCE(w.claims, 0), \
     (SELECT e.endpoint FROM oracle_endpoints e WHERE e.operator = n.operator \
      ORDER BY e.block_number DESC, e.log_index DESC LIMIT 1), \
     (SELECT g.weight FROM oracle_weights g WHERE g.operator = n.operator \
      ORDER BY g.block_number DESC, g.log_index DESC LIMIT 1) \
     FROM oracle_nodes n LEFT JOIN oracle_node_totals t ON t.operator = n.operator \
     LEFT JOIN oracle_fees f ON f.operator = n.operator LEFT JOIN oracle_rewards w ON w.operator = n.operator";

/// A request with its result and totals: the columns [`request_row`] reads.
const REQUEST_SELECT: &str = "SELECT r.request_id, r.consumer, r.job_type, r.params_hash, r.uri, r.fee, \
     r.quorum, r.deadline, r.posted_time, r.block_number, r.tx_hash, \
     x.result_hash, x.config_hash, x.operators, x.operator_count, x.share, x.finalized_time, \
     x.block_number, x.log_index, x.tx_hash, COALESCE(t.refunded, 0), COALESCE(t.refunded_time, 0) \
     FROM oracle_requests r LEFT JOIN oracle_results x ON x.request_id = r.request_id \
     LEFT JOIN oracle_request_totals t ON t.request_id = r.request_id";

/// Where a request stands, in SQL over [`REQUEST_SELECT`]'s tables (as [`request_row`] decides).
const REQUEST_STATUS: &str = "(CASE WHEN x.request_id IS NOT NULL THEN 'finalized' \
     WHEN COALESCE(t.refunded, 0) > 0 THEN 'refunded' ELSE 'open' END)";

/// The fee split's remainder: `fee - share * operators`.
fn remainder(fee: U256, share: U256, operators: i64, request_id: i64) -> Result<U256, StoreError> {
    let count = U256::from(u64::try_from(operators).unwrap_or(0));
    share
        .checked_mul(count)
        .and_then(|paid| fee.checked_sub(paid))
        .ok_or_else(|| StoreError::Corrupt(format!("request {request_id} pays more than its fee")))
}

/// A request row of [`REQUEST_SELECT`], without its dissents.
fn request_row(r: &AnyRow) -> Result<OracleRequestRow, StoreError> {
    let request_id: i64 = r.get(0);
    let fee: String = r.get(5);
    let result = match r.get::<Option<String>, _>(11) {
        Some(result_hash) => {
            let text: String = r.get::<Option<String>, _>(13).unwrap_or_default();
            let operators: Vec<String> = serde_json::from_str(&text)
                .map_err(|_| StoreError::Corrupt(format!("operators of request {request_id}: `{text}`")))?;
            let share: String = r.get::<Option<String>, _>(15).unwrap_or_default();
            let count: i64 = r.get::<Option<i64>, _>(14).unwrap_or_default();
            let remainder = remainder(parse_amount(&fee)?, parse_amount(&share)?, count, request_id)?;
            Some(OracleResultRow {
                result_hash,
                config_hash: r.get::<Option<String>, _>(12).unwrap_or_default(),
                operators,
                share,
                remainder: remainder.to_string(),
                finalized_time: r.get::<Option<i64>, _>(16).unwrap_or_default(),
                block_number: r.get::<Option<i64>, _>(17).unwrap_or_default(),
                log_index: r.get::<Option<i64>, _>(18).unwrap_or_default(),
                tx_hash: r.get::<Option<String>, _>(19).unwrap_or_default(),
            })
        }
        None => None,
    };
    let refunded = r.get::<i64, _>(20) > 0;
    let status = match (&result, refunded) {
        (Some(_), _) => RequestStatus::Finalized,
        (None, true) => RequestStatus::Refunded,
        (None, false) => RequestStatus::Open,
    };
    Ok(OracleRequestRow {
        request_id,
        consumer: r.get(1),
        job_type: r.get(2),
        params_hash: r.get(3),
        uri: r.get(4),
        fee,
        quorum: r.get(6),
        deadline: r.get(7),
        posted_time: r.get(8),
        block_number: r.get(9),
        tx_hash: r.get(10),
        status,
        result,
        refunded_time: refunded.then(|| r.get(21)),
        dissents: Vec::new(),
    })
}

impl Store {
    /// Oracle nodes matching `filter`, in the order they registered.
    pub async fn oracle_nodes(&self, filter: &OracleNodeFilter) -> Result<OracleNodePage, StoreError> {
        let sql = format!(
            "{NODE_SELECT} WHERE ($1 IS NULL OR n.signer = $1) \
             AND ($2 IS NULL OR ($2 = 1 AND COALESCE(t.slashes, 0) > 0) OR ($2 = 0 AND COALESCE(t.slashes, 0) = 0)) \
             AND (n.block_number > $3 OR (n.block_number = $3 AND n.log_index > $4)) \
             ORDER BY n.block_number, n.log_index LIMIT $5"
        );
        let (after_block, after_log) = filter.after.map_or((-1, -1), |(b, l)| (n(b), n(l)));
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.signer.as_deref())
            .bind(filter.slashed.map(i64::from))
            .bind(after_block)
            .bind(after_log)
            .bind(i64::from(filter.limit))
            .fetch_all(self.db())
            .await
            .during("reading oracle nodes")?;
        let mut nodes = Vec::with_capacity(rows.len());
        for r in &rows {
            nodes.push(self.oracle_node_row(r).await?);
        }
        let next_cursor =
            next_cursor(&nodes, filter.limit, |n| format!("{}-{}", n.block_number, n.log_index));
        Ok(OracleNodePage { nodes, next_cursor })
    }

    /// The oracle node of `operator` (checksummed), if it registered one.
    pub async fn oracle_node(&self, operator: &str) -> Result<Option<OracleNodeRow>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{NODE_SELECT} WHERE n.operator = $1")))
            .bind(operator)
            .fetch_optional(self.db())
            .await
            .during_with(|| format!("reading the oracle node of {operator}"))?;
        match row {
            Some(r) => Ok(Some(self.oracle_node_row(&r).await?)),
            None => Ok(None),
        }
    }

    /// A row of [`NODE_SELECT`], with what is read from the node's other rows: its slashes, its
    /// stake replayed, the remainders of the fee splits it was paid first in.
    async fn oracle_node_row(&self, r: &AnyRow) -> Result<OracleNodeRow, StoreError> {
        let operator: String = r.get(0);
        let reading = || format!("reading the oracle node of {operator}");
        let slashes: Vec<OracleSlashRow> = sqlx::query(
            "SELECT reporter, reason, amount, reward, burned, jailed_until, slashed_time, block_number, \
             log_index, tx_hash FROM oracle_slashes WHERE operator = $1 ORDER BY block_number, log_index",
        )
        .bind(operator.as_str())
        .fetch_all(self.db())
        .await
        .during_with(reading)?
        .iter()
        .map(|s| OracleSlashRow {
            reporter: s.get(0),
            reason: s.get(1),
            amount: s.get(2),
            reward: s.get(3),
            burned: s.get(4),
            jailed_until: s.get(5),
            slashed_time: s.get(6),
            block_number: s.get(7),
            log_index: s.get(8),
            tx_hash: s.get(9),
        })
        .collect();
        let changes = sqlx::query(
            "SELECT block_number, log_index, kind, amount, staked, unbonded_at FROM oracle_stake_changes \
             WHERE operator = $1 ORDER BY block_number, log_index",
        )
        .bind(operator.as_str())
        .fetch_all(self.db())
        .await
        .during_with(reading)?;
        let corrupt = |what: String| StoreError::Corrupt(format!("{what} of the oracle node of {operator}"));
        let mut movements = Vec::with_capacity(changes.len() + slashes.len());
        for c in &changes {
            let at: (i64, i64) = (c.get(0), c.get(1));
            let amount = parse_amount(&c.get::<String, _>(3))?;
            let movement = match c.get::<String, _>(2).as_str() {
                kind::STAKE => Movement::Stake { staked: parse_amount(&c.get::<String, _>(4))? },
                kind::UNBOND => Movement::Unbond { amount, at: c.get(5) },
                kind::LAPSE => Movement::Lapse { amount },
                kind::CLAIM => Movement::Claim { amount },
                other => return Err(corrupt(format!("stake change `{other}` at {}:{}", at.0, at.1))),
            };
            movements.push((at, movement));
        }
        for s in &slashes {
            movements
                .push(((s.block_number, s.log_index), Movement::Slash { amount: parse_amount(&s.amount)? }));
        }
        movements.sort_by_key(|(at, _)| *at);
        let stake = replay(movements.into_iter().map(|(_, m)| m))
            .ok_or_else(|| corrupt("the stake changes".to_owned()))?;
        let held = parse_amount(&r.get::<String, _>(7))?;
        if stake.staked.checked_add(stake.unbonding) != Some(held) {
            return Err(corrupt(format!(
                "the stake replayed ({} + {} unbonding) against the stake held ({held})",
                stake.staked, stake.unbonding
            )));
        }

        let shares = parse_amount(&r.get::<String, _>(18))?;
        let mut earned = shares;
        for x in sqlx::query(
            "SELECT x.request_id, r.fee, x.share, x.operator_count FROM oracle_results x \
             JOIN oracle_requests r ON r.request_id = x.request_id WHERE x.first_operator = $1",
        )
        .bind(operator.as_str())
        .fetch_all(self.db())
        .await
        .during_with(reading)?
        {
            let request_id: i64 = x.get(0);
            let (fee, share) = (parse_amount(&x.get::<String, _>(1))?, parse_amount(&x.get::<String, _>(2))?);
            earned = earned.saturating_add(remainder(fee, share, x.get(3), request_id)?);
        }
        let withdrawn = parse_amount(&r.get::<String, _>(20))?;
        let pending = earned
            .checked_sub(withdrawn)
            .ok_or_else(|| corrupt(format!("fees withdrawn ({withdrawn}) beyond those earned ({earned})")))?;

        let registered_endpoint: String = r.get(2);
        Ok(OracleNodeRow {
            signer: r.get(1),
            endpoint: r.get::<Option<String>, _>(25).unwrap_or_else(|| registered_endpoint.clone()),
            registered_endpoint,
            endpoint_changes: r.get(17),
            registered_time: r.get(3),
            block_number: r.get(4),
            log_index: r.get(5),
            tx_hash: r.get(6),
            staked: stake.staked.to_string(),
            unbonding: stake.unbonding.to_string(),
            unbonded_at: (stake.unbonded_at != 0).then_some(stake.unbonded_at),
            held: held.to_string(),
            staked_in: r.get(8),
            stakes: r.get(9),
            unbonded: r.get(10),
            unbondings: r.get(11),
            lapsed: r.get(12),
            lapses: r.get(13),
            claimed: r.get(14),
            claims: r.get(15),
            slashed: r.get(16),
            jailed_until: slashes.iter().map(|s| s.jailed_until).max(),
            slashes,
            fees_earned: earned.to_string(),
            fees_withdrawn: withdrawn.to_string(),
            fees_pending: pending.to_string(),
            requests_answered: r.get(19),
            fee_withdrawals: r.get(21),
            dissents: r.get(22),
            rewards_claimed: r.get(23),
            reward_claims: r.get(24),
            weight: r.get::<Option<String>, _>(26).unwrap_or_else(|| "0".to_owned()),
            operator,
        })
    }

    /// Data requests matching `filter`, by id, each with its result and dissents.
    pub async fn oracle_requests(
        &self,
        filter: &OracleRequestFilter,
    ) -> Result<OracleRequestPage, StoreError> {
        let sql = format!(
            "{REQUEST_SELECT} WHERE ($1 IS NULL OR r.consumer = $1) AND ($2 IS NULL OR {REQUEST_STATUS} = $2) \
             AND r.request_id > $3 ORDER BY r.request_id LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.consumer.as_deref())
            .bind(filter.status.map(RequestStatus::as_str))
            .bind(filter.after.unwrap_or(0))
            .bind(i64::from(filter.limit))
            .fetch_all(self.db())
            .await
            .during("reading oracle requests")?;
        let mut requests: Vec<OracleRequestRow> = rows.iter().map(request_row).collect::<Result<_, _>>()?;
        self.add_dissents(&mut requests).await?;
        let next_cursor = next_cursor(&requests, filter.limit, |r| r.request_id.to_string());
        Ok(OracleRequestPage { requests, next_cursor })
    }

    /// Data request `request_id`, with its result and dissents, if it was posted.
    pub async fn oracle_request(&self, request_id: i64) -> Result<Option<OracleRequestRow>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{REQUEST_SELECT} WHERE r.request_id = $1")))
            .bind(request_id)
            .fetch_optional(self.db())
            .await
            .during_with(|| format!("reading oracle request {request_id}"))?;
        let Some(row) = row else { return Ok(None) };
        let mut requests = vec![request_row(&row)?];
        self.add_dissents(&mut requests).await?;
        Ok(requests.pop())
    }

    /// Fills in the dissents of `requests` (sorted by id), in chain order.
    async fn add_dissents(&self, requests: &mut [OracleRequestRow]) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (requests.first(), requests.last()) else { return Ok(()) };
        let rows = sqlx::query(
            "SELECT request_id, operator, result_hash, config_hash, block_number, log_index, tx_hash \
             FROM oracle_dissents WHERE request_id >= $1 AND request_id <= $2 \
             ORDER BY request_id, block_number, log_index",
        )
        .bind(first.request_id)
        .bind(last.request_id)
        .fetch_all(self.db())
        .await
        .during("reading dissents")?;
        for d in &rows {
            let request_id: i64 = d.get(0);
            // the range may hold requests the filter left out
            if let Ok(i) = requests.binary_search_by_key(&request_id, |r| r.request_id) {
                requests[i].dissents.push(OracleDissentRow {
                    operator: d.get(1),
                    result_hash: d.get(2),
                    config_hash: d.get(3),
                    block_number: d.get(4),
                    log_index: d.get(5),
                    tx_hash: d.get(6),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wei(v: u64) -> U256 {
        U256::from(v)
    }

    #[test]
    fn a_slash_takes_the_active_stake_first_then_the_unbonding_stake() {
        let history = [
            Movement::Stake { staked: wei(100) },
            Movement::Unbond { amount: wei(80), at: 5_000 },
            // 20 active, 80 unbonding: 20 from the active stake, 30 from the unbonding
            Movement::Slash { amount: wei(50) },
        ];
        let s = replay(history).unwrap();
        assert_eq!((s.staked, s.unbonding, s.unbonded_at), (wei(0), wei(50), 5_000));
        // a slash within the active stake leaves the unbonding alone
        let s = replay([
            Movement::Stake { staked: wei(100) },
            Movement::Unbond { amount: wei(10), at: 7 },
            Movement::Slash { amount: wei(90) },
        ])
        .unwrap();
        assert_eq!((s.staked, s.unbonding, s.unbonded_at), (wei(0), wei(10), 7));
        // a slash that empties the unbonding ends it
        let s = replay([
            Movement::Stake { staked: wei(100) },
            Movement::Unbond { amount: wei(100), at: 7 },
            Movement::Slash { amount: wei(100) },
        ])
        .unwrap();
        assert_eq!(s, Stake::default());
    }

    #[test]
    fn lapses_claims_and_stakes_as_the_registry_counts_them() {
        let s = replay([
            Movement::Stake { staked: wei(100) },
            Movement::Unbond { amount: wei(30), at: 9 },
            Movement::Lapse { amount: wei(30) },
            // the stake after it, as emitted: the lapsed 30 included
            Movement::Stake { staked: wei(105) },
            Movement::Unbond { amount: wei(5), at: 11 },
        ])
        .unwrap();
        assert_eq!((s.staked, s.unbonding, s.unbonded_at), (wei(100), wei(5), 11));
        let s = replay([
            Movement::Stake { staked: wei(10) },
            Movement::Unbond { amount: wei(4), at: 3 },
            Movement::Claim { amount: wei(4) },
        ])
        .unwrap();
        assert_eq!(s, Stake { staked: wei(6), unbonding: wei(0), unbonded_at: 0 });
        // more than there is: not a node's history
        assert_eq!(replay([Movement::Unbond { amount: wei(1), at: 1 }]), None);
        assert_eq!(replay([Movement::Slash { amount: wei(1) }]), None);
        assert_eq!(replay([Movement::Stake { staked: wei(1) }, Movement::Claim { amount: wei(1) }]), None);
    }

    #[test]
    fn the_first_operator_gets_what_the_shares_leave() {
        assert_eq!(remainder(wei(10), wei(3), 3, 1).unwrap(), wei(1));
        assert_eq!(remainder(wei(0), wei(0), 2, 1).unwrap(), wei(0));
        let err = remainder(wei(10), wei(4), 3, 7).unwrap_err().to_string();
        assert_eq!(err, "corrupt stored value: request 7 pays more than its fee");
    }
}
