//! The data staking pools' client: a developer creates, funds, extends and ends pools and
//! downloads what was delivered to them; a person stakes one of their zkSBT records (a delivery
//! proof from `masa-prover`), claims and unstakes. `masa pool` is this module with arguments
//! and printing.
//!
//! A stake is one proof of the delivery circuit (`circuits/delivery.md`): the disclosure of the
//! pool's statement about a zkSBT record, and the encryption of that record's 8 values to the
//! pool's delivery key. The pool recomputes the disclosure's scope and message hash and supplies
//! its own key, so the proof only verifies for this pool, this recipient and this ciphertext.
//!
//! The developer's delivery key is derived from its wallet's private key
//! ([`DeliverySecretKey::derive`]), as the zkSBT owner keys are: the wallet alone decrypts its
//! pools' deliveries, and no file holds the key.
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, wallet: alloy::signers::local::PrivateKeySigner,
//! #   spec: masa_sdk::pools::PoolSpec) -> Result<(), masa_sdk::pools::Error> {
//! use masa_sdk::pools::PoolsClient;
//!
//! let pools = PoolsClient::connect(&target, wallet)?;
//! let created = pools.create(&spec).await?;
//! let deliveries = pools.deliveries(created.pool, |_| {}).await?;
//! println!("pool {}: {} deliveries", created.pool, deliveries.deliveries.len());
//! # Ok(()) }
//! ```

mod delivery;
mod error;

pub use delivery::{Rebind, delivery_args, open, stake_args};
pub use error::{Error, SchemaMismatch};

use crate::{
    indexer::{self, IndexerClient},
    target::Target,
    tx::{self, Call},
    zksbt::{Anonymity, ProveRequest, ZkSbtClient},
};
use alloy::{
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider},
    rpc::types::{Filter, Log},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract,
    contracts::{DataPools, pools::IDataPools},
    manifest::Manifest,
};
use masa_prover::{
    DeliveryRequest, Prover, Timings,
    delivery::{DeliveryPublicKey, DeliverySecretKey},
    field::to_u256,
    poseidon,
    statement::Operator,
};
use std::collections::HashMap;

/// Blocks per `eth_getLogs` request (public RPCs cap ranges near 10,000).
const LOG_RANGE: u64 = 5_000;

/// `function` of the pools contract, as errors name it.
const fn pools(function: &'static str) -> Call {
    Call::new(Contract::DataPools, function)
}

/// A pool to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    /// The MASA funded (in wei), fee included: the fee router takes the funding fee from it.
    pub budget: U256,
    /// Unix time stakes open (`None`: the latest block's time plus a minute).
    pub start: Option<u64>,
    /// Seconds the budget streams for.
    pub duration: u64,
    /// Most stakers at once (0: no cap).
    pub max_stakers: u32,
    /// The accepted schema.
    pub schema: U256,
    /// The issuers whose attestations count (1 to 4; `address(0)` for self-attested records);
    /// `None`: any attestation class.
    pub issuers: Option<Vec<Address>>,
    /// The field the statement is about (0-7).
    pub field: u8,
    /// The comparison.
    pub op: Operator,
    /// Its operand (the range's lower bound for `in`).
    pub value: u64,
    /// The range's upper bound (`in` only).
    pub value_b: u64,
    /// What the data is for.
    pub metadata_uri: String,
}

/// A created pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Created {
    /// Its id.
    pub pool: U256,
    /// The reward budget (the funding net of the fee).
    pub funded: U256,
    /// The fee paid through the fee router.
    pub fee: U256,
    /// The transaction.
    pub tx_hash: B256,
}

/// A pool as the chain holds it.
#[derive(Debug, Clone)]
pub struct PoolInfo {
    /// Its id.
    pub id: U256,
    /// Its state (`DataPools.pool`).
    pub pool: IDataPools::Pool,
    /// What its developer can take back now (`refundable`).
    pub refundable: U256,
}

