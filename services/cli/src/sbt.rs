//! `masa sbt`: zkSBT records from the command line — draft, attest, mint, show, prove, share,
//! open, burn, revoke, expire.
//!
//! The owner's secrets (the circuit's owner secret and the X25519 key records are sealed to)
//! are derived from the wallet's private key (`masa_prover::encryption::OwnerKeys`), so the
//! wallet alone recovers every record from the chain, and no file ever holds the owner secret
//! (it is shared by every record of the wallet: whoever read it could link the wallet's
//! anonymous disclosures and spend its nullifiers). The registry's trees are rebuilt from its
//! `LeafInserted` / `LeafRemoved` events, one tree id at a time (the indexer will serve them on
//! large chains).

use crate::{target::TargetArgs, wallet::WalletArgs};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, Bytes, U256, keccak256, utils::format_ether},
    providers::{Provider, ProviderBuilder},
    rpc::types::Filter,
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolEvent, SolStruct},
};
use anyhow::{Context, Result, bail};
use ark_bn254::Fr;
use masa_bindings::{
    Contract,
    contracts::{IZkSBT, MasaToken, ZkSBT},
    eip712::{Attestation, Consent, zksbt_domain},
    revert,
};
use masa_prover::{
    DisclosureProof, Prover, ProverError,
    encryption::{OnChain, OwnerKeys, PublicKey, open_shared, seal, share},
    field::{to_fr, to_u256},
    keys::read_r1cs,
    merkle::LeanImt,
    paths,
    poseidon::FIELDS,
    record::Record,
    statement::{Mode, Operator, Statement},
};
use serde::{Deserialize, Serialize};
use std::{
    fs,
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    str::FromStr,
};

/// Anonymous disclosures against a tree with fewer live records than this get a warning: the
/// consumer learns "one of these few records".
pub const SMALL_ANONYMITY_SET: usize = 16;

