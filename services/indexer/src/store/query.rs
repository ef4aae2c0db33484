//! Reads for the HTTP API: wallets, tokens, fees, zkSBT statistics, governance, data pools
//! (pools, stakes, deliveries), access passes (passes, deliveries), activity and events with
//! keyset (cursor) pagination (the oracle network's: [`super::oracle`]). Every parameter is
//! bound, never formatted in.

use super::{During, EventRow, Store, StoreError, n, next_cursor, oracle::OracleNodeRow, sql};
use alloy::primitives::U256;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A wallet's summary: MASA and other token balances, transfers, rewards, records, disclosures,
/// data pools, access passes, its oracle node and requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct WalletRow {
    /// Checksummed address.
    pub address: String,
    /// Balances by token address (decimal strings, base units).
    pub balances: BTreeMap<String, String>,
    /// Incoming token transfers.
    pub transfers_in: i64,
    /// Outgoing token transfers.
    pub transfers_out: i64,
    /// MASA received from the fee router (rewards).
    pub rewards_earned: String,
    /// Fees paid through the fee router.
    pub fees_paid: i64,
    /// MASA released to it by vesting wallets.
    pub vested_released: String,
    /// Governance votes cast.
    pub votes_cast: i64,
    /// zkSBT records held now (minted minus burned).
    pub records_held: i64,
    /// zkSBT records ever minted to it.
    pub records_minted: i64,
    /// Disclosures it received as the bound recipient (data points it contributed).
    pub disclosures: i64,
    /// Disclosures it consumed as a data consumer.
    pub disclosures_consumed: i64,
    /// Its zkSBT records.
    pub records: Vec<RecordRow>,
    /// Data pools it created.
    pub pools_created: i64,
    /// MASA its pools refunded to it (wei, decimal).
    pub pool_refunds: String,
    /// Stakes in data pools whose rewards it receives.
    pub pool_stakes: i64,
    /// MASA it claimed from data pools as a stake's recipient (wei, decimal): what its data earned.
    pub pool_rewards: String,
    /// Per pool it staked in: stakes, claims and MASA claimed.
    pub pools: Vec<WalletPoolRow>,
    /// Access passes it granted, as a record's owner.
    pub passes_granted: i64,
    /// Access passes it bought, as a developer.
    pub passes_bought: i64,
    /// What its passes paid it as their owner, by price token (base units, decimal): each pass's
    /// upfront price and delivered uses, less the fees. Tokens it earned nothing in are left out.
    pub pass_income: BTreeMap<String, String>,
    /// Oracle nodes it registered as an operator (0 or 1).
    pub nodes_registered: i64,
    /// Data requests it posted to the oracle network, as a consumer.
    pub requests_posted: i64,
    /// Its oracle node, if it registered one: what the node earned it (request fees earned and
    /// withdrawn, rewards claimed: "node-to-earn") and its stake.
    pub oracle_node: Option<OracleNodeRow>,
}

/// A wallet's stakes and rewards in one pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WalletPoolRow {
    /// The pool.
    pub pool_id: i64,
    /// Stakes whose rewards it receives.
    pub stakes: i64,
    /// Claims paid to it.
    pub claims: i64,
    /// MASA claimed (wei, decimal).
    pub claimed: String,
}

/// What a pool's stakers prove: a statement about one field of a zkSBT record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PoolStatement {
    /// The record's schema (decimal).
    pub schema_id: String,
    /// 0 (any attestation class) or the Poseidon hash of the accepted issuers (decimal).
    pub issuer_set: String,
    /// The field, 0-7.
    pub field_index: i64,
    /// 0 `==`, 1 `!=`, 2 `<`, 3 `<=`, 4 `>`, 5 `>=`, 6 in `[operand_a, operand_b]`.
    pub operator: i64,
    /// First operand (uint64, decimal).
    pub operand_a: String,
    /// Second operand (uint64, decimal; the range's upper bound).
    pub operand_b: String,
}

/// A data pool: as created, and its totals so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PoolRow {
    /// The pool's id (from 1).
    pub pool_id: i64,
    /// Its developer: funded it, receives refunds and the deliveries.
    pub developer: String,
    /// What a staker proves.
    pub statement: PoolStatement,
    /// When rewards start (unix seconds; moved to `ended_at` when ended before it).
    pub start: i64,
    /// When rewards stop: as created, moved by extensions, or when the developer ended it.
    pub end: i64,
    /// The end as created.
    pub created_end: i64,
    /// Seconds extensions moved the end.
    pub extended_by: i64,
    /// Whether the developer ended it early (`end` is then when).
    pub ended_early: bool,
    /// The most stakers at once (0: no cap).
    pub max_stakers: i64,
    /// Where the pool is described.
    pub metadata_uri: String,
    /// The developer's Baby Jubjub delivery key, `[x, y]` (decimal).
    pub delivery_key: [String; 2],
    /// Reward budget funded, net of fees (MASA wei, decimal).
    pub funded: String,
    /// Fees paid to the fee router on its funding.
    pub fees: String,
    /// Rewards paid to stakers.
    pub paid: String,
    /// Budget returned to the developer.
    pub refunded: String,
    /// What the pool still holds for it: funded - paid - refunded.
    pub held: String,
    /// Stakes staked now.
    pub stakers: i64,
    /// Stakes ever made.
    pub stakes: i64,
    /// Stakes withdrawn.
    pub unstakes: i64,
    /// Deliveries emitted (one per stake).
    pub deliveries: i64,
    /// Claims paid (unstaking with rewards pending counts one).
    pub claims: i64,
    /// Top-ups.
    pub top_ups: i64,
    /// Extensions.
    pub extensions: i64,
    /// Refunds to the developer.
    pub refunds: i64,
    /// Created at (unix seconds).
    pub created_time: i64,
    /// Created in block.
    pub block_number: i64,
    /// Created by transaction.
    pub tx_hash: String,
}

