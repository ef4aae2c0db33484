//! `masa pool` on a deployed suite on anvil, with real delivery proofs: a developer funds a
//! pool for credit scores >= 700 attested by the devnet bureau; one person stakes anonymously,
//! another directly, a third's 650 is refused before anything is sent; the developer downloads
//! the dataset (JSONL and Parquet, the schema's column names, both records, checked against the
//! chain); another wallet's download opens nothing; claims, unstake, end and refund.

use crate::support::{Market, assert_one_line_error, key, market, masa_bin, mint_credit, on, run};
use alloy::primitives::U256;
use masa_bindings::{Contract, MASA, contracts::MasaToken};
use masa_test_harness::Chain;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::os::unix::fs::PermissionsExt;

#[tokio::test]
async fn create_stake_download_and_leave_from_the_cli() {
    let Market { mut chain, dir, manifest, provider, tmp, proving_key, circuit } = market().await;
    let endpoint = chain.endpoint();
    let t = |args: &[&str]| on(&endpoint, &dir, args);
    let (dev, alice, bob, carol) = (key(&chain, 0), key(&chain, 1), key(&chain, 2), key(&chain, 3));
    for (owner, score) in [(1, 742), (2, 815), (3, 650)] {
        mint_credit(&chain, &t, tmp.path(), owner, score).await;
    }

    // the developer funds 1,000 MASA over 1,000 s for "score >= 700, attested by the bureau"
    let bureau = chain.accounts()[9].address().to_string();
    let start = (chain.timestamp().await.unwrap() + 10).to_string();
    run(t(&[
        "pool",
        "create",
        "--budget",
        "1000",
        "--start",
        &start,
        "--duration",
        "1000",
        "--schema",
        "2",
        "--field",
        "0",
        "--op",
        ">=",
        "--value",
        "700",
        "--issuers",
        &bureau,
        "--metadata-uri",
        "test://credit",
        "--private-key",
        &dev,
    ]))
    .await
    .unwrap();
    chain.advance_time(10).await.unwrap();

    // alice stakes anonymously, bob directly; each proves the delivery of their record
    let stake = |wallet: &str, token: &str, anonymous: bool| {
        let mut args = vec!["pool", "stake", "--pool", "1", "--token", token, "--private-key", wallet];
        args.extend(["--key", proving_key.to_str().unwrap(), "--circuit", circuit.to_str().unwrap()]);
        if anonymous {
            args.push("--anonymous");
        }
        run(t(&args))
    };
    stake(&alice, "1", true).await.unwrap();
    stake(&bob, "2", false).await.unwrap();
    // a second stake by alice is the pool's refusal, by name and values
    let err = stake(&alice, "1", false).await.unwrap_err();
    assert!(err.to_string().contains("DataPools__NullifierUsed(poolId 1, nullifier"), "{err}");
    // carol's 650 is refused before anything is sent
    let err = stake(&carol, "3", false).await.unwrap_err();
    assert!(err.to_string().contains("700"), "{err}");

    // the developer's dataset: both records, under the schema's column names
    chain.advance_time(500).await.unwrap();
    let out = tmp.path().join("data");
    let data = |wallet: &str, out: &std::path::Path| {
        run(t(&["pool", "data", "--pool", "1", "--out", out.to_str().unwrap(), "--private-key", wallet]))
    };
    data(&dev, &out).await.unwrap();
    let jsonl = std::fs::read_to_string(out.join("pool-1.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let scores: Vec<u64> = rows.iter().map(|r| r["score"].as_u64().unwrap()).collect();
    assert_eq!(scores, [742, 815], "{jsonl}");
    assert!(rows.iter().all(|r| r["scored_at"] == 1_700_000_000 && r["country"] == 840), "{jsonl}");
    assert_eq!(rows[1]["recipient"], chain.accounts()[2].address().to_string());
    assert!(!out.join("pool-1.refused.jsonl").exists());
    let parquet =
        SerializedFileReader::new(std::fs::File::open(out.join("pool-1.parquet")).unwrap()).unwrap();
    assert_eq!(parquet.metadata().file_metadata().num_rows(), 2);
    let columns: Vec<String> = parquet
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_owned())
        .collect();
    assert_eq!(
        columns,
        [
            "nullifier",
            "recipient",
            "block_number",
            "tx_hash",
            "log_index",
            "unstaked_block",
            "score",
            "scored_at",
            "country"
        ]
    );
    for file in ["pool-1.jsonl", "pool-1.parquet"] {
        let mode = std::fs::metadata(out.join(file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file} is readable by others");
    }
    // never over an existing dataset
    let err = data(&dev, &out).await.unwrap_err();
    assert!(err.to_string().contains("pool-1.jsonl"), "{err}");
    // an indexer that cannot be read is one line, and nothing is written
    let elsewhere = tmp.path().join("elsewhere");
    for (url, says) in
        [("ftp://indexer", "is not an http(s) URL"), ("http://127.0.0.1:1", "cannot reach the indexer")]
    {
        let args = ["pool", "data", "--pool", "1", "--out", elsewhere.to_str().unwrap(), "--indexer", url];
        let args = t(&[&args[..], &["--private-key", &dev]].concat());
        assert_one_line_error(&masa_bin(&args.iter().map(String::as_str).collect::<Vec<_>>()), says);
    }
    assert!(!elsewhere.exists());
    // another wallet's key opens nothing: every delivery refused, with why, and no plaintext
    let other = tmp.path().join("other");
    data(&carol, &other).await.unwrap();
    assert_eq!(std::fs::read_to_string(other.join("pool-1.jsonl")).unwrap(), "");
    let refused = std::fs::read_to_string(other.join("pool-1.refused.jsonl")).unwrap();
    assert_eq!(refused.lines().count(), 2, "{refused}");
    assert!(refused.contains("does not open"), "{refused}");

    // alice claims, bob leaves; the pool's view says so
    let masa_token = MasaToken::new(manifest.address_of(Contract::MasaToken).unwrap(), &provider);
    let balance = async |i: usize| masa_token.balanceOf(chain.accounts()[i].address()).call().await.unwrap();
    let before = balance(1).await;
    run(t(&["pool", "claim", "--pool", "1", "--private-key", &alice])).await.unwrap();
    assert!(balance(1).await > before, "alice was paid");
    run(t(&["pool", "unstake", "--pool", "1", "--private-key", &bob])).await.unwrap();
    let shown = masa_bin(
        &t(&["pool", "show", "--pool", "1", "--json", "--private-key", &bob])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(shown.status.success(), "{}", String::from_utf8_lossy(&shown.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown["stakers"], 1);
    assert_eq!(shown["total_stakes"], 2);
    assert_eq!(shown["statement"]["operator"], ">=");
    assert_ne!(shown["wallet_stake"]["unstaked_at"], 0, "{shown:#}");

    // the developer ends the pool: what was not streamed comes back; then the rest is refundable
    let before = balance(0).await;
    run(t(&["pool", "end", "--pool", "1", "--private-key", &dev])).await.unwrap();
    assert!(balance(0).await > before, "the unstreamed budget was refunded");
    run(t(&["pool", "unstake", "--pool", "1", "--private-key", &alice])).await.unwrap();
    let listed = masa_bin(
        &t(&["pool", "list", "--json", "--private-key", &dev]).iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let p = &listed[0];
    let amount = |k: &str| p[k].as_str().unwrap().parse::<U256>().unwrap();
    // funded = paid + refunded + remaining + refundable (+ dust held for stakes): all out here
    assert_eq!(amount("funded"), MASA * U256::from(990), "1% fee");
    assert_eq!(amount("remaining"), U256::ZERO);
    assert_eq!(amount("paid") + amount("refunded") + amount("refundable"), amount("funded"), "{p:#}");

    // the binary: an unknown pool is one readable line
    let out = masa_bin(
        &t(&["pool", "show", "--pool", "7", "--private-key", &dev])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_one_line_error(&out, "pool 7 does not exist (pools are numbered from 1 to 1)");
}
