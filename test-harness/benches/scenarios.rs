//! `make bench`: the MASA lifecycle scenario on both backends — gas per operation (identical on
//! both, by construction) and wall time per run, revm in-process versus a spawned anvil.
//!
//! Times are medians over `MASA_BENCH_RUNS` runs (default 20) measured in one process, so the
//! revm/anvil ratio compares like with like on a noisy machine.

use masa_test_harness::{
    AnvilChain, RevmChain,
    scenarios::{fees, governance, masa_token, oracle, passes, pools, zksbt},
};
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runs: usize = std::env::var("MASA_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);

    let mut revm_times = Vec::with_capacity(runs);
    let mut gas = None;
    for _ in 0..runs {
        let start = Instant::now();
        let mut chain = RevmChain::new();
        gas = Some(masa_token::lifecycle(&mut chain).await.expect("scenario on revm"));
        revm_times.push(start.elapsed());
    }

    // anvil start-up is measured apart from the scenario it then serves
    let mut spawn_times = Vec::with_capacity(runs);
    let mut anvil_times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let mut chain = AnvilChain::spawn().expect("spawn anvil");
        spawn_times.push(start.elapsed());
        let start = Instant::now();
        masa_token::lifecycle(&mut chain).await.expect("scenario on anvil");
        anvil_times.push(start.elapsed());
    }

    let gas = gas.expect("at least one run");
    let (revm, anvil, spawn) = (median(revm_times), median(anvil_times), median(spawn_times));
    println!("MASA token gas (both backends)");
    println!("| operation | gas |");
    println!("|---|---:|");
    for (op, used) in [
        ("deploy", gas.deploy),
        ("transfer (new holder)", gas.transfer),
        ("permit", gas.permit),
        ("delegate (self)", gas.delegate),
        ("burn (delegated holder)", gas.burn),
    ] {
        println!("| {op} | {used} |");
    }
    let dao = governance::raise_timelock_delay(&mut RevmChain::new()).await.expect("governance on revm");
    println!();
    println!("DAO proposal gas (revm)");
    println!("| step | gas |");
    println!("|---|---:|");
    for (step, used) in [
        ("propose", dao.propose),
        ("castVote", dao.cast_vote),
        ("queue", dao.queue),
        ("execute", dao.execute),
    ] {
        println!("| {step} | {used} |");
    }
    let fee = fees::dao_changes_the_burn_share(&mut RevmChain::new()).await.expect("fees on revm");
    println!();
    println!("fee router gas (revm, 5 recipients incl. burn)");
    println!("| path | gas |");
    println!("|---|---:|");
    println!("| payFee in MASA | {} |", fee.masa_path);
    println!("| payFee in USDC, swapped through Uniswap V2 | {} |", fee.swap_path);
    zksbt_gas().await;
    pools_gas().await;
    oracle_gas().await;
    println!();
    println!("lifecycle scenario, median of {runs} runs");
    println!("| backend | wall time |");
    println!("|---|---:|");
    println!("| revm in-process | {:.2} ms |", revm.as_secs_f64() * 1e3);
    println!(
        "| anvil over JSON-RPC | {:.2} ms (+ {:.0} ms to spawn) |",
        anvil.as_secs_f64() * 1e3,
        spawn.as_secs_f64() * 1e3
    );
    println!("| ratio anvil / revm | {:.1}x |", anvil.as_secs_f64() / revm.as_secs_f64());
}

/// Oracle network gas: a finalized request is `post` + `fulfill` (k signatures in one
/// transaction).
async fn oracle_gas() {
    let gas = oracle::answer_requests(&mut RevmChain::new()).await.expect("oracle on revm");
    println!();
    println!("oracle network gas (revm)");
    println!("| operation | gas |");
    println!("|---|---:|");
    for (op, used) in [
        ("register (the node key's EIP-712 signature)", gas.register),
        ("stake (rewards weight synced)", gas.stake),
        ("post (fee escrowed)", gas.post),
        ("fulfill, 2 agreeing signatures + 1 dissent", gas.fulfill_2_of_3),
        ("fulfill, 3 agreeing signatures", gas.fulfill_3),
        ("withdraw (a node's fees)", gas.withdraw),
        ("claim (a node's rewards)", gas.claim_rewards),
        ("reportEquivocation (slash, split, jail, weight synced)", gas.report_equivocation),
    ] {
        println!("| {op} | {used} |");
    }
    println!(
        "per finalized request: {} gas at quorum 2 with a dissent, {} at quorum 3 (post + fulfill)",
        gas.post + gas.fulfill_2_of_3,
        gas.post + gas.fulfill_3
    );
}