/// A stake to make: one of the wallet's records, proven to a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StakeRequest {
    /// The pool.
    pub pool: U256,
    /// The wallet's token.
    pub token: U256,
    /// Prove against the record's tree (the pool learns only "one of these records").
    pub anonymous: bool,
    /// Receives the rewards and controls the stake (default: the wallet).
    pub recipient: Option<Address>,
    /// The pool's issuers, when its issuer set is not the record's issuer alone.
    pub issuers: Option<Vec<Address>>,
    /// Seconds the disclosure stays valid (it must land before).
    pub valid_secs: u64,
}

/// A stake made.
#[derive(Debug, Clone)]
pub struct Staked {
    /// The stake's id in the pool (the disclosure's nullifier).
    pub nullifier: U256,
    /// Its recipient.
    pub recipient: Address,
    /// The transaction.
    pub tx_hash: B256,
    /// The anonymity set, in anonymous mode.
    pub anonymity: Option<Anonymity>,
    /// Where the proving time went.
    pub timings: Timings,
}

/// One `Delivered` event of a pool, where the chain recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryLog {
    /// The block.
    pub block_number: u64,
    /// The transaction.
    pub tx_hash: B256,
    /// The log's index in its block.
    pub log_index: u64,
    /// The stake.
    pub nullifier: U256,
    /// The ciphertext and what decrypting it needs.
    pub delivery: IDataPools::Delivery,
}

/// A stake's `Staked` event and, if it left, its `Unstaked` event's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakeLog {
    /// Its recipient.
    pub recipient: Address,
    /// The staking transaction (the one that must carry the delivery).
    pub tx_hash: B256,
    /// The block it left in, if it did (the developer's access ended there).
    pub unstaked_block: Option<u64>,
}

/// Everything a pool's developer downloads: its deliveries in chain order, and its stakes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deliveries {
    /// The `Delivered` events.
    pub deliveries: Vec<DeliveryLog>,
    /// The stakes, by nullifier.
    pub stakes: HashMap<U256, StakeLog>,
}

/// Progress of a download: blocks scanned of the range (from the chain's logs), or places read
/// of those the indexer named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Done so far.
    pub done: u64,
    /// To do.
    pub total: u64,
}

/// The data pools of a deployment, driven by one wallet.
#[derive(Debug, Clone)]
pub struct PoolsClient<P> {
    provider: P,
    wallet: PrivateKeySigner,
    sbt: ZkSbtClient<P>,
    address: Address,
    masa: Address,
    from_block: u64,
}

impl PoolsClient<DynProvider> {
    /// The pools of `target`'s deployment, with `wallet` signing.
    pub fn connect(target: &Target, wallet: PrivateKeySigner) -> Result<Self, Error> {
        Self::new(tx::signing_provider(target.rpc_url.clone(), wallet.clone()), &target.manifest, wallet)
    }
}

impl<P: Provider + Clone> PoolsClient<P> {
    /// The pools of `manifest`'s deployment over `provider`, which must sign for `wallet`.
    pub fn new(provider: P, manifest: &Manifest, wallet: PrivateKeySigner) -> Result<Self, Error> {
        let deployment = manifest.deployment(Contract::DataPools)?;
        Ok(Self {
            sbt: ZkSbtClient::new(provider.clone(), manifest, wallet.clone())?,
            provider,
            wallet,
            address: deployment.address,
            masa: manifest.address_of(Contract::MasaToken)?,
            from_block: deployment.block_number,
        })
    }
}

impl<P: Provider> PoolsClient<P> {
    /// The wallet's address.
    pub fn wallet(&self) -> Address {
        self.wallet.address()
    }

    /// The pools contract's address.
    pub const fn address(&self) -> Address {
        self.address
    }

    /// The pools contract's typed instance.
    pub fn contract(&self) -> DataPools::DataPoolsInstance<&P> {
        DataPools::new(self.address, &self.provider)
    }

    /// The wallet's delivery key: the pools it creates take its public half, and it decrypts
    /// their deliveries ([`delivery_key`]).
    pub fn delivery_key(&self) -> DeliverySecretKey {
        delivery_key(&self.wallet)
    }

