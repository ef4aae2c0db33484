//! The real-node backend: an anvil process spawned from `node_modules`, driven over JSON-RPC by
//! the sdk's [`RpcChain`] with a fixed gas limit.

use crate::{Error, Result};
use alloy::{
    node_bindings::AnvilInstance,
    primitives::{Address, Bytes},
    providers::DynProvider,
    signers::local::PrivateKeySigner,
};
use masa_sdk::{
    devnet,
    evm::{self, Chain, Gas, RpcChain, TxOutcome},
};
use std::{path::Path, time::Duration};

/// Gas limit of every transaction: fixed so a reverting transaction is mined (status 0)
/// instead of failing gas estimation, which is what the scenarios' `expect_revert` checks.
const GAS_LIMIT: u64 = 16_000_000;
/// Past states a test chain keeps (in memory only): far more than any reorg or historical call
/// of the tests reaches back.
const STATES_KEPT: u32 = 128;

/// How long any request or receipt may take on a local anvil before the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A spawned anvil (Cancun rules, a free port, automine or interval mining); the process dies
/// with this value.
#[derive(Debug)]
pub struct AnvilChain {
    anvil: AnvilInstance,
    rpc: RpcChain,
}

impl AnvilChain {
    /// Spawns anvil from this repository's `node_modules` (or `$MASA_ANVIL`), mining each
    /// transaction as it arrives.
    pub fn spawn() -> Result<Self> {
        Self::spawn_mining(None)
    }

    /// Spawns anvil like [`Self::spawn`], but mining a block every `secs` seconds (interval
    /// mining: a transaction waits for the next block, as on a live chain).
    pub fn spawn_with_block_time(secs: u64) -> Result<Self> {
        Self::spawn_mining(Some(secs))
    }

    /// Spawns anvil with automine (`None`) or a block every `block_time` seconds.
    fn spawn_mining(block_time: Option<u64>) -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let anvil = devnet::anvil_binary(root)
            .and_then(|binary| devnet::spawn_anvil(&binary, 0, block_time, Some(STATES_KEPT)))
            .map_err(|e| Error::Spawn(e.to_string()))?;
        let accounts = anvil.keys().iter().cloned().map(PrivateKeySigner::from).collect();
        let rpc = RpcChain::new(anvil.endpoint_url(), anvil.chain_id(), accounts, TIMEOUT)
            .with_gas(Gas::Fixed(GAS_LIMIT));
        Ok(Self { anvil, rpc })
    }

    /// The JSON-RPC endpoint.
    pub fn endpoint(&self) -> String {
        self.anvil.endpoint()
    }

    /// A provider (with every account's key) for tests that go beyond [`Chain`].
    pub const fn provider(&self) -> &DynProvider {
        self.rpc.provider()
    }
}

impl Chain for AnvilChain {
    fn name(&self) -> &'static str {
        "anvil"
    }

    fn chain_id(&self) -> u64 {
        self.rpc.chain_id()
    }

    fn accounts(&self) -> &[PrivateKeySigner] {
        self.rpc.accounts()
    }

    async fn deploy(&mut self, from: Address, init_code: Bytes) -> evm::Result<TxOutcome> {
        self.rpc.deploy(from, init_code).await
    }

    async fn transact(&mut self, from: Address, to: Address, data: Bytes) -> evm::Result<TxOutcome> {
        self.rpc.transact(from, to, data).await
    }

    async fn call(&self, from: Address, to: Address, data: Bytes) -> evm::Result<Result<Bytes, Bytes>> {
        self.rpc.call(from, to, data).await
    }

    async fn code_at(&self, address: Address) -> evm::Result<Bytes> {
        self.rpc.code_at(address).await
    }

    async fn timestamp(&self) -> evm::Result<u64> {
        self.rpc.timestamp().await
    }

    async fn advance_time(&mut self, secs: u64) -> evm::Result<()> {
        self.rpc.advance_time(secs).await
    }
}
