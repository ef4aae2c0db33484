//! `masa node` and `masa request`: the oracle network from the command line over
//! [`masa_sdk::oracle`] — an operator registers its node (the node key signs the registration),
//! stakes, unbonds, claims its stake, withdraws its fees and claims its rewards; a consumer posts
//! requests, reads their results and refunds expired ones.
//!
//! The node key is not the operator's wallet: it is the key the `masa-oracle` node signs answers
//! and attestations with, loaded here only to sign the registration.

use crate::{
    error::{CliError, Result},
    pool::masa_amount,
    wallet::{WalletArgs, load_signer},
};
use alloy::{
    primitives::{Address, U256},
    signers::local::PrivateKeySigner,
};
use masa_sdk::{
    fees::masa_text,
    oracle::{NodeInfo, OracleClient, RequestSpec, Status},
    target::TargetSpec,
};
use std::path::PathBuf;

/// The node key (the key the node signs answers with), for `masa node register`.
#[derive(Debug, Clone, clap::Args)]
pub struct NodeKeyArgs {
    /// Hex private key of the node (prefer `MASA_NODE_KEY` over the flag).
    #[arg(
        long,
        env = "MASA_NODE_KEY",
        hide_env_values = true,
        required_unless_present = "node_keystore",
        conflicts_with = "node_keystore"
    )]
    pub node_key: Option<String>,
    /// Encrypted JSON keystore of the node key (the one `masa-oracle` runs with).
    #[arg(long)]
    pub node_keystore: Option<PathBuf>,
    /// File holding the node keystore's password; without it, `MASA_KEYSTORE_PASSWORD` or a prompt.
    #[arg(long, requires = "node_keystore")]
    pub node_password_file: Option<PathBuf>,
}

impl NodeKeyArgs {
    fn signer(&self) -> Result<PrivateKeySigner> {
        load_signer(self.node_key.as_ref(), self.node_keystore.as_ref(), self.node_password_file.as_ref())
            .map_err(|e| CliError::Input(format!("the node key: {e}")))
    }
}

