//! The oracle network end to end: three operators register their node keys (each key signs its
//! registration) and stake 10,000, 20,000 and 30,000 MASA; a consumer posts a request with a
//! 3 MASA fee and quorum 2; two nodes agree, the third answers otherwise and is recorded; a
//! watcher who copies the fulfilment lands it first and the nodes are paid all the same; a
//! request answered by all three; the dissenting node signs both answers of one request and is
//! slashed on a report; the fee router's share reaches the rewards and is split by active stake;
//! every wei of fees and rewards is accounted for.

use crate::{Chain, ChainExt, Expect, Result, scenarios::masa_token};
use alloy::{
    primitives::{Address, B256, Bytes, U256, keccak256},
    signers::{SignerSync, local::PrivateKeySigner},
    sol_types::SolStruct,
};
use masa_bindings::{
    MASA,
    contracts::{
        IOracleRequests, MasaToken, OracleNodes, OracleRequests, OracleRewards, oracle::IOracleNodes,
    },
    eip712::{Registration, oracle_nodes_domain},
};
use masa_sdk::deploy::{
    Deployer,
    oracle::{self, Oracle, OracleInit},
    params::OracleConfig,
};

/// Gas of the oracle operations.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    /// `register` (the node key's EIP-712 signature checked).
    pub register: u64,
    /// `stake` (the rewards told of the new weight).
    pub stake: u64,
    /// `post` (the fee pulled into escrow).
    pub post: u64,
    /// `fulfill` with 2 agreeing signatures and 1 dissent.
    pub fulfill_2_of_3: u64,
    /// `fulfill` with 3 agreeing signatures.
    pub fulfill_3: u64,
    /// `withdraw` of a node's fees.
    pub withdraw: u64,
    /// `claim` of a node's rewards.
    pub claim_rewards: u64,
    /// `reportEquivocation` (two signatures checked, slash split, jail, rewards told).
    pub report_equivocation: u64,
}

fn masa(n: u64) -> U256 {
    MASA * U256::from(n)
}

/// The devnet's parameters, in wei.
fn config() -> OracleConfig {
    OracleConfig {
        min_stake: masa(10_000),
        max_stake: masa(1_000_000),
        unbonding_period_secs: 3_600,
        claim_window_secs: 3_600,
        jail_period_secs: 3_600,
        equivocation_penalty: masa(5_000),
        reporter_share_bps: 1_000,
        burn_bps: 5_000,
        slash_capacity: masa(20_000),
        refill_per_second: MASA,
    }
}

