//! `masa sbt`: zkSBT records from the command line — draft, attest, mint, show, prove, share,
//! open, burn, revoke, expire — over [`masa_sdk::zksbt`].
//!
//! The owner's secrets are derived from the wallet's private key, so the wallet alone recovers
//! every record from the chain and no file ever holds the owner secret; a record draft holds the
//! record in clear and is written with mode 0600, never over an existing file.

use crate::{
    error::{CliError, Result},
    wallet::WalletArgs,
};
use alloy::{
    hex,
    primitives::{Address, U256},
};
use masa_prover::{encryption::PublicKey, paths, statement::Operator};
use masa_sdk::{
    fees::masa_text,
    target::TargetSpec,
    zksbt::{
        AttestRequest, AttestationFile, OwnedToken, ProveRequest, ProverFiles, RecordDraft,
        SMALL_ANONYMITY_SET, ZkSbtClient, disclosure_json, issuer_name, owner_keys,
    },
};
use std::{fs, path::PathBuf, str::FromStr};

// Kept for the callers outside the CLI until they take them from the sdk.

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
        target: TargetSpec,
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
        target: TargetSpec,
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
        target: TargetSpec,
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
        /// What to prove about the record.
        #[command(flatten)]
        statement: StatementArgs,
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
        target: TargetSpec,
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
        target: TargetSpec,
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
        target: TargetSpec,
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
        target: TargetSpec,
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
        target: TargetSpec,
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
        target: TargetSpec,
        /// Any wallet (pays the gas).
        #[command(flatten)]
        wallet: WalletArgs,
    },
}

/// A statement about a record's field, as `masa sbt prove` asks it and `masa pool create` accepts.
#[derive(Debug, Clone, clap::Args)]
pub struct StatementArgs {
    /// Field index the statement is about, 0-7.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=7))]
    pub field: u8,
    /// Operator: == != < <= > >= in.
    #[arg(long)]
    pub op: Operator,
    /// Operand (the range's lower bound for `in`).
    #[arg(long)]
    pub value: u64,
    /// The range's upper bound (`in` only).
    #[arg(long, default_value_t = 0)]
    pub value_b: u64,
    /// The issuers whose attestations count: 1 to 4 addresses, comma separated, `self` for
    /// self-attested records; the proof shows the record's issuer is one of them without saying
    /// which. Default: any attestation class (no issuer constraint).
    #[arg(long, value_delimiter = ',', num_args = 1..)]
    pub issuers: Option<Vec<IssuerArg>>,
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
pub(crate) fn issuer_set(issuers: Option<Vec<IssuerArg>>) -> Result<Option<Vec<Address>>> {
    let Some(issuers) = issuers else { return Ok(None) };
    let members: Vec<Address> = issuers.into_iter().map(|i| i.0).collect();
    if members.is_empty() || members.len() > 4 {
        return Err(CliError::Input(format!(
            "--issuers takes 1 to 4 issuers (`self` for self-attested records), got {}",
            members.len()
        )));
    }
    for (i, m) in members.iter().enumerate() {
        if members[..i].contains(m) {
            return Err(CliError::Input(format!("--issuers lists {} twice", issuer_name(*m))));
        }
    }
    Ok(Some(members))
}

/// `--to`: a 32-byte X25519 public key in hex.
fn public_key(hex_key: &str) -> Result<PublicKey> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| CliError::Input("--to is not a 32-byte hex X25519 public key".into()))?;
    Ok(PublicKey::from(bytes))
}

fn write(path: &PathBuf, contents: impl AsRef<[u8]>) -> Result<()> {
    fs::write(path, contents).map_err(|source| CliError::File { action: "write", path: path.clone(), source })
}

/// A token as `masa sbt show --json` prints it.
fn token_json(t: &OwnedToken) -> serde_json::Value {
    let r = &t.record;
    serde_json::json!({
        "token": t.token.to_string(),
        "schemaId": r.schemaId.to_string(),
        "commitment": format!("{:#x}", r.commitment),
        "issuer": r.issuer,
        "issuedAt": r.issuedAt,
        "expiry": r.expiry,
        "revoked": r.revoked,
        "inTree": r.inTree,
        "treeId": r.treeId,
        "leafIndex": r.leafIndex,
        "schemaMismatch": t.schema_mismatch.is_some(),
        "values": t.values,
    })
}

/// A token as `masa sbt show` prints it.
fn token_line(t: &OwnedToken) -> String {
    let r = &t.record;
    let values = t.values.map_or_else(|| "null".to_owned(), |v| format!("{v:?}"));
    format!(
        "zkSBT {} schema {} issuer {} tree {} leaf {} expiry {} revoked {} values {values}",
        t.token,
        r.schemaId,
        issuer_name(r.issuer),
        r.treeId,
        r.leafIndex,
        r.expiry,
        r.revoked
    )
}

