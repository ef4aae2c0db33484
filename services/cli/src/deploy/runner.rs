//! One deployment run: the deployer's transactions, each estimated, funded, sent and awaited,
//! and the contracts they created.

use super::DeployError;
use alloy::{
    contract::{CallBuilder, CallDecoder},
    primitives::{Address, Bytes, U256, keccak256},
    providers::Provider,
    rpc::types::TransactionReceipt,
    transports::TransportError,
};
use masa_bindings::manifest::Deployment;
use std::{collections::BTreeMap, future::Future, time::Duration};
use url::Url;

/// One deployment run: sends transactions from the deployer and records the created contracts.
pub(super) struct Deployer<'a, P> {
    pub(super) provider: &'a P,
    pub(super) url: &'a Url,
    pub(super) chain_id: u64,
    pub(super) deployer: Address,
    pub(super) timeout: Duration,
    pub(super) contracts: BTreeMap<String, Deployment>,
}

impl<P: Provider> Deployer<'_, P> {
    pub(super) fn error(&self, step: &'static str, err: &(dyn std::error::Error + 'static)) -> DeployError {
        DeployError::Send { step, reason: error_chain(err) }
    }

    /// Deploys `contract` with `builder` (whose constructor arguments are `args`): estimates,
    /// checks funds, sends, waits, and records the deployment.
    pub(super) async fn create<Q: Provider, D: CallDecoder>(
        &mut self,
        contract: &'static str,
        builder: CallBuilder<Q, D>,
        constructor_args: Bytes,
    ) -> Result<Address, DeployError> {
        let receipt = self.execute(contract, builder).await?;
        let address = receipt
            .contract_address
            .ok_or(DeployError::Reverted { step: contract, tx_hash: receipt.transaction_hash })?;
        let code = self.provider.get_code_at(address).await.map_err(|source| DeployError::Rpc {
            url: self.url.to_string(),
            request: "eth_getCode",
            source: Box::new(source),
        })?;
        tracing::info!(contract, %address, block = receipt.block_number, "deployed");
        self.contracts.insert(
            contract.to_owned(),
            Deployment {
                address,
                tx_hash: receipt.transaction_hash,
                block_number: receipt.block_number.unwrap_or_default(),
                block_hash: receipt.block_hash.unwrap_or_default(),
                code_hash: keccak256(&code),
                constructor_args,
            },
        );
        Ok(address)
    }

    /// Sends one transaction of the run and waits for its successful receipt. Fails before
    /// sending when the deployer cannot pay gas × max fee per gas.
    pub(super) async fn execute<Q: Provider, D: CallDecoder>(
        &self,
        step: &'static str,
        builder: CallBuilder<Q, D>,
    ) -> Result<TransactionReceipt, DeployError> {
        let rpc = |request| {
            move |source| DeployError::Rpc { url: self.url.to_string(), request, source: Box::new(source) }
        };
        let gas = builder.estimate_gas().await.map_err(|e| self.error(step, &e))?;
        let fees = self.provider.estimate_eip1559_fees().await.map_err(rpc("eth_feeHistory"))?;
        let balance = self.provider.get_balance(self.deployer).await.map_err(rpc("eth_getBalance"))?;
        let needed = U256::from(gas) * U256::from(fees.max_fee_per_gas);
        if balance < needed {
            return Err(DeployError::InsufficientFunds {
                account: self.deployer,
                balance,
                needed,
                chain_id: self.chain_id,
                step,
            });
        }
        let pending = builder
            .gas(gas)
            .max_fee_per_gas(fees.max_fee_per_gas)
            .max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
            .send()
            .await
            .map_err(|e| self.error(step, &e))?;
        let tx_hash = *pending.tx_hash();
        tracing::debug!(step, %tx_hash, "transaction sent");
        let receipt =
            pending.with_timeout(Some(self.timeout)).get_receipt().await.map_err(|e| self.error(step, &e))?;
        if !receipt.status() {
            return Err(DeployError::Reverted { step, tx_hash });
        }
        Ok(receipt)
    }
}

/// Runs an RPC future with a deadline; the error is a readable reason.
pub(super) async fn with_timeout<T>(
    timeout: Duration,
    fut: impl Future<Output = Result<T, TransportError>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(error_chain(&err)),
        Err(_) => Err(format!("no answer within {}s", timeout.as_secs())),
    }
}

/// An error and its sources on one line (`a: b: c`), so the root cause is never lost.
pub(super) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
