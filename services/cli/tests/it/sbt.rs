//! `masa sbt` against a suite deployed on anvil, where the zkSBT parameters differ from the
//! devnet's (a self-attested mint fee): the fee is paid in MASA with an exact approval, a wallet
//! without MASA is refused before anything is sent; an issuer revokes, anyone expires, and the
//! refusals come back as the registry's errors by name. (`sbt_cli.rs` covers the devnet story
//! with proofs.)

use crate::support::{assert_error_line, config, deployments, masa, masa_bin, on, run};
use alloy::primitives::{Address, U256};
use masa_bindings::{
    Contract, MASA,
    contracts::{MasaToken, ZkSBT, genesis::Category},
    manifest::Manifest,
};
use masa_sdk::deploy::deploy;
use masa_test_harness::{AnvilChain, Chain, ChainExt};

#[tokio::test(flavor = "multi_thread")]
async fn mint_fees_revoke_and_expire_from_the_cli() {
    let mut chain = AnvilChain::spawn().unwrap();
    let dir = deployments(&[
        (r#"self_attested_mint_fee = "0""#, r#"self_attested_mint_fee = "1.5""#),
        ("root_history_secs = 3600", "root_history_secs = 600"),
    ]);
    let manifest: Manifest =
        deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap().manifest;
    let sbt = manifest.address_of(Contract::ZkSBT).unwrap();
    let masa_token = manifest.address_of(Contract::MasaToken).unwrap();
    for library in ["PoseidonT3", "PoseidonT5", "PoseidonT6"] {
        assert!(manifest.contracts.contains_key(library), "{library} is deployed and recorded");
    }
    assert_eq!(chain.view(sbt, ZkSBT::rootHistoryCall {}).await.unwrap(), 600);
    assert_eq!(chain.view(sbt, ZkSBT::treeDepthCall {}).await.unwrap(), 20);
    let fees = chain.view(sbt, ZkSBT::mintFeesCall {}).await.unwrap();
    assert_eq!((fees.selfAttested, fees.attested), (MASA * U256::from(15) / U256::from(10), U256::ZERO));
    let timelock = manifest.address_of(Contract::TimelockController).unwrap();
    assert_eq!(chain.view(sbt, ZkSBT::ownerCall {}).await.unwrap(), timelock, "the DAO owns the registry");

    let key = |i: usize| format!("0x{}", alloy::hex::encode(chain.accounts()[i].to_bytes()));
    let endpoint = chain.endpoint();
    let t = |args: &[&str]| on(&endpoint, &dir, args);

    // no MASA: refused before sending, with the fee and the balance
    let (owner, issuer, anyone) = (key(0), key(9), key(3));
    let err = run(t(&["sbt", "mint", "--schema", "1", "--values", "1,2", "--private-key", &key(1)]))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the mint fee takes 1.5 MASA, but the wallet"), "{err}");

    // community rewards vest to account 0 a month after listing
    chain.advance_time(31 * 86_400).await.unwrap();
    let community =
        manifest.vesting_wallets.iter().find(|w| w.category == Category::CommunityRewards as u8).unwrap();
    run(t(&["vesting", "release", &community.wallet.to_string(), "--private-key", &owner])).await.unwrap();
    let owner_address = chain.account(0);
    let balance = MasaToken::balanceOfCall { account: owner_address };
    let before = chain.view(masa_token, balance.clone()).await.unwrap();
    run(t(&["sbt", "mint", "--schema", "1", "--values", "1,2", "--private-key", &owner])).await.unwrap();
    assert_eq!(
        before - chain.view(masa_token, balance).await.unwrap(),
        fees.selfAttested,
        "the fee, from the sender"
    );
    assert_eq!(chain.view(sbt, ZkSBT::pendingFeesCall {}).await.unwrap(), fees.selfAttested);
    let allowance = MasaToken::allowanceCall { owner: owner_address, spender: sbt };
    assert_eq!(chain.view(masa_token, allowance.clone()).await.unwrap(), U256::ZERO, "approved exactly");
    let identity = chain.view(sbt, ZkSBT::identityOfCall { owner: owner_address }).await.unwrap();
    assert_ne!(identity, U256::ZERO, "the first mint registered the wallet's identity");

    // an attested record (free) that expires in a minute: the owner's draft, the issuer's attestation
    let tmp = tempfile::tempdir().unwrap();
    let path = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();
    masa(&[
        "sbt",
        "record",
        "--schema",
        "2",
        "--values",
        "742",
        "--out",
        &path("r.json"),
        "--private-key",
        &owner,
    ])
    .await
    .unwrap();
    let draft: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("r.json")).unwrap()).unwrap();
    assert_eq!(draft["identity"].as_str().unwrap().parse::<U256>().unwrap(), identity);
    let expiry = (chain.timestamp().await.unwrap() + 60).to_string();
    let commitment = draft["commitment"].as_str().unwrap();
    let owner_text = owner_address.to_string();
    run(t(&[
        "sbt",
        "attest",
        "--owner",
        &owner_text,
        "--schema",
        "2",
        "--commitment",
        commitment,
        "--expiry",
        &expiry,
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
    assert_eq!(
        chain.view(sbt, ZkSBT::pendingFeesCall {}).await.unwrap(),
        fees.selfAttested,
        "attested: free"
    );
    // another wallet cannot mint the owner's draft
    let err =
        run(t(&["sbt", "mint", "--record", &path("r.json"), "--private-key", &anyone])).await.unwrap_err();
    assert!(err.to_string().contains("not for the wallet"), "{err}");

    // the third record, self-attested again; then revoke and expire
    run(t(&["sbt", "mint", "--schema", "1", "--values", "3", "--private-key", &owner])).await.unwrap();
    let err = run(t(&["sbt", "revoke", "--token", "2", "--private-key", &anyone])).await.unwrap_err();
    assert!(err.to_string().contains("only its issuer revokes it"), "{err}");
    let err = run(t(&["sbt", "expire", "--token", "2", "--private-key", &anyone])).await.unwrap_err();
    assert!(err.to_string().contains("has not expired"), "{err}");
    chain.advance_time(120).await.unwrap();
    run(t(&["sbt", "expire", "--token", "2", "--private-key", &anyone])).await.unwrap();
    let err = run(t(&["sbt", "expire", "--token", "2", "--private-key", &anyone])).await.unwrap_err();
    assert!(err.to_string().contains("already out of its tree"), "{err}");
    let err = run(t(&["sbt", "revoke", "--token", "1", "--private-key", &issuer])).await.unwrap_err();
    assert!(err.to_string().contains("is self-attested: no issuer can revoke it"), "{err}");
    run(t(&["sbt", "burn", "--token", "3", "--private-key", &owner])).await.unwrap();
    let rec = chain.view(sbt, ZkSBT::recordCall { tokenId: U256::from(2) }).await.unwrap();
    assert!(!rec.inTree && rec.treeId == 0 && rec.leafIndex == 1, "{rec:?}");
    assert_eq!(chain.view(sbt, ZkSBT::treeSizeCall { treeId: U256::ZERO }).await.unwrap(), U256::from(3));
    run(t(&["sbt", "show", "--private-key", &owner])).await.unwrap();
    assert_ne!(Address::ZERO, timelock);

    // a token that does not exist: the registry's error, by name and value, on one line
    let args = t(&["sbt", "burn", "--token", "7", "--private-key", &owner]);
    let out = masa_bin(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_error_line(&out, "error: zkSBT 7 does not exist: ERC721NonexistentToken(7)");
}