impl SbtCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Record { schema, values, out, wallet } => {
                let (_, draft) = RecordDraft::new(&wallet.signer()?, U256::from(schema), &values)?;
                draft.write(&out)?;
                println!("commitment {:#x} -> {}", draft.commitment, out.display());
            }
            Self::Attest { owner, schema, commitment, expiry, valid_secs, out, target, wallet } => {
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let request =
                    AttestRequest { owner, schema_id: U256::from(schema), commitment, expiry, valid_secs };
                let attestation = client.attest(request).await?;
                attestation.write(&out)?;
                println!("attestation (nonce {}) -> {}", attestation.nonce, out.display());
            }
            Self::Mint { record, schema, values, attestation, target, wallet } => {
                let signer = wallet.signer()?;
                let record = match (record, schema) {
                    (Some(path), _) => RecordDraft::read(&path, &signer)?,
                    (None, Some(schema)) => RecordDraft::new(&signer, U256::from(schema), &values)?.0,
                    (None, None) => return Err(CliError::Input("give --record or --schema".into())),
                };
                let attestation = attestation.map(|p| AttestationFile::read(&p)).transpose()?;
                let client = ZkSbtClient::connect(&target.resolve().await?, signer)?;
                let minted = client.mint(record, attestation.as_ref()).await?;
                if minted.fee > U256::ZERO {
                    println!("paid the mint fee of {} MASA", masa_text(minted.fee));
                }
                println!(
                    "minted zkSBT {} (commitment {:#x}, tree {}, leaf {})",
                    minted.token, minted.commitment, minted.tree_id, minted.leaf_index
                );
            }
            Self::Show { json, target, wallet } => {
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tokens = client.tokens().await?;
                if json {
                    let list: Vec<_> = tokens.iter().map(token_json).collect();
                    println!("{}", serde_json::to_string_pretty(&list).expect("JSON values serialize"));
                } else if tokens.is_empty() {
                    println!("no zkSBTs for {}", client.wallet());
                } else {
                    tokens.iter().for_each(|t| println!("{}", token_line(t)));
                }
                let refused: Vec<String> = tokens
                    .iter()
                    .filter_map(|t| t.schema_mismatch.as_ref().map(|why| format!("zkSBT {}: {why}", t.token)))
                    .collect();
                if !refused.is_empty() {
                    return Err(CliError::Refused(refused.join("; ")));
                }
            }
            Self::Prove {
                token,
                statement: StatementArgs { field, op, value, value_b, issuers },
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
                let issuers = issuer_set(issuers)?;
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let request = ProveRequest {
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
                };
                let proven = client.prove(&request, &ProverFiles { key, circuit }).await?;
                if let Some(set) = proven.anonymity {
                    eprintln!("anonymity set: {} live records in tree {}", set.live, set.tree_id);
                    if set.live < SMALL_ANONYMITY_SET {
                        eprintln!(
                            "warning: the anonymity set is small ({} < {SMALL_ANONYMITY_SET} records): \
                             the consumer learns the record is one of only {}",
                            set.live, set.live
                        );
                    }
                }
                let t = proven.timings;
                eprintln!("proved in {:.1?} (witness {:.1?})", t.witness + t.prove, t.witness);
                let json = serde_json::to_string_pretty(&disclosure_json(&proven.disclosure))
                    .expect("JSON values serialize");
                match &out {
                    Some(path) => write(path, json)?,
                    None => println!("{json}"),
                }
                if submit {
                    let tx_hash = client.consume(consumer, proven.disclosure).await?;
                    println!("consumed in {tx_hash}");
                }
            }
            Self::Keys { wallet } => {
                let keys = owner_keys(&wallet.signer()?);
                println!("{}", hex::encode(keys.public_key().as_bytes()));
            }
            Self::Share { token, to, out, target, wallet } => {
                let to = public_key(&to)?;
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let sealed = client.share(token, &to).await?;
                write(&out, sealed)?;
                println!("zkSBT {token} sealed to {} -> {}", hex::encode(to.as_bytes()), out.display());
            }
            Self::Open { token, file, target, wallet } => {
                let sealed = fs::read(&file).map_err(|source| CliError::File {
                    action: "read",
                    path: file.clone(),
                    source,
                })?;
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let opened = client.open(token, &sealed).await?;
                let r = &opened.record;
                println!(
                    "zkSBT {token} schema {} issuer {} expiry {} revoked {} values {:?} (matches the on-chain schema and commitment)",
                    r.schemaId,
                    issuer_name(r.issuer),
                    r.expiry,
                    r.revoked,
                    opened.values
                );
            }
            Self::Burn { token, target, wallet } => {
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx_hash = client.burn(token).await?;
                println!("burned zkSBT {token}: record erased, leaf removed ({tx_hash})");
            }
            Self::Revoke { token, target, wallet } => {
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx_hash = client.revoke(token).await?;
                println!("revoked zkSBT {token}: record erased, leaf removed ({tx_hash})");
            }
            Self::Expire { token, target, wallet } => {
                let client = ZkSbtClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx_hash = client.expire(token).await?;
                println!("expired zkSBT {token}: leaf removed ({tx_hash})");
            }
        }
        Ok(())
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
    }

    #[test]
    fn to_is_a_32_byte_key() {
        assert!(public_key(&"ab".repeat(32)).is_ok());
        assert!(public_key("abcd").unwrap_err().to_string().contains("32-byte"));
    }
}
