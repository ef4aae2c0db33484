//! Wallet-activity records (schema 3): the signed-in address's transfers, swaps, mints and
//! bridges, first and last seen, which the node reads from the chain itself up to a final block
//! (`POST /v1/attest/wallet-activity`).

use super::{AttestConfig, AttestError, AttestService, Attested, Credentials, Subject};
use crate::SourceError;
use alloy::{primitives::Address, providers::Provider};
use futures::future::BoxFuture;
use masa_prover::poseidon;
use serde::{Deserialize, Serialize};

/// Fields of a wallet-activity record: transfers, swaps, mints, bridges, first seen, last seen
/// (unix seconds), in the schema's order; the record's last two values are 0.
pub const ACTIVITY_FIELDS: usize = 6;

/// Reads an address's wallet activity as the schema's values; the chain source implements it.
pub trait ActivityReader: Send + Sync {
    /// `account`'s activity up to and including `to_block`, as the schema's six values.
    fn values<'a>(
        &'a self,
        account: Address,
        to_block: u64,
    ) -> BoxFuture<'a, Result<[u64; ACTIVITY_FIELDS], SourceError>>;
}

/// An attestation request for the signed-in wallet's activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletActivityRequest {
    /// The signed EIP-4361 message, exactly as signed.
    pub message: String,
    /// Its EIP-191 signature, 65 bytes of hex.
    pub signature: String,
    /// The owner's identity commitment `Poseidon_1(ownerSecret)`, decimal or `0x` hex.
    pub identity: String,
    /// The record's salt, decimal or `0x` hex (a field element; fresh for each record).
    pub salt: String,
}

/// What a wallet-activity record was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletActivity {
    /// The block the activity was read at (`latest - finality_depth`).
    pub block: u64,
}

/// An attested wallet-activity record.
pub type WalletActivityResponse = Attested<WalletActivity>;

impl Subject for WalletActivity {
    type Request = WalletActivityRequest;
    const WHAT: &'static str = "wallet activity";
    const KIND: &'static str = "wallet-activity";

    fn credentials(request: &WalletActivityRequest) -> Credentials<'_> {
        Credentials {
            message: &request.message,
            signature: &request.signature,
            identity: &request.identity,
            salt: &request.salt,
        }
    }

    fn schema(config: &AttestConfig) -> u64 {
        config.wallet_activity_schema
    }

    /// The owner's activity up to the block `latest - finality_depth`.
    async fn read(
        service: &AttestService,
        owner: Address,
        _: &WalletActivityRequest,
    ) -> Result<([u64; poseidon::FIELDS], Self), AttestError> {
        let inner = &service.inner;
        let head = inner
            .provider
            .get_block_number()
            .await
            .map_err(|e| AttestError::Chain { what: "the latest block number", reason: e.to_string() })?;
        let block = head.saturating_sub(inner.finality_depth);
        let activity = inner
            .activity
            .values(owner, block)
            .await
            .map_err(|error| AttestError::Read { what: "the activity", error })?;
        let mut values = [0u64; poseidon::FIELDS];
        values[..ACTIVITY_FIELDS].copy_from_slice(&activity);
        Ok((values, Self { block }))
    }

    fn describe(&self) -> String {
        format!("at block {}", self.block)
    }
}

impl ActivityReader for crate::sources::chain::ChainSource {
    /// [`ChainSource::activity`](crate::sources::chain::ChainSource::activity)'s values.
    fn values<'a>(
        &'a self,
        account: Address,
        to_block: u64,
    ) -> BoxFuture<'a, Result<[u64; ACTIVITY_FIELDS], SourceError>> {
        Box::pin(async move { self.activity(account, to_block).await.map(|activity| activity.values()) })
    }
}
