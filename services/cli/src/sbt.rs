//! `masa sbt`: zkSBT records from the command line — create, attest, mint, show, prove, burn.
//!
//! The owner's secrets (the circuit's owner secret and the X25519 key records are sealed to)
//! are derived from the wallet's private key (`masa_prover::encryption::OwnerKeys`), so the
//! wallet alone recovers every record from the chain. The registry's Merkle tree is rebuilt
//! from its `LeafInserted` / `LeafRemoved` events (the indexer will serve them on large chains).

use crate::{target::TargetArgs, wallet::WalletArgs};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256, Bytes, U256, keccak256},
    providers::{Provider, ProviderBuilder},
    rpc::types::Filter,
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::{SolEvent, SolStruct},
};
use anyhow::{Context, Result, bail};
use ark_bn254::Fr;
use masa_bindings::{
    contracts::{IZkSBT, ZkSBT},
    eip712::{Attestation, Consent, zksbt_domain},
};
use masa_prover::{
    DisclosureProof, Prover,
    encryption::{OwnerKeys, PublicKey, open, seal, share},
    field::{to_fr, to_u256},
    keys::read_r1cs,
    merkle::LeanImt,
    paths,
    poseidon::FIELDS,
    record::Record,
    statement::{Mode, Operator, Statement},
};
use serde::{Deserialize, Serialize};
use std::{fs, path::PathBuf};