/// `masa node` subcommands (run with the operator's wallet).
#[derive(Debug, clap::Subcommand)]
pub enum NodeCommand {
    /// Register the wallet's oracle node: its signing key proves possession by signing the
    /// registration, and its endpoint is published.
    Register {
        /// Where the node is reached (a URL; metadata only).
        #[arg(long)]
        endpoint: String,
        /// Seconds the key's registration signature stays valid.
        #[arg(long, default_value_t = 600)]
        valid_secs: u64,
        /// The node key.
        #[command(flatten)]
        node: NodeKeyArgs,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet (it sends, stakes and is paid).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Stake MASA for the wallet's node (between the network's minimum and maximum).
    Stake {
        /// The MASA staked (decimals allowed).
        #[arg(long)]
        amount: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Start unbonding stake: the node stops answering at once; the stake is claimable after
    /// the unbonding period, within the claim window.
    Unbond {
        /// The MASA unbonded.
        #[arg(long)]
        amount: String,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Withdraw the unbonded stake (within its claim window).
    Claim {
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Withdraw the request fees the node earned.
    Withdraw {
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Claim the node's staking rewards.
    Rewards {
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The operator's wallet.
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Show a node: key, endpoint, stake, unbonding, jail, fees and rewards.
    Show {
        /// The operator (default: the wallet).
        #[arg(long)]
        operator: Option<Address>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet (reads only).
        #[command(flatten)]
        wallet: WalletArgs,
    },
}

impl NodeCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Register { endpoint, valid_secs, node, target, wallet } => {
                let key = node.signer()?;
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = oracle.register(&key, &endpoint, valid_secs).await?;
                println!("node {} registered for {} (transaction {tx})", key.address(), oracle.wallet());
            }
            Self::Stake { amount, target, wallet } => {
                let amount = masa_amount("amount", &amount)?;
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = oracle.stake(amount).await?;
                println!("staked {} MASA (transaction {tx})", masa_text(amount));
            }
            Self::Unbond { amount, target, wallet } => {
                let amount = masa_amount("amount", &amount)?;
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = oracle.unbond(amount).await?;
                let info = oracle.node(oracle.wallet()).await?;
                println!(
                    "unbonding {} MASA, claimable from {} (transaction {tx})",
                    masa_text(amount),
                    info.node.unbondedAt
                );
            }
            Self::Claim { target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let pending = oracle.node(oracle.wallet()).await?.node.unbonding;
                let tx = oracle.claim_stake().await?;
                println!(
                    "claimed {} MASA of unbonded stake (transaction {tx})",
                    masa_text(U256::from(pending))
                );
            }
            Self::Withdraw { target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let fees = oracle.node(oracle.wallet()).await?.fees;
                let tx = oracle.withdraw_fees().await?;
                println!("withdrew {} MASA of request fees (transaction {tx})", masa_text(fees));
            }
            Self::Rewards { target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = oracle.claim_rewards().await?;
                println!("claimed the node's rewards (transaction {tx})");
            }
            Self::Show { operator, json, target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let info = oracle.node(operator.unwrap_or_else(|| oracle.wallet())).await?;
                if json {
                    println!("{:#}", node_json(&info));
                } else {
                    print_node(&info);
                }
            }
        }
        Ok(())
    }
}

fn node_json(info: &NodeInfo) -> serde_json::Value {
    let n = &info.node;
    serde_json::json!({
        "operator": info.operator,
        "registered": n.registered,
        "signer": n.signer,
        "endpoint": n.endpoint,
        "active": info.active(),
        "staked": U256::from(n.staked).to_string(),
        "unbonding": U256::from(n.unbonding).to_string(),
        "unbonded_at": n.unbondedAt,
        "jailed_until": n.jailedUntil,
        "fees": info.fees.to_string(),
        "rewards": info.rewards.to_string(),
    })
}

fn print_node(info: &NodeInfo) {
    let n = &info.node;
    if !n.registered {
        println!("{}: no node registered", info.operator);
        return;
    }
    let state = if info.active() { "active" } else { "inactive" };
    println!("node of {}: {state}, key {}, endpoint {}", info.operator, n.signer, n.endpoint);
    println!("  staked      {} MASA", masa_text(U256::from(n.staked)));
    if n.unbondedAt != 0 {
        println!(
            "  unbonding   {} MASA, claimable from {}",
            masa_text(U256::from(n.unbonding)),
            n.unbondedAt
        );
    }
    if n.jailedUntil != 0 {
        println!("  jailed until {}", n.jailedUntil);
    }
    println!("  fees        {} MASA to withdraw", masa_text(info.fees));
    println!("  rewards     {} MASA to claim", masa_text(info.rewards));
}

/// `masa request` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum RequestCommand {
    /// Post a data request: the fee is held until k active nodes agree, or refunded after the
    /// deadline.
    Post {
        /// The job type (`web:v1`: a page's main text; `llm:v1`: a prompt's answer).
        #[arg(long)]
        job: String,
        /// The job's parameters (the URL, the prompt).
        #[arg(long)]
        params: String,
        /// The MASA fee, split among the agreeing nodes.
        #[arg(long, default_value = "0")]
        fee: String,
        /// Agreeing nodes needed (1-16).
        #[arg(long, default_value_t = 2)]
        quorum: u8,
        /// Seconds until the deadline.
        #[arg(long, default_value_t = 3_600)]
        ttl: u64,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// The consumer's wallet (pays the fee, is refunded).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Show a request: its terms, status and result.
    Show {
        /// The request.
        id: U256,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet (reads only).
        #[command(flatten)]
        wallet: WalletArgs,
    },
    /// Refund an expired request that no quorum answered (the fee goes to its consumer).
    Refund {
        /// The request.
        id: U256,
        /// The chain and deployment.
        #[command(flatten)]
        target: TargetSpec,
        /// Any wallet (sends).
        #[command(flatten)]
        wallet: WalletArgs,
    },
}

impl RequestCommand {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            Self::Post { job, params, fee, quorum, ttl, target, wallet } => {
                let spec = RequestSpec::new(&job, &params, masa_amount("fee", &fee)?, quorum, ttl);
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let posted = oracle.post(&spec).await?;
                println!(
                    "request {}: {job} for {} MASA, quorum {quorum}, deadline {} (transaction {})",
                    posted.request,
                    masa_text(spec.fee),
                    posted.deadline,
                    posted.tx_hash
                );
            }
            Self::Show { id, json, target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let r = oracle.request(id).await?;
                let status = Status::of(&r);
                if json {
                    let value = serde_json::json!({
                        "id": id.to_string(),
                        "consumer": r.consumer,
                        "job_type": r.jobType,
                        "params_hash": r.paramsHash,
                        "fee": U256::from(r.fee).to_string(),
                        "quorum": r.quorum,
                        "deadline": r.deadline,
                        "status": status.as_str(),
                        "result_hash": r.resultHash,
                        "config_hash": r.configHash,
                    });
                    println!("{value:#}");
                } else {
                    println!(
                        "request {id}: {}, job {}, fee {} MASA, quorum {}, deadline {}, consumer {}",
                        status.as_str(),
                        r.jobType,
                        masa_text(U256::from(r.fee)),
                        r.quorum,
                        r.deadline,
                        r.consumer
                    );
                    if status == Status::Finalized {
                        println!("  result {} under configuration {}", r.resultHash, r.configHash);
                    }
                }
            }
            Self::Refund { id, target, wallet } => {
                let oracle = OracleClient::connect(&target.resolve().await?, wallet.signer()?)?;
                let tx = oracle.refund(id).await?;
                println!("request {id}: refunded to its consumer (transaction {tx})");
            }
        }
        Ok(())
    }
}
