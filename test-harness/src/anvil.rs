//! The real-node backend: an anvil process spawned from `node_modules`, driven over JSON-RPC.

use crate::{Chain, Error, Result, TxOutcome};
use alloy::{
    eips::BlockNumberOrTag,
    network::{EthereumWallet, TransactionBuilder},
    node_bindings::AnvilInstance,
    primitives::{Address, Bytes},
    providers::{DynProvider, Provider, ProviderBuilder, ext::AnvilApi},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use std::path::Path;

/// Gas limit of every transaction: fixed so a reverting transaction is mined (status 0)
/// instead of failing gas estimation.
const GAS_LIMIT: u64 = 16_000_000;

/// A spawned anvil (Cancun rules, a free port, automine); the process dies with this value.
#[derive(Debug)]
pub struct AnvilChain {
    anvil: AnvilInstance,
    provider: DynProvider,
    accounts: Vec<PrivateKeySigner>,
}

impl AnvilChain {
    /// Spawns anvil from this repository's `node_modules` (or `$MASA_ANVIL`).
    pub fn spawn() -> Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let binary = masa_sdk::devnet::anvil_binary(root).map_err(|e| Error::Spawn(format!("{e:#}")))?;
        let anvil =
            masa_sdk::devnet::spawn_anvil(&binary, 0, None).map_err(|e| Error::Spawn(format!("{e:#}")))?;
        let accounts: Vec<PrivateKeySigner> =
            anvil.keys().iter().cloned().map(PrivateKeySigner::from).collect();
        let mut wallet = EthereumWallet::from(accounts[0].clone());
        for signer in &accounts[1..] {
            wallet.register_signer(signer.clone());
        }
        let provider = ProviderBuilder::new().wallet(wallet).connect_http(anvil.endpoint_url()).erased();
        Ok(Self { anvil, provider, accounts })
    }

    /// The JSON-RPC endpoint.
    pub fn endpoint(&self) -> String {
        self.anvil.endpoint()
    }

    /// A provider (with every account's key) for tests that go beyond [`Chain`].
    pub const fn provider(&self) -> &DynProvider {
        &self.provider
    }

    async fn mine(&self, tx: TransactionRequest) -> Result<TxOutcome> {
        let receipt =
            self.provider.send_transaction(tx.with_gas_limit(GAS_LIMIT)).await?.get_receipt().await?;
        Ok(TxOutcome {
            success: receipt.status(),
            gas_used: receipt.gas_used,
            created: receipt.contract_address,
            logs: receipt.logs().iter().map(|log| log.inner.clone()).collect(),
        })
    }
}

impl Chain for AnvilChain {
    fn name(&self) -> &'static str {
        "anvil"
    }

    fn chain_id(&self) -> u64 {
        self.anvil.chain_id()
    }

    fn accounts(&self) -> &[PrivateKeySigner] {
        &self.accounts
    }

    async fn deploy(&mut self, from: Address, init_code: Bytes) -> Result<TxOutcome> {
        self.mine(TransactionRequest::default().with_from(from).with_deploy_code(init_code)).await
    }

    async fn transact(&mut self, from: Address, to: Address, data: Bytes) -> Result<TxOutcome> {
        self.mine(TransactionRequest::default().with_from(from).with_to(to).with_input(data)).await
    }

    async fn call(&self, from: Address, to: Address, data: Bytes) -> Result<Result<Bytes, Bytes>> {
        let tx = TransactionRequest::default().with_from(from).with_to(to).with_input(data);
        match self.provider.call(tx).await {
            Ok(output) => Ok(Ok(output)),
            Err(err) => match err.as_error_resp().and_then(|resp| resp.as_revert_data()) {
                Some(revert) => Ok(Err(revert)),
                None => Err(err.into()),
            },
        }
    }

    async fn timestamp(&self) -> Result<u64> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Latest)
            .await?
            .ok_or_else(|| Error::Spawn("anvil has no latest block".into()))?;
        Ok(block.header.timestamp)
    }

    async fn advance_time(&mut self, secs: u64) -> Result<()> {
        self.provider.anvil_increase_time(secs).await?;
        self.provider.evm_mine(None).await?;
        Ok(())
    }
}
