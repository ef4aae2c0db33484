//! Wallet-activity records (schema 3): the signed-in address's transfers, swaps, mints and
//! bridges, first and last seen, which the node reads from the chain itself up to a final block
//! (`POST /v1/attest/wallet-activity`).

use super::{AttestError, AttestService, Attested, ClientIp, Credentials, body};
use crate::SourceError;
use alloy::{primitives::Address, providers::Provider};
use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use futures::future::BoxFuture;
use masa_prover::poseidon;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

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

impl WalletActivityRequest {
    fn credentials(&self) -> Credentials<'_> {
        Credentials {
            message: &self.message,
            signature: &self.signature,
            identity: &self.identity,
            salt: &self.salt,
        }
    }
}

impl AttestService {
    /// Attests the wallet activity of the address signed in by `request`, for a client at
    /// `client`.
    pub async fn attest_wallet_activity(
        &self,
        request: &WalletActivityRequest,
        client: IpAddr,
    ) -> Result<WalletActivityResponse, AttestError> {
        self.check_ip(client)?;
        self.activity_checked(request, client).await
    }

    /// [`Self::attest_wallet_activity`] once the client's IP was counted; logs the outcome.
    async fn activity_checked(
        &self,
        request: &WalletActivityRequest,
        client: IpAddr,
    ) -> Result<WalletActivityResponse, AttestError> {
        let mut owner = None;
        let outcome = self.activity(request, &mut owner).await;
        Self::log("wallet activity", &outcome, owner, client, |read| format!("at block {}", read.block));
        outcome
    }

    async fn activity(
        &self,
        request: &WalletActivityRequest,
        signed_in: &mut Option<Address>,
    ) -> Result<WalletActivityResponse, AttestError> {
        let inner = &self.inner;
        let admitted =
            self.admit(request.credentials(), inner.config.wallet_activity_schema, signed_in).await?;
        let head = inner
            .provider
            .get_block_number()
            .await
            .map_err(|e| AttestError::Chain { what: "the latest block number", reason: e.to_string() })?;
        let block = head.saturating_sub(inner.finality_depth);
        let activity = inner
            .activity
            .values(admitted.owner, block)
            .await
            .map_err(|error| AttestError::Read { what: "the activity", error })?;
        let mut values = [0u64; poseidon::FIELDS];
        values[..ACTIVITY_FIELDS].copy_from_slice(&activity);
        self.seal(admitted, values, WalletActivity { block }).await
    }
}

pub(super) async fn handler(
    State(service): State<AttestService>,
    ClientIp(client): ClientIp,
    request: Result<Json<WalletActivityRequest>, JsonRejection>,
) -> Result<Json<WalletActivityResponse>, AttestError> {
    let request = body(&service, client, request)?;
    service.activity_checked(&request, client).await.map(Json)
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
