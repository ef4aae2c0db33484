//! The access passes' client: a record's owner signs an offer (EIP-712, no gas) for one developer;
//! the developer accepts it by paying (the upfront price to the owner at once, the per-use
//! prices into escrow), asks for uses, and opens what the owner delivers; the owner delivers each
//! use (a delivery proof from `masa-prover`: the record encrypted to the developer's key, proven
//! to be the pass's record) and is paid per use; the owner may revoke, the developer closes a
//! revoked or expired pass to take back the unused escrow. `masa pass` is this module with
//! arguments and printing.
//!
//! The developer's delivery key is its wallet's ([`crate::pools::delivery_key`]), the same one its
//! pools use: the owner puts the developer's public key into the offer.
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, owner: alloy::signers::local::PrivateKeySigner,
//! #   developer: alloy::signers::local::PrivateKeySigner, spec: masa_sdk::passes::OfferSpec,
//! #   prover: &mut masa_prover::Prover) -> Result<(), masa_sdk::passes::Error> {
//! use masa_sdk::passes::PassesClient;
//!
//! let offer = PassesClient::connect(&target, owner.clone())?.offer(&spec).await?;
//! let buyer = PassesClient::connect(&target, developer)?;
//! let accepted = buyer.accept(&offer).await?;
//! buyer.request_use(accepted.pass).await?;
//! PassesClient::connect(&target, owner)?.deliver(accepted.pass, 3_600, prover).await?;
//! for delivered in buyer.deliveries(accepted.pass).await? {
//!     println!("use {}: {:?}", delivered.use_index, buyer.open(&delivered)?);
//! }
//! # Ok(()) }
//! ```

mod error;

pub use error::Error;
pub use masa_bindings::contracts::access::IAccessPasses::{Offer, Pass};

use crate::{
    indexer::{self, IndexerClient},
    pools::{delivery_args, delivery_key, open},
    target::Target,
    tx::{self, Call},
    zksbt::{ProveRequest, ZkSbtClient},
};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::{DynProvider, Provider},
    rpc::types::{Filter, Log},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolEvent, SolStruct},
};
use masa_bindings::{
    Contract,
    contracts::{
        AccessPasses, MasaToken, PurposeAllowlistTerms,
        access::{IAccessPasses, IZkSBT},
    },
    eip712::access_passes_domain,
    manifest::Manifest,
};
use masa_prover::{
    DeliveryRequest, Prover, Timings,
    delivery::{DeliveryPublicKey, VALUES},
    statement::Operator,
};
use serde::{Deserialize, Serialize};

/// `function` of the passes contract, as errors name it.
const fn passes(function: &'static str) -> Call {
    Call::new(Contract::AccessPasses, function)
}

/// Blocks per `eth_getLogs` request (public RPCs cap ranges near 10,000).
const LOG_RANGE: u64 = 5_000;

/// The terms contract an offer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// None: every use within the pass's validity and uses is allowed.
    None,
    /// The deployment's `PurposeAllowlistTerms`: uses only while the owner allows the purpose.
    PurposeAllowlist,
    /// The deployment's `RateLimitTerms` (its one rule, `[passes]` of the parameters).
    RateLimit,
    /// Any other contract implementing `IAccessTerms`.
    Contract(Address),
}

/// What an owner offers: one record, to one developer, on these terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferSpec {
    /// The wallet's zkSBT whose record the pass is for.
    pub token: U256,
    /// The only developer who may accept.
    pub developer: Address,
    /// The developer's delivery key (what it prints with `masa pass key`).
    pub delivery_key: DeliveryPublicKey,
    /// The price token (`None`: MASA; else a token the fee router accepts).
    pub price_token: Option<Address>,
    /// Paid at accept, in the price token's units.
    pub upfront: U256,
    /// Paid per delivered use, escrowed at accept for every use.
    pub per_use: U256,
    /// From when uses may be asked (`None`: now).
    pub valid_from: Option<u64>,
    /// For how many seconds from then.
    pub valid_secs: u64,
    /// The most uses (at least 1).
    pub max_uses: u32,
    /// What the data may be used for (its keccak256 is the pass's purpose).
    pub purpose: String,
    /// The terms contract consulted at each use.
    pub terms: Terms,
    /// Seconds the developer has to accept.
    pub accept_within_secs: u64,
}

/// A signed offer, as the owner hands it to the developer (a JSON file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedOffer {
    /// The chain the offer is for.
    pub chain_id: u64,
    /// The passes contract the offer is for (the EIP-712 domain).
    pub passes: Address,
    /// The purpose in words (the offer holds its hash).
    pub purpose: String,
    /// The offer as signed.
    pub offer: IAccessPasses::Offer,
    /// The owner's signature of the offer.
    pub signature: Bytes,
}

