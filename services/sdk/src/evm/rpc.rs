//! The JSON-RPC backend: any node (anvil, subnet-evm, opBNB), transactions signed locally.

use super::{Chain, Error, Result, TxOutcome, error::error_chain};
use alloy::{
    eips::BlockNumberOrTag,
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder, ext::AnvilApi},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    transports::TransportError,
};
use std::{future::IntoFuture, time::Duration};
use url::Url;

/// How a transaction's gas limit is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gas {
    /// Estimated by the node, [with headroom](crate::tx::with_headroom) up to the block gas
    /// limit, with EIP-1559 fees, after checking that the sender can pay gas × max fee per gas.
    /// A transaction that would revert fails before it is sent, with its revert data. What every
    /// binary uses.
    Estimate,
    /// A fixed limit and the node's default fees: a reverting transaction is mined (status 0)
    /// instead of failing estimation. For tests that check on-chain failure.
    Fixed(u64),
}

/// A JSON-RPC endpoint with the keys of the accounts it sends from.
#[derive(Debug, Clone)]
pub struct RpcChain {
    provider: DynProvider,
    url: Url,
    chain_id: u64,
    accounts: Vec<PrivateKeySigner>,
    gas: Gas,
    timeout: Duration,
}

impl RpcChain {
    /// Connects to `url` (asking its chain id, within `timeout`) to send from `accounts`, with
    /// estimated gas ([`Gas::Estimate`]). `timeout` also bounds every later request and the wait
    /// for each receipt.
    pub async fn connect(url: Url, accounts: Vec<PrivateKeySigner>, timeout: Duration) -> Result<Self> {
        let mut chain = Self::new(url, 0, accounts, timeout);
        chain.chain_id = within(timeout, chain.provider.get_chain_id())
            .await
            .map_err(|reason| Error::Unreachable { url: chain.url.to_string(), reason })?;
        Ok(chain)
    }

    /// The endpoint at `url`, known to serve `chain_id` (a node this process started), without
    /// asking it anything; sends from `accounts` (the first when a transaction of the
    /// [`provider`](Self::provider) names no sender) with estimated gas.
    pub fn new(url: Url, chain_id: u64, accounts: Vec<PrivateKeySigner>, timeout: Duration) -> Self {
        // The first account signs transactions that name no sender.
        let mut wallet = EthereumWallet::default();
        if let Some((first, others)) = accounts.split_first() {
            wallet.register_default_signer(first.clone());
            for signer in others {
                wallet.register_signer(signer.clone());
            }
        }
        let provider = ProviderBuilder::new().wallet(wallet).connect_http(url.clone()).erased();
        Self { provider, url, chain_id, accounts, gas: Gas::Estimate, timeout }
    }

    /// The same endpoint with another gas policy.
    #[must_use]
    pub const fn with_gas(mut self, gas: Gas) -> Self {
        self.gas = gas;
        self
    }

    /// The provider (signing for every account), for what goes beyond [`Chain`].
    pub const fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The endpoint.
    pub const fn url(&self) -> &Url {
        &self.url
    }

    /// Runs one request with the chain's timeout, naming it in the error.
    async fn request<T>(
        &self,
        request: &'static str,
        fut: impl IntoFuture<Output = Result<T, TransportError>>,
    ) -> Result<T> {
        within(self.timeout, fut).await.map_err(|reason| Error::Rpc {
            url: self.url.to_string(),
            request,
            reason,
        })
    }

    async fn mine(&self, tx: TransactionRequest) -> Result<TxOutcome> {
        let from = tx.from.expect("every transaction names its sender");
        if !self.accounts.iter().any(|a| a.address() == from) {
            return Err(Error::UnknownAccount(from));
        }
        let tx = match self.gas {
            Gas::Fixed(limit) => tx.with_gas_limit(limit),
            Gas::Estimate => self.estimated(tx, from).await?,
        };
        let pending = self.request("eth_sendRawTransaction", self.provider.send_transaction(tx)).await?;
        let tx_hash = *pending.tx_hash();
        tracing::debug!(%tx_hash, "transaction sent");
        let receipt = pending
            .with_timeout(Some(self.timeout))
            .get_receipt()
            .await
            .map_err(|e| Error::Receipt { url: self.url.to_string(), tx_hash, reason: error_chain(&e) })?;
        Ok(TxOutcome {
            tx_hash,
            block_number: receipt.block_number.unwrap_or_default(),
            block_hash: receipt.block_hash.unwrap_or_default(),
            success: receipt.status(),
            gas_used: receipt.gas_used,
            created: receipt.contract_address,
            logs: receipt.logs().iter().map(|log| log.inner.clone()).collect(),
        })
    }