/// A page of pools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PoolPage {
    /// Pools by id.
    pub pools: Vec<PoolRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A stake in a pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StakeRow {
    /// The pool.
    pub pool_id: i64,
    /// The stake's nullifier (decimal): one per person and pool.
    pub nullifier: String,
    /// Receives its rewards; alone may claim and unstake.
    pub recipient: String,
    /// Staked at (unix seconds).
    pub staked_time: i64,
    /// Staked in block.
    pub block_number: i64,
    /// Its `Staked` event's index in the block.
    pub log_index: i64,
    /// Staked by transaction.
    pub tx_hash: String,
    /// MASA claimed (wei, decimal).
    pub claimed: String,
    /// Claims paid.
    pub claims: i64,
    /// Whether it was withdrawn.
    pub unstaked: bool,
    /// Withdrawn at (unix seconds).
    pub unstaked_time: Option<i64>,
    /// Withdrawn in block.
    pub unstaked_block: Option<i64>,
}

/// A page of stakes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StakePage {
    /// Stakes in chain order.
    pub stakes: Vec<StakeRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A stake's delivery: its record encrypted to the pool's delivery key, as the pool emitted it
/// (`Delivered`) after verifying the proof that it encrypts the disclosed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeliveryRow {
    /// The pool.
    pub pool_id: i64,
    /// The stake's nullifier (decimal).
    pub nullifier: String,
    /// Emitted in block.
    pub block_number: i64,
    /// Index of the `Delivered` log in its block.
    pub log_index: i64,
    /// The block's time (unix seconds).
    pub block_time: i64,
    /// The stake's transaction.
    pub tx_hash: String,
    /// The staker's ephemeral Baby Jubjub key `[x, y]` (decimal).
    pub ephemeral_key: [String; 2],
    /// The encryption nonce (decimal).
    pub nonce: String,
    /// The 10 ciphertext words as emitted (decimal): the 8 values and a padding zero encrypted,
    /// then the authentication tag.
    pub ciphertext: Vec<String>,
}

/// A page of deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DeliveryPage {
    /// Deliveries in chain order.
    pub deliveries: Vec<DeliveryRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which pools to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolFilter {
    /// Created by this developer (checksummed).
    pub developer: Option<String>,
    /// For this schema (decimal).
    pub schema_id: Option<String>,
    /// Ids strictly above this one: the cursor.
    pub after: Option<i64>,
    /// Page size.
    pub limit: u32,
}

/// An access pass: as accepted, and its totals so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassRow {
    /// The pass's id (from 1).
    pub pass_id: i64,
    /// The record's owner: granted the pass and is paid for it.
    pub owner: String,
    /// The developer: bought it, asks for uses, receives the deliveries and the unused escrow.
    pub developer: String,
    /// The zkSBT whose record the pass is for (decimal).
    pub token_id: String,
    /// The token its prices are in (MASA or a token the fee router accepts).
    pub price_token: String,
    /// Paid at accept (base units, decimal), the fee included.
    pub upfront_price: String,
    /// Paid per delivered use, the fee included; escrowed at accept for every use.
    pub per_use_price: String,
    /// From when uses may be asked (unix seconds).
    pub valid_from: u64,
    /// Until when (inclusive) uses may be asked; deliveries have a grace period after it.
    pub valid_until: u64,
    /// The most uses.
    pub max_uses: i64,
    /// What the developer may use the record for: the bytes32 label (0x-hex).
    pub purpose: String,
    /// The terms contract consulted at each use (the zero address: none).
    pub terms: String,
    /// The developer's Baby Jubjub delivery key, `[x, y]` (decimal).
    pub delivery_key: [String; 2],
    /// Accepted at (unix seconds).
    pub accepted_time: i64,
    /// Accepted in block.
    pub block_number: i64,
    /// Accepted by transaction.
    pub tx_hash: String,
    /// Paid to the owner so far, net of fees.
    pub owner_paid: String,
    /// Protocol fees so far.
    pub fees: String,
    /// Held for uses not delivered yet.
    pub escrow: String,
    /// Returned to the developer.
    pub refunded: String,
    /// Uses asked for.
    pub requested: i64,
    /// Uses delivered.
    pub delivered: i64,
    /// Whether the owner revoked it.
    pub revoked: bool,
    /// Revoked at (unix seconds).
    pub revoked_time: Option<i64>,
    /// Whether its unused escrow went back to the developer.
    pub closed: bool,
}

/// A page of passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassPage {
    /// Passes by id.
    pub passes: Vec<PassRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Which passes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassFilter {
    /// Granted by this owner (checksummed).
    pub owner: Option<String>,
    /// Bought by this developer (checksummed).
    pub developer: Option<String>,
    /// Ids strictly above this one: the cursor.
    pub after: Option<i64>,
    /// Page size.
    pub limit: u32,
}