/// `masa sbt` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SbtCommand {
    /// Draft a record (fresh salt) for an issuer to attest: prints its commitment and writes a
    /// draft file for `masa sbt mint --record`.
    ///
    /// The draft holds the schema, the values in clear, the salt, the commitment, the wallet's
    /// identity commitment and address: whoever reads it learns the record's values and can
    /// link the commitment (and so the minted token) to them. It never holds the wallet's owner
    /// secret (mint re-derives it from the wallet). It is created with mode 0600, and an
    /// existing file is never overwritten. Delete it once the record is minted: the chain keeps
    /// the record sealed to the wallet.
    Record {
        /// Schema id.
        #[arg(long)]
        schema: u64,
        /// Up to 8 unsigned 64-bit field values, comma separated (missing fields are 0).
        #[arg(long, value_delimiter = ',')]
        values: Vec<u64>,
        /// Where to write the draft (JSON, mode 0600; must not exist yet).
        #[arg(long)]
        out: PathBuf,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As an issuer, attest a record's commitment for its owner (EIP-712), to a JSON file.
    Attest {
        /// The record's owner.
        #[arg(long)]
        owner: Address,
        /// Schema id.
        #[arg(long)]
        schema: u64,
        /// The record's commitment (from `masa sbt record`).
        #[arg(long)]
        commitment: U256,
        /// Unix time the record expires (0: never).
        #[arg(long, default_value_t = 0)]
        expiry: u64,
        /// Seconds the attestation stays valid.
        #[arg(long, default_value_t = 86_400)]
        valid_secs: u64,
        /// Where to write the attestation.
        #[arg(long)]
        out: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The issuer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Mint a zkSBT: the record sealed to the owner, with the owner's consent (and an
    /// attestation). The wallet sends the mint and pays the registry's mint fee for the record's
    /// class (self-attested or attested) in MASA, approving the registry for exactly that fee.
    Mint {
        /// A record draft from `masa sbt record` (else one is made from --schema and --values).
        #[arg(long, conflicts_with_all = ["schema", "values"])]
        record: Option<PathBuf>,
        /// Schema id (self-attested records).
        #[arg(long, required_unless_present = "record")]
        schema: Option<u64>,
        /// Field values, comma separated.
        #[arg(long, value_delimiter = ',')]
        values: Vec<u64>,
        /// An issuer's attestation from `masa sbt attest`.
        #[arg(long)]
        attestation: Option<PathBuf>,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The owner's wallet (signs the consent, sends the mint, pays the fee).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// List the wallet's zkSBTs: on-chain schema, issuer, tree position, and the decrypted
    /// values. Fails (after listing) when a sealed record's schema differs from its token's
    /// on-chain schema; such values are not shown.
    Show {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Prove a statement about one of the wallet's records for a consumer, to a JSON disclosure
    /// (the `consumeDisclosure` argument); `--submit` also sends it when the wallet is the consumer.
    Prove {
        /// The token.
        #[arg(long)]
        token: U256,
        /// Field index, 0-7.
        #[arg(long)]
        field: u8,
        /// Operator: == != < <= > >= in.
        #[arg(long)]
        op: Operator,
        /// Operand (the range's lower bound for `in`).
        #[arg(long)]
        value: u64,
        /// The range's upper bound (`in` only).
        #[arg(long, default_value_t = 0)]
        value_b: u64,
        /// The consumer (the address that will call `consumeDisclosure`).
        #[arg(long)]
        consumer: Address,
        /// The consumer's purpose (hashed with keccak256).
        #[arg(long)]
        purpose: String,
        /// Who the disclosure benefits (default: the consumer).
        #[arg(long)]
        recipient: Option<Address>,
        /// Application message bound into the proof (hashed with keccak256).
        #[arg(long, default_value = "")]
        message: String,
        /// Prove against the record's tree (one of its live records) instead of the token itself.
        #[arg(long)]
        anonymous: bool,
        /// The issuer set the consumer requires: 1 to 4 issuer addresses, comma separated,
        /// `self` for self-attested records; the proof shows the record's issuer is one of them
        /// without saying which. Default: any attestation class (no issuer constraint).
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        issuers: Option<Vec<IssuerArg>>,
        /// Seconds the disclosure stays valid (from the latest block's time); the record must
        /// not expire before then.
        #[arg(long, default_value_t = 3_600)]
        valid_secs: u64,
        /// Where to write the disclosure (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Send `consumeDisclosure` from the wallet (which must be the consumer).
        #[arg(long)]
        submit: bool,
        /// The proving key.
        #[arg(long, default_value = paths::KEY)]
        key: PathBuf,
        /// The circuit build (r1cs and witness code).
        #[arg(long, default_value = "circuits/build")]
        circuit: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Print the wallet's record-encryption public key (X25519, hex), for owners to share to.
    Keys {
        /// The wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Share one of the wallet's records with a data consumer: re-encrypt it to their key.
    Share {
        /// The token.
        #[arg(long)]
        token: U256,
        /// The consumer's X25519 public key (from `masa sbt keys`), hex.
        #[arg(long)]
        to: String,
        /// Where to write the sealed record.
        #[arg(long)]
        out: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As a consumer, open a shared record and check it against the token: its schema must be
    /// the token's on-chain schema and its contents the on-chain commitment. Prints the
    /// on-chain schema and issuer (what the registry checked at mint).
    Open {
        /// The token it was shared from.
        #[arg(long)]
        token: U256,
        /// The sealed record from `masa sbt share`.
        #[arg(long)]
        file: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The consumer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Burn one of the wallet's zkSBTs: its record is erased from the registry's storage and its
    /// leaf removed from its tree (the mint's calldata and event stay in chain history, sealed
    /// to the owner).
    Burn {
        /// The token.
        #[arg(long)]
        token: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the record's issuer, revoke a zkSBT: its record is erased, its leaf removed, the token
    /// stays flagged revoked.
    Revoke {
        /// The token.
        #[arg(long)]
        token: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// The issuer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Remove an expired record's leaf from its tree (anyone may; proofs already refuse it).
    Expire {
        /// The token.
        #[arg(long)]
        token: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetArgs,
        /// Any wallet (pays the gas).
        #[command(flatten)]
        wallet: WalletArgs,
    },
}

/// One member of `--issuers`: an issuer address, or `self` (address 0: self-attested records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerArg(pub Address);

impl FromStr for IssuerArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("self") {
            return Ok(Self(Address::ZERO));
        }
        s.parse().map(Self).map_err(|_| format!("{s:?} is neither an issuer address nor `self`"))
    }
}

/// The members of `--issuers`, checked: 1 to 4 (`ZkSBT.issuerSetOf`), no duplicates.
fn issuer_set(issuers: Option<Vec<IssuerArg>>) -> Result<Option<Vec<Address>>> {
    let Some(issuers) = issuers else { return Ok(None) };
    let members: Vec<Address> = issuers.into_iter().map(|i| i.0).collect();
    if members.is_empty() || members.len() > 4 {
        bail!("--issuers takes 1 to 4 issuers (`self` for self-attested records), got {}", members.len());
    }
    for (i, m) in members.iter().enumerate() {
        if members[..i].contains(m) {
            bail!("--issuers lists {} twice", issuer_name(*m));
        }
    }
    Ok(Some(members))
}

/// An issuer as the CLI prints it: its address, or `self-attested` for address 0.
fn issuer_name(issuer: Address) -> String {
    if issuer == Address::ZERO { "self-attested".to_owned() } else { issuer.to_checksum(None) }
}

/// A record draft, as `masa sbt record` writes it and `masa sbt mint --record` reads it. It
/// holds the values in clear but never the wallet's owner secret (re-derived from the wallet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordDraft {
    /// The wallet the record is for (the `--owner` of `masa sbt attest`).
    pub owner: Address,
    /// Schema id.
    pub schema_id: U256,
    /// The fields.
    pub values: [u64; masa_prover::poseidon::FIELDS],
    /// The record's random salt.
    pub salt: U256,
    /// The record's commitment (what the issuer attests).
    pub commitment: U256,
    /// The wallet's identity commitment `Poseidon_1(ownerSecret)` (in the mint's consent).
    pub identity: U256,
}

/// An issuer's attestation, as `masa sbt attest` writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttestationFile {
    /// The issuer.
    pub issuer: Address,
    /// The attested commitment.
    pub commitment: U256,
    /// Expiry of the record.
    pub expiry: u64,
    /// The issuer's attestation nonce (random: nonces are unordered; `cancelAttestationNonce`
    /// withdraws an attestation not yet used).
    pub nonce: U256,
    /// Last valid second.
    pub deadline: U256,
    /// 65-byte signature.
    pub signature: Bytes,
}

/// The registry's view of a chain: the contract and its events.
struct Registry<P> {
    provider: P,
    sbt: Address,
    masa: Address,
    from_block: u64,
    chain_id: u64,
}

/// A tree rebuilt from the registry's events.
struct RebuiltTree {
    tree: LeanImt,
    /// Leaves not removed (burned, revoked, expired records are zero leaves).
    live: usize,
}

impl<P: Provider> Registry<P> {
    fn contract(&self) -> ZkSBT::ZkSBTInstance<&P> {
        ZkSBT::new(self.sbt, &self.provider)
    }

    /// The registry's `E` events whose first and second indexed arguments are `topic1` and
    /// `topic2` (any when `None`).
    async fn logs<E: SolEvent>(&self, topic1: Option<B256>, topic2: Option<B256>) -> Result<Vec<E>> {
        let mut filter =
            Filter::new().address(self.sbt).from_block(self.from_block).event_signature(E::SIGNATURE_HASH);
        if let Some(t) = topic1 {
            filter = filter.topic1(t);
        }
        if let Some(t) = topic2 {
            filter = filter.topic2(t);
        }
        let logs = self.provider.get_logs(&filter).await.context("eth_getLogs on the zkSBT registry")?;
        logs.iter().map(|log| Ok(E::decode_log(&log.inner)?.data)).collect()
    }

    /// Tree `tree_id` as the registry holds it, from its events (checked against
    /// `treeRoot(tree_id)`).
    async fn tree(&self, tree_id: u32) -> Result<RebuiltTree> {
        let topic = Some(B256::from(U256::from(tree_id)));
        let mut inserted: Vec<(usize, U256)> = self
            .logs::<ZkSBT::LeafInserted>(topic, None)
            .await?
            .into_iter()
            .map(|e| (e.index.to(), e.leaf))
            .collect();
        inserted.sort_by_key(|(i, _)| *i);
        let mut tree = LeanImt::new();
        for (index, leaf) in inserted {
            if index != tree.size() {
                bail!(
                    "the registry's LeafInserted events of tree {tree_id} skip leaf {index}: incomplete logs from the RPC"
                );
            }
            tree.insert(to_fr("leaf", leaf)?);
        }
        let mut live = tree.size();
        for e in self.logs::<ZkSBT::LeafRemoved>(topic, None).await? {
            let index: usize = e.index.to();
            if tree.leaf(index).is_some_and(|l| l != Fr::from(0u64)) {
                live -= 1;
            }
            tree.update(index, Fr::from(0u64))?;
        }
        let onchain = self.contract().treeRoot(U256::from(tree_id)).call().await?;
        if to_u256(tree.root()) != onchain {
            bail!(
                "tree {tree_id} rebuilt from events does not match the registry's root: is the RPC behind?"
            );
        }
        Ok(RebuiltTree { tree, live })
    }

    /// The token's on-chain record, or a readable error when it does not exist.
    async fn record(&self, token: U256) -> Result<IZkSBT::Record> {
        self.contract()
            .record(token)
            .call()
            .await
            .with_context(|| format!("zkSBT {token} does not exist (burned?)"))
    }
}

/// Simulates `call` (a refusal comes back as the contract's custom error, by name), sends it
/// and waits for its successful receipt.
async fn send<Q: Provider, D: alloy::contract::CallDecoder>(
    what: &str,
    call: alloy::contract::CallBuilder<Q, D>,
) -> Result<alloy::rpc::types::TransactionReceipt> {
    call.call_raw().await.map_err(|e| decode_error(&e))?;
    let receipt = call.send().await.map_err(|e| decode_error(&e))?.get_receipt().await?;
    if !receipt.status() {
        bail!("{what} reverted in {}", receipt.transaction_hash);
    }
    Ok(receipt)
}

fn values(values: &[u64]) -> Result<[u64; FIELDS]> {
    if values.len() > FIELDS {
        bail!("a record has {FIELDS} fields, got {} values", values.len());
    }
    let mut out = [0u64; FIELDS];
    out[..values.len()].copy_from_slice(values);
    Ok(out)
}

fn owner_keys(signer: &PrivateKeySigner) -> OwnerKeys {
    OwnerKeys::derive(&signer.to_bytes().0)
}

fn sign<T: SolStruct>(signer: &PrivateKeySigner, value: &T, chain_id: u64, sbt: Address) -> Result<Bytes> {
    let hash = value.eip712_signing_hash(&zksbt_domain(chain_id, sbt));
    Ok(signer.sign_hash_sync(&hash)?.as_bytes().to_vec().into())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

/// Writes `contents` to a new file readable by its owner only (mode 0600), refusing to replace
/// an existing file (whose permissions could be wider: the mode applies at creation only).
fn write_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut file =
        fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).with_context(|| {
            if path.exists() {
                format!(
                    "{} exists: refusing to overwrite it (delete it, or choose another --out)",
                    path.display()
                )
            } else {
                format!("cannot create {}", path.display())
            }
        })?;
    file.write_all(contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Reads a record draft and turns it back into the wallet's record (owner secret re-derived).
fn read_draft(path: &Path, keys: &OwnerKeys, wallet: Address) -> Result<Record> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the record draft {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    if json.get("ownerSecret").is_some() {
        bail!(
            "{} holds the wallet's owner secret (written by an older `masa sbt record`): delete it securely \
             and draft the record again; the secret is now re-derived from the wallet",
            path.display()
        );
    }
    let draft: RecordDraft = serde_json::from_value(json)
        .with_context(|| format!("{} is not a valid record draft", path.display()))?;
    if draft.owner != wallet {
        bail!("the record draft is for {}, not for the wallet {wallet}", draft.owner);
    }
    let mut record = keys.new_record(draft.schema_id, draft.values);
    record.salt = draft.salt;
    if to_u256(record.commitment()?) != draft.commitment {
        bail!(
            "the record draft's commitment {:#x} is not that of its contents with this wallet's owner secret: \
             edited, or drafted with another wallet",
            draft.commitment
        );
    }
    Ok(record)
}

/// What the registry checked at mint and keeps beside the token's ciphertext.
fn on_chain(rec: &IZkSBT::Record) -> OnChain {
    OnChain { schema_id: rec.schemaId, issuer: rec.issuer, expiry: rec.expiry }
}

/// The wallet's own record of `token`, opened with the token's on-chain facts; a ciphertext
/// sealed under another schema than the token's is refused.
fn open_own(keys: &OwnerKeys, token: U256, rec: &IZkSBT::Record) -> Result<Record> {
    keys.open_record(&rec.ciphertext, &on_chain(rec)).map_err(|e| match e {
        ProverError::SchemaMismatch { .. } => anyhow::anyhow!("zkSBT {token}: {e}"),
        other => other.into(),
    })
}

impl SbtCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Record { schema, values: v, out, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let record = keys.new_record(U256::from(schema), values(&v)?);
                let draft = RecordDraft {
                    owner: signer.address(),
                    schema_id: record.schema_id,
                    values: record.values,
                    salt: record.salt,
                    commitment: to_u256(record.commitment()?),
                    identity: keys.identity()?,
                };
                write_private(&out, serde_json::to_string_pretty(&draft)?.as_bytes())?;
                println!("commitment {:#x} -> {}", draft.commitment, out.display());
            }
            Self::Attest { owner, schema, commitment, expiry, valid_secs, out, target, wallet } => {
                let signer = wallet.signer()?;
                let registry = connect(&target, &signer).await?;
                // attestation nonces are unordered on-chain: a random one never collides
                let mut nonce = [0u8; 32];
                rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
                let nonce = U256::from_be_bytes(nonce);
                let now = latest_timestamp(&registry.provider).await?;
                let deadline = U256::from(now + valid_secs);
                let a =
                    Attestation { owner, schemaId: U256::from(schema), commitment, expiry, nonce, deadline };
                let file = AttestationFile {
                    issuer: signer.address(),
                    commitment,
                    expiry,
                    nonce,
                    deadline,
                    signature: sign(&signer, &a, registry.chain_id, registry.sbt)?,
                };
                fs::write(&out, serde_json::to_string_pretty(&file)?)
                    .with_context(|| format!("cannot write {}", out.display()))?;
                println!("attestation (nonce {nonce}) -> {}", out.display());
            }
            Self::Mint { record, schema, values: v, attestation, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let record = match (record, schema) {
                    (Some(path), _) => read_draft(&path, &keys, signer.address())?,
                    (None, Some(schema)) => keys.new_record(U256::from(schema), values(&v)?),
                    (None, None) => bail!("give --record or --schema"),
                };
                let attestation: Option<AttestationFile> =
                    attestation.map(|p| read_json(&p, "attestation")).transpose()?;
                let registry = connect(&target, &signer).await?;
                let minted = mint(&registry, &signer, &keys, record, attestation.as_ref()).await?;
                if minted.fee > U256::ZERO {
                    println!("paid the mint fee of {} MASA", masa_text(minted.fee));
                }
                println!(
                    "minted zkSBT {} (commitment {:#x}, tree {}, leaf {})",
                    minted.token, minted.commitment, minted.tree_id, minted.leaf_index
                );
            }
            Self::Show { json, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let registry = connect(&target, &signer).await?;
                let owner_topic = Some(B256::left_padding_from(signer.address().as_slice()));
                let mut shown = Vec::new();
                let mut refused = Vec::new();
                for minted in registry.logs::<ZkSBT::RecordMinted>(None, owner_topic).await? {
                    // burned tokens have no record any more
                    let Ok(rec) = registry.contract().record(minted.tokenId).call().await else { continue };
                    // revoked records have no ciphertext any more: no values
                    let (values, mismatch) = match keys.open_record(&rec.ciphertext, &on_chain(&rec)) {
                        Ok(record) => (Some(record.values), false),
                        Err(e @ ProverError::SchemaMismatch { .. }) => {
                            refused.push(format!("zkSBT {}: {e}", minted.tokenId));
                            (None, true)
                        }
                        Err(_) => (None, false),
                    };
                    shown.push(serde_json::json!({
                        "token": minted.tokenId.to_string(),
                        "schemaId": rec.schemaId.to_string(),
                        "commitment": format!("{:#x}", rec.commitment),
                        "issuer": rec.issuer,
                        "issuedAt": rec.issuedAt,
                        "expiry": rec.expiry,
                        "revoked": rec.revoked,
                        "inTree": rec.inTree,
                        "treeId": rec.treeId,
                        "leafIndex": rec.leafIndex,
                        "schemaMismatch": mismatch,
                        "values": values,
                    }));
                }
                if json {
                    println!("{}", serde_json::to_string_pretty(&shown)?);
                } else if shown.is_empty() {
                    println!("no zkSBTs for {}", signer.address());
                } else {
                    for s in &shown {
                        let issuer = s["issuer"].as_str().and_then(|a| a.parse().ok()).unwrap_or_default();
                        println!(
                            "zkSBT {} schema {} issuer {} tree {} leaf {} expiry {} revoked {} values {}",
                            s["token"].as_str().unwrap_or_default(),
                            s["schemaId"].as_str().unwrap_or_default(),
                            issuer_name(issuer),
                            s["treeId"],
                            s["leafIndex"],
                            s["expiry"],
                            s["revoked"],
                            s["values"]
                        );
                    }
                }
                if !refused.is_empty() {
                    bail!(
                        "refusing records sealed under another schema than their token's: {}",
                        refused.join("; ")
                    );
                }
            }
            Self::Prove {
                token,
                field,
                op,
                value,
                value_b,
                consumer,
                purpose,
                recipient,
                message,
                anonymous,
                issuers,
                valid_secs,
                out,
                submit,
                key,
                circuit,
                target,
                wallet,
            } => {
                let issuers = issuer_set(issuers)?;
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let registry = connect(&target, &signer).await?;
                let sbt = registry.contract();
                let rec = registry.record(token).await?;
                let record = open_own(&keys, token, &rec)?;
                let registered = sbt.identityOf(signer.address()).call().await?;
                if registered != keys.identity()? {
                    bail!(
                        "the wallet's registered identity {registered:#x} is not the one derived from its key \
                         ({:#x}): its records were minted by another client and cannot be proven from here",
                        keys.identity()?
                    );
                }
                let valid_until = latest_timestamp(&registry.provider)
                    .await?
                    .checked_add(valid_secs)
                    .context("--valid-secs is too large")?;
                let purpose = keccak256(purpose.as_bytes());
                let message = if message.is_empty() { B256::ZERO } else { keccak256(message.as_bytes()) };
                let recipient = recipient.unwrap_or(consumer);
                let statement = Statement {
                    mode: if anonymous { Mode::Anonymous } else { Mode::Direct },
                    field_index: field,
                    operator: op,
                    operand_a: value,
                    operand_b: value_b,
                    issuers,
                    scope: sbt.scopeOf(consumer, purpose).call().await?,
                    message_hash: sbt.messageHashOf(recipient, message).call().await?,
                    valid_until,
                };
                statement.check(&record)?;
                if !rec.inTree {
                    bail!(
                        "zkSBT {token}'s leaf is no longer in its tree (revoked or expired): it cannot be proven"
                    );
                }
                let membership = if anonymous {
                    let RebuiltTree { tree, live } = registry.tree(rec.treeId).await?;
                    let index = rec.leafIndex as usize;
                    if tree.leaf(index) != Some(record.leaf()?) {
                        bail!(
                            "zkSBT {token}'s leaf is not at index {index} of tree {}: the record does not match the chain",
                            rec.treeId
                        );
                    }
                    eprintln!("anonymity set: {live} live records in tree {}", rec.treeId);
                    if live < SMALL_ANONYMITY_SET {
                        eprintln!(
                            "warning: the anonymity set is small ({live} < {SMALL_ANONYMITY_SET} records): \
                             the consumer learns the record is one of only {live}"
                        );
                    }
                    Some(tree.proof(index)?)
                } else {
                    None
                };
                let (r1cs_hash, _) = read_r1cs(&circuit.join("disclosure.r1cs"))?;
                let mut prover =
                    Prover::load(&key, &circuit.join("disclosure_js/disclosure.wasm"), Some(r1cs_hash))
                        .context("loading the prover (run `make keys` for the development key)")?;
                let (proof, timings) = prover.prove(&record, &statement, membership.as_ref())?;
                let d = disclosure(&proof, token, purpose, recipient, message);
                eprintln!(
                    "proved in {:.1?} (witness {:.1?})",
                    timings.witness + timings.prove,
                    timings.witness
                );
                if !sbt.verifyDisclosure(consumer, d.clone()).call().await.map_err(|e| decode_error(&e))? {
                    // the consumer's call says why, as the registry's custom error
                    let why = match sbt.consumeDisclosure(d.clone()).from(consumer).call_raw().await {
                        Err(e) if e.as_decoded_error::<ZkSBT::ZkSBT__NullifierUsed>().is_some() => {
                            "the wallet's nullifier is already used in this scope (one disclosure per \
                             identity per consumer and purpose)"
                                .to_owned()
                        }
                        Err(e) => decode_error(&e).to_string(),
                        Ok(_) => "no reason given".to_owned(),
                    };
                    bail!("the registry does not accept this disclosure from {consumer}: {why}");
                }
                let json = serde_json::to_string_pretty(&disclosure_json(&d))?;
                match out {
                    Some(path) => {
                        fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
                    }
                    None => println!("{json}"),
                }
                if submit {
                    if consumer != signer.address() {
                        bail!("--submit sends from the wallet, which is not the consumer {consumer}");
                    }
                    let receipt = send("consumeDisclosure", sbt.consumeDisclosure(d)).await?;
                    println!("consumed in {}", receipt.transaction_hash);
                }
            }
            Self::Keys { wallet } => {
                let keys = owner_keys(&wallet.signer()?);
                println!("{}", alloy::hex::encode(keys.public_key().as_bytes()));
            }
            Self::Share { token, to, out, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let to: [u8; 32] = alloy::hex::decode(to.trim())
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .context("--to is not a 32-byte hex X25519 public key")?;
                let registry = connect(&target, &signer).await?;
                let rec = registry.record(token).await?;
                open_own(&keys, token, &rec)?;
                let sealed = share(&keys, &rec.ciphertext, &PublicKey::from(to))?;
                fs::write(&out, &sealed).with_context(|| format!("cannot write {}", out.display()))?;
                println!("zkSBT {token} sealed to {} -> {}", alloy::hex::encode(to), out.display());
            }
            Self::Open { token, file, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let sealed = fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let registry = connect(&target, &signer).await?;
                let rec = registry.record(token).await?;
                let shared = open_shared(&keys.encryption, &sealed, &on_chain(&rec), rec.commitment)
                    .map_err(|e| match e {
                        ProverError::SchemaMismatch { .. } | ProverError::CommitmentMismatch { .. } => {
                            anyhow::anyhow!("the shared record does not match zkSBT {token}: {e}")
                        }
                        other => other.into(),
                    })?;
                println!(
                    "zkSBT {token} schema {} issuer {} expiry {} revoked {} values {:?} (matches the on-chain schema and commitment)",
                    rec.schemaId,
                    issuer_name(rec.issuer),
                    rec.expiry,
                    rec.revoked,
                    shared.values
                );
            }
            Self::Burn { token, target, wallet } => {
                let signer = wallet.signer()?;
                let registry = connect(&target, &signer).await?;
                let sbt = registry.contract();
                let owner = sbt
                    .ownerOf(token)
                    .call()
                    .await
                    .with_context(|| format!("zkSBT {token} does not exist"))?;
                if owner != signer.address() {
                    bail!("zkSBT {token} belongs to {owner}, not to the wallet {}", signer.address());
                }
                let receipt = send("burn", sbt.burn(token)).await?;
                println!("burned zkSBT {token}: record erased, leaf removed ({})", receipt.transaction_hash);
            }
            Self::Revoke { token, target, wallet } => {
                let signer = wallet.signer()?;
                let registry = connect(&target, &signer).await?;
                let rec = registry.record(token).await?;
                if rec.issuer == Address::ZERO {
                    bail!("zkSBT {token} is self-attested: no issuer can revoke it (its owner burns it)");
                }
                if rec.issuer != signer.address() {
                    bail!(
                        "zkSBT {token} was attested by {}, not by the wallet {}: only its issuer revokes it",
                        issuer_name(rec.issuer),
                        signer.address()
                    );
                }
                let receipt = send("revoke", registry.contract().revoke(token)).await?;
                println!("revoked zkSBT {token}: record erased, leaf removed ({})", receipt.transaction_hash);
            }
            Self::Expire { token, target, wallet } => {
                let signer = wallet.signer()?;
                let registry = connect(&target, &signer).await?;
                let rec = registry.record(token).await?;
                if !rec.inTree {
                    bail!("zkSBT {token}'s leaf is already out of its tree");
                }
                let now = latest_timestamp(&registry.provider).await?;
                if rec.expiry == 0 || rec.expiry > now {
                    bail!("zkSBT {token} has not expired (expiry {}, latest block {now})", rec.expiry);
                }
                let receipt = send("expire", registry.contract().expire(token)).await?;
                println!("expired zkSBT {token}: leaf removed ({})", receipt.transaction_hash);
            }
        }
        Ok(())
    }
}

async fn connect(target: &TargetArgs, signer: &PrivateKeySigner) -> Result<Registry<impl Provider + Clone>> {
    let target = target.resolve().await?;
    let deployment = target.manifest.deployment(Contract::ZkSBT)?;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer.clone()))
        .connect_http(target.rpc_url.clone());
    Ok(Registry {
        provider,
        sbt: deployment.address,
        masa: target.manifest.address_of(Contract::MasaToken)?,
        from_block: deployment.block_number,
        chain_id: target.manifest.chain_id,
    })
}

async fn latest_timestamp(provider: &impl Provider) -> Result<u64> {
    Ok(provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .context("no latest block")?
        .header
        .timestamp)
}

/// What a mint did.
struct Minted {
    token: U256,
    commitment: U256,
    tree_id: U256,
    leaf_index: U256,
    fee: U256,
}

/// Mints `record` for the signer, with its consent and an optional attestation; the signer
/// sends the mint and pays the class's mint fee.
async fn mint<P: Provider>(
    registry: &Registry<P>,
    signer: &PrivateKeySigner,
    keys: &OwnerKeys,
    mut record: Record,
    attestation: Option<&AttestationFile>,
) -> Result<Minted> {
    let sbt = registry.contract();
    let owner = signer.address();
    let commitment = to_u256(record.commitment()?);
    if let Some(a) = attestation
        && a.commitment != commitment
    {
        bail!("the attestation is for commitment {:#x}, not this record's {commitment:#x}", a.commitment);
    }
    record.expiry = attestation.map_or(0, |a| a.expiry);
    record.issuer = attestation.map_or(Address::ZERO, |a| a.issuer);
    let identity = keys.identity()?;
    let ciphertext: Bytes = seal(&record, &keys.public_key())?.into();
    let nonce = sbt.consentNonce(owner).call().await?;
    let deadline = U256::from(latest_timestamp(&registry.provider).await? + 600);
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
    let fees = sbt.mintFees().call().await.context("cannot read the registry's mint fees")?;
    let fee = if record.issuer == Address::ZERO { fees.selfAttested } else { fees.attested };
    if fee > U256::ZERO {
        let masa = MasaToken::new(registry.masa, &registry.provider);
        let balance = masa.balanceOf(owner).call().await?;
        if balance < fee {
            bail!(
                "the mint fee is {} MASA, but the wallet {owner} holds {} MASA",
                masa_text(fee),
                masa_text(balance)
            );
        }
        if masa.allowance(owner, registry.sbt).call().await? != fee {
            send("approve", masa.approve(registry.sbt, fee)).await?;
        }
    }

    let call = sbt.mint(
        request,
        sign(signer, &consent, registry.chain_id, registry.sbt)?,
        attestation.map(|a| a.signature.clone()).unwrap_or_default(),
    );
    let receipt = send("mint", call).await?;
    let minted = receipt
        .inner
        .logs()
        .iter()
        .find_map(|log| log.log_decode::<ZkSBT::RecordMinted>().ok())
        .context("the mint emitted no RecordMinted event")?
        .inner
        .data;
    Ok(Minted {
        token: minted.tokenId,
        commitment,
        tree_id: minted.treeId,
        leaf_index: minted.leafIndex,
        fee,
    })
}

/// The `consumeDisclosure` argument made of `proof` (its public inputs by name) and the context
/// the registry derives the scope and message hash from. `token` is the token proven about in
/// direct mode; an anonymous disclosure carries token id 0 whatever is passed (the registry
/// requires it, and any other value would say which record it is).
pub fn disclosure(
    proof: &DisclosureProof,
    token: U256,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> IZkSBT::Disclosure {
    let inputs = &proof.public_inputs;
    let anonymous = inputs.mode == Fr::from(Mode::Anonymous as u64);
    IZkSBT::Disclosure {
        mode: inputs.mode(),
        tokenId: if anonymous { U256::ZERO } else { token },
        root: inputs.root(),
        schemaId: inputs.schema_id(),
        issuerSet: inputs.issuer_set(),
        fieldIndex: inputs.field_index(),
        operator: inputs.operator(),
        operandA: inputs.operand_a(),
        operandB: inputs.operand_b(),
        purpose,
        nullifier: inputs.nullifier(),
        recipient,
        message,
        validUntil: inputs.valid_until().to(),
        proof: proof.proof_calldata(),
    }
}

/// A disclosure as JSON, in the field names of `IZkSBT.Disclosure`.
fn disclosure_json(d: &IZkSBT::Disclosure) -> serde_json::Value {
    serde_json::json!({
        "mode": d.mode, "tokenId": d.tokenId, "root": d.root, "schemaId": d.schemaId,
        "issuerSet": d.issuerSet, "fieldIndex": d.fieldIndex, "operator": d.operator,
        "operandA": d.operandA, "operandB": d.operandB, "purpose": d.purpose,
        "nullifier": d.nullifier, "recipient": d.recipient, "message": d.message,
        "validUntil": d.validUntil, "proof": d.proof,
    })
}

/// A MASA amount in wei as decimal MASA without trailing zeros (`1.5`, `0`).
fn masa_text(wei: U256) -> String {
    let text = format_ether(wei);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A contract error as the custom error it reverted with, by name and values, decoded against
/// every ABI of the suite: `refused: ZkSBT__IdentityMismatch { owner: 0x…, registered: … }`.
fn decode_error(err: &alloy::contract::Error) -> anyhow::Error {
    match err.as_revert_data().and_then(|data| revert::decode(&data)) {
        Some(reason) => anyhow::anyhow!("refused: {reason}"),
        None => anyhow::anyhow!("{err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_parse_and_are_checked() {
        let issuer: Address = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720".parse().unwrap();
        assert_eq!("self".parse::<IssuerArg>().unwrap(), IssuerArg(Address::ZERO));
        assert_eq!("SELF".parse::<IssuerArg>().unwrap(), IssuerArg(Address::ZERO));
        assert_eq!(issuer.to_string().parse::<IssuerArg>().unwrap(), IssuerArg(issuer));
        assert!("0x12".parse::<IssuerArg>().unwrap_err().contains("neither"));
        assert_eq!(issuer_set(None).unwrap(), None);
        let set = issuer_set(Some(vec![IssuerArg(issuer), IssuerArg(Address::ZERO)])).unwrap().unwrap();
        assert_eq!(set, [issuer, Address::ZERO]);
        let five = vec![IssuerArg(Address::ZERO); 5];
        assert!(issuer_set(Some(five)).unwrap_err().to_string().contains("1 to 4"));
        let twice = vec![IssuerArg(issuer), IssuerArg(issuer)];
        assert!(issuer_set(Some(twice)).unwrap_err().to_string().contains("twice"));
        assert_eq!(issuer_name(Address::ZERO), "self-attested");
    }

    #[test]
    fn drafts_are_private_never_overwritten_and_hold_no_owner_secret() {
        let dir = tempfile::tempdir().unwrap();
        let signer = PrivateKeySigner::from_bytes(&B256::repeat_byte(7)).unwrap();
        let keys = owner_keys(&signer);
        let record = keys.new_record(U256::from(2), [742, 1, 2, 3, 4, 5, 6, 7]);
        let draft = RecordDraft {
            owner: signer.address(),
            schema_id: record.schema_id,
            values: record.values,
            salt: record.salt,
            commitment: to_u256(record.commitment().unwrap()),
            identity: keys.identity().unwrap(),
        };
        let path = dir.path().join("r.json");
        let text = serde_json::to_string_pretty(&draft).unwrap();
        write_private(&path, text.as_bytes()).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let err = write_private(&path, b"{}").unwrap_err();
        assert!(format!("{err:#}").contains("refusing to overwrite"), "{err:#}");
        let secret = format!("{:x}", keys.owner_secret);
        assert!(!fs::read_to_string(&path).unwrap().contains(&secret), "the owner secret is not written");

        // mint re-derives the owner secret from the wallet
        let back = read_draft(&path, &keys, signer.address()).unwrap();
        assert_eq!((back.schema_id, back.values, back.salt), (record.schema_id, record.values, record.salt));
        assert_eq!(back.owner_secret, keys.owner_secret);
        // another wallet's draft, an edited draft, an old file with the secret: refused
        let other = PrivateKeySigner::from_bytes(&B256::repeat_byte(8)).unwrap();
        let err = read_draft(&path, &owner_keys(&other), other.address()).unwrap_err();
        assert!(err.to_string().contains("not for the wallet"), "{err}");
        let edited = dir.path().join("edited.json");
        let mut changed = draft;
        changed.values[0] = 850;
        fs::write(&edited, serde_json::to_string(&changed).unwrap()).unwrap();
        let err = read_draft(&edited, &keys, signer.address()).unwrap_err();
        assert!(err.to_string().contains("edited"), "{err}");
        let old = dir.path().join("old.json");
        fs::write(&old, serde_json::to_string(&record).unwrap()).unwrap();
        let err = read_draft(&old, &keys, signer.address()).unwrap_err();
        assert!(err.to_string().contains("owner secret"), "{err}");
    }

    #[test]
    fn masa_amounts_are_short() {
        assert_eq!(masa_text(U256::from(15u64) * U256::from(10u64).pow(U256::from(17u64))), "1.5");
        assert_eq!(masa_text(masa_bindings::masa(20)), "20");
        assert_eq!(masa_text(U256::ZERO), "0");
        assert_eq!(masa_text(U256::from(1u64)), "0.000000000000000001");
    }
}