impl SignedOffer {
    /// Parses an offer file's text.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| Error::OfferFile(e.to_string()))
    }

    /// The offer file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an offer serializes")
    }

    /// Everything the developer pays at accept: the upfront price and every use's price.
    pub fn total(&self) -> U256 {
        let o = &self.offer;
        U256::from(o.upfrontPrice) + U256::from(o.perUsePrice) * U256::from(o.maxUses)
    }
}

/// An accepted pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// Its id.
    pub pass: U256,
    /// Paid to the owner now.
    pub owner_amount: U256,
    /// The fee on the upfront price.
    pub fee: U256,
    /// Escrowed for the uses.
    pub escrow: U256,
    /// The transaction.
    pub tx_hash: B256,
}

/// A delivered use.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The use.
    pub use_index: u32,
    /// Paid to the owner for it.
    pub owner_amount: U256,
    /// The transaction.
    pub tx_hash: B256,
    /// Where the proving time went.
    pub timings: Timings,
}

/// One `UseDelivered` event of a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryLog {
    /// The block.
    pub block_number: u64,
    /// The transaction.
    pub tx_hash: B256,
    /// The log's index in its block.
    pub log_index: u64,
    /// The use.
    pub use_index: U256,
    /// The ciphertext and what decrypting it needs.
    pub delivery: IAccessPasses::Delivery,
}

/// The access passes of a deployment, driven by one wallet.
#[derive(Debug, Clone)]
pub struct PassesClient<P> {
    provider: P,
    wallet: PrivateKeySigner,
    sbt: ZkSbtClient<P>,
    address: Address,
    chain_id: u64,
    masa: Address,
    purpose_terms: Address,
    rate_limit_terms: Address,
    from_block: u64,
}

impl PassesClient<DynProvider> {
    /// The passes of `target`'s deployment, with `wallet` signing.
    pub fn connect(target: &Target, wallet: PrivateKeySigner) -> Result<Self, Error> {
        Self::new(tx::signing_provider(target.rpc_url.clone(), wallet.clone()), &target.manifest, wallet)
    }
}

impl<P: Provider + Clone> PassesClient<P> {
    /// The passes of `manifest`'s deployment over `provider`, which must sign for `wallet`.
    pub fn new(provider: P, manifest: &Manifest, wallet: PrivateKeySigner) -> Result<Self, Error> {
        let deployment = manifest.deployment(Contract::AccessPasses)?;
        Ok(Self {
            sbt: ZkSbtClient::new(provider.clone(), manifest, wallet.clone())?,
            provider,
            wallet,
            address: deployment.address,
            chain_id: manifest.chain_id,
            masa: manifest.address_of(Contract::MasaToken)?,
            purpose_terms: manifest.address_of(Contract::PurposeAllowlistTerms)?,
            rate_limit_terms: manifest.address_of(Contract::RateLimitTerms)?,
            from_block: deployment.block_number,
        })
    }
}

impl<P: Provider> PassesClient<P> {
    /// The wallet's address.
    pub fn wallet(&self) -> Address {
        self.wallet.address()
    }

    /// The passes contract's address.
    pub const fn address(&self) -> Address {
        self.address
    }

    /// The passes contract's typed instance.
    pub fn contract(&self) -> AccessPasses::AccessPassesInstance<&P> {
        AccessPasses::new(self.address, &self.provider)
    }

    /// The wallet's delivery key's public half, for offers made to it.
    pub fn delivery_public_key(&self) -> DeliveryPublicKey {
        delivery_key(&self.wallet).public_key()
    }

    /// The address `terms` stands for.
    pub const fn terms_address(&self, terms: Terms) -> Address {
        match terms {
            Terms::None => Address::ZERO,
            Terms::PurposeAllowlist => self.purpose_terms,
            Terms::RateLimit => self.rate_limit_terms,
            Terms::Contract(address) => address,
        }
    }

    /// The decimals of `token` (`None`: MASA's), to read and write its amounts.
    pub async fn decimals(&self, token: Option<Address>) -> Result<u8, Error> {
        let token = token.unwrap_or(self.masa);
        // MASA's binding serves any ERC-20's `decimals`
        Ok(MasaToken::new(token, &self.provider)
            .decimals()
            .call()
            .await
            .map_err(tx::read(Call::erc20("decimals"), token))?)
    }