/// The story on any chain.
pub async fn answer_requests<C: Chain>(chain: &mut C) -> Result<GasReport> {
    let signers: Vec<PrivateKeySigner> = chain.accounts().to_vec();
    let admin = signers[0].address();
    let operators: Vec<Address> = signers[1..4].iter().map(PrivateKeySigner::address).collect();
    let [consumer, watcher, treasury] = [4, 5, 6].map(|i| signers[i].address());
    // node keys are not accounts of the chain: they only sign
    let keys: Vec<PrivateKeySigner> = [0x0d_e1_u64, 0x0d_e2, 0x0d_e3]
        .iter()
        .map(|k| PrivateKeySigner::from_bytes(&B256::from(U256::from(*k))).expect("a valid key"))
        .collect();
    let (masa_token, _) = masa_token::deploy(chain, admin).await?;
    let init = OracleInit { masa: masa_token, owner: admin, config: config(), treasury, source: None };
    let Oracle { nodes, requests, rewards } = oracle::deploy(&mut Deployer::new(chain, admin), init).await?;
    let chain_id = chain.chain_id();
    let domain = oracle_nodes_domain(chain_id, nodes);
    let mut gas = GasReport::default();
    let balance =
        async |chain: &C, account| chain.view(masa_token, MasaToken::balanceOfCall { account }).await;

    // three nodes join with 10,000, 20,000 and 30,000 MASA
    for (i, (&operator, key)) in operators.iter().zip(&keys).enumerate() {
        let stake = masa(10_000 * (i as u64 + 1));
        chain.send(admin, masa_token, MasaToken::transferCall { to: operator, value: stake }).await?;
        chain.send(operator, masa_token, MasaToken::approveCall { spender: nodes, value: stake }).await?;
        let deadline = U256::from(chain.timestamp().await? + 600);
        let registration = Registration { operator, signer: key.address(), deadline };
        let signature = key.sign_hash_sync(&registration.eip712_signing_hash(&domain)).expect("signs");
        let register = OracleNodes::registerCall {
            signer: key.address(),
            endpoint: format!("http://node-{i}.example"),
            deadline,
            signature: signature.as_bytes().into(),
        };
        // a copy of the registration sent by someone else names its operator: refused
        let copied: OracleNodes::OracleNodes__InvalidRegistration =
            chain.expect_revert(watcher, nodes, register.clone()).await?;
        chain.ensure_eq("a copied registration is refused", copied.signer, key.address())?;
        gas.register = chain.send(operator, nodes, register).await?.gas_used;
        gas.stake = chain.send(operator, nodes, OracleNodes::stakeCall { amount: stake }).await?.gas_used;
    }

    // a request: 3 MASA for 2 agreeing nodes, within 10 minutes
    let fee = masa(3);
    chain.send(admin, masa_token, MasaToken::transferCall { to: consumer, value: masa(10) }).await?;
    chain.send(consumer, masa_token, MasaToken::approveCall { spender: requests, value: masa(10) }).await?;
    let post = |params: &str, fee, quorum| OracleRequests::postCall {
        jobType: keccak256("web:v1"),
        paramsHash: keccak256(params),
        uri: params.to_owned(),
        fee,
        quorum,
        deadline: 0, // set below
    };
    let deadline = chain.timestamp().await? + 600;
    let outcome = chain
        .send(
            consumer,
            requests,
            OracleRequests::postCall { deadline, ..post("https://example.org", fee, 2) },
        )
        .await?;
    gas.post = outcome.gas_used;
    let first = U256::from(1);

    // nodes 0 and 1 agree on the page; node 2 answers otherwise
    let page = keccak256("the page's canonical text");
    let other = keccak256("another text");
    let config_hash = keccak256("web:v1 masa-oracle");
    let sign = |key: &PrivateKeySigner, request: U256, result: B256| -> (Address, Bytes) {
        let answer = IOracleNodes::Result { requestId: request, resultHash: result, configHash: config_hash };
        let signature = key.sign_hash_sync(&answer.eip712_signing_hash(&domain)).expect("signs");
        (key.address(), signature.as_bytes().into())
    };
    let sorted = |mut answers: Vec<(Address, Bytes)>| {
        answers.sort_by_key(|(signer, _)| *signer);
        answers.into_iter().map(|(_, sig)| sig).collect::<Vec<_>>()
    };
    let agreeing = sorted(vec![sign(&keys[0], first, page), sign(&keys[1], first, page)]);
    let dissent = IOracleRequests::Dissent {
        resultHash: other,
        configHash: config_hash,
        signature: sign(&keys[2], first, other).1,
    };
    let fulfill = OracleRequests::fulfillCall {
        requestId: first,
        resultHash: page,
        configHash: config_hash,
        signatures: agreeing,
        dissents: vec![dissent],
    };
    // a watcher copies the pending fulfilment and lands it first: the nodes are paid, not it
    gas.fulfill_2_of_3 = chain.send(watcher, requests, fulfill.clone()).await?.gas_used;
    let late: OracleRequests::OracleRequests__NotOpen =
        chain.expect_revert(operators[0], requests, fulfill).await?;
    chain.ensure_eq("the original lands second and is refused", late.requestId, first)?;
    let earned =
        async |chain: &C, operator| chain.view(requests, OracleRequests::earnedCall { operator }).await;
    let (e0, e1, e2) = (
        earned(chain, operators[0]).await?,
        earned(chain, operators[1]).await?,
        earned(chain, operators[2]).await?,
    );
    chain.ensure_eq("the fee split between the agreeing nodes", (e0 + e1, e2), (fee, U256::ZERO))?;
    chain.ensure_eq("the watcher earned nothing", earned(chain, watcher).await?, U256::ZERO)?;

    // a second request answered by all three: 1 MASA + 1 wei, the first signer takes the wei
    let fee2 = MASA + U256::from(1);
    let deadline = chain.timestamp().await? + 600;
    chain
        .send(
            consumer,
            requests,
            OracleRequests::postCall { deadline, ..post("https://example.com", fee2, 3) },
        )
        .await?;
    let second = U256::from(2);
    let all = sorted(keys.iter().map(|k| sign(k, second, page)).collect());
    let fulfill = OracleRequests::fulfillCall {
        requestId: second,
        resultHash: page,
        configHash: config_hash,
        signatures: all,
        dissents: vec![],
    };
    gas.fulfill_3 = chain.send(operators[2], requests, fulfill).await?.gas_used;

    // every node withdraws: the book is empty, every wei of both fees paid
    let mut paid = U256::ZERO;
    for &operator in &operators {
        let before = balance(chain, operator).await?;
        gas.withdraw = chain.send(operator, requests, OracleRequests::withdrawCall {}).await?.gas_used;
        paid += balance(chain, operator).await? - before;
    }
    chain.ensure_eq("fees in = fees paid", paid, fee + fee2)?;
    chain.ensure_eq("the book holds nothing", balance(chain, requests).await?, U256::ZERO)?;

    // the fee router's share arrives at the rewards: split 1 : 2 : 3 by active stake
    let share = masa(600);
    chain.send(admin, masa_token, MasaToken::transferCall { to: rewards, value: share }).await?;
    let claimable =
        async |chain: &C, operator| chain.view(rewards, OracleRewards::claimableCall { operator }).await;
    for (i, &operator) in operators.iter().enumerate() {
        let owed = claimable(chain, operator).await?;
        chain.ensure_eq("rewards by active stake", owed, masa(100 * (i as u64 + 1)))?;
    }
    let before = balance(chain, operators[1]).await?;
    gas.claim_rewards = chain.send(operators[1], rewards, OracleRewards::claimCall {}).await?.gas_used;
    chain.ensure_eq("claimed", balance(chain, operators[1]).await? - before, masa(200))?;

    // node 2 signed two answers for the first request: anyone reports it, node 2 is slashed,
    // jailed and stops earning in that transaction
    let (a, b) = (sign(&keys[2], first, other), sign(&keys[2], first, page));
    let result = |hash| IOracleNodes::Result { requestId: first, resultHash: hash, configHash: config_hash };
    let report =
        OracleNodes::reportEquivocationCall { a: result(other), sigA: a.1, b: result(page), sigB: b.1 };
    let before = balance(chain, watcher).await?;
    gas.report_equivocation = chain.send(watcher, nodes, report).await?.gas_used;
    chain.ensure_eq("the reporter's 10% of 5,000", balance(chain, watcher).await? - before, masa(500))?;
    let active = chain.view(nodes, OracleNodes::isActiveCall { operator: operators[2] }).await?;
    chain.ensure_eq("the slashed node is jailed", active, false)?;
    let weight = chain.view(rewards, OracleRewards::weightOfCall { operator: operators[2] }).await?;
    chain.ensure_eq("and weighs nothing in the rewards", weight, U256::ZERO)?;
    Ok(gas)
}
