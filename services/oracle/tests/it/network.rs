//! Three real `masa-oracle` processes on a real anvil (behind a flaky RPC proxy) with the suite
//! `masa deploy` put there: they register and stake themselves, answer requests for pages a
//! local server serves and prompts to the pinned model, agree, submit and get paid; a node
//! configured to answer wrongly is outvoted and recorded; an equivocating node is reported and
//! slashed, and once jailed neither counts nor attests; a node killed mid-job restarts and
//! completes with no duplicate transaction; a contributor gets its wallet activity and a page of
//! its own attested by the nodes and mints the zkSBTs with them; a request nobody can answer is
//! refunded.

use crate::{
    attest::{Client, record, refused, salt},
    support::{OracleProcess, masa, page_server, wait_for},
};
use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    rpc::types::Filter,
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract,
    contracts::{MasaToken, OracleNodes, OracleRequests},
};
use masa_oracle::attest::{WalletActivityResponse, WebPageResponse};
use masa_sdk::zksbt::ZkSbtClient;
use masa_sdk::{
    oracle::{OracleClient, RequestSpec, Status},
    tx::signing_provider,
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, FlakyRpc};
use reqwest::StatusCode;
use std::{net::SocketAddr, time::Duration};

/// The events `event` of `address` over the chain so far.
async fn events<E: SolEvent>(provider: &DynProvider, address: Address) -> Vec<E> {
    let filter = Filter::new().address(address).event_signature(E::SIGNATURE_HASH).from_block(0);
    provider
        .get_logs(&filter)
        .await
        .unwrap()
        .iter()
        .map(|log| E::decode_log(&log.inner).unwrap().data)
        .collect()
}

