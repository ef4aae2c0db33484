//! The zkSBT registry's client: record drafts, attestations, mints (identity, mint fee), the
//! wallet's tokens, proofs (direct or anonymous, issuer sets), sharing, burns, revocations and
//! expiries. `masa sbt` is this module with arguments and printing.
//!
//! The owner's secrets (the circuit's owner secret and the X25519 key records are sealed to) are
//! derived from the wallet's private key ([`owner_keys`]), so the wallet alone recovers every
//! record from the chain, and no file ever holds the owner secret (it is shared by every record
//! of the wallet: whoever read it could link the wallet's anonymous disclosures and spend its
//! nullifiers). The registry's trees are rebuilt from its events ([`ZkSbtClient::tree`]).
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, wallet: alloy::signers::local::PrivateKeySigner)
//! # -> Result<(), masa_sdk::zksbt::Error> {
//! use alloy::primitives::U256;
//! use masa_sdk::zksbt::{RecordDraft, ZkSbtClient};
//!
//! let client = ZkSbtClient::connect(&target, wallet.clone())?;
//! let (record, _draft) = RecordDraft::new(&wallet, U256::from(1), &[1_600_000_000, 10, 20])?;
//! let minted = client.mint(record, None).await?;
//! println!("minted zkSBT {} in tree {}", minted.token, minted.tree_id);
//! # Ok(()) }
//! ```

mod error;
mod files;
mod prove;
mod tree;

pub use error::Error;
pub use files::{AttestationFile, RecordDraft, disclosure_json, owner_keys, record_values, write_private};
pub use prove::{Anonymity, ProveRequest, Proven, ProverFiles, disclosure, disclosure_of};
pub use tree::RebuiltTree;

use crate::{
    target::Target,
    tx::{self, Call},
};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::{DynProvider, Provider},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolStruct,
};
use masa_bindings::{
    Contract,
    contracts::{IZkSBT, ZkSBT},
    eip712::{Attestation, Consent, zksbt_domain},
    manifest::Manifest,
    revert::describe,
};
use masa_prover::{
    ProverError,
    encryption::{OnChain, OwnerKeys, PublicKey, open_shared, seal, share},
    field::to_u256,
    poseidon::FIELDS,
    record::Record,
};

/// Anonymous disclosures against a tree with fewer live records than this deserve a warning: the
/// consumer learns "one of these few records".
pub const SMALL_ANONYMITY_SET: usize = 16;

/// Seconds a mint's consent stays valid.
const CONSENT_SECS: u64 = 600;

/// `function` of the registry, as errors name it.
const fn registry(function: &'static str) -> Call {
    Call::new(Contract::ZkSBT, function)
}

/// An issuer as a person reads it: its address, or `self-attested` for address 0.
pub fn issuer_name(issuer: Address) -> String {
    if issuer == Address::ZERO { "self-attested".to_owned() } else { issuer.to_checksum(None) }
}

/// What the registry checked at mint and keeps beside the token's ciphertext.
pub fn on_chain(rec: &IZkSBT::Record) -> OnChain {
    OnChain { schema_id: rec.schemaId, issuer: rec.issuer, expiry: rec.expiry }
}

/// What a mint did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minted {
    /// The new token.
    pub token: U256,
    /// The record's commitment.
    pub commitment: U256,
    /// Its tree.
    pub tree_id: U256,
    /// Its leaf in the tree.
    pub leaf_index: U256,
    /// The mint fee the wallet paid (MASA wei; 0 when free).
    pub fee: U256,
    /// The mint transaction.
    pub tx_hash: B256,
}

/// An issuer's attestation request: the record it attests for its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttestRequest {
    /// The record's owner.
    pub owner: Address,
    /// Schema id.
    pub schema_id: U256,
    /// The record's commitment (from the owner's draft).
    pub commitment: U256,
    /// Unix time the record expires (0: never).
    pub expiry: u64,
    /// Seconds the attestation stays valid, from the latest block.
    pub valid_secs: u64,
}