    /// A failed view of the pools, as an error naming it.
    fn read(&self, function: &'static str) -> impl Fn(alloy::contract::Error) -> Error {
        let read = tx::read(pools(function), self.address);
        move |e| read(e).into()
    }

    /// The number of pools (ids `1..=count`).
    pub async fn count(&self) -> Result<U256, Error> {
        self.contract().poolCount().call().await.map_err(self.read("poolCount"))
    }

    /// Pool `id`, refused when it does not exist.
    pub async fn pool(&self, id: U256) -> Result<PoolInfo, Error> {
        let count = self.count().await?;
        if id.is_zero() || id > count {
            return Err(Error::UnknownPool { pool: id, count });
        }
        let c = self.contract();
        let pool = c.pool(id).call().await.map_err(self.read("pool"))?;
        let refundable = c.refundable(id).call().await.map_err(self.read("refundable"))?;
        Ok(PoolInfo { id, pool, refundable })
    }

    /// Every pool, oldest first.
    pub async fn list(&self) -> Result<Vec<PoolInfo>, Error> {
        let count = self.count().await?;
        let mut out = Vec::new();
        let mut id = U256::from(1);
        while id <= count {
            out.push(self.pool(id).await?);
            id += U256::from(1);
        }
        Ok(out)
    }

    /// Creates and funds a pool for `spec`, with the wallet's delivery key: approves the pools
    /// for exactly the budget, then `createPool`.
    pub async fn create(&self, spec: &PoolSpec) -> Result<Created, Error> {
        if spec.budget.is_zero() {
            return Err(Error::ZeroBudget);
        }
        let operands_ok = spec.op == Operator::InRange || spec.value_b == 0;
        if !operands_ok {
            return Err(Error::Operands {
                operator: spec.op,
                operands: format!("{} {}", spec.value, spec.value_b),
            });
        }
        let issuer_set = match &spec.issuers {
            None => U256::ZERO,
            Some(members) => to_u256(poseidon::issuer_set(members)?),
        };
        let start = match spec.start {
            Some(start) => start,
            None => self.now().await? + 60,
        };
        let key = self.delivery_key().public_key().to_words();
        let config = IDataPools::PoolConfig {
            start,
            end: start.saturating_add(spec.duration),
            maxStakers: spec.max_stakers,
            statement: IDataPools::Statement {
                schemaId: spec.schema,
                issuerSet: issuer_set,
                fieldIndex: spec.field,
                operator: spec.op as u8,
                operandA: spec.value,
                operandB: spec.value_b,
            },
            metadataURI: spec.metadata_uri.clone(),
            deliveryKeyX: key[0],
            deliveryKeyY: key[1],
        };
        self.approve(spec.budget).await?;
        let receipt = tx::send(pools("createPool"), self.contract().createPool(config, spec.budget)).await?;
        let created = event::<DataPools::PoolCreated>(receipt.logs(), receipt.transaction_hash)?;
        Ok(Created {
            pool: created.poolId,
            funded: created.rewardBudget,
            fee: created.fee,
            tx_hash: receipt.transaction_hash,
        })
    }

    /// Adds `amount` MASA (fee included) to pool `id`'s budget; returns the part that streams.
    pub async fn top_up(&self, id: U256, amount: U256) -> Result<(U256, B256), Error> {
        if amount.is_zero() {
            return Err(Error::ZeroBudget);
        }
        self.approve(amount).await?;
        let receipt = tx::send(pools("topUp"), self.contract().topUp(id, amount)).await?;
        let topped = event::<DataPools::ToppedUp>(receipt.logs(), receipt.transaction_hash)?;
        Ok((topped.rewardAmount, receipt.transaction_hash))
    }

    /// Moves pool `id`'s end to `new_end` (its remaining budget streams over the longer time).
    pub async fn extend(&self, id: U256, new_end: u64) -> Result<B256, Error> {
        let receipt = tx::send(pools("extend"), self.contract().extend(id, new_end)).await?;
        Ok(receipt.transaction_hash)
    }

