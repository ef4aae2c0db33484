//! The pre-flight: a call executed in revm against a fork of the chain at one block, its state
//! (accounts, storage, code, block hashes) read lazily over JSON-RPC at that block.
//!
//! The fork database is revm's own [`AlloyDB`] (feature `alloydb` of `revm-database` 43, built on
//! alloy-provider 2, the workspace's alloy), bridged to revm's synchronous database interface by
//! [`WrapDatabaseAsync`], with a [`CacheDB`] on top so each account and slot is fetched once per
//! pre-flight. The provider it reads through is the transaction manager's, whose transport
//! retries transient failures (`tx::retry`): one pre-flight makes dozens of requests, and without
//! per-request retries a flaky endpoint would fail nearly every one.
//!
//! revm runs synchronously and the database blocks on each request, so the execution runs on
//! tokio's blocking pool ([`tokio::task::spawn_blocking`]) and the database drives its requests
//! through the runtime's handle: this works on both runtime flavours (the node's multi-thread
//! runtime and the current-thread runtime of `#[tokio::test]`), where `WrapDatabaseAsync::new`
//! inside a task would refuse the current-thread one.
//!
//! It lives in the node rather than in `masa_sdk::evm` because only the node pre-flights against
//! a live chain today, and the sdk's `revm` feature (the in-process chain of the harness and the
//! scenarios) would otherwise pull the async database into every user; the module depends on
//! alloy and revm only, so it moves to `masa_sdk::evm` as is when a second user appears.

use alloy::{
    eips::BlockId,
    network::Ethereum,
    primitives::{Address, Bytes, U256},
    providers::DynProvider,
    rpc::types::Header,
};
use revm::{
    Context, ExecuteEvm, MainBuilder, MainContext,
    context::{TxEnv, result::ExecutionResult},
    database::{AlloyDB, CacheDB, WrapDatabaseAsync},
    primitives::{
        TxKind,
        eip4844::{BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN, BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE},
        hardfork::SpecId,
    },
};

/// Gas a pre-flight may use: the block's limit, at most 2^24 (the per-transaction cap from
/// Osaka on, EIP-7825).
const MAX_PREFLIGHT_GAS: u64 = 1 << 24;

/// What a pre-flighted call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It succeeded.
    Success {
        /// Gas it used.
        gas_used: u64,
        /// Its return data.
        output: Bytes,
    },
    /// It reverted with `data` (a custom error, `Error(string)`, or nothing).
    Revert {
        /// Gas it used.
        gas_used: u64,
        /// The revert data.
        data: Bytes,
    },
    /// It halted: out of gas, an invalid opcode, a stack error.
    Halt {
        /// Why, as revm names it.
        reason: String,
    },
}

/// Why a pre-flight could not run.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// Reading the chain's state failed (after the transport's retries).
    #[error("reading the chain's state at block {block}: {reason}")]
    State {
        /// The fork's block.
        block: u64,
        /// The failure.
        reason: String,
    },
    /// revm refused the transaction itself (not the contract: a malformed environment).
    #[error("revm refused the transaction: {0}")]
    Invalid(String),
    /// The blocking task did not finish (the runtime is shutting down).
    #[error("the pre-flight task failed: {0}")]
    Task(String),
}

/// The chain at one block, as revm executes the next one over it.
#[derive(Debug, Clone)]
pub struct Fork {
    provider: DynProvider,
    header: Header,
    chain_id: u64,
    spec: SpecId,
}

impl Fork {
    /// The chain `provider` serves (chain id `chain_id`, rules `spec`) at the block of `header`:
    /// calls execute in the block after it.
    pub const fn new(provider: DynProvider, header: Header, chain_id: u64, spec: SpecId) -> Self {
        Self { provider, header, chain_id, spec }
    }

    /// The fork's block (the state calls read).
    pub const fn block(&self) -> u64 {
        self.header.inner.number
    }

    /// Executes a call of `data` from `from` to `to` with `value` in the next block: number + 1,
    /// timestamp + 1, the fork block's gas limit, beneficiary and randomness. As in `eth_call`,
    /// no fee is charged (gas price and base fee 0) and the sender's nonce is not checked, so
    /// the outcome is the contract's alone, whatever the wallet's balance or pending nonces.
    pub async fn call(
        &self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<Outcome, ForkError> {
        let block = self.block();
        let header = self.header.clone();
        let (chain_id, spec) = (self.chain_id, self.spec);
        let state = AlloyDB::<Ethereum, DynProvider>::new(self.provider.clone(), BlockId::number(block));
        let handle = tokio::runtime::Handle::current();
        let gas_limit = header.inner.gas_limit.min(MAX_PREFLIGHT_GAS);
        let tx = TxEnv::builder()
            .caller(from)
            .kind(TxKind::Call(to))
            .data(data)
            .value(value)
            .chain_id(Some(chain_id))
            .gas_limit(gas_limit)
            .gas_price(0)
            .build()
            .map_err(|e| ForkError::Invalid(format!("{e:?}")))?;
        let run = move || {
            let db = CacheDB::new(WrapDatabaseAsync::with_handle(state, handle));
            let fraction = if spec >= SpecId::PRAGUE {
                BLOB_BASE_FEE_UPDATE_FRACTION_PRAGUE
            } else {
                BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN
            };
            let mut evm = Context::mainnet()
                .with_db(db)
                .modify_cfg_chained(|cfg| {
                    cfg.set_spec_and_mainnet_gas_params(spec);
                    cfg.chain_id = chain_id;
                    cfg.disable_nonce_check = true;
                })
                .modify_block_chained(|next| {
                    next.number = U256::from(header.inner.number + 1);
                    next.timestamp = U256::from(header.inner.timestamp + 1);
                    next.gas_limit = header.inner.gas_limit;
                    next.beneficiary = header.inner.beneficiary;
                    next.prevrandao = Some(header.inner.mix_hash);
                    next.basefee = 0;
                    next.set_blob_excess_gas_and_price(header.inner.excess_blob_gas.unwrap_or(0), fraction);
                })
                .build_mainnet();
            evm.transact(tx)
        };
        let result = tokio::task::spawn_blocking(run).await.map_err(|e| ForkError::Task(e.to_string()))?;
        let result = result.map_err(|e| match e {
            revm::context::result::EVMError::Database(e) => ForkError::State { block, reason: e.to_string() },
            other => ForkError::Invalid(other.to_string()),
        })?;
        let gas_used = result.result.tx_gas_used();
        Ok(match result.result {
            ExecutionResult::Success { output, .. } => {
                Outcome::Success { gas_used, output: output.into_data() }
            }
            ExecutionResult::Revert { output, .. } => Outcome::Revert { gas_used, data: output },
            ExecutionResult::Halt { reason, .. } => Outcome::Halt { reason: format!("{reason:?}") },
        })
    }
}
