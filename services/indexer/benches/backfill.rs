//! `make bench`: backfill throughput of the `masa-indexer` binary (release) on a local anvil
//! pre-filled with at least a million events of the suite's own contracts (MASA `Transfer`s,
//! 2,500 per transaction through a spray helper), into SQLite and into PostgreSQL, with the
//! process's peak memory and its own breakdown of where the time went.
//!
//! `MASA_BENCH_EVENTS` sets the number of events (default 1,000,000).

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, U256},
    providers::{Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    sol,
};
use masa_bindings::contracts::MasaToken;
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, Postgres};
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

sol! {
    #[sol(rpc)]
    interface ITransferSpray {
        function spray(address token, address[] recipients, uint256 rounds, uint256 amount) external;
    }
}

const RECIPIENTS: usize = 50;
const ROUNDS: u64 = 50;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn spray_bytecode() -> Bytes {
    let path = repo().join("contracts/out/TransferSpray.sol/TransferSpray.json");
    let text = std::fs::read_to_string(&path).expect("run `make contracts` first");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["bytecode"]["object"].as_str().unwrap().parse().unwrap()
}

/// Peak resident memory (`VmHWM`, kB) of a running process.
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `masa-indexer --once` into `database_url`: (seconds, peak MB, its summary line).
fn backfill(endpoint: &str, deployments: &Path, database_url: &str) -> (f64, f64, String) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_masa-indexer"))
        .args(["--once", "--rpc-url", endpoint, "--database-url", database_url])
        .arg("--manifest")
        .arg(deployments.join("anvil.json"))
        .arg("--deployments")
        .arg(deployments)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        peak = peak.max(peak_kb(child.id()).unwrap_or(0));
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = started.elapsed().as_secs_f64();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "masa-indexer failed");
    (secs, peak as f64 / 1024.0, String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[tokio::main]
async fn main() {
    let target: u64 =
        std::env::var("MASA_BENCH_EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    let (deployments, manifest) = (&suite.deployments, &suite.manifest);
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(chain.accounts()[0].clone()))
        .connect_http(chain.endpoint().parse().unwrap());
    suite.release_community(&provider).await.unwrap();

    // pre-fill: MASA transfers from the spray helper, 2,500 events per transaction
    let masa = manifest.address_of(masa_bindings::Contract::MasaToken).unwrap();
    let deploy_tx = TransactionRequest::default().with_deploy_code(spray_bytecode());
    let spray = provider.send_transaction(deploy_tx).await.unwrap().get_receipt().await.unwrap();
    let spray = spray.contract_address.unwrap();
    let per_tx = RECIPIENTS as u64 * ROUNDS;
    let txs = target.div_ceil(per_tx);
    let token = MasaToken::new(masa, &provider);
    token.transfer(spray, U256::from(txs * per_tx)).send().await.unwrap().get_receipt().await.unwrap();
    let recipients: Vec<Address> = (0..RECIPIENTS).map(|i| Address::with_last_byte(i as u8 + 1)).collect();
    let sprayer = ITransferSpray::new(spray, &provider);
    let started = Instant::now();
    for _ in 0..txs {
        let receipt = sprayer
            .spray(masa, recipients.clone(), U256::from(ROUNDS), U256::from(1))
            .gas(29_000_000)
            .send()
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        assert!(receipt.status());
    }
    let head = provider.get_block_number().await.unwrap();
    println!(
        "pre-filled {} transfer events in {txs} transactions ({:.1} s); chain head {head}",
        txs * per_tx,
        started.elapsed().as_secs_f64()
    );

    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}/bench.db", sqlite_dir.path().display());
    let pg = Postgres::start().unwrap();
    let postgres = pg.database("bench").unwrap();
    println!("| store | events | blocks | seconds | events/s | blocks/s | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut lines = Vec::new();
    for (name, url) in [("SQLite (WAL, synchronous=NORMAL)", sqlite), ("PostgreSQL 15 (fsync off)", postgres)]
    {
        let (secs, peak, summary) = backfill(&chain.endpoint(), deployments.path(), &url);
        let events: u64 =
            summary.split(": ").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
        println!(
            "| {name} | {events} | {head} | {secs:.1} | {:.0} | {:.0} | {peak:.0} MB |",
            events as f64 / secs,
            head as f64 / secs
        );
        lines.push(format!("{name}: {summary}"));
    }
    for line in lines {
        println!("{line}");
    }
}
