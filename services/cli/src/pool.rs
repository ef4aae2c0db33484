//! `masa pool`: data staking pools from the command line — create, fund, extend, end, refund,
//! show, list, stake, claim, unstake and data — over [`masa_sdk::pools`].
//!
//! The developer's delivery key is derived from its wallet: `create` puts its public half in
//! the pool, `data` decrypts with it, and no file holds it.

use crate::{
    data::{DataArgs, export, progress, schema_field_names, warn_unless_developer},
    error::{CliError, Result},
    sbt::{IssuerArg, StatementArgs, issuer_set},
    wallet::WalletArgs,
};
use alloy::primitives::{Address, U256, utils::parse_units};
use masa_prover::{Circuit, statement::Operator};
use masa_sdk::{
    dataset,
    fees::masa_text,
    indexer::IndexerClient,
    pools::{PoolInfo, PoolSpec, PoolsClient, Scan, StakeRequest},
    target::TargetSpec,
    zksbt::{ProverFiles, SMALL_ANONYMITY_SET},
};
use std::path::PathBuf;

/// `masa pool` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PoolCommand {
    /// As a developer, open a pool: a MASA budget streamed to the people who stake a record
    /// satisfying a statement, each delivering the record encrypted to the wallet's key.
    Create {
        /// The MASA funded, fee included (decimals allowed, e.g. `1000.5`).
        #[arg(long)]
        budget: String,
        /// Unix time stakes open (default: a minute after the latest block).
        #[arg(long)]
        start: Option<u64>,
        /// Seconds the budget streams for.
        #[arg(long)]
        duration: u64,
        /// Most stakers at once (0: no cap).
        #[arg(long, default_value_t = 0)]
        max_stakers: u32,
        /// The accepted schema id.
        #[arg(long)]
        schema: U256,
        /// The statement a staker proves about its record.
        #[command(flatten)]
        statement: StatementArgs,
        /// What the data is for (a URI stakers read).
        #[arg(long)]
        metadata_uri: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet (pays the budget; its delivery key is derived from it).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, add MASA (fee included) to a pool's budget.
    Fund {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The MASA added, fee included.
        #[arg(long)]
        amount: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, move a pool's end later (the remaining budget streams longer).
    Extend {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The new end (unix time).
        #[arg(long)]
        end: u64,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, end a pool now: what was not streamed is refunded.
    End {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, take back what nobody earned (time without stakers, rounding).
    Refund {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The developer's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Show one pool: schedule, statement, budget, stakers; with a wallet's stake in it.
    Show {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The wallet whose stake to show.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// List every pool.
    List {
        /// Print JSON (one array).
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Stake one of the wallet's records into a pool: a proof that it satisfies the pool's
    /// statement and that the delivered ciphertext is the record encrypted to the pool's key.
    Stake {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The wallet's token.
        #[arg(long)]
        token: U256,
        /// Prove against the record's tree: the pool learns only "one of these records".
        #[arg(long)]
        anonymous: bool,
        /// Who receives the rewards and controls the stake (default: the wallet).
        #[arg(long)]
        recipient: Option<Address>,
        /// The pool's issuers, when its issuer set is not the record's issuer alone.
        #[arg(long, value_delimiter = ',', num_args = 1..)]
        issuers: Option<Vec<IssuerArg>>,
        /// Seconds the disclosure stays valid (it must land before).
        #[arg(long, default_value_t = 600)]
        valid_secs: u64,
        /// The delivery circuit's files.
        #[command(flatten)]
        prover: DeliveryProverArgs,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The record owner's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Claim what a stake earned (the wallet must be its recipient).
    Claim {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The stake (default: the wallet's own, from its records' key).
        #[arg(long)]
        nullifier: Option<U256>,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The recipient's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Claim and leave: the developer's access to the record ends with it.
    Unstake {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// The stake (default: the wallet's own, from its records' key).
        #[arg(long)]
        nullifier: Option<U256>,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The recipient's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// As the developer, download a pool's deliveries, decrypt them with the wallet's key,
    /// check each against the chain, and write the dataset as JSONL and Parquet.
    Data {
        /// The pool.
        #[arg(long)]
        pool: U256,
        /// Where to, how, and whose key.
        #[command(flatten)]
        args: DataArgs,
    },
}

/// The delivery circuit's proving key and build, for `masa pool stake` and `masa pass deliver`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeliveryProverArgs {
    /// The delivery circuit's proving key.
    #[arg(long, default_value = masa_prover::paths::DELIVERY_KEY)]
    pub key: PathBuf,
    /// The circuit build (r1cs and witness code).
    #[arg(long, default_value = "circuits/build")]
    pub circuit: PathBuf,
}

impl DeliveryProverArgs {
    /// Loads the prover, refusing a key made for another build of the circuit.
    pub fn load(&self) -> Result<masa_prover::Prover> {
        let files = ProverFiles { key: self.key.clone(), circuit: self.circuit.clone() };
        Ok(files.load_circuit(Circuit::Delivery)?)
    }
}

/// A MASA amount in wei from decimal text.
/// `text` as MASA wei, or an error naming `--flag`.
pub(crate) fn masa_amount(flag: &str, text: &str) -> Result<U256> {
    parse_units(text, 18).ok().and_then(|units| units.get_signed().try_into().ok()).ok_or_else(|| {
        CliError::Input(format!("--{flag} {text:?} is not a MASA amount (at most 18 decimals)"))
    })
}

impl PoolCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Create {
                budget,
                start,
                duration,
                max_stakers,
                schema,
                statement: StatementArgs { field, op, value, value_b, issuers },
                metadata_uri,
                target,
                wallet,
            } => {
                let spec = PoolSpec {
                    budget: masa_amount("budget", &budget)?,
                    start,
                    duration,
                    max_stakers,
                    schema,
                    issuers: issuer_set(issuers)?,
                    field,
                    op,
                    value,
                    value_b,
                    metadata_uri,
                };
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let created = pools.create(&spec).await?;
                println!(
                    "pool {}: {} MASA to stream, {} MASA fee (transaction {})",
                    created.pool,
                    masa_text(created.funded),
                    masa_text(created.fee),
                    created.tx_hash
                );
            }
            Self::Fund { pool, amount, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let (added, tx) = pools.top_up(pool, masa_amount("amount", &amount)?).await?;
                println!("pool {pool}: {} MASA added to stream (transaction {tx})", masa_text(added));
            }
            Self::Extend { pool, end, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = pools.extend(pool, end).await?;
                println!("pool {pool}: ends at {end} (transaction {tx})");
            }
            Self::End { pool, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let (refunded, tx) = pools.end(pool).await?;
                println!("pool {pool}: ended, {} MASA refunded (transaction {tx})", masa_text(refunded));
            }
            Self::Refund { pool, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let (refunded, tx) = pools.refund(pool).await?;
                println!("pool {pool}: {} MASA refunded (transaction {tx})", masa_text(refunded));
            }
            Self::Show { pool, json, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let info = pools.pool(pool).await?;
                let nullifier = pools.nullifier(pool).await?;
                let (stake, earned) = pools.stake_of(pool, nullifier).await?;
                let staked = stake.stakedAt != 0;
                if json {
                    let mut value = pool_json(&info);
                    if staked {
                        value["wallet_stake"] = serde_json::json!({
                            "nullifier": format!("{nullifier:#x}"),
                            "recipient": stake.recipient,
                            "staked_at": stake.stakedAt.to::<u64>(),
                            "unstaked_at": stake.unstakedAt.to::<u64>(),
                            "earned": earned.to_string(),
                        });
                    }
                    println!("{value:#}");
                } else {
                    print_pool(&info);
                    if staked {
                        let state = if stake.unstakedAt == 0 { "staked" } else { "unstaked" };
                        println!(
                            "  the wallet's stake {nullifier:#x}: {state}, recipient {}, earned {} MASA",
                            stake.recipient,
                            masa_text(earned)
                        );
                    }
                }
            }
            Self::List { json, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let all = pools.list().await?;
                if json {
                    println!("{:#}", serde_json::Value::Array(all.iter().map(pool_json).collect()));
                } else if all.is_empty() {
                    println!("no pools");
                } else {
                    all.iter().for_each(print_pool);
                }
            }
            Self::Stake {
                pool,
                token,
                anonymous,
                recipient,
                issuers,
                valid_secs,
                prover,
                target,
                wallet,
            } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let request = StakeRequest {
                    pool,
                    token,
                    anonymous,
                    recipient,
                    issuers: issuer_set(issuers)?,
                    valid_secs,
                };
                let staked = pools.stake(&request, &mut prover.load()?).await?;
                if let Some(set) = staked.anonymity {
                    eprintln!("anonymity set: {} live records in tree {}", set.live, set.tree_id);
                    if set.live < SMALL_ANONYMITY_SET {
                        eprintln!(
                            "warning: the anonymity set is small ({} < {SMALL_ANONYMITY_SET} records): the pool \
                             learns the record is one of only {}",
                            set.live, set.live
                        );
                    }
                }
                println!(
                    "staked zkSBT {token} in pool {pool}: stake {:#x}, rewards to {} (proved in {} ms, transaction {})",
                    staked.nullifier,
                    staked.recipient,
                    (staked.timings.witness + staked.timings.prove).as_millis(),
                    staked.tx_hash
                );
            }
            Self::Claim { pool, nullifier, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let nullifier = match nullifier {
                    Some(n) => n,
                    None => pools.nullifier(pool).await?,
                };
                let (paid, tx) = pools.claim(pool, nullifier).await?;
                println!("claimed {} MASA from pool {pool} (transaction {tx})", masa_text(paid));
            }
            Self::Unstake { pool, nullifier, target, wallet } => {
                let pools = PoolsClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let nullifier = match nullifier {
                    Some(n) => n,
                    None => pools.nullifier(pool).await?,
                };
                let (paid, tx) = pools.unstake(pool, nullifier).await?;
                println!("left pool {pool} with {} MASA (transaction {tx})", masa_text(paid));
            }
            Self::Data { pool, args } => data(pool, args).await?,
        }
        Ok(())
    }
}

/// `masa pool data`.
async fn data(pool: U256, DataArgs { out, fields, indexer, target, wallet }: DataArgs) -> Result<()> {
    let resolved = target.resolve().await?;
    let pools = PoolsClient::connect(&resolved, wallet.signer()?)?;
    let info = pools.pool(pool).await?;
    warn_unless_developer(&format!("pool {pool}"), info.pool.developer, pools.wallet());
    let network = resolved.network.as_ref().map(|n| n.name.as_str());
    let names = fields.unwrap_or_else(|| schema_field_names(&target, network, info.pool.statement.schemaId));
    let bar = progress(if indexer.is_some() { "reads" } else { "blocks" });
    let scanned = |scan: Scan| {
        bar.set_length(scan.total);
        bar.set_position(scan.done);
    };
    let downloaded = match indexer {
        Some(url) => pools.deliveries_located(pool, &IndexerClient::new(&url)?, scanned).await?,
        None => pools.deliveries(pool, scanned).await?,
    };
    bar.finish_and_clear();
    let bar = progress("deliveries");
    bar.set_length(downloaded.deliveries.len() as u64);
    let started = std::time::Instant::now();
    let verified = dataset::pools::verify(&info, &downloaded, &pools.delivery_key(), |done| {
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    export(&out, &format!("pool-{pool}"), &names, &verified, started)
}

fn operator_symbol(op: u8) -> &'static str {
    Operator::ALL.get(usize::from(op)).map_or("?", |op| op.symbol())
}

fn pool_json(info: &PoolInfo) -> serde_json::Value {
    let p = &info.pool;
    let s = &p.statement;
    serde_json::json!({
        "id": info.id.to_string(),
        "developer": p.developer,
        "start": p.start,
        "end": p.end,
        "max_stakers": p.maxStakers,
        "stakers": p.stakers,
        "total_stakes": p.totalStakes,
        "statement": {
            "schema": s.schemaId.to_string(),
            "issuer_set": format!("{:#x}", s.issuerSet),
            "field": s.fieldIndex,
            "operator": operator_symbol(s.operator),
            "operand_a": s.operandA,
            "operand_b": s.operandB,
        },
        "funded": p.funded.to_string(),
        "paid": p.paid.to_string(),
        "refunded": p.refunded.to_string(),
        "remaining": p.remaining.to_string(),
        "refundable": info.refundable.to_string(),
        "fees": p.fees.to_string(),
        "metadata_uri": p.metadataURI,
        "delivery_key": [format!("{:#x}", p.deliveryKeyX), format!("{:#x}", p.deliveryKeyY)],
    })
}

fn print_pool(info: &PoolInfo) {
    let p = &info.pool;
    let s = &p.statement;
    let operands = if usize::from(s.operator) == Operator::InRange as usize {
        format!("[{}, {}]", s.operandA, s.operandB)
    } else {
        s.operandA.to_string()
    };
    let issuers = if s.issuerSet.is_zero() {
        "any issuer".to_owned()
    } else {
        format!("issuer set {:#x}", s.issuerSet)
    };
    let masa = |wei: u128| masa_text(U256::from(wei));
    println!(
        "pool {} by {}: schema {} field {} {} {operands} ({issuers}); {} to {}; {} stakers{}",
        info.id,
        p.developer,
        s.schemaId,
        s.fieldIndex,
        operator_symbol(s.operator),
        p.start,
        p.end,
        p.stakers,
        if p.maxStakers == 0 { String::new() } else { format!(" of {}", p.maxStakers) }
    );
    println!(
        "  funded {} MASA: paid {}, refunded {}, streaming {}, refundable {}; {}",
        masa(p.funded),
        masa(p.paid),
        masa(p.refunded),
        masa(p.remaining),
        masa_text(info.refundable),
        p.metadataURI
    );
}