/// `masa sbt` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SbtCommand {
    /// Create a record (fresh salt, owner secret from the wallet) and print its commitment, for
    /// an issuer to attest. The file holds the record in clear: keep it private.
    Record {
        /// Schema id.
        #[arg(long)]
        schema: u64,
        /// Up to 8 unsigned 64-bit field values, comma separated (missing fields are 0).
        #[arg(long, value_delimiter = ',')]
        values: Vec<u64>,
        /// Where to write the record (JSON).
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
    /// Mint a zkSBT: the record sealed to the owner, with the owner's consent (and an attestation).
    Mint {
        /// A record from `masa sbt record` (else one is made from --schema and --values).
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
        /// The owner's wallet (signs the consent and sends the mint).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// List the wallet's zkSBTs with their decrypted records.
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
        /// Prove against the tree of all records instead of the token's own commitment.
        #[arg(long)]
        anonymous: bool,
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
    /// As a consumer, open a shared record and check it against the token's on-chain commitment.
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
    /// Burn one of the wallet's zkSBTs: its record is erased and its leaf removed from the tree.
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
    from_block: u64,
    chain_id: u64,
}

impl<P: Provider> Registry<P> {
    async fn logs<E: SolEvent>(&self) -> Result<Vec<(E, u64)>> {
        let filter =
            Filter::new().address(self.sbt).from_block(self.from_block).event_signature(E::SIGNATURE_HASH);
        let logs = self.provider.get_logs(&filter).await.context("eth_getLogs on the zkSBT registry")?;
        logs.iter()
            .map(|log| Ok((E::decode_log(&log.inner)?.data, log.block_number.unwrap_or_default())))
            .collect()
    }

    /// The tree as the registry holds it, from its events (checked against `root()`).
    async fn tree(&self) -> Result<LeanImt> {
        let mut changes: Vec<(usize, Option<U256>)> = Vec::new();
        for (e, _) in self.logs::<ZkSBT::LeafInserted>().await? {
            changes.push((e.index.to(), Some(e.leaf)));
        }
        let removed = self.logs::<ZkSBT::LeafRemoved>().await?;
        changes.sort_by_key(|(i, _)| *i);
        let mut tree = LeanImt::new();
        for (index, leaf) in changes {
            if index != tree.size() {
                bail!("the registry's LeafInserted events skip leaf {index}: incomplete logs from the RPC");
            }
            tree.insert(to_fr("leaf", leaf.unwrap_or_default())?);
        }
        for (e, _) in removed {
            tree.update(e.index.to(), Fr::from(0u64))?;
        }
        let onchain = ZkSBT::new(self.sbt, &self.provider).root().call().await?;
        if to_u256(tree.root()) != onchain {
            bail!("the tree rebuilt from events does not match the registry's root: is the RPC behind?");
        }
        Ok(tree)
    }
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

fn read_json<T: for<'de> Deserialize<'de>>(path: &PathBuf, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

impl SbtCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Record { schema, values: v, out, wallet } => {
                let keys = owner_keys(&wallet.signer()?);
                let record = keys.new_record(U256::from(schema), values(&v)?);
                fs::write(&out, serde_json::to_string_pretty(&record)?)
                    .with_context(|| format!("cannot write {}", out.display()))?;
                println!("commitment {:#x} -> {}", to_u256(record.commitment()?), out.display());
            }
            Self::Attest { owner, schema, commitment, expiry, valid_secs, out, target, wallet } => {
                let signer = wallet.signer()?;
                let (registry, _) = connect(&target, &signer).await?;
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
                    (Some(path), _) => read_json::<Record>(&path, "record")?,
                    (None, Some(schema)) => keys.new_record(U256::from(schema), values(&v)?),
                    (None, None) => bail!("give --record or --schema"),
                };
                if record.owner_secret != keys.owner_secret {
                    bail!("the record belongs to another wallet's owner secret");
                }
                let attestation: Option<AttestationFile> =
                    attestation.map(|p| read_json(&p, "attestation")).transpose()?;
                let (registry, _) = connect(&target, &signer).await?;
                let token = mint(&registry, &signer, &keys, &record, attestation.as_ref()).await?;
                println!("minted zkSBT {token} (commitment {:#x})", to_u256(record.commitment()?));
            }
            Self::Show { json, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let (registry, _) = connect(&target, &signer).await?;
                let sbt = ZkSBT::new(registry.sbt, &registry.provider);
                let mut shown = Vec::new();
                for (minted, _) in registry.logs::<ZkSBT::RecordMinted>().await? {
                    if minted.owner != signer.address() {
                        continue;
                    }
                    // burned tokens have no record any more
                    let Ok(rec) = sbt.record(minted.tokenId).call().await else { continue };
                    let values = keys.open_record(&rec.ciphertext, rec.expiry).map(|r| r.values).ok();
                    shown.push(serde_json::json!({
                        "token": minted.tokenId.to_string(),
                        "schemaId": rec.schemaId.to_string(),
                        "commitment": format!("{:#x}", rec.commitment),
                        "issuer": rec.issuer,
                        "issuedAt": rec.issuedAt,
                        "expiry": rec.expiry,
                        "revoked": rec.revoked,
                        "inTree": rec.inTree,
                        "values": values,
                    }));
                }
                if json {
                    println!("{}", serde_json::to_string_pretty(&shown)?);
                } else if shown.is_empty() {
                    println!("no zkSBTs for {}", signer.address());
                } else {
                    for s in &shown {
                        println!(
                            "zkSBT {} schema {} issuer {} revoked {} values {}",
                            s["token"].as_str().unwrap_or_default(),
                            s["schemaId"].as_str().unwrap_or_default(),
                            s["issuer"],
                            s["revoked"],
                            s["values"]
                        );
                    }
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
                valid_secs,
                out,
                submit,
                key,
                circuit,
                target,
                wallet,
            } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let (registry, _) = connect(&target, &signer).await?;
                let sbt = ZkSBT::new(registry.sbt, &registry.provider);
                let rec = sbt
                    .record(token)
                    .call()
                    .await
                    .with_context(|| format!("zkSBT {token} does not exist"))?;
                let record = keys.open_record(&rec.ciphertext, rec.expiry)?;
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
                    scope: sbt.scopeOf(consumer, purpose).call().await?,
                    message_hash: sbt.messageHashOf(recipient, message).call().await?,
                    valid_until,
                };
                statement.check(&record)?;
                let membership = if anonymous {
                    let tree = registry.tree().await?;
                    let index = tree
                        .index_of(record.leaf()?)
                        .context("the record is not in the registry's tree (burned, revoked or expired)")?;
                    Some(tree.proof(index)?)
                } else {
                    None
                };
                let (r1cs_hash, _) = read_r1cs(&circuit.join("disclosure.r1cs"))?;
                let mut prover =
                    Prover::load(&key, &circuit.join("disclosure_js/disclosure.wasm"), Some(r1cs_hash))
                        .context("loading the prover (run `make keys` for the development key)")?;
                let (proof, timings) = prover.prove(&record, &statement, membership.as_ref())?;
                let d = disclosure(&proof, purpose, recipient, message);
                eprintln!(
                    "proved in {:.1?} (witness {:.1?})",
                    timings.witness + timings.prove,
                    timings.witness
                );
                if !sbt.verifyDisclosure(consumer, d.clone()).call().await? {
                    bail!(
                        "the registry does not accept this disclosure (nullifier already used in this scope?)"
                    );
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
                    let receipt = sbt.consumeDisclosure(d).send().await?.get_receipt().await?;
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
                let (registry, _) = connect(&target, &signer).await?;
                let rec = ZkSBT::new(registry.sbt, &registry.provider)
                    .record(token)
                    .call()
                    .await
                    .with_context(|| format!("zkSBT {token} does not exist"))?;
                let sealed = share(&keys, &rec.ciphertext, &PublicKey::from(to))?;
                fs::write(&out, &sealed).with_context(|| format!("cannot write {}", out.display()))?;
                println!("zkSBT {token} sealed to {} -> {}", alloy::hex::encode(to), out.display());
            }
            Self::Open { token, file, target, wallet } => {
                let signer = wallet.signer()?;
                let keys = owner_keys(&signer);
                let sealed = fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let shared = open(&keys.encryption, &sealed)?;
                let (registry, _) = connect(&target, &signer).await?;
                let rec = ZkSBT::new(registry.sbt, &registry.provider)
                    .record(token)
                    .call()
                    .await
                    .with_context(|| format!("zkSBT {token} does not exist (burned?)"))?;
                if shared.commitment()? != rec.commitment {
                    bail!("the shared record does not match zkSBT {token}'s commitment: do not trust it");
                }
                println!(
                    "zkSBT {token} schema {} values {:?} (matches the on-chain commitment)",
                    shared.schema_id, shared.values
                );
            }
            Self::Burn { token, target, wallet } => {
                let signer = wallet.signer()?;
                let (registry, _) = connect(&target, &signer).await?;
                let sbt = ZkSBT::new(registry.sbt, &registry.provider);
                let owner = sbt
                    .ownerOf(token)
                    .call()
                    .await
                    .with_context(|| format!("zkSBT {token} does not exist"))?;
                if owner != signer.address() {
                    bail!("zkSBT {token} belongs to {owner}, not to the wallet {}", signer.address());
                }
                let rec = sbt.record(token).call().await?;
                let siblings = if rec.inTree {
                    let tree = registry.tree().await?;
                    tree.siblings(rec.leafIndex as usize)?
                        .into_iter()
                        .map(|(_, node)| to_u256(node))
                        .collect()
                } else {
                    Vec::new()
                };
                let receipt = sbt.burn(token, siblings).send().await?.get_receipt().await?;
                if !receipt.status() {
                    bail!("burn reverted in {}", receipt.transaction_hash);
                }
                println!("burned zkSBT {token}: record erased, leaf removed ({})", receipt.transaction_hash);
            }
        }
        Ok(())
    }
}