    /// A failed view of the passes, as an error naming it.
    fn read(&self, function: &'static str) -> impl Fn(alloy::contract::Error) -> Error {
        let read = tx::read(passes(function), self.address);
        move |e| read(e).into()
    }

    /// The number of passes (ids `1..=count`).
    pub async fn count(&self) -> Result<U256, Error> {
        self.contract().passCount().call().await.map_err(self.read("passCount"))
    }

    /// Pass `id`, refused when it does not exist.
    pub async fn pass(&self, id: U256) -> Result<IAccessPasses::Pass, Error> {
        let count = self.count().await?;
        if id.is_zero() || id > count {
            return Err(Error::UnknownPass { pass: id, count });
        }
        self.contract().pass(id).call().await.map_err(self.read("pass"))
    }

    /// Signs an offer of the wallet's record `spec.token` (no transaction). Its nonce is random
    /// (offer nonces are a bitmap on-chain: offers signed in any order never collide).
    pub async fn offer(&self, spec: &OfferSpec) -> Result<SignedOffer, Error> {
        let price =
            |what, amount: U256| u128::try_from(amount).map_err(|_| Error::AmountTooLarge { what, amount });
        let now = self.now().await?;
        let valid_from = spec.valid_from.unwrap_or(now);
        let [key_x, key_y] = spec.delivery_key.to_words();
        let valid_until = valid_from.saturating_add(spec.valid_secs);
        self.check_deliverable(spec.token, valid_until).await?;
        let mut nonce = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
        let offer = IAccessPasses::Offer {
            owner: self.wallet(),
            tokenId: spec.token,
            developer: spec.developer,
            token: spec.price_token.unwrap_or(self.masa),
            upfrontPrice: price("the upfront price", spec.upfront)?,
            perUsePrice: price("the per-use price", spec.per_use)?,
            validFrom: valid_from,
            validUntil: valid_until,
            maxUses: spec.max_uses,
            purpose: purpose_word(&spec.purpose),
            deliveryKeyX: key_x,
            deliveryKeyY: key_y,
            terms: self.terms_address(spec.terms),
            nonce: U256::from_be_bytes(nonce),
            deadline: U256::from(now.saturating_add(spec.accept_within_secs)),
        };
        let hash = offer.eip712_signing_hash(&access_passes_domain(self.chain_id, self.address));
        let signature = self.wallet.sign_hash_sync(&hash).map_err(|e| Error::Sign(e.to_string()))?;
        Ok(SignedOffer {
            chain_id: self.chain_id,
            passes: self.address,
            purpose: spec.purpose.clone(),
            offer,
            signature: signature.as_bytes().to_vec().into(),
        })
    }

    /// Refuses to offer `token` for a pass valid until `valid_until` when its record would not
    /// be deliverable until the pass's last delivery, as `accept` would.
    async fn check_deliverable(&self, token: U256, valid_until: u64) -> Result<(), Error> {
        let grace = self.contract().DELIVERY_GRACE().call().await.map_err(self.read("DELIVERY_GRACE"))?;
        let last_delivery = valid_until.saturating_add(grace.saturating_to());
        let record = self.sbt.record(token).await?;
        // a burned token has no record: `record` already refused it
        let why = if record.revoked {
            "was revoked by its issuer".to_string()
        } else if !record.inTree {
            "is out of its tree (taken out at its expiry)".to_string()
        } else if record.expiry != 0 && record.expiry <= last_delivery {
            format!("expires at {}", record.expiry)
        } else {
            return Ok(());
        };
        Err(Error::RecordUndeliverable { token, why, last_delivery })
    }

    /// Accepts `offer` as its developer (refused when its purpose's words are not what the
    /// signed hash says): approves the passes for exactly its total in its price
    /// token, after checking the wallet holds it, then `accept` (simulated first: an expired,
    /// used or forged offer comes back by name).
    pub async fn accept(&self, offer: &SignedOffer) -> Result<Accepted, Error> {
        if (offer.passes, offer.chain_id) != (self.address, self.chain_id) {
            return Err(Error::OtherDeployment {
                passes: offer.passes,
                chain_id: offer.chain_id,
                expected: self.address,
                expected_chain_id: self.chain_id,
            });
        }
        if offer.offer.developer != self.wallet() {
            return Err(Error::NotForWallet { developer: offer.offer.developer, wallet: self.wallet() });
        }
        if purpose_word(&offer.purpose) != offer.offer.purpose {
            // the words are what the developer reads; the hash is what it would agree to
            return Err(Error::PurposeMismatch { purpose: offer.purpose.clone(), hash: offer.offer.purpose });
        }
        let total = offer.total();
        if !total.is_zero() {
            self.approve(offer.offer.token, total).await?;
        }
        let c = self.contract();
        let receipt =
            tx::send(passes("accept"), c.accept(offer.offer.clone(), offer.signature.clone())).await?;
        let e = event::<AccessPasses::PassAccepted>(receipt.logs(), receipt.transaction_hash)?;
        Ok(Accepted {
            pass: e.passId,
            owner_amount: e.ownerAmount,
            fee: e.fee,
            escrow: e.escrow,
            tx_hash: receipt.transaction_hash,
        })
    }