    /// Ends pool `id` now; returns what was refunded to the developer with it.
    pub async fn end(&self, id: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(pools("end"), self.contract().end(id)).await?;
        let refunded = receipt
            .logs()
            .iter()
            .find_map(|log| DataPools::Refunded::decode_log(&log.inner).ok())
            .map_or(U256::ZERO, |e| e.amount);
        Ok((refunded, receipt.transaction_hash))
    }

    /// Pays pool `id`'s developer what nobody earned so far.
    pub async fn refund(&self, id: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(pools("refund"), self.contract().refund(id)).await?;
        let refunded = event::<DataPools::Refunded>(receipt.logs(), receipt.transaction_hash)?;
        Ok((refunded.amount, receipt.transaction_hash))
    }

    /// The wallet's stake id in pool `id`: the nullifier its records' disclosures to the pool
    /// carry (one per wallet and pool, whichever record was staked).
    pub async fn nullifier(&self, id: U256) -> Result<U256, Error> {
        let scope = self.contract().scopeOf(id).call().await.map_err(self.read("scopeOf"))?;
        let secret = masa_prover::field::to_fr("ownerSecret", self.sbt.keys().owner_secret)?;
        let scope = masa_prover::field::to_fr("scope", scope)?;
        Ok(to_u256(poseidon::nullifier(secret, scope)))
    }

    /// A stake's state (`stakeOf`) and what it has earned (`earned`).
    pub async fn stake_of(&self, id: U256, nullifier: U256) -> Result<(IDataPools::Stake, U256), Error> {
        let c = self.contract();
        let stake = c.stakeOf(id, nullifier).call().await.map_err(self.read("stakeOf"))?;
        let earned = c.earned(id, nullifier).call().await.map_err(self.read("earned"))?;
        Ok((stake, earned))
    }

    /// Stakes one of the wallet's records into a pool: checks the record against the pool's
    /// statement, proves the delivery of its values to the pool's key with `prover` (the
    /// delivery circuit's), and sends `stake` (simulated first: a refusal comes back by name).
    pub async fn stake(&self, request: &StakeRequest, prover: &mut Prover) -> Result<Staked, Error> {
        let id = request.pool;
        let info = self.pool(id).await?;
        let statement = &info.pool.statement;
        let operator = Operator::ALL
            .get(usize::from(statement.operator))
            .copied()
            .ok_or(Error::BadOperator { pool: id, operator: statement.operator })?;
        let record = self.sbt.record(request.token).await?;
        if record.schemaId != statement.schemaId {
            return Err(Error::Schema(Box::new(SchemaMismatch {
                token: request.token,
                record: record.schemaId,
                pool: id,
                accepted: statement.schemaId,
            })));
        }
        let issuers = self.issuers_for(id, statement.issuerSet, record.issuer, request.issuers.clone())?;
        let key = DeliveryPublicKey::from_words(info.pool.deliveryKeyX, info.pool.deliveryKeyY)
            .map_err(|source| Error::DeliveryKey { pool: id, source })?;
        let purpose = self.contract().purposeOf(id).call().await.map_err(self.read("purposeOf"))?;
        let ask = ProveRequest {
            token: request.token,
            field: statement.fieldIndex,
            op: operator,
            value: statement.operandA,
            value_b: statement.operandB,
            consumer: self.address,
            purpose: String::new(),
            recipient: Some(request.recipient.unwrap_or_else(|| self.wallet())),
            message: String::new(),
            anonymous: request.anonymous,
            issuers,
            valid_secs: request.valid_secs,
        };
        let p = self.sbt.prepare_for(&ask, purpose, B256::ZERO).await?;
        // a fresh ephemeral key is drawn for every proof, so one nonce serves every delivery
        let delivery_request = DeliveryRequest { key, nonce: 0 };
        let (proof, timings) =
            prover.prove_delivery(&p.record, &p.statement, p.membership.as_ref(), &delivery_request)?;
        let token = if request.anonymous { U256::ZERO } else { request.token };
        let (d, delivery) = stake_args(&proof, token, p.purpose, p.recipient, p.message);
        let nullifier = d.nullifier;
        let receipt = tx::send(pools("stake"), self.contract().stake(id, d, delivery)).await?;
        Ok(Staked {
            nullifier,
            recipient: p.recipient,
            tx_hash: receipt.transaction_hash,
            anonymity: p.anonymity,
            timings,
        })
    }