    /// `tx` with estimated gas and fees, once the sender is known to afford them.
    async fn estimated(&self, tx: TransactionRequest, from: Address) -> Result<TransactionRequest> {
        let gas = match within(self.timeout, self.provider.estimate_gas(tx.clone())).await {
            Ok(gas) => gas,
            Err(reason) => return Err(self.refusal(&tx, reason).await),
        };
        let block = self
            .request("eth_getBlockByNumber", self.provider.get_block_by_number(BlockNumberOrTag::Latest))
            .await?;
        let gas =
            block.map_or(gas, |block| crate::tx::with_headroom(gas).min(block.header.gas_limit).max(gas));
        let fees = self.request("eth_feeHistory", self.provider.estimate_eip1559_fees()).await?;
        let balance = self.request("eth_getBalance", self.provider.get_balance(from)).await?;
        let needed = U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(Error::InsufficientFunds { account: from, balance, needed, chain_id: self.chain_id });
        }
        Ok(tx
            .with_gas_limit(gas)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas))
    }

    /// Why gas estimation failed: the revert (data from an `eth_call` of the same transaction)
    /// when it would revert, else the RPC error.
    async fn refusal(&self, tx: &TransactionRequest, reason: String) -> Error {
        if let Ok(Err(err)) = tokio::time::timeout(self.timeout, self.provider.call(tx.clone())).await
            && let Some(data) = err.as_error_resp().and_then(|resp| resp.as_revert_data())
        {
            let to = tx.to.and_then(|to| to.to().copied()).unwrap_or_default();
            return Error::Reverted { to, data };
        }
        Error::Rpc { url: self.url.to_string(), request: "eth_estimateGas", reason }
    }
}

impl Chain for RpcChain {
    fn name(&self) -> &'static str {
        "rpc"
    }

    fn chain_id(&self) -> u64 {
        self.chain_id
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
        match tokio::time::timeout(self.timeout, self.provider.call(tx)).await {
            Ok(Ok(output)) => Ok(Ok(output)),
            Ok(Err(err)) => match err.as_error_resp().and_then(|resp| resp.as_revert_data()) {
                Some(revert) => Ok(Err(revert)),
                None => Err(Error::Rpc {
                    url: self.url.to_string(),
                    request: "eth_call",
                    reason: error_chain(&err),
                }),
            },
            Err(_) => Err(Error::Rpc {
                url: self.url.to_string(),
                request: "eth_call",
                reason: format!("no answer within {}s", self.timeout.as_secs()),
            }),
        }
    }

    async fn code_at(&self, address: Address) -> Result<Bytes> {
        self.request("eth_getCode", self.provider.get_code_at(address)).await
    }

    async fn timestamp(&self) -> Result<u64> {
        let block = self
            .request("eth_getBlockByNumber", self.provider.get_block_by_number(BlockNumberOrTag::Latest))
            .await?;
        Ok(block.map_or(0, |block| block.header.timestamp))
    }

    async fn advance_time(&mut self, secs: u64) -> Result<()> {
        self.request("anvil_increaseTime", self.provider.anvil_increase_time(secs)).await?;
        self.request("evm_mine", self.provider.evm_mine(None)).await?;
        Ok(())
    }
}

/// Runs an RPC future with a deadline; the error is a readable reason.
pub(crate) async fn within<T>(
    timeout: Duration,
    fut: impl IntoFuture<Output = Result<T, TransportError>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, fut.into_future()).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(error_chain(&err)),
        Err(_) => Err(format!("no answer within {}s", timeout.as_secs())),
    }
}