/// One of the wallet's tokens, as the registry holds it, with the values its sealed record opens
/// to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedToken {
    /// The token.
    pub token: U256,
    /// The on-chain record (schema, issuer, expiry, tree position; the ciphertext).
    pub record: IZkSBT::Record,
    /// The values, when the sealed record opens (revoked records have no ciphertext any more).
    pub values: Option<[u64; FIELDS]>,
    /// Why the sealed record is refused: it claims another schema than the token's.
    pub schema_mismatch: Option<String>,
}

/// A record shared with the wallet, opened and checked against its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The token's on-chain record (its schema and issuer are what the registry checked).
    pub record: IZkSBT::Record,
    /// The shared values (their commitment is the token's).
    pub values: [u64; FIELDS],
}

/// The zkSBT registry of a deployment, driven by one wallet.
#[derive(Debug, Clone)]
pub struct ZkSbtClient<P> {
    provider: P,
    wallet: PrivateKeySigner,
    keys: OwnerKeys,
    registry: Address,
    masa: Address,
    from_block: u64,
    chain_id: u64,
}

impl ZkSbtClient<DynProvider> {
    /// The registry of `target`'s deployment, with `wallet` signing.
    pub fn connect(target: &Target, wallet: PrivateKeySigner) -> Result<Self, Error> {
        Self::new(tx::signing_provider(target.rpc_url.clone(), wallet.clone()), &target.manifest, wallet)
    }
}

impl<P: Provider> ZkSbtClient<P> {
    /// The registry of `manifest`'s deployment over `provider`, which must sign for `wallet`.
    pub fn new(provider: P, manifest: &Manifest, wallet: PrivateKeySigner) -> Result<Self, Error> {
        let deployment = manifest.deployment(Contract::ZkSBT)?;
        Ok(Self {
            provider,
            keys: owner_keys(&wallet),
            wallet,
            registry: deployment.address,
            masa: manifest.address_of(Contract::MasaToken)?,
            from_block: deployment.block_number,
            chain_id: manifest.chain_id,
        })
    }

    /// The wallet's address.
    pub fn wallet(&self) -> Address {
        self.wallet.address()
    }

    /// The wallet's owner keys.
    pub const fn keys(&self) -> &OwnerKeys {
        &self.keys
    }

    /// The registry's address.
    pub const fn registry(&self) -> Address {
        self.registry
    }

    /// The registry's typed instance.
    pub fn contract(&self) -> ZkSBT::ZkSBTInstance<&P> {
        ZkSBT::new(self.registry, &self.provider)
    }

    /// A failed view of the registry, as an error naming it.
    fn read(&self, function: &'static str) -> impl Fn(alloy::contract::Error) -> Error {
        let read = tx::read(registry(function), self.registry);
        move |e| read(e).into()
    }

    async fn now(&self) -> Result<u64, Error> {
        Ok(tx::latest_timestamp(&self.provider).await.map_err(tx::rpc("eth_getBlockByNumber"))?)
    }

    /// The token's on-chain record; a token that does not exist is the registry's refusal
    /// (`zkSBT 7 does not exist: ERC721NonexistentToken(7)`).
    pub async fn record(&self, token: U256) -> Result<IZkSBT::Record, Error> {
        self.contract()
            .record(token)
            .call()
            .await
            .map_err(|e| Error::NoSuchToken { token, reason: describe(&e) })
    }

    /// The wallet's own record of `token`, opened with the token's on-chain facts; a ciphertext
    /// sealed under another schema than the token's is refused.
    fn open_own(&self, token: U256, rec: &IZkSBT::Record) -> Result<Record, Error> {
        self.keys.open_record(&rec.ciphertext, &on_chain(rec)).map_err(|e| match e {
            ProverError::SchemaMismatch { .. } => Error::SealedMismatch { token, source: e },
            other => other.into(),
        })
    }

    fn sign<T: SolStruct>(&self, what: &'static str, value: &T) -> Result<Bytes, Error> {
        let hash = value.eip712_signing_hash(&zksbt_domain(self.chain_id, self.registry));
        let signature =
            self.wallet.sign_hash_sync(&hash).map_err(|e| Error::Sign { what, reason: e.to_string() })?;
        Ok(signature.as_bytes().to_vec().into())
    }