    /// The issuers to prove against for a pool whose issuer set is `expected`: none for 0 (any
    /// attestation class), the given list, or the record's issuer alone; refused unless they
    /// hash to the pool's set.
    fn issuers_for(
        &self,
        id: U256,
        expected: U256,
        issuer: Address,
        given: Option<Vec<Address>>,
    ) -> Result<Option<Vec<Address>>, Error> {
        if expected.is_zero() && given.is_none() {
            return Ok(None);
        }
        let members = given.unwrap_or_else(|| vec![issuer]);
        let set = poseidon::issuer_set(&members)?;
        if to_u256(set) != expected {
            let given = members.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
            return Err(Error::IssuerSet { pool: id, expected, given: format!("{{{given}}}") });
        }
        Ok(Some(members))
    }

    /// Claims what stake `nullifier` earned in pool `id` (the wallet must be its recipient).
    pub async fn claim(&self, id: U256, nullifier: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(pools("claim"), self.contract().claim(id, nullifier)).await?;
        Ok((claimed(&receipt), receipt.transaction_hash))
    }

    /// Claims and withdraws stake `nullifier` from pool `id`: the developer's access ends.
    pub async fn unstake(&self, id: U256, nullifier: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(pools("unstake"), self.contract().unstake(id, nullifier)).await?;
        Ok((claimed(&receipt), receipt.transaction_hash))
    }

    /// Pool `id`'s deliveries and stakes, from the chain's logs (from the pools' deployment
    /// block to the latest), `progress` told after each range of blocks.
    pub async fn deliveries(&self, id: U256, mut progress: impl FnMut(Scan)) -> Result<Deliveries, Error> {
        let head = self.provider.get_block_number().await.map_err(tx::rpc("eth_blockNumber"))?;
        let topic = B256::from(id);
        let total = head.saturating_sub(self.from_block) + 1;
        let mut out = Deliveries::default();
        let mut from = self.from_block;
        while from <= head {
            let to = head.min(from + LOG_RANGE - 1);
            let filter = Filter::new()
                .address(self.address)
                .from_block(from)
                .to_block(to)
                .event_signature(vec![
                    DataPools::Delivered::SIGNATURE_HASH,
                    DataPools::Staked::SIGNATURE_HASH,
                    DataPools::Unstaked::SIGNATURE_HASH,
                ])
                .topic1(topic);
            self.record_logs(&filter, &mut out).await?;
            progress(Scan { done: to - self.from_block + 1, total });
            from = to + 1;
        }
        Ok(out)
    }

    /// Pool `id`'s deliveries and stakes read from the chain where `indexer` says they are: the
    /// receipts of the transactions it lists as delivering, and the `Unstaked` logs of the blocks
    /// it lists stakes leaving in ([`crate::indexer`] says what this trusts the indexer with);
    /// `progress` told after each read.
    pub async fn deliveries_located(
        &self,
        id: U256,
        indexer: &IndexerClient,
        mut progress: impl FnMut(Scan),
    ) -> Result<Deliveries, Error> {
        let located = indexer.pool_deliveries(id).await?;
        let mut exits = indexer.pool_exits(id).await?;
        exits.sort_unstable();
        exits.dedup();
        let total = (located.len() + exits.len()) as u64;
        let logs = indexer::logs_at(&self.provider, &located, self.address, id, |done| {
            progress(Scan { done: done as u64, total });
        })
        .await?;
        let mut out = Deliveries::default();
        for log in &logs {
            out.record(log).map_err(tx::rpc("eth_getTransactionReceipt"))?;
        }
        out.deliveries.sort_by_key(|d| (d.block_number, d.log_index));
        for (i, &block) in exits.iter().enumerate() {
            let filter = Filter::new()
                .address(self.address)
                .from_block(block)
                .to_block(block)
                .event_signature(DataPools::Unstaked::SIGNATURE_HASH)
                .topic1(B256::from(id));
            self.record_logs(&filter, &mut out).await?;
            progress(Scan { done: (located.len() + i + 1) as u64, total });
        }
        Ok(out)
    }

