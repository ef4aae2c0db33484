//! The oracle network's client (what `masa node`, `masa request` and the `masa-oracle` node
//! run) on the suite `masa deploy` put on a real anvil: three operators register their node
//! keys and stake, a consumer posts requests, two nodes agree and the third dissents, the fee
//! is split, an expired request is refunded, the rewards pay the staked nodes.

use alloy::{
    primitives::{B256, U256, keccak256},
    signers::local::PrivateKeySigner,
};
use masa_bindings::{
    Contract,
    contracts::{MasaToken, oracle::IOracleNodes},
};
use masa_prover::encryption::OwnerKeys;
use masa_sdk::{
    oracle::{Error, OracleClient, RequestSpec},
    tx::signing_provider,
    zksbt::{self, AttestRequest, ZkSbtClient},
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, RevmChain, scenarios::oracle};

const MASA: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

fn masa(n: u64) -> U256 {
    MASA * U256::from(n)
}

/// The contracts' story (`scenarios::oracle`) on both backends: the same gas on each.
#[tokio::test]
async fn answer_requests_on_revm_and_anvil() {
    let on_revm = oracle::answer_requests(&mut RevmChain::new()).await.unwrap();
    let on_anvil = oracle::answer_requests(&mut AnvilChain::spawn().unwrap()).await.unwrap();
    assert!(on_revm.fulfill_3 > on_revm.fulfill_2_of_3 / 2, "three signatures checked: {on_revm:?}");
    assert_eq!(on_revm.fulfill_3, on_anvil.fulfill_3, "\n{on_revm:?}\n{on_anvil:?}");
    // (a report's gas depends on the seconds since the slashing bucket was last refilled, which
    // anvil takes from the wall clock)
    assert_eq!(on_revm.fulfill_2_of_3, on_anvil.fulfill_2_of_3);
}