/// One use's delivery: the pass's record encrypted to its delivery key, as the contract emitted
/// it (`UseDelivered`) after verifying the proof that it encrypts the pass's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassDeliveryRow {
    /// The pass.
    pub pass_id: i64,
    /// The use (0 for the first).
    pub use_index: i64,
    /// Paid to the owner for it, net of the fee (base units of the pass's price token, decimal).
    pub owner_amount: String,
    /// The fee on it.
    pub fee: String,
    /// Emitted in block.
    pub block_number: i64,
    /// Index of the `UseDelivered` log in its block.
    pub log_index: i64,
    /// The block's time (unix seconds).
    pub block_time: i64,
    /// The delivering transaction.
    pub tx_hash: String,
    /// The owner's ephemeral Baby Jubjub key `[x, y]` (decimal).
    pub ephemeral_key: [String; 2],
    /// The encryption nonce (decimal).
    pub nonce: String,
    /// The 10 ciphertext words as emitted (decimal): the 8 values and a padding zero encrypted,
    /// then the authentication tag.
    pub ciphertext: Vec<String>,
}

/// A page of a pass's deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassDeliveryPage {
    /// Deliveries by use.
    pub deliveries: Vec<PassDeliveryRow>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A zkSBT record's public fields and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RecordRow {
    /// Token id (decimal).
    pub token_id: String,
    /// Owner.
    pub owner: String,
    /// Schema id (decimal).
    pub schema_id: String,
    /// Issuer (zero address when self-attested).
    pub issuer: String,
    /// Poseidon commitment (decimal); erased on-chain by a burn, kept here as minted.
    pub commitment: String,
    /// The registry tree its leaf went into (trees of `2^treeDepth` leaves, ids from 0): its
    /// anonymity set.
    pub tree_id: i64,
    /// Leaf index in that tree.
    pub leaf_index: i64,
    /// Expiry (unix seconds, 0 = none).
    pub expiry: i64,
    /// Minted at block.
    pub block_number: i64,
    /// Burned by its owner.
    pub burned: bool,
    /// Revoked by its issuer.
    pub revoked: bool,
    /// Marked expired.
    pub expired: bool,
}

/// A token's supply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TokenRow {
    /// Token address.
    pub token: String,
    /// Ever minted.
    pub minted: String,
    /// Ever burned.
    pub burned: String,
    /// Minted minus burned.
    pub supply: String,
    /// Holders with a non-zero balance.
    pub holders: i64,
}

/// Fee router totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeesRow {
    /// Per input token: payments, amount in, MASA it became.
    pub payments: Vec<FeePaymentRow>,
    /// MASA by destination (burned, oracle, validator, contributor, treasury, dust).
    pub distribution: BTreeMap<String, String>,
}

/// Fee payments in one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FeePaymentRow {
    /// Input token (address; the zero address for the native coin).
    pub token: String,
    /// Number of payments.
    pub payments: i64,
    /// Total paid in that token.
    pub amount_in: String,
    /// MASA those payments became.
    pub masa: String,
}

/// zkSBT registry statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ZkSbtStats {
    /// Counters: minted, burned, revoked, expired, disclosures, `disclosures_direct`,
    /// `disclosures_anonymous`, identities (wallets that registered their identity commitment),
    /// `mint_fees` (mints that paid a fee), `fees_forwarded` (forwardings to the fee router).
    pub counters: BTreeMap<String, i64>,
    /// MASA amounts (wei, decimal strings): `mint_fees` (paid by minters), `fees_forwarded` (to
    /// the fee router, where they are burned and split; MASA sent to the registry directly is
    /// forwarded too, so it can exceed the fees paid).
    pub amounts: BTreeMap<String, String>,
    /// Records currently usable: minted minus burned, revoked and expired.
    pub active: i64,
    /// Per tree: the anonymity sets.
    pub trees: Vec<TreeStats>,
    /// Per schema.
    pub schemas: Vec<SchemaStats>,
}

/// One registry tree's leaves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TreeStats {
    /// Tree id (0, 1, ...: a new tree starts when the previous one is full).
    pub tree_id: i64,
    /// Leaves inserted (one per mint).
    pub leaves: i64,
    /// Leaves still set (not burned, revoked or expired): the anonymity set of proofs against
    /// this tree.
    pub live: i64,
}

/// One schema's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SchemaStats {
    /// Schema id (decimal).
    pub schema_id: String,
    /// Records minted.
    pub minted: i64,
    /// Disclosures consumed.
    pub disclosures: i64,
}

/// A governance proposal with its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProposalRow {
    /// Proposal id (decimal).
    pub proposal_id: String,
    /// Proposer.
    pub proposer: String,
    /// Voting starts (timestamp clock).
    pub vote_start: i64,
    /// Voting ends.
    pub vote_end: i64,
    /// Description.
    pub description: String,
    /// Created at block.
    pub block_number: i64,
    /// Votes against, for and abstaining (weights, decimal).
    pub against_votes: String,
    /// For.
    pub for_votes: String,
    /// Abstain.
    pub abstain_votes: String,
    /// Voters.
    pub voters: i64,
    /// Queued in the timelock.
    pub queued: bool,
    /// Executed.
    pub executed: bool,
    /// Canceled.
    pub canceled: bool,
}

/// Events of one kind on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActivityRow {
    /// UTC day (days since 1970-01-01).
    pub day: i64,
    /// Contract.
    pub contract: String,
    /// Event.
    pub event: String,
    /// Count.
    pub events: i64,
}