    /// Adds the logs `filter` matches to `out`.
    async fn record_logs(&self, filter: &Filter, out: &mut Deliveries) -> Result<(), Error> {
        let logs = self.provider.get_logs(filter).await.map_err(tx::rpc("eth_getLogs"))?;
        for log in &logs {
            out.record(log).map_err(tx::rpc("eth_getLogs"))?;
        }
        Ok(())
    }

    /// Approves the pools for exactly `amount` MASA, after checking the wallet holds it.
    async fn approve(&self, amount: U256) -> Result<(), Error> {
        let masa = tx::Token::Masa(self.masa);
        Ok(tx::approve_exactly(&self.provider, masa, "funding", self.wallet(), self.address, amount).await?)
    }

    async fn now(&self) -> Result<u64, Error> {
        Ok(tx::latest_timestamp(&self.provider).await.map_err(tx::rpc("eth_getBlockByNumber"))?)
    }
}

/// `wallet`'s delivery key: derived from its private key, never stored. Pools created by the
/// wallet and passes offered to it take its public half; it alone decrypts their deliveries.
pub fn delivery_key(wallet: &PrivateKeySigner) -> DeliverySecretKey {
    DeliverySecretKey::derive(&wallet.to_bytes().0)
}

impl Deliveries {
    /// Adds one of a pool's mined logs (`Delivered`, `Staked`, `Unstaked`; others are ignored).
    pub fn record(&mut self, log: &Log) -> Result<(), String> {
        let (Some(block_number), Some(tx_hash), Some(log_index)) =
            (log.block_number, log.transaction_hash, log.log_index)
        else {
            return Err("a mined log without its block, transaction or index".to_owned());
        };
        match log.topic0() {
            Some(&DataPools::Delivered::SIGNATURE_HASH) => {
                let e = DataPools::Delivered::decode_log(&log.inner).map_err(|e| e.to_string())?.data;
                self.deliveries.push(DeliveryLog {
                    block_number,
                    tx_hash,
                    log_index,
                    nullifier: e.nullifier,
                    delivery: e.delivery,
                });
            }
            Some(&DataPools::Staked::SIGNATURE_HASH) => {
                let e = DataPools::Staked::decode_log(&log.inner).map_err(|e| e.to_string())?.data;
                self.stakes
                    .insert(e.nullifier, StakeLog { recipient: e.recipient, tx_hash, unstaked_block: None });
            }
            Some(&DataPools::Unstaked::SIGNATURE_HASH) => {
                let e = DataPools::Unstaked::decode_log(&log.inner).map_err(|e| e.to_string())?.data;
                if let Some(stake) = self.stakes.get_mut(&e.nullifier) {
                    stake.unstaked_block = Some(block_number);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The first `E` among `logs`, or an error naming the transaction.
fn event<E: SolEvent>(logs: &[Log], tx_hash: B256) -> Result<E, Error> {
    tx::first_event(logs).ok_or(Error::MissingEvent { event: E::SIGNATURE, tx_hash })
}

/// What a claim or unstake paid (no `Claimed` event: nothing).
fn claimed(receipt: &alloy::rpc::types::TransactionReceipt) -> U256 {
    receipt
        .logs()
        .iter()
        .find_map(|log| DataPools::Claimed::decode_log(&log.inner).ok())
        .map_or(U256::ZERO, |e| e.amount)
}