    /// Asks for the next use of pass `id` (its developer); returns the use's index. The terms
    /// contract's refusal (a rate limit, a withdrawn purpose) comes back by name.
    pub async fn request_use(&self, id: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(passes("requestUse"), self.contract().requestUse(id)).await?;
        let e = event::<AccessPasses::UseRequested>(receipt.logs(), receipt.transaction_hash)?;
        Ok((e.useIndex, receipt.transaction_hash))
    }

    /// Delivers the next requested use of pass `id` (its owner): proves with `prover` (the
    /// delivery circuit's) that the ciphertext is the pass's record encrypted to the developer's
    /// key, for this pass, use and owner, and sends `deliver`. The disclosure stays valid for
    /// `valid_secs` (it must land before).
    pub async fn deliver(&self, id: U256, valid_secs: u64, prover: &mut Prover) -> Result<Delivered, Error> {
        let pass = self.pass(id).await?;
        if pass.owner != self.wallet() {
            return Err(Error::NotOwner { pass: id, owner: pass.owner, wallet: self.wallet() });
        }
        if pass.delivered >= pass.requested {
            return Err(Error::NothingToDeliver {
                pass: id,
                delivered: pass.delivered,
                requested: pass.requested,
            });
        }
        let use_index = U256::from(pass.delivered);
        let c = self.contract();
        let purpose = c.purposeOf(id).call().await.map_err(self.read("purposeOf"))?;
        let message = c.useMessageOf(id, use_index).call().await.map_err(self.read("useMessageOf"))?;
        let nonce = c.deliveryNonceOf(id, use_index).call().await.map_err(self.read("deliveryNonceOf"))?;
        let key = DeliveryPublicKey::from_words(pass.deliveryKeyX, pass.deliveryKeyY)
            .map_err(Error::DeliveryKey)?;
        // the developer receives the whole record: the statement itself need say nothing more
        // than that field 0 is a value (every field is below 2^64)
        let ask = ProveRequest {
            token: pass.tokenId,
            field: 0,
            op: Operator::Ge,
            value: 0,
            value_b: 0,
            consumer: self.address,
            purpose: String::new(),
            recipient: Some(pass.owner),
            message: String::new(),
            anonymous: false,
            issuers: None,
            valid_secs,
        };
        let p = self.sbt.prepare_for(&ask, purpose, message).await?;
        let nonce = u128::try_from(nonce).expect("deliveryNonceOf is a uint128");
        let (proof, timings) = prover.prove_delivery(
            &p.record,
            &p.statement,
            p.membership.as_ref(),
            &DeliveryRequest { key, nonce },
        )?;
        let (d, delivery): (IZkSBT::Disclosure, IAccessPasses::Delivery) =
            delivery_args(&proof, pass.tokenId, p.purpose, p.recipient, p.message);
        let receipt = tx::send(passes("deliver"), c.deliver(id, d, delivery)).await?;
        let e = event::<AccessPasses::UseDelivered>(receipt.logs(), receipt.transaction_hash)?;
        Ok(Delivered {
            use_index: pass.delivered,
            owner_amount: e.ownerAmount,
            tx_hash: receipt.transaction_hash,
            timings,
        })
    }

    /// Revokes pass `id` (its owner): no more uses; the developer may close it at once.
    pub async fn revoke(&self, id: U256) -> Result<B256, Error> {
        Ok(tx::send(passes("revoke"), self.contract().revoke(id)).await?.transaction_hash)
    }

    /// Closes pass `id`: its unused escrow goes back to the developer; returns how much. Anyone
    /// may once it is revoked or past its validity and delivery grace; its developer before, when
    /// no use waits for its delivery (then no use follows).
    pub async fn close(&self, id: U256) -> Result<(U256, B256), Error> {
        let receipt = tx::send(passes("close"), self.contract().close(id)).await?;
        let e = event::<AccessPasses::PassClosed>(receipt.logs(), receipt.transaction_hash)?;
        Ok((e.amount, receipt.transaction_hash))
    }