/// Which events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Manifest contract name.
    pub contract: Option<String>,
    /// Event name.
    pub event: Option<String>,
    /// Emitting address (checksummed).
    pub address: Option<String>,
    /// Transaction hash.
    pub tx_hash: Option<String>,
    /// From this block (inclusive).
    pub from_block: Option<u64>,
    /// To this block (inclusive).
    pub to_block: Option<u64>,
    /// Strictly after this (block, log index): the cursor.
    pub after: Option<(u64, u64)>,
    /// Page size.
    pub limit: u32,
}

/// A page of events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    /// The events, in chain order.
    pub events: Vec<EventRow>,
    /// The last event's (block, log index) when more may follow.
    pub next: Option<(u64, u64)>,
}

fn amount_text(r: &sqlx::any::AnyRow, i: usize) -> String {
    r.get(i)
}

/// A pool with its totals (zero before any change): the columns [`pool_row`] reads.
const POOL_SELECT: &str = "SELECT p.pool_id, p.developer, p.schema_id, p.issuer_set, p.field_index, \
     p.operator, p.operand_a, p.operand_b, p.start_time, p.end_time, p.max_stakers, p.metadata_uri, \
     p.delivery_key_x, p.delivery_key_y, p.created_time, p.block_number, p.tx_hash, \
     COALESCE(t.funded, '0'), COALESCE(t.fees, '0'), COALESCE(t.paid, '0'), COALESCE(t.refunded, '0'), \
     COALESCE(t.extended_by, 0), COALESCE(t.ended_at, 0), COALESCE(t.stakers, 0), COALESCE(t.stakes, 0), \
     COALESCE(t.unstakes, 0), COALESCE(t.deliveries, 0), COALESCE(t.claims, 0), COALESCE(t.top_ups, 0), \
     COALESCE(t.extensions, 0), COALESCE(t.refunds, 0) \
     FROM pools p LEFT JOIN pool_totals t ON t.pool_id = p.pool_id";

fn pool_row(r: &sqlx::any::AnyRow) -> Result<PoolRow, StoreError> {
    let (funded, paid, refunded) = (
        super::parse_amount(&amount_text(r, 17))?,
        super::parse_amount(&amount_text(r, 19))?,
        super::parse_amount(&amount_text(r, 20))?,
    );
    let (start, created_end): (i64, i64) = (r.get(8), r.get(9));
    let (extended_by, ended_at): (i64, i64) = (r.get(21), r.get(22));
    let ended_early = ended_at > 0;
    // the contract: an early end is now, and moves a start still ahead to it
    let (start, end) =
        if ended_early { (start.min(ended_at), ended_at) } else { (start, created_end + extended_by) };
    Ok(PoolRow {
        pool_id: r.get(0),
        developer: r.get(1),
        statement: PoolStatement {
            schema_id: r.get(2),
            issuer_set: r.get(3),
            field_index: r.get(4),
            operator: r.get(5),
            operand_a: r.get(6),
            operand_b: r.get(7),
        },
        start,
        end,
        created_end,
        extended_by,
        ended_early,
        max_stakers: r.get(10),
        metadata_uri: r.get(11),
        delivery_key: [r.get(12), r.get(13)],
        created_time: r.get(14),
        block_number: r.get(15),
        tx_hash: r.get(16),
        funded: funded.to_string(),
        fees: amount_text(r, 18),
        paid: paid.to_string(),
        refunded: refunded.to_string(),
        held: funded.saturating_sub(paid).saturating_sub(refunded).to_string(),
        stakers: r.get(23),
        stakes: r.get(24),
        unstakes: r.get(25),
        deliveries: r.get(26),
        claims: r.get(27),
        top_ups: r.get(28),
        extensions: r.get(29),
        refunds: r.get(30),
    })
}

/// A pass with its totals (zero before any change): the columns [`pass_row`] reads.
const PASS_SELECT: &str = "SELECT p.pass_id, p.owner, p.developer, p.token_id, p.price_token, \
     p.upfront_price, p.per_use_price, p.valid_from, p.valid_until, p.max_uses, p.purpose, p.terms, \
     p.delivery_key_x, p.delivery_key_y, p.accepted_time, p.block_number, p.tx_hash, \
     COALESCE(t.owner_paid, '0'), COALESCE(t.fees, '0'), COALESCE(t.escrow, '0'), COALESCE(t.refunded, '0'), \
     COALESCE(t.requested, 0), COALESCE(t.delivered, 0), COALESCE(t.revoked, 0), \
     COALESCE(t.revoked_time, 0), COALESCE(t.closed, 0) \
     FROM passes p LEFT JOIN pass_totals t ON t.pass_id = p.pass_id";

fn pass_row(r: &sqlx::any::AnyRow) -> Result<PassRow, StoreError> {
    let pass_id: i64 = r.get(0);
    let time = |i: usize, what: &str| -> Result<u64, StoreError> {
        let text: String = r.get(i);
        text.parse().map_err(|_| StoreError::Corrupt(format!("{what} of pass {pass_id}: `{text}`")))
    };
    let revoked = r.get::<i64, _>(23) > 0;
    Ok(PassRow {
        pass_id,
        owner: r.get(1),
        developer: r.get(2),
        token_id: r.get(3),
        price_token: r.get(4),
        upfront_price: r.get(5),
        per_use_price: r.get(6),
        valid_from: time(7, "valid_from")?,
        valid_until: time(8, "valid_until")?,
        max_uses: r.get(9),
        purpose: r.get(10),
        terms: r.get(11),
        delivery_key: [r.get(12), r.get(13)],
        accepted_time: r.get(14),
        block_number: r.get(15),
        tx_hash: r.get(16),
        owner_paid: r.get(17),
        fees: r.get(18),
        escrow: r.get(19),
        refunded: r.get(20),
        requested: r.get(21),
        delivered: r.get(22),
        revoked,
        revoked_time: revoked.then(|| r.get(24)),
        closed: r.get::<i64, _>(25) > 0,
    })
}

