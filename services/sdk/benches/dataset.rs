//! `make bench`: throughput of `masa pool data`'s local half — opening each delivery with the
//! developer's key, checking it against the pool's stakes and statement
//! (`dataset::pools::verify`), and writing JSONL + Parquet (`dataset::write`) — over
//! deliveries encrypted exactly as the delivery circuit does (ECDH on Baby Jubjub, the Poseidon
//! duplex), each with a fresh ephemeral key. The download from the chain is not measured here
//! (it is the RPC's speed).
//!
//! `MASA_BENCH_DELIVERIES` sets the number of deliveries (default 20,000).

use alloy::primitives::{Address, B256, U256};
use ark_bn254::Fr;
use masa_bindings::contracts::pools::IDataPools;
use masa_prover::{
    delivery::{DeliverySecretKey, EphemeralSecret, VALUES, encrypt},
    field::to_u256,
    statement::Operator,
};
use masa_sdk::{
    dataset::{columns, pools::verify, write},
    pools::{Deliveries, DeliveryLog, PoolInfo, StakeLog},
};
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("MASA_BENCH_DELIVERIES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let key = DeliverySecretKey::derive(&[7; 32]);
    let public = key.public_key();
    let pool = PoolInfo {
        id: U256::from(1),
        pool: IDataPools::Pool {
            developer: Address::repeat_byte(2),
            start: 0,
            maxStakers: 0,
            remaining: 0,
            lastUpdate: 0,
            end: 0,
            rewardPerShare: U256::ZERO,
            unallocated: 0,
            stakers: 0,
            carry: 0,
            totalStakes: 0,
            funded: 0,
            paid: 0,
            refunded: 0,
            fees: 0,
            statement: IDataPools::Statement {
                schemaId: U256::from(2),
                issuerSet: U256::ZERO,
                fieldIndex: 0,
                operator: Operator::Ge as u8,
                operandA: 700,
                operandB: 0,
            },
            deliveryKeyX: public.to_words()[0],
            deliveryKeyY: public.to_words()[1],
            metadataURI: String::new(),
        },
        refundable: U256::ZERO,
    };
    let started = Instant::now();
    let mut data = Deliveries::default();
    for i in 0..n {
        let nullifier = U256::from(i + 1);
        let tx_hash = B256::from(U256::from(i + 1_000_000));
        let values: [u64; VALUES] = [700 + (i as u64 % 300), 1_700_000_000 + i as u64, 840, 0, 0, 0, 0, 0];
        let ephemeral = EphemeralSecret::generate();
        let ciphertext = encrypt(&ephemeral.shared_key(&public), 0, &values.map(Fr::from));
        let point = ephemeral.public_key();
        data.deliveries.push(DeliveryLog {
            block_number: 100 + i as u64,
            tx_hash,
            log_index: 1,
            nullifier,
            delivery: IDataPools::Delivery {
                ephemeralKey: point.to_words(),
                nonce: U256::ZERO,
                ciphertext: ciphertext.map(to_u256),
            },
        });
        data.stakes.insert(
            nullifier,
            StakeLog { recipient: Address::repeat_byte(1), tx_hash, unstaked_block: None },
        );
    }
    println!(
        "dataset: {n} deliveries encrypted in {:.2} s (setup, not measured)",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let verified = verify(&pool, &data, &key, |_| {});
    let opened = started.elapsed();
    assert_eq!((verified.rows.len(), verified.refused.len()), (n, 0), "every delivery verifies");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let names = ["score", "scored_at", "country"].map(String::from);
    let started = Instant::now();
    let columns = columns(&names, &verified.rows).expect("valid names");
    let files = write(dir.path(), "pool-1", &verified, &columns).expect("the dataset is written");
    let written = started.elapsed();
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let rate = |secs: f64| n as f64 / secs.max(1e-9);
    println!(
        "dataset: open + check {:.0} deliveries/s ({:.1} µs each); write JSONL + Parquet {:.0} rows/s; \
         end to end {:.0} deliveries/s",
        rate(opened.as_secs_f64()),
        opened.as_secs_f64() * 1e6 / n as f64,
        rate(written.as_secs_f64()),
        rate((opened + written).as_secs_f64()),
    );
    println!(
        "dataset: {} KiB JSONL, {} KiB Parquet for {n} records",
        size(&files.jsonl) / 1024,
        size(&files.parquet) / 1024
    );
}