    /// Allows (or stops allowing) `purpose` for the wallet's passes that name the deployment's
    /// `PurposeAllowlistTerms`, from their next use.
    pub async fn set_purpose(&self, purpose: &str, allowed: bool) -> Result<B256, Error> {
        let terms = PurposeAllowlistTerms::new(self.purpose_terms, &self.provider);
        let call = Call::new(Contract::PurposeAllowlistTerms, "setPurpose");
        Ok(tx::send(call, terms.setPurpose(purpose_word(purpose), allowed)).await?.transaction_hash)
    }

    /// The schema of pass `id`'s record (what names its fields).
    pub async fn schema_of(&self, id: U256) -> Result<U256, Error> {
        let pass = self.pass(id).await?;
        Ok(self.sbt.record(pass.tokenId).await?.schemaId)
    }

    /// Pass `id`'s deliveries, from the chain's logs (the passes' deployment block to the latest).
    pub async fn deliveries(&self, id: U256) -> Result<Vec<DeliveryLog>, Error> {
        let head = self.provider.get_block_number().await.map_err(tx::rpc("eth_blockNumber"))?;
        let mut out = Vec::new();
        let mut from = self.from_block;
        while from <= head {
            let to = head.min(from + LOG_RANGE - 1);
            let filter = Filter::new()
                .address(self.address)
                .from_block(from)
                .to_block(to)
                .event_signature(AccessPasses::UseDelivered::SIGNATURE_HASH)
                .topic1(B256::from(id));
            for log in self.provider.get_logs(&filter).await.map_err(tx::rpc("eth_getLogs"))? {
                out.push(DeliveryLog::from_log(&log).map_err(tx::rpc("eth_getLogs"))?);
            }
            from = to + 1;
        }
        Ok(out)
    }

    /// Pass `id`'s deliveries read from the chain where `indexer` says they are: the receipts of
    /// the transactions it lists ([`crate::indexer`] says what this trusts the indexer with);
    /// `progress` told after each (done, total).
    pub async fn deliveries_located(
        &self,
        id: U256,
        indexer: &IndexerClient,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Vec<DeliveryLog>, Error> {
        let located = indexer.pass_deliveries(id).await?;
        let logs = indexer::logs_at(&self.provider, &located, self.address, id, |done| {
            progress(done, located.len());
        })
        .await?;
        let mut out = Vec::new();
        for log in logs.iter().filter(|log| log.topic0() == Some(&AccessPasses::UseDelivered::SIGNATURE_HASH))
        {
            out.push(DeliveryLog::from_log(log).map_err(tx::rpc("eth_getTransactionReceipt"))?);
        }
        out.sort_by_key(|d| (d.block_number, d.log_index));
        Ok(out)
    }

    /// The record's 8 values in `delivered`, opened with the wallet's delivery key.
    pub fn open(&self, delivered: &DeliveryLog) -> Result<[U256; VALUES], Error> {
        Ok(open(&delivery_key(&self.wallet), &delivered.delivery)?)
    }

    /// Approves the passes for exactly `amount` of `token`, after checking the wallet holds it.
    async fn approve(&self, token: Address, amount: U256) -> Result<(), Error> {
        let token = tx::Token::of(token, self.masa);
        Ok(tx::approve_exactly(&self.provider, token, "the pass", self.wallet(), self.address, amount)
            .await?)
    }

    async fn now(&self) -> Result<u64, Error> {
        Ok(tx::latest_timestamp(&self.provider).await.map_err(tx::rpc("eth_getBlockByNumber"))?)
    }
}

/// A purpose's word: the keccak256 of its text (what offers and `PurposeAllowlistTerms` hold).
pub fn purpose_word(purpose: &str) -> B256 {
    keccak256(purpose.as_bytes())
}

impl DeliveryLog {
    /// A mined `UseDelivered` log of the passes contract.
    pub fn from_log(log: &Log) -> Result<Self, String> {
        let (Some(block_number), Some(tx_hash), Some(log_index)) =
            (log.block_number, log.transaction_hash, log.log_index)
        else {
            return Err("a mined log without its block, transaction or index".to_owned());
        };
        let e = AccessPasses::UseDelivered::decode_log(&log.inner).map_err(|e| e.to_string())?.data;
        Ok(Self { block_number, tx_hash, log_index, use_index: e.useIndex, delivery: e.delivery })
    }
}

/// The first `E` among `logs`, or an error naming the transaction.
fn event<E: SolEvent>(logs: &[Log], tx_hash: B256) -> Result<E, Error> {
    tx::first_event(logs).ok_or(Error::MissingEvent { event: E::SIGNATURE, tx_hash })
}
