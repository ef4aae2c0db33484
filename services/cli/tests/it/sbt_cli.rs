//! `masa sbt` (the library the binary runs) on a deployed suite on anvil: record, attest,
//! mint, show, prove (anonymous, submitted), burn, and the refusals in between.

use crate::support::{config, deployments, masa, on, root, run};
use alloy::{hex, primitives::U256};
use masa_prover::{encryption::OwnerKeys, keys::Keys, paths};
use masa_sdk::{deploy::deploy, zksbt::RecordDraft};
use masa_test_harness::{AnvilChain, Chain};
use std::os::unix::fs::PermissionsExt;

#[tokio::test]
async fn record_attest_mint_prove_burn_from_the_cli() {
    let chain = AnvilChain::spawn().unwrap();
    let dir = deployments(&[]);
    deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("disclosure.key");
    Keys::development(&root().join(paths::R1CS), paths::DEV_SEED).unwrap().save(&key).unwrap();
    let hexkey = |i: usize| format!("0x{}", hex::encode(chain.accounts()[i].to_bytes()));
    let (owner, issuer) = (hexkey(1), hexkey(9)); // account 9 is the devnet issuer (params/anvil.toml)
    let owner_address = chain.accounts()[1].address().to_string();
    let endpoint = chain.endpoint();
    let t = |args: &[&str]| on(&endpoint, &dir, args);
    let path = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();

    // a self-attested profile, then an attested credit score
    run(t(&["sbt", "mint", "--schema", "1", "--values", "1600000000,10,20", "--private-key", &owner]))
        .await
        .unwrap();
    masa(&[
        "sbt",
        "record",
        "--schema",
        "2",
        "--values",
        "742,1700000000,840",
        "--out",
        &path("r.json"),
        "--private-key",
        &owner,
    ])
    .await
    .unwrap();
    // the record file holds the values and salt in clear, never the owner secret, and only its
    // owner may read it
    let text = std::fs::read_to_string(path("r.json")).unwrap();
    let record: RecordDraft = serde_json::from_str(&text).unwrap();
    let secret = OwnerKeys::derive(&chain.accounts()[1].to_bytes().0).owner_secret;
    assert!(!text.contains(&format!("{secret:x}")), "the owner secret was written: {text}");
    let mode = std::fs::metadata(path("r.json")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the record file is readable by others");
    let commitment = format!("{:#x}", record.commitment);
    // an attested schema without the issuer's attestation is refused by the registry
    let err =
        run(t(&["sbt", "mint", "--record", &path("r.json"), "--private-key", &owner])).await.unwrap_err();
    assert!(err.to_string().contains("ZkSBT__AttestationRequired"), "{err}");
    run(t(&[
        "sbt",
        "attest",
        "--owner",
        &owner_address,
        "--schema",
        "2",
        "--commitment",
        &commitment,
        "--out",
        &path("a.json"),
        "--private-key",
        &issuer,
    ]))
    .await
    .unwrap();
    run(t(&[
        "sbt",
        "mint",
        "--record",
        &path("r.json"),
        "--attestation",
        &path("a.json"),
        "--private-key",
        &owner,
    ]))
    .await
    .unwrap();
    // the attestation cannot be used twice (its nonce is spent)
    let err = run(t(&[
        "sbt",
        "mint",
        "--record",
        &path("r.json"),
        "--attestation",
        &path("a.json"),
        "--private-key",
        &owner,
    ]))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("refused"), "{err}");

    // an anonymous proof, consumed by the owner acting as its own consumer
    let prove = |token: &str, op: &str, value: &str, purpose: &str| {
        t(&[
            "sbt",
            "prove",
            "--token",
            token,
            "--field",
            "0",
            "--op",
            op,
            "--value",
            value,
            "--consumer",
            &owner_address,
            "--purpose",
            purpose,
            "--anonymous",
            "--submit",
            "--key",
            key.to_str().unwrap(),
            "--circuit",
            root().join("circuits/build").to_str().unwrap(),
            "--out",
            &path("d.json"),
            "--private-key",
            &owner,
        ])
    };
    run(prove("2", ">=", "700", "credit-check")).await.unwrap();
    let disclosure: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("d.json")).unwrap()).unwrap();
    assert_eq!(disclosure["mode"], "0x1");
    assert_eq!(disclosure["operandA"].as_str().unwrap().parse::<U256>().unwrap(), U256::from(700));
    // the same scope again: the nullifier is spent
    let err = run(prove("2", ">=", "700", "credit-check")).await.unwrap_err();
    assert!(err.to_string().contains("nullifier"), "{err}");
    // a false statement is refused before proving
    let err = run(prove("2", ">=", "800", "other")).await.unwrap_err();
    assert!(err.to_string().contains("statement is false"), "{err}");

    // sharing: re-encrypted to a consumer's key, opened and checked against the chain
    let consumer = hexkey(3);
    let consumer_key =
        masa_prover::encryption::OwnerKeys::derive(&chain.accounts()[3].to_bytes().0).public_key();
    let to = hex::encode(consumer_key.as_bytes());
    run(t(&[
        "sbt",
        "share",
        "--token",
        "2",
        "--to",
        &to,
        "--out",
        &path("shared.bin"),
        "--private-key",
        &owner,
    ]))
    .await
    .unwrap();
    run(t(&["sbt", "open", "--token", "2", "--file", &path("shared.bin"), "--private-key", &consumer]))
        .await
        .unwrap();
    // not sealed to the issuer: refused
    let err =
        run(t(&["sbt", "open", "--token", "2", "--file", &path("shared.bin"), "--private-key", &issuer]))
            .await
            .unwrap_err();
    assert!(err.to_string().contains("cannot decrypt"), "{err}");
    // shared as token 2 but checked against token 1's commitment: refused
    let err =
        run(t(&["sbt", "open", "--token", "1", "--file", &path("shared.bin"), "--private-key", &consumer]))
            .await
            .unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");

    // burn: the record is gone and cannot be proven
    run(t(&["sbt", "burn", "--token", "2", "--private-key", &owner])).await.unwrap();
    let err = run(prove("2", ">=", "700", "after-burn")).await.unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    // only the owner burns
    let err = run(t(&["sbt", "burn", "--token", "1", "--private-key", &issuer])).await.unwrap_err();
    assert!(err.to_string().contains("belongs to"), "{err}");
    run(t(&["sbt", "show", "--json", "--private-key", &owner])).await.unwrap();
    assert!(chain.timestamp().await.unwrap() > 0);
}