/// zkSBT gas with real proofs, against the Groth16 floor of the precompiles.
async fn zksbt_gas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let keys = masa_prover::keys::Keys::development(
        &root.join(masa_prover::paths::R1CS),
        masa_prover::paths::DEV_SEED,
    )
    .expect("make circuits");
    let mut prover =
        masa_prover::Prover::from_keys(keys, &root.join(masa_prover::paths::WASM)).expect("prover");
    let gas = zksbt::disclosure_lifecycle(&mut RevmChain::new(), &mut prover).await.expect("zkSBT on revm");
    // 181,000 + 6,150 per public input (ecPairing with 4 pairs + 10 ecMul/ecAdd), plus the
    // 21,000 transaction base and the calldata
    let inputs = masa_prover::prover::PUBLIC_INPUTS;
    let floor = 181_000 + 6_150 * inputs;
    println!();
    println!("zkSBT gas (revm, real proofs; Groth16 precompile floor {floor} for {inputs} public inputs)");
    println!("| operation | gas |");
    println!("|---|---:|");
    for (op, used) in [
        (
            "mint, attested (2 EIP-712 signatures, leaf hash, tree insert, 209-byte ciphertext)",
            gas.mint_attested,
        ),
        ("mint, self-attested (3rd leaf, 1 MASA fee pulled)", gas.mint_self),
        ("forwardFees (held mint fees through the fee router: burn + 4 transfers)", gas.forward_fees),
        ("verifyDisclosure as a transaction (direct)", gas.verify_direct),
        ("consumeDisclosure, direct", gas.consume_direct),
        ("consumeDisclosure, anonymous (issuer set)", gas.consume_anonymous),
        ("burn (leaf removed from the registry's nodes, record erased)", gas.burn),
        ("revoke (leaf removed, record erased, token kept)", gas.revoke),
    ] {
        println!("| {op} | {used} |");
    }
    println!(
        "consumeDisclosure calldata: {} bytes; direct consume is {} gas above floor + 21,000 base",
        gas.consume_calldata_bytes,
        gas.consume_direct as i64 - floor as i64 - 21_000
    );
}

/// Data pool and access pass gas with real delivery proofs (27 public inputs), against the
/// Groth16 floor.
async fn pools_gas() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let circuit = masa_prover::Circuit::Delivery;
    let keys = masa_prover::keys::Keys::development(&root.join(circuit.r1cs()), masa_prover::paths::DEV_SEED)
        .expect("make circuits");
    let mut prover = masa_prover::Prover::from_keys(keys, &root.join(circuit.wasm())).expect("prover");
    let gas = pools::stake_and_earn(&mut RevmChain::new(), &mut prover).await.expect("pools on revm");
    let inputs = masa_prover::DeliveryPublicInputs::COUNT;
    let floor = 181_000 + 6_150 * inputs;
    println!();
    println!(
        "data pool gas (revm, real delivery proofs; Groth16 precompile floor {floor} for {inputs} public inputs)"
    );
    println!("| operation | gas |");
    println!("|---|---:|");
    for (op, used) in [
        ("createPool (budget pulled, 1% fee through the fee router: burn + 4 transfers)", gas.create),
        (
            "stake, anonymous (issuer set; statement checked by the registry, delivery proof, Delivered)",
            gas.stake_anonymous,
        ),
        ("stake, direct", gas.stake_direct),
        ("claim", gas.claim),
        ("unstake (claim, then leave)", gas.unstake),
    ] {
        println!("| {op} | {used} |");
    }
    println!(
        "an anonymous stake is {} gas above floor + 21,000 base",
        gas.stake_anonymous as i64 - floor as i64 - 21_000
    );
    let gas =
        passes::buy_use_revoke_expire(&mut RevmChain::new(), &mut prover).await.expect("passes on revm");
    println!();
    println!("access pass gas (revm, a real delivery proof; same floor)");
    println!("| operation | gas |");
    println!("|---|---:|");
    for (op, used) in [
        (
            "accept (signature, upfront price paid less 1% through the fee router, 3 uses escrowed)",
            gas.accept,
        ),
        ("requestUse (no terms contract)", gas.request_use),
        ("deliver (direct disclosure checked by the registry, delivery proof, one use paid)", gas.deliver),
        ("close (a revoked pass's unused escrow refunded)", gas.close),
    ] {
        println!("| {op} | {used} |");
    }
}
