//! `masa pass`: access passes from the command line — key, offer, accept, use, deliver, data,
//! show, revoke, close and purpose — over [`masa_sdk::passes`].
//!
//! An offer is a JSON file the owner signs (no transaction) and hands to the developer; it holds
//! no secret. The developer's delivery key is derived from its wallet, as for pools: `key`
//! prints its public half for the owner to put in the offer, `data` decrypts with it.

use crate::{
    data::{DataArgs, export, progress, schema_field_names, warn_unless_developer},
    error::{CliError, Result},
    pool::DeliveryProverArgs,
    wallet::WalletArgs,
};
use alloy::primitives::{
    Address, U256,
    utils::{format_units, parse_units},
};
use masa_prover::delivery::DeliveryPublicKey;
use masa_sdk::{
    dataset,
    indexer::IndexerClient,
    passes::{OfferSpec, Pass, PassesClient, SignedOffer, Terms},
    pools::delivery_key,
    target::TargetSpec,
    zksbt::write_private,
};
use std::path::PathBuf;

/// `masa pass` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PassCommand {
    /// As a developer, print the wallet's delivery key (owners put it in their offers).
    Key {
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet (the key is derived from it).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As a record's owner, sign an offer of one record to one developer (no transaction) and
    /// write it to a file for the developer.
    Offer {
        /// The wallet's zkSBT whose record the pass is for.
        #[arg(long)]
        token: U256,
        /// The only developer who may accept.
        #[arg(long)]
        developer: Address,
        /// The developer's delivery key, `X,Y` (what `masa pass key` prints).
        #[arg(long)]
        delivery_key: String,
        /// The price token (default: MASA; else a token the fee router accepts).
        #[arg(long)]
        price_token: Option<Address>,
        /// Paid at accept, in the price token (decimals allowed).
        #[arg(long, default_value = "0")]
        upfront: String,
        /// Paid per delivered use, in the price token (escrowed at accept for every use).
        #[arg(long, default_value = "0")]
        per_use: String,
        /// Unix time from which uses may be asked (default: now).
        #[arg(long)]
        valid_from: Option<u64>,
        /// Seconds uses may be asked for, from then.
        #[arg(long)]
        valid_secs: u64,
        /// The most uses.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        max_uses: u32,
        /// What the data may be used for (e.g. `research`).
        #[arg(long)]
        purpose: String,
        /// Terms consulted at each use: `none`, `purpose-allowlist` (uses only while you allow
        /// the purpose: `masa pass purpose`), `rate-limit` (the deployment's rule), or the
        /// address of a contract implementing `IAccessTerms`.
        #[arg(long, default_value = "none")]
        terms: String,
        /// Seconds the developer has to accept.
        #[arg(long, default_value_t = 86_400)]
        accept_within_secs: u64,
        /// The offer file to write (never over an existing file; readable by the wallet's user
        /// alone until handed over).
        #[arg(long)]
        out: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The owner's wallet (signs the offer).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the offer's developer, accept it: pays the upfront price to the owner and escrows
    /// every use's price.
    Accept {
        /// The offer file.
        #[arg(long)]
        offer: PathBuf,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, ask for the next use of a pass (its owner then delivers it).
    Use {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the owner, deliver the next requested use: the record encrypted to the developer's
    /// key, with a proof that it is the pass's record; one use's price is paid to the wallet.
    Deliver {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// Seconds the disclosure stays valid (it must land before).
        #[arg(long, default_value_t = 600)]
        valid_secs: u64,
        /// The delivery circuit's files.
        #[command(flatten)]
        prover: DeliveryProverArgs,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, download a pass's deliveries, decrypt them with the wallet's key, check
    /// each against the chain, and write the dataset as JSONL and Parquet.
    Data {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// Where to, how, and whose key.
        #[command(flatten)]
        args: DataArgs,
    },
    /// Show a pass: parties, terms, uses, payments.
    Show {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the owner, revoke a pass: no more uses; the developer may close it at once.
    Revoke {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Close a pass: its unused escrow goes back to the developer. Anyone may once the pass is
    /// revoked or past its delivery grace; the developer at any time no use waits for its
    /// delivery (it stops buying uses: no use follows).
    Close {
        /// The pass.
        #[arg(long)]
        pass: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet (the refund goes to the developer).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As an owner, allow (or with `--deny` stop allowing) a purpose for the passes that name
    /// the `purpose-allowlist` terms, from their next use.
    Purpose {
        /// The purpose (as the offers name it).
        purpose: String,
        /// Stop allowing it.
        #[arg(long)]
        deny: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
}

impl PassCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Key { target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let [x, y] = passes.delivery_public_key().to_words();
                println!("{x:#x},{y:#x}");
            }
            Self::Offer {
                token,
                developer,
                delivery_key,
                price_token,
                upfront,
                per_use,
                valid_from,
                valid_secs,
                max_uses,
                purpose,
                terms,
                accept_within_secs,
                out,
                target,
                wallet,
            } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let decimals = passes.decimals(price_token).await?;
                let spec = OfferSpec {
                    token,
                    developer,
                    delivery_key: parse_delivery_key(&delivery_key)?,
                    price_token,
                    upfront: amount("upfront", &upfront, decimals)?,
                    per_use: amount("per-use", &per_use, decimals)?,
                    valid_from,
                    valid_secs,
                    max_uses,
                    purpose,
                    terms: parse_terms(&terms)?,
                    accept_within_secs,
                };
                let offer = passes.offer(&spec).await?;
                write_private(&out, offer.to_json().as_bytes())?;
                println!(
                    "offer of zkSBT {token} to {developer} for {} now and {} per use (up to {max_uses}) -> {}",
                    format_units(offer.offer.upfrontPrice, decimals).unwrap_or_default(),
                    format_units(offer.offer.perUsePrice, decimals).unwrap_or_default(),
                    out.display()
                );
            }
            Self::Accept { offer, target, wallet } => {
                let text = std::fs::read_to_string(&offer).map_err(|source| CliError::File {
                    action: "read",
                    path: offer.clone(),
                    source,
                })?;
                let offer = SignedOffer::from_json(&text)?;
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let decimals = passes.decimals(Some(offer.offer.token)).await?;
                let accepted = passes.accept(&offer).await?;
                let units = |v: U256| format_units(v, decimals).unwrap_or_default();
                println!(
                    "pass {}: {} paid to the owner, {} fee, {} in escrow (transaction {})",
                    accepted.pass,
                    units(accepted.owner_amount),
                    units(accepted.fee),
                    units(accepted.escrow),
                    accepted.tx_hash
                );
            }
            Self::Use { pass, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let (index, tx) = passes.request_use(pass).await?;
                println!("pass {pass}: use {index} requested (transaction {tx})");
            }
            Self::Deliver { pass, valid_secs, prover, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let delivered = passes.deliver(pass, valid_secs, &mut prover.load()?).await?;
                println!(
                    "pass {pass}: use {} delivered, {} paid to the wallet (proved in {} ms, transaction {})",
                    delivered.use_index,
                    delivered.owner_amount,
                    (delivered.timings.witness + delivered.timings.prove).as_millis(),
                    delivered.tx_hash
                );
            }
            Self::Data { pass, args } => data(pass, args).await?,
            Self::Show { pass, json, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let p = passes.pass(pass).await?;
                if json {
                    println!("{:#}", pass_json(pass, &p));
                } else {
                    println!(
                        "pass {pass}: zkSBT {} of {} for {}; valid {} to {}; {} of {} uses requested, {} delivered{}",
                        p.tokenId,
                        p.owner,
                        p.developer,
                        p.validFrom,
                        p.validUntil,
                        p.requested,
                        p.maxUses,
                        p.delivered,
                        if p.revoked { "; revoked" } else { "" }
                    );
                    println!(
                        "  token {}: {} upfront, {} per use; paid to the owner {}, fees {}, escrow {}, refunded {}; terms {}",
                        p.token,
                        p.upfrontPrice,
                        p.perUsePrice,
                        p.ownerPaid,
                        p.fees,
                        p.escrow,
                        p.refunded,
                        p.terms
                    );
                }
            }
            Self::Revoke { pass, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = passes.revoke(pass).await?;
                println!("pass {pass}: revoked (transaction {tx})");
            }
            Self::Close { pass, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let (amount, tx) = passes.close(pass).await?;
                println!("pass {pass}: closed, {amount} refunded to the developer (transaction {tx})");
            }
            Self::Purpose { purpose, deny, target, wallet } => {
                let passes = PassesClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = passes.set_purpose(&purpose, !deny).await?;
                let verb = if deny { "no longer allowed" } else { "allowed" };
                println!("purpose {purpose:?}: {verb} (transaction {tx})");
            }
        }
        Ok(())
    }
}

/// `masa pass data`.
async fn data(id: U256, DataArgs { out, fields, indexer, target, wallet }: DataArgs) -> Result<()> {
    let resolved = target.resolve().await?;
    let passes = PassesClient::connect(&resolved, wallet.signer()?)?;
    let pass = passes.pass(id).await?;
    warn_unless_developer(&format!("pass {id}"), pass.developer, passes.wallet());
    let network = resolved.network.as_ref().map(|n| n.name.as_str());
    let names = match fields {
        Some(names) => names,
        // a burned record's schema is gone: the columns are then field_<i>
        None => match passes.schema_of(id).await {
            Ok(schema) => schema_field_names(&target, network, schema),
            Err(e) => {
                eprintln!("warning: no schema to name the columns ({e}): they are field_<i>");
                vec![]
            }
        },
    };
    let deliveries = match indexer {
        Some(url) => {
            let bar = progress("reads");
            let located = passes
                .deliveries_located(id, &IndexerClient::new(&url)?, |done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                })
                .await?;
            bar.finish_and_clear();
            located
        }
        None => passes.deliveries(id).await?,
    };
    let bar = progress("deliveries");
    bar.set_length(deliveries.len() as u64);
    let started = std::time::Instant::now();
    let verified =
        dataset::passes::verify(id, &pass, &deliveries, &delivery_key(&wallet.signer()?), |done| {
            bar.set_position(done as u64);
        });
    bar.finish_and_clear();
    export(&out, &format!("pass-{id}"), &names, &verified, started)
}

/// A pass as JSON (amounts as decimal strings: they pass 2^53).
fn pass_json(id: U256, p: &Pass) -> serde_json::Value {
    serde_json::json!({
        "id": id.to_string(),
        "owner": p.owner,
        "developer": p.developer,
        "token_id": p.tokenId.to_string(),
        "valid_from": p.validFrom,
        "valid_until": p.validUntil,
        "max_uses": p.maxUses,
        "requested": p.requested,
        "delivered": p.delivered,
        "revoked": p.revoked,
        "terms": p.terms,
        "purpose": p.purpose,
        "price_token": p.token,
        "fee_bps": p.feeBps,
        "upfront_price": p.upfrontPrice.to_string(),
        "per_use_price": p.perUsePrice.to_string(),
        "owner_paid": p.ownerPaid.to_string(),
        "fees": p.fees.to_string(),
        "escrow": p.escrow.to_string(),
        "refunded": p.refunded.to_string(),
        "delivery_key": [format!("{:#x}", p.deliveryKeyX), format!("{:#x}", p.deliveryKeyY)],
    })
}

/// An amount of a token with `decimals` from decimal text.
fn amount(flag: &str, text: &str, decimals: u8) -> Result<U256> {
    parse_units(text, decimals).ok().and_then(|units| units.get_signed().try_into().ok()).ok_or_else(|| {
        CliError::Input(format!(
            "--{flag} {text:?} is not an amount of the price token (at most {decimals} decimals)"
        ))
    })
}

/// `X,Y` as a delivery public key.
fn parse_delivery_key(text: &str) -> Result<DeliveryPublicKey> {
    let bad = |why: String| CliError::Input(format!("--delivery-key {text:?}: {why}"));
    let (x, y) =
        text.split_once(',').ok_or_else(|| bad("expected X,Y (what `masa pass key` prints)".into()))?;
    let word = |w: &str| w.trim().parse::<U256>().map_err(|e| bad(e.to_string()));
    DeliveryPublicKey::from_words(word(x)?, word(y)?).map_err(|e| bad(e.to_string()))
}

/// `--terms` as [`Terms`].
fn parse_terms(text: &str) -> Result<Terms> {
    Ok(match text {
        "none" => Terms::None,
        "purpose-allowlist" => Terms::PurposeAllowlist,
        "rate-limit" => Terms::RateLimit,
        address => Terms::Contract(address.parse().map_err(|_| {
            CliError::Input(format!(
                "--terms {address:?} is none of none, purpose-allowlist, rate-limit, nor an address"
            ))
        })?),
    })
}