async fn connect(
    target: &TargetArgs,
    signer: &PrivateKeySigner,
) -> Result<(Registry<impl Provider + Clone>, Address)> {
    let target = target.resolve().await?;
    let deployment = target.manifest.deployment("ZkSBT")?;
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer.clone()))
        .connect_http(target.rpc_url.clone());
    let registry = Registry {
        provider,
        sbt: deployment.address,
        from_block: deployment.block_number,
        chain_id: target.manifest.chain_id,
    };
    Ok((registry, signer.address()))
}

async fn latest_timestamp(provider: &impl Provider) -> Result<u64> {
    Ok(provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .context("no latest block")?
        .header
        .timestamp)
}

/// Mints `record` for the signer, with its consent and an optional attestation.
async fn mint<P: Provider>(
    registry: &Registry<P>,
    signer: &PrivateKeySigner,
    keys: &OwnerKeys,
    record: &Record,
    attestation: Option<&AttestationFile>,
) -> Result<U256> {
    let sbt = ZkSBT::new(registry.sbt, &registry.provider);
    let commitment = to_u256(record.commitment()?);
    if let Some(a) = attestation
        && a.commitment != commitment
    {
        bail!("the attestation is for commitment {:#x}, not this record's {commitment:#x}", a.commitment);
    }
    let ciphertext: Bytes = seal(record, &keys.public_key())?.into();
    let nonce = sbt.consentNonce(signer.address()).call().await?;
    let deadline = U256::from(latest_timestamp(&registry.provider).await? + 600);
    let expiry = attestation.map_or(0, |a| a.expiry);
    let issuer = attestation.map_or(Address::ZERO, |a| a.issuer);
    let consent = Consent {
        owner: signer.address(),
        schemaId: record.schema_id,
        commitment,
        ciphertextHash: keccak256(&ciphertext),
        issuer,
        expiry,
        nonce,
        deadline,
    };
    let request = IZkSBT::MintRequest {
        owner: signer.address(),
        schemaId: record.schema_id,
        commitment,
        ciphertext,
        issuer,
        expiry,
        consentNonce: nonce,
        consentDeadline: deadline,
        attestationNonce: attestation.map_or(U256::ZERO, |a| a.nonce),
        attestationDeadline: attestation.map_or(U256::ZERO, |a| a.deadline),
    };
    let call = sbt.mint(
        request,
        sign(signer, &consent, registry.chain_id, registry.sbt)?,
        attestation.map(|a| a.signature.clone()).unwrap_or_default(),
    );
    // simulate first: a refusal comes back as the registry's custom error
    call.call().await.map_err(|e| decode_error(&e))?;
    let receipt = call.send().await?.get_receipt().await?;
    let minted = receipt
        .inner
        .logs()
        .iter()
        .find_map(|log| log.log_decode::<ZkSBT::RecordMinted>().ok())
        .context("the mint emitted no RecordMinted event")?;
    Ok(minted.inner.data.tokenId)
}