/// The fulfilments of `request` sent to `requests` so far: each one's sender and whether it
/// succeeded.
async fn fulfilments(provider: &DynProvider, requests: Address, request: U256) -> Vec<(Address, bool)> {
    use alloy::{consensus::Transaction as _, sol_types::SolCall};
    let head = provider.get_block_number().await.unwrap();
    let mut sent = Vec::new();
    for number in 0..=head {
        let block = provider.get_block_by_number(number.into()).full().await.unwrap().unwrap();
        for tx in block.transactions.txns() {
            if tx.to() != Some(requests) {
                continue;
            }
            let Ok(call) = OracleRequests::fulfillCall::abi_decode(tx.input()) else { continue };
            if call.requestId == request {
                let receipt = provider.get_transaction_receipt(*tx.inner.tx_hash()).await.unwrap().unwrap();
                sent.push((tx.inner.signer(), receipt.status()));
            }
        }
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_oracle_processes_answer_agree_get_paid_and_punish() {
    let chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    let admin = chain.accounts()[0].clone();
    let endpoint = chain.endpoint();
    let admin_provider = signing_provider(endpoint.parse().unwrap(), admin.clone());
    suite.release_community(&admin_provider).await.unwrap();
    let token = MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &admin_provider);
    let requests = suite.manifest.address_of(Contract::OracleRequests).unwrap();
    let nodes_address = suite.manifest.address_of(Contract::OracleNodes).unwrap();
    let operators: Vec<PrivateKeySigner> = chain.accounts()[1..4].to_vec();
    let consumer = chain.accounts()[4].clone();
    for who in operators.iter().chain([&consumer]) {
        token.transfer(who.address(), masa(100_000)).send().await.unwrap().get_receipt().await.unwrap();
    }
    let customer = OracleClient::new(
        signing_provider(endpoint.parse().unwrap(), consumer.clone()),
        &suite.manifest,
        consumer.clone(),
    )
    .unwrap();
    let reader = chain.provider().clone();

    // the nodes reach anvil through a proxy that fails 10% of requests
    let port = url::Url::parse(&endpoint).unwrap().port().unwrap();
    let upstream = SocketAddr::from(([127, 0, 0, 1], port));
    let proxy = FlakyRpc::start(upstream, 10, 7).await.unwrap();
    let pages = page_server().await;
    let root = tempfile::tempdir().unwrap();
    let mut nodes = OracleProcess::network(root.path(), &operators, &proxy.url(), suite.deployments.path());
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    for node in &mut nodes {
        node.start(&[]);
    }
    for node in &mut nodes {
        node.ready(&http).await;
    }
    let oracle = OracleClient::new(reader.clone(), &suite.manifest, consumer.clone()).unwrap();
    for node in &nodes {
        let info = oracle.node(node.operator.address()).await.unwrap();
        assert!(info.active(), "{} registered and staked itself", node.name);
        assert_eq!(info.node.signer, node.key.address());
        assert_eq!(U256::from(info.node.staked), masa(10_000));
    }

    let finalized = |request: U256| {
        let customer = &customer;
        async move {
            wait_for(&format!("request {request} to finalize"), Duration::from_secs(180), || async {
                let r = customer.request(request).await.ok()?;
                (Status::of(&r) == Status::Finalized).then_some(r)
            })
            .await
        }
    };

    // 1. a prompt to the pinned model, quorum 3: the three nodes agree
    let llm = customer
        .post(&RequestSpec::new("llm:v1", "Name a primary colour.", masa(3), 3, 3_600))
        .await
        .unwrap();
    let done = finalized(llm.request).await;
    let paid = events::<OracleRequests::RequestFinalized>(&reader, requests).await;
    let mut operators_paid = paid.last().unwrap().operators.clone();
    operators_paid.sort();
    let mut all: Vec<Address> = operators.iter().map(PrivateKeySigner::address).collect();
    all.sort();
    assert_eq!(operators_paid, all, "the three nodes agreed on the model's answer");
    let job = nodes[0].job(&http, llm.request).await.unwrap();
    assert_eq!(job["record"]["result_hash"].as_str().unwrap(), done.resultHash.to_string());

    // 2. node c restarts configured to answer wrongly: a and b agree on the page, c's answer is
    //    recorded as a dissent and earns nothing
    nodes[2].stop();
    nodes[2].start(&[("MASA_ORACLE__TESTING__FAULT", "wrong-answer")]);
    nodes[2].ready(&http).await;
    let page = format!("http://{pages}/article");
    let web = customer.post(&RequestSpec::new("web:v1", &page, masa(4), 2, 3_600)).await.unwrap();
    finalized(web.request).await;
    let last = events::<OracleRequests::RequestFinalized>(&reader, requests).await.pop().unwrap();
    assert_eq!(last.requestId, web.request);
    assert!(!last.operators.contains(&operators[2].address()), "the wrong node is not paid");
    assert_eq!(last.share, masa(2));
    // the dissent is recorded once a transmitter saw c's answer before the quorum; c answers
    // as fast as the others, so it is in the fulfilment
    let dissents = events::<OracleRequests::Dissented>(&reader, requests).await;
    assert!(
        dissents.iter().any(|d| d.requestId == web.request && d.operator == operators[2].address()),
        "c's wrong answer is on the record: {dissents:?}"
    );

    // 3. node a is killed while it fetches a slow page, and restarted: the request completes,
    //    and no operator sent more than one fulfilment
    let slow = customer
        .post(&RequestSpec::new("web:v1", &format!("http://{pages}/slow"), masa(2), 2, 3_600))
        .await
        .unwrap();
    wait_for("node a to pick the slow job up", Duration::from_secs(60), || async {
        nodes[0].job(&http, slow.request).await.map(|_| ())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    nodes[0].kill();
    nodes[2].stop();
    nodes[2].start(&[]);
    nodes[2].ready(&http).await;
    nodes[0].start(&[]);
    nodes[0].ready(&http).await;
    finalized(slow.request).await;
    let sent = fulfilments(&reader, requests, slow.request).await;
    assert_eq!(sent.iter().filter(|(_, ok)| *ok).count(), 1, "one fulfilment finalized it: {sent:?}");
    for operator in &operators {
        let by = sent.iter().filter(|(from, _)| *from == operator.address()).count();
        assert!(by <= 1, "operator {} sent {by} fulfilments of one request", operator.address());
    }
    let job = wait_for("node a to settle the slow job", Duration::from_secs(60), || async {
        let job = nodes[0].job(&http, slow.request).await?;
        (job["job"]["state"] == "finalized").then_some(job)
    })
    .await;
    assert_eq!(job["job"]["attempts"], 0, "the killed run left no failure behind");

    // 4. node c equivocates: the others see its two answers, report it and it is slashed and
    //    jailed; its answers no longer count
    nodes[2].stop();
    nodes[2].start(&[("MASA_ORACLE__TESTING__FAULT", "equivocate")]);
    nodes[2].ready(&http).await;
    let twice = customer.post(&RequestSpec::new("web:v1", &page, masa(2), 2, 3_600)).await.unwrap();
    finalized(twice.request).await;
    let slashed = wait_for("c to be slashed", Duration::from_secs(60), || async {
        let slashes = events::<OracleNodes::Slashed>(&reader, nodes_address).await;
        slashes.into_iter().find(|s| s.operator == operators[2].address())
    })
    .await;
    assert!(!slashed.amount.is_zero());
    assert!(!oracle.node(operators[2].address()).await.unwrap().active(), "jailed");

    // a jailed node's answer and attestation are refused: c, honest again but jailed, answers like
    //    the others, and is neither counted nor paid; it refuses to attest
    nodes[2].stop();
    nodes[2].start(&[]);
    nodes[2].health(&http).await;
    let after = customer.post(&RequestSpec::new("web:v1", &page, masa(2), 2, 3_600)).await.unwrap();
    finalized(after.request).await;
    let last = events::<OracleRequests::RequestFinalized>(&reader, requests).await.pop().unwrap();
    assert_eq!(last.requestId, after.request);
    assert!(!last.operators.contains(&operators[2].address()), "the jailed node is not counted");
    let chain_id = chain.chain_id();
    let jailed = Client::new(nodes[2].url(""), &consumer, chain_id);
    let message = jailed.message().await;
    refused(
        jailed.attest(&message.text(), &consumer, salt(1)).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no active stake",
    );

    // 6. a contributor with three MASA transfers signs in at node a, gets its wallet activity
    //    attested and mints the zkSBT with it; the node key is the token's issuer
    let contributor = chain.accounts()[5].clone();
    for _ in 0..3 {
        token.transfer(contributor.address(), masa(1_000)).send().await.unwrap().get_receipt().await.unwrap();
    }
    let attester = Client::new(nodes[0].url(""), &contributor, chain_id);
    let message = attester.message().await;
    let (status, body) = attester.attest(&message.text(), &contributor, salt(2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: WalletActivityResponse = serde_json::from_value(body).unwrap();
    assert_eq!(answer.values[..4], [3, 0, 0, 0], "transfers, swaps, mints, bridges: {:?}", answer.values);
    let sbt = ZkSbtClient::new(
        signing_provider(endpoint.parse().unwrap(), contributor.clone()),
        &suite.manifest,
        contributor.clone(),
    )
    .unwrap();
    let minted = sbt.mint(record(&contributor, &answer, salt(2)), Some(&answer.attestation)).await.unwrap();
    assert_eq!(sbt.record(minted.token).await.unwrap().issuer, nodes[0].key.address());
    // and a page of its own, which node b fetches itself: the record says the page names it
    let attester = Client::new(nodes[1].url(""), &contributor, chain_id);
    let message = attester.message().await;
    let profile = format!("http://{pages}/profile/{}", contributor.address());
    let (status, body) = attester.attest_page(&message.text(), &contributor, salt(3), &profile).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer: WebPageResponse = serde_json::from_value(body).unwrap();
    assert!(answer.subject.names_owner && answer.values[7] == 1, "{:?}", answer.subject);
    let minted = sbt.mint(record(&contributor, &answer, salt(3)), Some(&answer.attestation)).await.unwrap();
    let on_chain = sbt.record(minted.token).await.unwrap();
    assert_eq!((on_chain.issuer, on_chain.schemaId), (nodes[1].key.address(), U256::from(4)));
    // each node counts its attestation requests by kind and outcome
    let metrics = |node: &OracleProcess| {
        let (http, url) = (http.clone(), node.url("/metrics"));
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let a_metrics = metrics(&nodes[0]).await;
    assert!(
        a_metrics.contains(r#"masa_oracle_attestations_total{kind="wallet-activity",outcome="issued"} 1"#),
        "{a_metrics}"
    );
    let b_metrics = metrics(&nodes[1]).await;
    assert!(
        b_metrics.contains(r#"masa_oracle_attestations_total{kind="web-page",outcome="issued"} 1"#),
        "{b_metrics}"
    );
    let c_metrics = metrics(&nodes[2]).await;
    assert!(
        c_metrics.contains(r#"masa_oracle_attestations_total{kind="wallet-activity",outcome="refused"} 1"#),
        "{c_metrics}"
    );

    // 5. nobody can read a missing page: no quorum by the deadline, the consumer is refunded
    let missing = customer
        .post(&RequestSpec::new("web:v1", &format!("http://{pages}/missing"), masa(5), 2, 60))
        .await
        .unwrap();
    wait_for("the nodes to give the missing page up", Duration::from_secs(60), || async {
        let job = nodes[0].job(&http, missing.request).await?;
        (job["job"]["state"] == "failed").then_some(())
    })
    .await;
    reader.anvil_increase_time(120).await.unwrap();
    reader.evm_mine(None).await.unwrap();
    let before = token.balanceOf(consumer.address()).call().await.unwrap();
    customer.refund(missing.request).await.unwrap();
    assert_eq!(token.balanceOf(consumer.address()).call().await.unwrap(), before + masa(5));

    // the nodes' transaction metrics: fulfilments and reports mined; the proxy's failures retried
    let mut totals = [0u64; 2];
    for node in &nodes {
        let text = http.get(node.url("/metrics")).send().await.unwrap().text().await.unwrap();
        for (total, name) in
            totals.iter_mut().zip(["masa_oracle_tx_mined_total ", "masa_oracle_rpc_retries_total "])
        {
            let line =
                text.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("no {name}in\n{text}"));
            *total += line[name.len()..].parse::<u64>().unwrap();
        }
    }
    assert!(totals[0] > 0, "fulfilments and reports mined (counted since each process started): {totals:?}");
    assert!(totals[1] > 0, "requests the proxy failed were retried: {totals:?}");

    // the operators' earnings: a and b were paid for every request; graceful shutdown
    for node in &mut nodes {
        node.stop();
    }
    assert!(proxy.counts.faults() > 0, "the proxy failed some of the nodes' requests");
    drop(chain);
}