impl Store {
    /// A wallet's summary; `None` when no event ever touched it.
    pub async fn wallet(&self, address: &str) -> Result<Option<WalletRow>, StoreError> {
        let row = sqlx::query(
            "SELECT transfers_in, transfers_out, rewards_earned, fees_paid, vested_released, votes_cast, \
             records_held, records_minted, disclosures, disclosures_consumed, pools_created, pool_refunds, \
             pool_stakes, pool_rewards, passes_granted, passes_bought, nodes_registered, requests_posted \
             FROM wallets WHERE address = $1",
        )
        .bind(address)
        .fetch_optional(self.db())
        .await
        .during("reading a wallet")?;
        let Some(r) = row else { return Ok(None) };
        let balances = sqlx::query("SELECT token, amount FROM balances WHERE holder = $1 ORDER BY token")
            .bind(address)
            .fetch_all(self.db())
            .await
            .during("reading a wallet's balances")?
            .iter()
            .map(|b| (b.get(0), b.get(1)))
            .collect();
        Ok(Some(WalletRow {
            address: address.to_owned(),
            balances,
            transfers_in: r.get(0),
            transfers_out: r.get(1),
            rewards_earned: amount_text(&r, 2),
            fees_paid: r.get(3),
            vested_released: amount_text(&r, 4),
            votes_cast: r.get(5),
            records_held: r.get(6),
            records_minted: r.get(7),
            disclosures: r.get(8),
            disclosures_consumed: r.get(9),
            records: self.records_of(address).await?,
            pools_created: r.get(10),
            pool_refunds: amount_text(&r, 11),
            pool_stakes: r.get(12),
            pool_rewards: amount_text(&r, 13),
            pools: self.pool_rewards_of(address).await?,
            passes_granted: r.get(14),
            passes_bought: r.get(15),
            pass_income: self.pass_income_of(address).await?,
            nodes_registered: r.get(16),
            requests_posted: r.get(17),
            oracle_node: self.oracle_node(address).await?,
        }))
    }