/// The `consumeDisclosure` argument made of `proof` (its public inputs in circuit order) and the
/// context the registry derives the scope and message hash from.
pub fn disclosure(
    proof: &DisclosureProof,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> IZkSBT::Disclosure {
    let inputs = proof.inputs_calldata();
    IZkSBT::Disclosure {
        mode: inputs[0],
        root: inputs[1],
        schemaId: inputs[2],
        fieldIndex: inputs[3],
        operator: inputs[4],
        operandA: inputs[5],
        operandB: inputs[6],
        purpose,
        nullifier: inputs[8],
        recipient,
        message,
        validUntil: inputs[10].to(),
        proof: proof.proof_calldata(),
    }
}

/// A disclosure as JSON, in the field names of `IZkSBT.Disclosure`.
fn disclosure_json(d: &IZkSBT::Disclosure) -> serde_json::Value {
    serde_json::json!({
        "mode": d.mode, "root": d.root, "schemaId": d.schemaId, "fieldIndex": d.fieldIndex,
        "operator": d.operator, "operandA": d.operandA, "operandB": d.operandB, "purpose": d.purpose,
        "nullifier": d.nullifier, "recipient": d.recipient, "message": d.message,
        "validUntil": d.validUntil, "proof": d.proof,
    })
}

/// A contract error as the registry's custom error name where it is one.
fn decode_error(err: &alloy::contract::Error) -> anyhow::Error {
    match err.as_decoded_interface_error::<ZkSBT::ZkSBTErrors>() {
        Some(decoded) => anyhow::anyhow!("the registry refused: {decoded:?}"),
        None => anyhow::anyhow!("{err}"),
    }
}
