//! `masa pass` on a deployed suite on anvil, with real delivery proofs: alice offers her credit
//! score to a developer (10 MASA now, 2 MASA per use, 2 uses, "research" under her purpose
//! allowlist); a stranger cannot accept it, a tampered copy is refused by name; the developer
//! accepts, its first use is refused until alice allows the purpose; alice delivers, is paid,
//! and the developer's dataset holds her record (another key's holds nothing); the offer cannot be accepted twice; a second use is
//! asked, alice revokes, the delivery is refused, and the developer closes the pass for the
//! unused escrow. Every balance is checked to the wei. A second pass is closed early by its
//! developer before any use; a revoked record cannot be offered.

use crate::support::{Market, assert_one_line_error, key, market, masa_bin, mint_credit, on, run};
use alloy::{
    primitives::{U256, utils::parse_ether},
    providers::Provider,
};
use masa_bindings::{Contract, contracts::MasaToken};
use masa_sdk::{passes::SignedOffer, pools::delivery_key};
use masa_test_harness::Chain;

#[tokio::test]
async fn offer_accept_use_deliver_revoke_and_close_from_the_cli() {
    let Market { chain, dir, manifest, provider, tmp, proving_key, circuit } = market().await;
    let endpoint = chain.endpoint();
    let t = |args: &[&str]| on(&endpoint, &dir, args);
    let bin = |args: &[&str]| masa_bin(&t(args).iter().map(String::as_str).collect::<Vec<_>>());
    let (dev, alice, bob) = (key(&chain, 0), key(&chain, 1), key(&chain, 2));
    mint_credit(&chain, &t, tmp.path(), 1, 742).await;
    let masa_token = MasaToken::new(manifest.address_of(Contract::MasaToken).unwrap(), &provider);
    let balance = async |i: usize| masa_token.balanceOf(chain.accounts()[i].address()).call().await.unwrap();
    let masa = |text: &str| parse_ether(text).unwrap();

    // the developer's delivery key, as the binary prints it (derived from its wallet)
    let out = bin(&["pass", "key", "--private-key", &dev]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let [x, y] = delivery_key(&chain.accounts()[0]).public_key().to_words();
    assert_eq!(printed, format!("{x:#x},{y:#x}"));

    // alice signs an offer to the developer (no transaction)
    let offer_path = tmp.path().join("offer.json");
    let developer = chain.accounts()[0].address().to_string();
    let offer_args = |out: &str| {
        vec![
            "pass",
            "offer",
            "--token",
            "1",
            "--developer",
            &developer,
            "--delivery-key",
            &printed,
            "--upfront",
            "10",
            "--per-use",
            "2",
            "--valid-secs",
            "3600",
            "--max-uses",
            "2",
            "--purpose",
            "research",
            "--terms",
            "purpose-allowlist",
            "--out",
            out,
            "--private-key",
            &alice,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let block = chain.provider().get_block_number().await.unwrap();
    run(t(&offer_args(offer_path.to_str().unwrap()).iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap();
    assert_eq!(chain.provider().get_block_number().await.unwrap(), block, "an offer costs no gas");
    // never over an existing offer file
    let err =
        run(t(&offer_args(offer_path.to_str().unwrap()).iter().map(String::as_str).collect::<Vec<_>>()))
            .await
            .unwrap_err();
    assert!(err.to_string().contains("refusing to overwrite"), "{err}");
    let offer_text = std::fs::read_to_string(&offer_path).unwrap();
    let offer = SignedOffer::from_json(&offer_text).unwrap();
    assert_eq!(offer.total(), masa("14"));

    // someone else cannot accept it; a copy with the price lowered is not alice's signature
    let accept = |wallet: &str, path: &std::path::Path| {
        bin(&["pass", "accept", "--offer", path.to_str().unwrap(), "--private-key", wallet])
    };
    assert_one_line_error(&accept(&bob, &offer_path), "the offer is for developer");
    let mut tampered = offer.clone();
    tampered.offer.upfrontPrice = 0;
    let tampered_path = tmp.path().join("tampered.json");
    std::fs::write(&tampered_path, tampered.to_json()).unwrap();
    assert_one_line_error(&accept(&dev, &tampered_path), "AccessPasses__InvalidSignature(");
    // nor can the words of its purpose say something else than what was signed
    let mut reworded = offer.clone();
    reworded.purpose = "medical research".into();
    let reworded_path = tmp.path().join("reworded.json");
    std::fs::write(&reworded_path, reworded.to_json()).unwrap();
    assert_one_line_error(&accept(&dev, &reworded_path), "is not the purpose it signs");

    // the developer accepts: 9.9 MASA to alice now (1% fee), 4 MASA in escrow
    let (dev_start, alice_start) = (balance(0).await, balance(1).await);
    let out = accept(&dev, &offer_path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("pass 1: 9.9"), "{out:?}");
    assert_eq!(balance(1).await - alice_start, masa("9.9"));
    assert_eq!(dev_start - balance(0).await, masa("14"));
    // the same offer twice is the contract's refusal, by name
    assert_one_line_error(&accept(&dev, &offer_path), "AccessPasses__NonceUsed(");

    // the terms refuse a use until alice allows "research"
    let use_pass = |wallet: &str| bin(&["pass", "use", "--pass", "1", "--private-key", wallet]);
    assert_one_line_error(&use_pass(&dev), "PurposeAllowlistTerms__PurposeNotAllowed(");
    assert_one_line_error(&use_pass(&bob), "AccessPasses__NotDeveloper(");
    run(t(&["pass", "purpose", "research", "--private-key", &alice])).await.unwrap();
    let out = use_pass(&dev);
    assert!(String::from_utf8_lossy(&out.stdout).contains("use 0 requested"), "{out:?}");

    // alice delivers with a real proof and is paid 1.98 MASA; bob cannot deliver her pass
    let deliver = |wallet: &str| {
        let (key_path, circuit) = (proving_key.to_str().unwrap(), circuit.to_str().unwrap());
        run(t(&[
            "pass",
            "deliver",
            "--pass",
            "1",
            "--key",
            key_path,
            "--circuit",
            circuit,
            "--private-key",
            wallet,
        ]))
    };
    let err = deliver(&bob).await.unwrap_err();
    assert!(err.to_string().contains("pass 1 is 0x7099"), "{err}");
    deliver(&alice).await.unwrap();
    assert_eq!(balance(1).await - alice_start, masa("11.88"));
    let err = deliver(&alice).await.unwrap_err();
    assert!(err.to_string().contains("no use waiting for delivery (1 of 1"), "{err}");

    // the developer's dataset: alice's record, under the schema's column names
    let data = |wallet: &str, out: &std::path::Path| {
        run(t(&["pass", "data", "--pass", "1", "--out", out.to_str().unwrap(), "--private-key", wallet]))
    };
    let out = tmp.path().join("data");
    data(&dev, &out).await.unwrap();
    let jsonl = std::fs::read_to_string(out.join("pass-1.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{jsonl}");
    let row = &rows[0];
    assert_eq!((&row["pass"], &row["use_index"]), (&"1".into(), &"0".into()), "{jsonl}");
    assert_eq!(row["owner"], chain.accounts()[1].address().to_string());
    assert_eq!(
        (&row["score"], &row["scored_at"], &row["country"]),
        (&742.into(), &1_700_000_000.into(), &840.into())
    );
    assert!(out.join("pass-1.parquet").exists() && !out.join("pass-1.refused.jsonl").exists());
    // anyone else's key opens nothing: the delivery is refused, with why, and no plaintext
    let other = tmp.path().join("other");
    data(&bob, &other).await.unwrap();
    assert_eq!(std::fs::read_to_string(other.join("pass-1.jsonl")).unwrap(), "");
    let refused = std::fs::read_to_string(other.join("pass-1.refused.jsonl")).unwrap();
    let refused: serde_json::Value = serde_json::from_str(refused.trim()).unwrap();
    assert!(refused["reason"].as_str().unwrap().contains("does not open"), "{refused}");
    assert!(refused.get("score").is_none(), "no plaintext of a refused delivery: {refused}");

    // a second use is asked; alice revokes before delivering it: no delivery, the escrow is back
    assert!(use_pass(&dev).status.success());
    run(t(&["pass", "revoke", "--pass", "1", "--private-key", &alice])).await.unwrap();
    let err = deliver(&alice).await.unwrap_err();
    assert!(err.to_string().contains("AccessPasses__Revoked(1)"), "{err}");
    let out = bin(&["pass", "close", "--pass", "1", "--private-key", &bob]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(dev_start - balance(0).await, masa("12"), "paid 10 upfront and 2 for the one use");
    assert_eq!(balance(1).await - alice_start, masa("11.88"), "alice keeps what she was paid");

    let shown = bin(&["pass", "show", "--pass", "1", "--json", "--private-key", &bob]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!((shown["requested"].as_u64(), shown["delivered"].as_u64()), (Some(2), Some(1)), "{shown:#}");
    assert_eq!(shown["revoked"], true);
    let amount = |k: &str| shown[k].as_str().unwrap().parse::<U256>().unwrap();
    // paid = owner paid + fees + escrow + refunded
    assert_eq!(amount("owner_paid") + amount("fees") + amount("escrow") + amount("refunded"), masa("14"));
    assert_eq!(amount("refunded"), masa("2"));
    assert_one_line_error(
        &bin(&["pass", "show", "--pass", "9", "--private-key", &bob]),
        "pass 9 does not exist",
    );

    // a second pass: the developer stops buying uses before asking any, and closes it at once for
    // its whole escrow (nobody else may close a live pass); no use follows
    let second = tmp.path().join("second.json");
    run(t(&offer_args(second.to_str().unwrap()).iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap();
    assert!(accept(&dev, &second).status.success());
    assert_one_line_error(
        &bin(&["pass", "close", "--pass", "2", "--private-key", &bob]),
        "AccessPasses__NotClosable(passId 2,",
    );
    let before = balance(0).await;
    let out = bin(&["pass", "close", "--pass", "2", "--private-key", &dev]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(balance(0).await - before, masa("4"), "the two uses' escrow");
    let use_second = bin(&["pass", "use", "--pass", "2", "--private-key", &dev]);
    assert_one_line_error(&use_second, "AccessPasses__Closed(2)");

    // a record its issuer revoked is refused before the owner signs anything
    let revoked_dir = tmp.path().join("revoked");
    std::fs::create_dir(&revoked_dir).unwrap();
    mint_credit(&chain, &t, &revoked_dir, 1, 700).await;
    run(t(&["sbt", "revoke", "--token", "2", "--private-key", &key(&chain, 9)])).await.unwrap();
    let mut args = offer_args(tmp.path().join("revoked.json").to_str().unwrap());
    args[3] = "2".into(); // --token
    let out = bin(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_one_line_error(
        &out,
        "token 2's record was revoked by its issuer, before the pass's last delivery",
    );
}