    /// As an issuer (the wallet), attests a record's commitment for its owner (EIP-712), with a
    /// random nonce (attestation nonces are unordered on-chain: a random one never collides).
    pub async fn attest(&self, request: AttestRequest) -> Result<AttestationFile, Error> {
        let mut nonce = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        let nonce = U256::from_be_bytes(nonce);
        let deadline = U256::from(self.now().await?.saturating_add(request.valid_secs));
        let attestation = Attestation {
            owner: request.owner,
            schemaId: request.schema_id,
            commitment: request.commitment,
            expiry: request.expiry,
            nonce,
            deadline,
        };
        Ok(AttestationFile {
            issuer: self.wallet(),
            commitment: request.commitment,
            expiry: request.expiry,
            nonce,
            deadline,
            signature: self.sign("attestation", &attestation)?,
        })
    }

    /// Mints `record` for the wallet, with its consent and an optional attestation; the wallet
    /// sends the mint and pays the registry's mint fee for the record's class (self-attested or
    /// attested) in MASA, approving the registry for exactly that fee. A wallet that cannot pay
    /// is refused before anything is sent.
    pub async fn mint(
        &self,
        mut record: Record,
        attestation: Option<&AttestationFile>,
    ) -> Result<Minted, Error> {
        let sbt = self.contract();
        let owner = self.wallet();
        let commitment = to_u256(record.commitment()?);
        if let Some(a) = attestation
            && a.commitment != commitment
        {
            return Err(Error::AttestationMismatch { issuer: a.issuer, attested: a.commitment, commitment });
        }
        record.expiry = attestation.map_or(0, |a| a.expiry);
        record.issuer = attestation.map_or(Address::ZERO, |a| a.issuer);
        let identity = self.keys.identity()?;
        let ciphertext: Bytes = seal(&record, &self.keys.public_key())?.into();
        let nonce = sbt.consentNonce(owner).call().await.map_err(self.read("consentNonce"))?;
        let deadline = U256::from(self.now().await? + CONSENT_SECS);
        let consent = Consent {
            owner,
            identity,
            schemaId: record.schema_id,
            commitment,
            ciphertextHash: keccak256(&ciphertext),
            issuer: record.issuer,
            expiry: record.expiry,
            nonce,
            deadline,
        };
        let request = IZkSBT::MintRequest {
            owner,
            identity,
            schemaId: record.schema_id,
            commitment,
            ciphertext,
            issuer: record.issuer,
            expiry: record.expiry,
            consentNonce: nonce,
            consentDeadline: deadline,
            attestationNonce: attestation.map_or(U256::ZERO, |a| a.nonce),
            attestationDeadline: attestation.map_or(U256::ZERO, |a| a.deadline),
        };

        // the fee of the record's class, pulled from the sender (this wallet) in MASA
        let fees = sbt.mintFees().call().await.map_err(self.read("mintFees"))?;
        let fee = if record.issuer == Address::ZERO { fees.selfAttested } else { fees.attested };
        if fee > U256::ZERO {
            let masa = tx::Token::Masa(self.masa);
            tx::approve_exactly(&self.provider, masa, "the mint fee", owner, self.registry, fee).await?;
        }

        let consent = self.sign("consent", &consent)?;
        let call = sbt.mint(request, consent, attestation.map(|a| a.signature.clone()).unwrap_or_default());
        let receipt = tx::send(registry("mint"), call).await?;
        let minted = receipt
            .inner
            .logs()
            .iter()
            .find_map(|log| log.log_decode::<ZkSBT::RecordMinted>().ok())
            .ok_or(Error::MissingEvent {
                call: registry("mint"),
                tx_hash: receipt.transaction_hash,
                event: "RecordMinted",
            })?
            .inner
            .data;
        Ok(Minted {
            token: minted.tokenId,
            commitment,
            tree_id: minted.treeId,
            leaf_index: minted.leafIndex,
            fee,
            tx_hash: receipt.transaction_hash,
        })
    }