#[tokio::test]
async fn nodes_answer_a_request_get_paid_and_earn_rewards() {
    let mut chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    let admin = chain.accounts()[0].clone();
    let admin_provider = signing_provider(chain.endpoint().parse().unwrap(), admin.clone());
    suite.release_community(&admin_provider).await.unwrap();
    let token = MasaToken::new(suite.manifest.address_of(Contract::MasaToken).unwrap(), &admin_provider);
    let endpoint = chain.endpoint();
    let client = |wallet: &PrivateKeySigner| {
        let provider = signing_provider(endpoint.parse().unwrap(), wallet.clone());
        OracleClient::new(provider, &suite.manifest, wallet.clone()).unwrap()
    };

    // three operators, each with a node key of its own (a key that holds nothing)
    let operators: Vec<PrivateKeySigner> = chain.accounts()[1..4].to_vec();
    let keys: Vec<PrivateKeySigner> = (0..3).map(|_| PrivateKeySigner::random()).collect();
    let consumer = chain.accounts()[4].clone();
    for who in operators.iter().chain([&consumer]) {
        token.transfer(who.address(), masa(100_000)).send().await.unwrap().get_receipt().await.unwrap();
    }
    for (i, (operator, key)) in operators.iter().zip(&keys).enumerate() {
        let node = client(operator);
        node.register(key, &format!("http://node-{i}.example"), 600).await.unwrap();
        node.stake(masa(10_000 * (i as u64 + 1))).await.unwrap();
        let info = node.node(operator.address()).await.unwrap();
        assert!(info.active());
        assert_eq!(info.node.signer, key.address());
        assert_eq!(node.operator_of(key.address()).await.unwrap(), operator.address());
    }

    // a refusal is the contract's error by name, before anything is sent
    let customer = client(&consumer);
    let bad = RequestSpec::new("web:v1", "https://example.org", masa(3), 0, 600);
    match customer.post(&bad).await.unwrap_err() {
        Error::Tx(e) => assert!(e.refusal().unwrap().is("OracleRequests__BadQuorum"), "{e}"),
        other => panic!("expected a refusal, got {other}"),
    }
    match customer.request(U256::from(7)).await.unwrap_err() {
        Error::UnknownRequest { request, count } => assert_eq!((request, count), (U256::from(7), U256::ZERO)),
        other => panic!("expected an unknown request, got {other}"),
    }

    // two nodes agree on the page, the third answers otherwise: finalized, fee split, dissent kept
    let posted =
        customer.post(&RequestSpec::new("web:v1", "https://example.org", masa(3), 2, 600)).await.unwrap();
    let page = keccak256("the page's canonical text");
    let config = keccak256("web:v1 masa-oracle 0.1.0");
    let answer =
        |hash: B256| IOracleNodes::Result { requestId: posted.request, resultHash: hash, configHash: config };
    let transmitter = client(&operators[0]);
    let agreeing = vec![
        transmitter.sign(&keys[0], answer(page)).unwrap(),
        transmitter.sign(&keys[1], answer(page)).unwrap(),
    ];
    let dissent = vec![transmitter.sign(&keys[2], answer(keccak256("another page"))).unwrap()];
    let done = transmitter.fulfill(agreeing, dissent).await.unwrap();
    assert_eq!(done.share, masa(3) / U256::from(2));
    let mut paid = done.operators.clone();
    paid.sort();
    let mut expected = vec![operators[0].address(), operators[1].address()];
    expected.sort();
    assert_eq!(paid, expected, "the agreeing operators, not the dissenting one");
    let request = customer.request(posted.request).await.unwrap();
    assert_eq!(request.resultHash, page);
    assert_eq!(request.configHash, config);
    let second = client(&operators[1]);
    let before = token.balanceOf(operators[1].address()).call().await.unwrap();
    second.withdraw_fees().await.unwrap();
    assert_eq!(token.balanceOf(operators[1].address()).call().await.unwrap(), before + done.share);
    assert!(second.node(operators[2].address()).await.unwrap().fees.is_zero());

    // no quorum by the deadline: the consumer gets its fee back
    let lonely =
        customer.post(&RequestSpec::new("web:v1", "https://example.com", masa(5), 3, 60)).await.unwrap();
    let before = token.balanceOf(consumer.address()).call().await.unwrap();
    chain.advance_time(120).await.unwrap();
    transmitter.refund(lonely.request).await.unwrap();
    assert_eq!(token.balanceOf(consumer.address()).call().await.unwrap(), before + masa(5));

    // a day of rewards, split 1 : 2 : 3 by stake; claimed from the genesis oracle wallet (what
    // vested in the month before any node staked went to the first node: it was alone in the
    // interval that followed)
    let mut start = Vec::new();
    for operator in &operators {
        start.push(client(operator).node(operator.address()).await.unwrap().rewards);
    }
    chain.advance_time(86_400).await.unwrap();
    let mut owed = Vec::new();
    for (operator, start) in operators.iter().zip(start) {
        let node = client(operator);
        node.sync(operator.address()).await.unwrap();
        owed.push(node.node(operator.address()).await.unwrap().rewards - start);
    }
    assert!(owed[0] > masa(1_000), "a day of 1.0469 MASA/s over 60,000 staked: {}", owed[0]);
    let ratio = |a: U256, b: U256| (a * U256::from(1_000) / b).to::<u64>();
    assert!((1_990..=2_010).contains(&ratio(owed[1], owed[0])), "{owed:?}");
    assert!((2_990..=3_010).contains(&ratio(owed[2], owed[0])), "{owed:?}");
    let before = token.balanceOf(operators[2].address()).call().await.unwrap();
    let third = client(&operators[2]);
    let claimable = third.node(operators[2].address()).await.unwrap().rewards;
    third.claim_rewards().await.unwrap();
    assert!(token.balanceOf(operators[2].address()).call().await.unwrap() >= before + claimable);

    // an unbonding node stops counting at once
    let first = client(&operators[0]);
    first.unbond(masa(1)).await.unwrap();
    assert!(!first.node(operators[0].address()).await.unwrap().active());
    let late =
        customer.post(&RequestSpec::new("web:v1", "https://example.net", U256::ZERO, 1, 600)).await.unwrap();
    let answer = IOracleNodes::Result { requestId: late.request, resultHash: page, configHash: config };
    match first.fulfill(vec![first.sign(&keys[0], answer).unwrap()], vec![]).await.unwrap_err() {
        Error::Tx(e) => assert!(e.refusal().unwrap().is("OracleRequests__InactiveNode"), "{e}"),
        other => panic!("expected a refusal, got {other}"),
    }

    // an active node's key attests a wallet-activity record (schema 3, which the devnet's oracle
    // network serves) and its owner mints it; the unbonding node's attestation is refused
    let sbt = |wallet: &PrivateKeySigner| {
        let provider = signing_provider(endpoint.parse().unwrap(), wallet.clone());
        ZkSbtClient::new(provider, &suite.manifest, wallet.clone()).unwrap()
    };
    let person = sbt(&consumer);
    let record = OwnerKeys::derive(&consumer.to_bytes().0)
        .new_record(U256::from(3), [12, 3, 1, 0, 1_700_000_000, 1_750_000_000, 0, 0]);
    let ask = AttestRequest {
        owner: consumer.address(),
        schema_id: U256::from(3),
        commitment: masa_prover::field::to_u256(record.commitment().unwrap()),
        expiry: 0,
        valid_secs: 600,
    };
    let refused = sbt(&keys[0]).attest(ask).await.unwrap();
    match person.mint(record.clone(), Some(&refused)).await.unwrap_err() {
        zksbt::Error::Tx(e) => assert!(e.refusal().unwrap().is("ZkSBT__NotAnIssuer"), "{e}"),
        other => panic!("expected a refusal, got {other}"),
    }
    let attested = sbt(&keys[1]).attest(ask).await.unwrap();
    let minted = person.mint(record, Some(&attested)).await.unwrap();
    assert_eq!(person.record(minted.token).await.unwrap().issuer, keys[1].address());
}
