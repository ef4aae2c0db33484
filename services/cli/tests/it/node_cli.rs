//! `masa node` and `masa request` on a deployed suite on anvil: an operator registers its node
//! key and stakes, a consumer posts a request and reads it, a refusal is one line naming the
//! contract's error, an expired request is refunded.

use crate::support::{assert_one_line_error, key, masa_bin, on, run};
use alloy::{primitives::U256, signers::local::PrivateKeySigner};
use masa_bindings::{Contract, MASA, contracts::MasaToken};
use masa_sdk::tx::signing_provider;
use masa_test_harness::{AnvilChain, Chain, DeployedSuite};

#[tokio::test]
async fn register_stake_post_show_and_refund_from_the_cli() {
    let mut chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    let provider = signing_provider(chain.endpoint().parse().unwrap(), chain.accounts()[0].clone());
    suite.release_community(&provider).await.unwrap();
    let token = MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &provider);
    let (operator, consumer) = (chain.accounts()[1].address(), chain.accounts()[2].address());
    for who in [operator, consumer] {
        let transfer = token.transfer(who, MASA * U256::from(50_000));
        transfer.send().await.unwrap().get_receipt().await.unwrap();
    }
    let endpoint = chain.endpoint();
    let dir = &suite.deployments;
    let t = |args: &[&str]| on(&endpoint, dir, args);
    let (op_key, consumer_key) = (key(&chain, 1), key(&chain, 2));
    let node = PrivateKeySigner::random();
    let node_hex = format!("{:x}", node.to_bytes());

    let register = ["node", "register", "--endpoint", "http://node.example", "--node-key", &node_hex];
    run(t(&[&register[..], &["--private-key", &op_key]].concat())).await.unwrap();
    run(t(&["node", "stake", "--amount", "12000.5", "--private-key", &op_key])).await.unwrap();
    let out = masa_bin(
        &t(&["node", "show", "--json", "--private-key", &op_key])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        shown["signer"].as_str().unwrap().parse::<alloy::primitives::Address>().unwrap(),
        node.address()
    );
    assert_eq!(shown["active"], true);
    assert_eq!(shown["staked"], (MASA * U256::from(120_005) / U256::from(10)).to_string());

    // a quorum of 0 is the contract's refusal, by name and values, in one line
    let post = |quorum: &str, ttl: &str| {
        t(&[
            "request",
            "post",
            "--job",
            "web:v1",
            "--params",
            "https://example.org",
            "--fee",
            "2",
            "--quorum",
            quorum,
            "--ttl",
            ttl,
            "--private-key",
            &consumer_key,
        ])
    };
    let bad = post("0", "600");
    let out = masa_bin(&bad.iter().map(String::as_str).collect::<Vec<_>>());
    assert_one_line_error(&out, "OracleRequests__BadQuorum(quorum 0, max 16)");

    run(post("2", "60")).await.unwrap();
    let out = masa_bin(
        &t(&["request", "show", "1", "--json", "--private-key", &consumer_key])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["quorum"], 2);
    assert_eq!(shown["fee"], (MASA * U256::from(2)).to_string());

    // nobody answered by the deadline: refunded, and refunding twice is refused
    let before = token.balanceOf(consumer).call().await.unwrap();
    chain.advance_time(120).await.unwrap();
    run(t(&["request", "refund", "1", "--private-key", &op_key])).await.unwrap();
    assert_eq!(token.balanceOf(consumer).call().await.unwrap(), before + MASA * U256::from(2));
    let out = masa_bin(
        &t(&["request", "refund", "1", "--private-key", &op_key])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_one_line_error(&out, "OracleRequests__NotOpen(requestId 1");
    let out = masa_bin(
        &t(&["request", "show", "9", "--private-key", &op_key])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_one_line_error(&out, "request 9 does not exist (requests are numbered from 1 to 1)");
}