    /// What `owner`'s passes paid it, by price token: each pass's `owner_paid`, summed (amounts
    /// are uint256 text, beyond portable SQL arithmetic).
    pub async fn pass_income_of(&self, owner: &str) -> Result<BTreeMap<String, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.price_token, t.owner_paid FROM passes p JOIN pass_totals t ON t.pass_id = p.pass_id \
             WHERE p.owner = $1",
        )
        .bind(owner)
        .fetch_all(self.db())
        .await
        .during("reading a wallet's pass income")?;
        let mut income: BTreeMap<String, U256> = BTreeMap::new();
        for r in &rows {
            let paid = super::parse_amount(&amount_text(r, 1))?;
            let sum = income.entry(r.get(0)).or_default();
            *sum = sum.saturating_add(paid);
        }
        Ok(income.into_iter().filter(|(_, v)| !v.is_zero()).map(|(t, v)| (t, v.to_string())).collect())
    }

    /// A wallet's stakes and rewards per pool, by pool.
    pub async fn pool_rewards_of(&self, recipient: &str) -> Result<Vec<WalletPoolRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT pool_id, stakes, claims, claimed FROM pool_rewards WHERE recipient = $1 \
             AND (stakes <> 0 OR claims <> 0) ORDER BY pool_id",
        )
        .bind(recipient)
        .fetch_all(self.db())
        .await
        .during("reading a wallet's pool rewards")?;
        Ok(rows
            .iter()
            .map(|r| WalletPoolRow {
                pool_id: r.get(0),
                stakes: r.get(1),
                claims: r.get(2),
                claimed: r.get(3),
            })
            .collect())
    }

    /// Pools matching `filter`, by id.
    pub async fn pools(&self, filter: &PoolFilter) -> Result<PoolPage, StoreError> {
        let sql = format!(
            "{POOL_SELECT} WHERE ($1 IS NULL OR p.developer = $1) AND ($2 IS NULL OR p.schema_id = $2) \
             AND p.pool_id > $3 ORDER BY p.pool_id LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.developer.as_deref())
            .bind(filter.schema_id.as_deref())
            .bind(filter.after.unwrap_or(0))
            .bind(i64::from(filter.limit))
            .fetch_all(self.db())
            .await
            .during("reading pools")?;
        let pools: Vec<PoolRow> = rows.iter().map(pool_row).collect::<Result<_, _>>()?;
        let next_cursor = next_cursor(&pools, filter.limit, |p| p.pool_id.to_string());
        Ok(PoolPage { pools, next_cursor })
    }

    /// Pool `pool_id`, if it was created.
    pub async fn pool(&self, pool_id: i64) -> Result<Option<PoolRow>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{POOL_SELECT} WHERE p.pool_id = $1")))
            .bind(pool_id)
            .fetch_optional(self.db())
            .await
            .during_with(|| format!("reading pool {pool_id}"))?;
        row.as_ref().map(pool_row).transpose()
    }

    /// Stakes of pool `pool_id` in chain order (optionally of one recipient), strictly after the
    /// `Staked` event at `after` (block, log index), at most `limit`.
    pub async fn stakes(
        &self,
        pool_id: i64,
        recipient: Option<&str>,
        after: Option<(u64, u64)>,
        limit: u32,
    ) -> Result<StakePage, StoreError> {
        let (after_block, after_log) = after.map_or((-1, -1), |(b, l)| (n(b), n(l)));
        let rows = sqlx::query(
            "SELECT s.pool_id, s.nullifier, s.recipient, s.staked_time, s.block_number, s.log_index, s.tx_hash, \
             COALESCE(t.claimed, '0'), COALESCE(t.claims, 0), COALESCE(t.unstaked_time, 0), \
             COALESCE(t.unstaked_block, 0) \
             FROM pool_stakes s LEFT JOIN pool_stake_totals t ON t.pool_id = s.pool_id AND t.nullifier = s.nullifier \
             WHERE s.pool_id = $1 AND ($2 IS NULL OR s.recipient = $2) \
             AND (s.block_number > $3 OR (s.block_number = $3 AND s.log_index > $4)) \
             ORDER BY s.block_number, s.log_index LIMIT $5",
        )
        .bind(pool_id)
        .bind(recipient)
        .bind(after_block)
        .bind(after_log)
        .bind(i64::from(limit))
        .fetch_all(self.db())
        .await
        .during_with(|| format!("reading the stakes of pool {pool_id}"))?;
        let stakes: Vec<StakeRow> = rows
            .iter()
            .map(|r| {
                let (unstaked_time, unstaked_block): (i64, i64) = (r.get(9), r.get(10));
                let unstaked = unstaked_block > 0;
                StakeRow {
                    pool_id: r.get(0),
                    nullifier: r.get(1),
                    recipient: r.get(2),
                    staked_time: r.get(3),
                    block_number: r.get(4),
                    log_index: r.get(5),
                    tx_hash: r.get(6),
                    claimed: r.get(7),
                    claims: r.get(8),
                    unstaked,
                    unstaked_time: unstaked.then_some(unstaked_time),
                    unstaked_block: unstaked.then_some(unstaked_block),
                }
            })
            .collect();
        let next_cursor = next_cursor(&stakes, limit, |s| format!("{}-{}", s.block_number, s.log_index));
        Ok(StakePage { stakes, next_cursor })
    }

    /// Deliveries of pool `pool_id` in chain order, strictly after the `Delivered` event at
    /// `after` (block, log index), at most `limit`.
    pub async fn deliveries(
        &self,
        pool_id: i64,
        after: Option<(u64, u64)>,
        limit: u32,
    ) -> Result<DeliveryPage, StoreError> {
        let (after_block, after_log) = after.map_or((-1, -1), |(b, l)| (n(b), n(l)));
        let rows = sqlx::query(
            "SELECT pool_id, nullifier, block_number, log_index, block_time, tx_hash, ephemeral_key_x, \
             ephemeral_key_y, nonce, ciphertext FROM pool_deliveries \
             WHERE pool_id = $1 AND (block_number > $2 OR (block_number = $2 AND log_index > $3)) \
             ORDER BY block_number, log_index LIMIT $4",
        )
        .bind(pool_id)
        .bind(after_block)
        .bind(after_log)
        .bind(i64::from(limit))
        .fetch_all(self.db())
        .await
        .during_with(|| format!("reading the deliveries of pool {pool_id}"))?;
        let deliveries: Vec<DeliveryRow> = rows
            .iter()
            .map(|r| {
                let text: String = r.get(9);
                let ciphertext: Vec<String> = serde_json::from_str(&text).map_err(|_| {
                    StoreError::Corrupt(format!("ciphertext of a delivery in pool {pool_id}: `{text}`"))
                })?;
                Ok(DeliveryRow {
                    pool_id: r.get(0),
                    nullifier: r.get(1),
                    block_number: r.get(2),
                    log_index: r.get(3),
                    block_time: r.get(4),
                    tx_hash: r.get(5),
                    ephemeral_key: [r.get(6), r.get(7)],
                    nonce: r.get(8),
                    ciphertext,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let next_cursor = next_cursor(&deliveries, limit, |d| format!("{}-{}", d.block_number, d.log_index));
        Ok(DeliveryPage { deliveries, next_cursor })
    }

    /// Passes matching `filter`, by id.
    pub async fn passes(&self, filter: &PassFilter) -> Result<PassPage, StoreError> {
        let sql = format!(
            "{PASS_SELECT} WHERE ($1 IS NULL OR p.owner = $1) AND ($2 IS NULL OR p.developer = $2) \
             AND p.pass_id > $3 ORDER BY p.pass_id LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.owner.as_deref())
            .bind(filter.developer.as_deref())
            .bind(filter.after.unwrap_or(0))
            .bind(i64::from(filter.limit))
            .fetch_all(self.db())
            .await
            .during("reading passes")?;
        let passes: Vec<PassRow> = rows.iter().map(pass_row).collect::<Result<_, _>>()?;
        let next_cursor = next_cursor(&passes, filter.limit, |p| p.pass_id.to_string());
        Ok(PassPage { passes, next_cursor })
    }

    /// Pass `pass_id`, if it was accepted.
    pub async fn pass(&self, pass_id: i64) -> Result<Option<PassRow>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{PASS_SELECT} WHERE p.pass_id = $1")))
            .bind(pass_id)
            .fetch_optional(self.db())
            .await
            .during_with(|| format!("reading pass {pass_id}"))?;
        row.as_ref().map(pass_row).transpose()
    }

    /// Deliveries of pass `pass_id` by use, strictly after use `after`, at most `limit`.
    pub async fn pass_deliveries(
        &self,
        pass_id: i64,
        after: Option<i64>,
        limit: u32,
    ) -> Result<PassDeliveryPage, StoreError> {
        let rows = sqlx::query(
            "SELECT pass_id, use_index, owner_amount, fee, block_number, log_index, block_time, tx_hash, \
             ephemeral_key_x, ephemeral_key_y, nonce, ciphertext FROM pass_deliveries \
             WHERE pass_id = $1 AND use_index > $2 ORDER BY use_index LIMIT $3",
        )
        .bind(pass_id)
        .bind(after.unwrap_or(-1))
        .bind(i64::from(limit))
        .fetch_all(self.db())
        .await
        .during_with(|| format!("reading the deliveries of pass {pass_id}"))?;
        let deliveries: Vec<PassDeliveryRow> = rows
            .iter()
            .map(|r| {
                let text: String = r.get(11);
                let ciphertext: Vec<String> = serde_json::from_str(&text).map_err(|_| {
                    StoreError::Corrupt(format!("ciphertext of a delivery of pass {pass_id}: `{text}`"))
                })?;
                Ok(PassDeliveryRow {
                    pass_id: r.get(0),
                    use_index: r.get(1),
                    owner_amount: r.get(2),
                    fee: r.get(3),
                    block_number: r.get(4),
                    log_index: r.get(5),
                    block_time: r.get(6),
                    tx_hash: r.get(7),
                    ephemeral_key: [r.get(8), r.get(9)],
                    nonce: r.get(10),
                    ciphertext,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let next_cursor = next_cursor(&deliveries, limit, |d| d.use_index.to_string());
        Ok(PassDeliveryPage { deliveries, next_cursor })
    }

    /// A wallet's zkSBT records, oldest first.
    pub async fn records_of(&self, owner: &str) -> Result<Vec<RecordRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.token_id, r.owner, r.schema_id, r.issuer, r.commitment, r.tree_id, r.leaf_index, r.expiry, \
             r.block_number, COALESCE(s.burned, 0), COALESCE(s.revoked, 0), COALESCE(s.expired, 0) \
             FROM zksbt_records r LEFT JOIN zksbt_status s ON s.token_id = r.token_id \
             WHERE r.owner = $1 ORDER BY r.block_number, r.tree_id, r.leaf_index",
        )
        .bind(owner)
        .fetch_all(self.db())
        .await.during("reading a wallet's records")?;
        Ok(rows
            .iter()
            .map(|r| RecordRow {
                token_id: r.get(0),
                owner: r.get(1),
                schema_id: r.get(2),
                issuer: r.get(3),
                commitment: r.get(4),
                tree_id: r.get(5),
                leaf_index: r.get(6),
                expiry: r.get(7),
                block_number: r.get(8),
                burned: r.get::<i64, _>(9) > 0,
                revoked: r.get::<i64, _>(10) > 0,
                expired: r.get::<i64, _>(11) > 0,
            })
            .collect())
    }

    /// Every token's minted, burned and current supply, with its holder count.
    pub async fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        let rows = sqlx::query("SELECT token, minted, burned FROM supply ORDER BY token")
            .fetch_all(self.db())
            .await
            .during("reading token supplies")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let token: String = r.get(0);
            let minted = super::parse_amount(&amount_text(&r, 1))?;
            let burned = super::parse_amount(&amount_text(&r, 2))?;
            let holders = sqlx::query("SELECT COUNT(*) FROM balances WHERE token = $1 AND amount <> '0'")
                .bind(token.as_str())
                .fetch_one(self.db())
                .await
                .during("counting token holders")?;
            out.push(TokenRow {
                token,
                minted: minted.to_string(),
                burned: burned.to_string(),
                supply: minted.saturating_sub(burned).to_string(),
                holders: holders.get(0),
            });
        }
        Ok(out)
    }

    /// Fee router totals.
    pub async fn fees(&self) -> Result<FeesRow, StoreError> {
        let payments =
            sqlx::query("SELECT token, payments, amount_in, masa FROM fee_payments ORDER BY token")
                .fetch_all(self.db())
                .await
                .during("reading fee payments")?
                .iter()
                .map(|r| FeePaymentRow {
                    token: r.get(0),
                    payments: r.get(1),
                    amount_in: r.get(2),
                    masa: r.get(3),
                })
                .collect();
        let distribution = sqlx::query("SELECT bucket, amount FROM fee_distribution ORDER BY bucket")
            .fetch_all(self.db())
            .await
            .during("reading the fee split")?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        Ok(FeesRow { payments, distribution })
    }

    /// zkSBT registry statistics.
    pub async fn zksbt_stats(&self) -> Result<ZkSbtStats, StoreError> {
        let stats = sqlx::query("SELECT counter, value, amount FROM zksbt_stats ORDER BY counter")
            .fetch_all(self.db())
            .await
            .during("reading zkSBT statistics")?;
        let counters: BTreeMap<String, i64> = stats.iter().map(|r| (r.get(0), r.get(1))).collect();
        let amounts: BTreeMap<String, String> = stats
            .iter()
            .filter(|r| r.get::<String, _>(2) != "0")
            .map(|r| (r.get(0), amount_text(r, 2)))
            .collect();
        let trees = sqlx::query("SELECT tree_id, inserted, removed FROM zksbt_trees ORDER BY tree_id")
            .fetch_all(self.db())
            .await
            .during("reading zkSBT trees")?
            .iter()
            .map(|r| TreeStats {
                tree_id: r.get(0),
                leaves: r.get(1),
                live: r.get::<i64, _>(1) - r.get::<i64, _>(2),
            })
            .collect();
        let active = sqlx::query(
            "SELECT COUNT(*) FROM zksbt_records r LEFT JOIN zksbt_status s ON s.token_id = r.token_id \
             WHERE COALESCE(s.burned, 0) = 0 AND COALESCE(s.revoked, 0) = 0 AND COALESCE(s.expired, 0) = 0",
        )
        .fetch_one(self.db())
        .await
        .during("counting active zkSBT records")?
        .get(0);
        let schemas =
            sqlx::query("SELECT schema_id, minted, disclosures FROM zksbt_schemas ORDER BY schema_id")
                .fetch_all(self.db())
                .await
                .during("reading zkSBT schemas")?
                .iter()
                .map(|r| SchemaStats { schema_id: r.get(0), minted: r.get(1), disclosures: r.get(2) })
                .collect();
        Ok(ZkSbtStats { counters, amounts, active, trees, schemas })
    }

    /// Governance proposals, newest first, at most `limit`, created strictly before block
    /// `before` when given.
    pub async fn proposals(&self, before: Option<u64>, limit: u32) -> Result<Vec<ProposalRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.proposal_id, p.proposer, p.vote_start, p.vote_end, p.description, p.block_number, \
             COALESCE(t.against_votes, '0'), COALESCE(t.for_votes, '0'), COALESCE(t.abstain_votes, '0'), \
             COALESCE(t.voters, 0), COALESCE(t.queued, 0), COALESCE(t.executed, 0), COALESCE(t.canceled, 0) \
             FROM proposals p LEFT JOIN proposal_tallies t ON t.proposal_id = p.proposal_id \
             WHERE p.block_number < $1 ORDER BY p.block_number DESC, p.proposal_id LIMIT $2",
        )
        .bind(before.map_or(i64::MAX, n))
        .bind(i64::from(limit))
        .fetch_all(self.db())
        .await
        .during("reading proposals")?;
        Ok(rows
            .iter()
            .map(|r| ProposalRow {
                proposal_id: r.get(0),
                proposer: r.get(1),
                vote_start: r.get(2),
                vote_end: r.get(3),
                description: r.get(4),
                block_number: r.get(5),
                against_votes: r.get(6),
                for_votes: r.get(7),
                abstain_votes: r.get(8),
                voters: r.get(9),
                queued: r.get::<i64, _>(10) > 0,
                executed: r.get::<i64, _>(11) > 0,
                canceled: r.get::<i64, _>(12) > 0,
            })
            .collect())
    }

    /// Events per day, contract and event for days in `[from_day, to_day]`.
    pub async fn activity(&self, from_day: i64, to_day: i64) -> Result<Vec<ActivityRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, contract, event, events FROM activity WHERE day >= $1 AND day <= $2 \
             ORDER BY day, contract, event",
        )
        .bind(from_day)
        .bind(to_day)
        .fetch_all(self.db())
        .await
        .during("reading activity")?;
        Ok(rows
            .iter()
            .map(|r| ActivityRow { day: r.get(0), contract: r.get(1), event: r.get(2), events: r.get(3) })
            .collect())
    }

    /// A page of events matching `filter`, in chain order.
    pub async fn event_page(&self, filter: &EventFilter) -> Result<EventPage, StoreError> {
        // one statement with every filter optional: `$k IS NULL OR column = $k`
        let sql = format!(
            "SELECT {} FROM events WHERE \
             ($1 IS NULL OR contract = $1) AND ($2 IS NULL OR event = $2) AND ($3 IS NULL OR address = $3) \
             AND ($4 IS NULL OR tx_hash = $4) AND block_number >= $5 AND block_number <= $6 \
             AND (block_number > $7 OR (block_number = $7 AND log_index > $8)) \
             ORDER BY block_number, log_index LIMIT $9",
            sql::EVENT_COLUMNS
        );
        let (after_block, after_log) = filter.after.map_or((-1, -1), |(b, l)| (n(b), n(l)));
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(filter.contract.as_deref())
            .bind(filter.event.as_deref())
            .bind(filter.address.as_deref())
            .bind(filter.tx_hash.as_deref())
            .bind(filter.from_block.map_or(0, n))
            .bind(filter.to_block.map_or(i64::MAX, n))
            .bind(after_block)
            .bind(after_log)
            .bind(i64::from(filter.limit))
            .fetch_all(self.db())
            .await
            .during("reading events")?;
        let events: Vec<EventRow> = rows.iter().map(sql::event_row).collect::<Result<_, _>>()?;
        let next = (events.len() == filter.limit as usize)
            .then(|| events.last().map(|e| (e.block_number, e.log_index)))
            .flatten();
        Ok(EventPage { events, next })
    }
}