    /// The wallet's tokens (burned ones left out), with the values their sealed records open to.
    pub async fn tokens(&self) -> Result<Vec<OwnedToken>, Error> {
        let owner_topic = Some(B256::left_padding_from(self.wallet().as_slice()));
        let mut tokens = Vec::new();
        for minted in self.logs::<ZkSBT::RecordMinted>(None, owner_topic).await? {
            // burned tokens have no record any more
            let Ok(record) = self.contract().record(minted.tokenId).call().await else { continue };
            // revoked records have no ciphertext any more: no values
            let (values, schema_mismatch) =
                match self.keys.open_record(&record.ciphertext, &on_chain(&record)) {
                    Ok(opened) => (Some(opened.values), None),
                    Err(e @ ProverError::SchemaMismatch { .. }) => (None, Some(e.to_string())),
                    Err(_) => (None, None),
                };
            tokens.push(OwnedToken { token: minted.tokenId, record, values, schema_mismatch });
        }
        Ok(tokens)
    }

    /// Sends `consumeDisclosure` from the wallet, which must be the disclosure's consumer.
    pub async fn consume(&self, consumer: Address, disclosure: IZkSBT::Disclosure) -> Result<B256, Error> {
        if consumer != self.wallet() {
            return Err(Error::NotConsumer { wallet: self.wallet(), consumer });
        }
        let receipt =
            tx::send(registry("consumeDisclosure"), self.contract().consumeDisclosure(disclosure)).await?;
        Ok(receipt.transaction_hash)
    }

    /// One of the wallet's records re-encrypted to a data consumer's key.
    pub async fn share(&self, token: U256, to: &PublicKey) -> Result<Vec<u8>, Error> {
        let rec = self.record(token).await?;
        self.open_own(token, &rec)?;
        Ok(share(&self.keys, &rec.ciphertext, to)?)
    }

    /// As a consumer (the wallet), opens a record shared from `token` and checks it against the
    /// token: its schema must be the token's on-chain schema and its contents the on-chain
    /// commitment.
    pub async fn open(&self, token: U256, sealed: &[u8]) -> Result<Opened, Error> {
        let rec = self.record(token).await?;
        let shared = open_shared(&self.keys.encryption, sealed, &on_chain(&rec), rec.commitment).map_err(
            |e| match e {
                ProverError::SchemaMismatch { .. } | ProverError::CommitmentMismatch { .. } => {
                    Error::SharedMismatch { token, source: e }
                }
                other => other.into(),
            },
        )?;
        Ok(Opened { values: shared.values, record: rec })
    }

    /// Burns one of the wallet's tokens: its record is erased from the registry's storage and its
    /// leaf removed from its tree.
    pub async fn burn(&self, token: U256) -> Result<B256, Error> {
        let sbt = self.contract();
        let owner = sbt
            .ownerOf(token)
            .call()
            .await
            .map_err(|e| Error::NoSuchToken { token, reason: describe(&e) })?;
        if owner != self.wallet() {
            return Err(Error::NotOwner { token, owner, wallet: self.wallet() });
        }
        Ok(tx::send(registry("burn"), sbt.burn(token)).await?.transaction_hash)
    }

    /// As the record's issuer (the wallet), revokes a token: its record is erased, its leaf
    /// removed, the token stays flagged revoked.
    pub async fn revoke(&self, token: U256) -> Result<B256, Error> {
        let rec = self.record(token).await?;
        if rec.issuer == Address::ZERO {
            return Err(Error::SelfAttested { token });
        }
        if rec.issuer != self.wallet() {
            return Err(Error::NotIssuer { token, issuer: rec.issuer, wallet: self.wallet() });
        }
        Ok(tx::send(registry("revoke"), self.contract().revoke(token)).await?.transaction_hash)
    }

    /// Removes an expired record's leaf from its tree (anyone may; proofs already refuse it).
    pub async fn expire(&self, token: U256) -> Result<B256, Error> {
        let rec = self.record(token).await?;
        if !rec.inTree {
            return Err(Error::NotInTree { token });
        }
        let now = self.now().await?;
        if rec.expiry == 0 || rec.expiry > now {
            return Err(Error::NotExpired { token, expiry: rec.expiry, now });
        }
        Ok(tx::send(registry("expire"), self.contract().expire(token)).await?.transaction_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_read_as_addresses_or_self_attested() {
        let issuer: Address = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720".parse().unwrap();
        assert_eq!(issuer_name(Address::ZERO), "self-attested");
        assert_eq!(issuer_name(issuer), "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720");
    }
}
