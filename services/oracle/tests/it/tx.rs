//! The transaction manager on a real anvil with the suite `masa deploy` put there, sending real
//! MASA transfers and `OracleRequests.refund` calls from a funded wallet: one transaction per key
//! however often and concurrently it is sent (on SQLite and PostgreSQL); a sender killed between
//! broadcast and receipt is finished by `resume` from the outbox (rebroadcast after the node
//! forgot it, or found mined); a stuck transaction is replaced with the same nonce and higher
//! fees; a call the pre-flight refuses is not sent and its error is named; through a flaky
//! endpoint each key is still sent exactly once.

use crate::support::{MASA, wait_for};
use alloy::{
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};
use masa_bindings::{
    Contract,
    contracts::{MasaToken, OracleRequests},
};
use masa_oracle::{
    store::{Store, outbox::OutboxState},
    tx::{Check, TxConfig, TxError, TxManager},
};
use masa_sdk::{
    oracle::{OracleClient, RequestSpec},
    tx::{Call, signing_provider},
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, FlakyRpc, Postgres};
use std::{net::SocketAddr, sync::atomic::Ordering, time::Duration};

/// Fast polls for a local anvil; no replacement unless a test asks for one.
fn config() -> TxConfig {
    TxConfig {
        poll_interval: Duration::from_millis(100),
        receipt_timeout: Duration::from_secs(90),
        replace_after: Duration::from_secs(600),
        replace_after_blocks: 1_000,
        ..TxConfig::default()
    }
}

/// A deployed suite and a wallet holding ether (anvil's) and MASA, sending from a fresh store.
struct World {
    chain: AnvilChain,
    suite: DeployedSuite,
    wallet: PrivateKeySigner,
    masa: Address,
    dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let chain = AnvilChain::spawn().unwrap();
        let suite = DeployedSuite::deploy(&chain).await.unwrap();
        let admin = signing_provider(chain.endpoint().parse().unwrap(), chain.accounts()[0].clone());
        suite.release_community(&admin).await.unwrap();
        let masa = suite.manifest.address_of(Contract::MasaToken).unwrap();
        let wallet = chain.accounts()[3].clone();
        let token = MasaToken::new(masa, &admin);
        token
            .transfer(wallet.address(), MASA * U256::from(1_000))
            .send()
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        Self { chain, suite, wallet, masa, dir: tempfile::tempdir().unwrap() }
    }

    fn sqlite(&self, name: &str) -> String {
        format!("sqlite://{}", self.dir.path().join(name).display())
    }

    fn provider(&self) -> &DynProvider {
        self.chain.provider()
    }

    /// A manager for the wallet over `rpc` (anvil's endpoint unless a proxy's), recording in
    /// the store at `store_url`: what a node process opens at startup.
    async fn manager(&self, rpc: &str, store_url: &str, config: TxConfig) -> TxManager {
        let store = Store::connect(store_url).await.unwrap();
        TxManager::new(rpc.parse().unwrap(), self.wallet.clone(), store, config).await.unwrap()
    }

    /// The wallet's mined transaction count.
    async fn nonce(&self) -> u64 {
        self.provider().get_transaction_count(self.wallet.address()).latest().await.unwrap()
    }

    async fn balance(&self, who: Address) -> U256 {
        MasaToken::new(self.masa, self.provider()).balanceOf(who).call().await.unwrap()
    }

    /// A transfer of `n` wei of MASA to `to`, as the manager sends it.
    fn transfer(&self, to: Address, n: u64) -> (Call, Address, Bytes) {
        let data = MasaToken::transferCall { to, value: U256::from(n) }.abi_encode();
        (Call::new(Contract::MasaToken, "transfer"), self.masa, data.into())
    }
}

#[tokio::test]
async fn one_transaction_per_key_however_often_and_concurrently_it_is_sent() {
    let world = World::new().await;
    let postgres = Postgres::start().unwrap();
    let stores = [("sqlite", world.sqlite("node.db")), ("postgres", postgres.database("tx_once").unwrap())];
    let recipient = Address::repeat_byte(0x42);
    let mut expected = U256::ZERO;
    for (i, (backend, url)) in stores.iter().enumerate() {
        let manager = world.manager(&world.chain.endpoint(), url, config()).await;
        let before = world.nonce().await;
        let key = format!("transfer:{backend}");
        let amount = 1_000 + i as u64;
        let (call, to, data) = world.transfer(recipient, amount);

        // two concurrent sends of the key: one signs, the other finds it done
        let (a, b) = tokio::join!(
            manager.send(&key, call, to, data.clone()),
            manager.send(&key, call, to, data.clone())
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.tx_hash, b.tx_hash, "{backend}");
        assert_eq!(
            [a.already_done, b.already_done].iter().filter(|done| !**done).count(),
            1,
            "{backend}: {a:?} {b:?}"
        );
        let first = if a.already_done { b } else { a };
        // (a second attempt is a re-signing after anvil answered "nonce too low" under load: still
        // one transaction, at the wallet's next nonce)
        assert_eq!(first.nonce, before, "{backend}: {first:?}");
        let receipt = world.provider().get_transaction_receipt(first.tx_hash).await.unwrap().unwrap();
        assert!(receipt.status());
        assert_eq!((receipt.block_number, receipt.gas_used), (Some(first.block_number), first.gas_used));

        // once more, and from a new manager on the same store (a restarted node): nothing sent
        let again = manager.send(&key, call, to, data.clone()).await.unwrap();
        assert!(again.already_done);
        assert_eq!(again.tx_hash, first.tx_hash);
        drop(manager);
        let restarted = world.manager(&world.chain.endpoint(), url, config()).await;
        assert!(restarted.resume().await.unwrap().is_empty());
        // a key's transaction stands for its purpose, whatever the data of a later send
        let (_, _, other) = world.transfer(recipient, 5);
        let later = restarted.send(&key, call, to, other).await.unwrap();
        assert_eq!((later.tx_hash, later.already_done), (first.tx_hash, true));

        assert_eq!(world.nonce().await, before + 1, "{backend}: exactly one transaction");
        expected += U256::from(amount);
        assert_eq!(world.balance(recipient).await, expected);
        let store = Store::connect(url).await.unwrap();
        let entry = store.outbox_entry(&key).await.unwrap().unwrap();
        assert_eq!(
            (entry.state, entry.tx_hash, entry.call.as_str()),
            (OutboxState::Mined, Some(first.tx_hash), "MasaToken.transfer")
        );
        assert_eq!(store.outbox_attempts(&key).await.unwrap().len(), first.attempts as usize);
        assert_eq!(restarted.counters().sent.load(Ordering::Relaxed), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_after_broadcast_is_finished_by_resume_with_one_transaction() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    let endpoint = world.chain.endpoint();
    let recipient = Address::repeat_byte(0x43);
    let before = world.nonce().await;

    // the node signs, records and broadcasts, and dies before the receipt: anvil mines nothing
    world.provider().anvil_set_auto_mine(false).await.unwrap();
    let killed = world.manager(&endpoint, &url, config()).await;
    let (call, to, data) = world.transfer(recipient, 7);
    let sending = tokio::spawn({
        let killed = killed.clone();
        async move { killed.send("transfer:killed", call, to, data).await }
    });
    let store = Store::connect(&url).await.unwrap();
    let attempt = wait_for("the signed transaction in anvil's pool", Duration::from_secs(30), || async {
        let attempt = store.outbox_attempts("transfer:killed").await.unwrap().pop()?;
        world.provider().get_transaction_by_hash(attempt.tx_hash).await.unwrap().map(|_| attempt)
    })
    .await;
    sending.abort();
    assert!(sending.await.unwrap_err().is_cancelled());
    drop(killed);
    // and the node forgets it (a restart of the node, an eviction): only the outbox has it
    assert_eq!(
        world.provider().anvil_drop_transaction(attempt.tx_hash).await.unwrap(),
        Some(attempt.tx_hash)
    );
    world.provider().anvil_set_auto_mine(true).await.unwrap();
    assert_eq!(world.nonce().await, before);

    // the restarted node rebroadcasts the recorded bytes and tracks them to their receipt
    let restarted = world.manager(&endpoint, &url, config()).await;
    let resumed = restarted.resume().await.unwrap();
    assert_eq!(resumed.len(), 1);
    let (key, sent) = &resumed[0];
    let sent = sent.as_ref().unwrap();
    assert_eq!(
        (key.as_str(), sent.tx_hash, sent.nonce, sent.attempts),
        ("transfer:killed", attempt.tx_hash, before, 1)
    );
    assert!(sent.already_done);
    assert_eq!(world.nonce().await, before + 1, "exactly one transaction");
    assert_eq!(world.balance(recipient).await, U256::from(7));
    // resuming again, or sending the key again, sends nothing
    assert!(restarted.resume().await.unwrap().is_empty());
    let again = restarted.send("transfer:killed", call, to, world.transfer(recipient, 7).2).await.unwrap();
    assert_eq!((again.tx_hash, again.already_done), (attempt.tx_hash, true));

    // killed again, and this time the chain mines the transaction while no node runs
    world.provider().anvil_set_auto_mine(false).await.unwrap();
    let killed = world.manager(&endpoint, &url, config()).await;
    let (call, to, data) = world.transfer(recipient, 11);
    let sending = tokio::spawn({
        let killed = killed.clone();
        async move { killed.send("transfer:mined-while-down", call, to, data).await }
    });
    let attempt = wait_for("the second transaction in anvil's pool", Duration::from_secs(30), || async {
        let attempt = store.outbox_attempts("transfer:mined-while-down").await.unwrap().pop()?;
        world.provider().get_transaction_by_hash(attempt.tx_hash).await.unwrap().map(|_| attempt)
    })
    .await;
    sending.abort();
    let _ = sending.await;
    drop(killed);
    world.provider().anvil_mine(Some(1), None).await.unwrap();
    world.provider().anvil_set_auto_mine(true).await.unwrap();
    let restarted = world.manager(&endpoint, &url, config()).await;
    let resumed = restarted.resume().await.unwrap();
    let sent = resumed[0].1.as_ref().unwrap();
    assert_eq!((sent.tx_hash, sent.nonce), (attempt.tx_hash, before + 1));
    assert_eq!(world.nonce().await, before + 2, "one transaction per key");
    assert_eq!(world.balance(recipient).await, U256::from(18));
    assert!(store.outbox_pending().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_transaction_is_replaced_with_the_same_nonce_and_higher_fees() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    let recipient = Address::repeat_byte(0x44);
    let before = world.nonce().await;
    let config = TxConfig { replace_after: Duration::from_secs(1), ..config() };
    let manager = world.manager(&world.chain.endpoint(), &url, config).await;

    // nothing is mined: the first transaction is stuck, the manager replaces it
    world.provider().anvil_set_auto_mine(false).await.unwrap();
    let (call, to, data) = world.transfer(recipient, 3);
    let sending = tokio::spawn({
        let manager = manager.clone();
        async move { manager.send("transfer:stuck", call, to, data).await }
    });
    let store = Store::connect(&url).await.unwrap();
    let replacement = wait_for("a replacement", Duration::from_secs(30), || async {
        let attempts = store.outbox_attempts("transfer:stuck").await.unwrap();
        let replacement = attempts.get(1)?.clone();
        // in anvil's pool, in place of the first
        world.provider().get_transaction_by_hash(replacement.tx_hash).await.unwrap().map(|_| replacement)
    })
    .await;
    world.provider().anvil_mine(Some(1), None).await.unwrap();
    world.provider().anvil_set_auto_mine(true).await.unwrap();
    let sent = sending.await.unwrap().unwrap();

    let attempts = store.outbox_attempts("transfer:stuck").await.unwrap();
    assert!(attempts.len() >= 2, "{attempts:?}");
    let (first, second) = (&attempts[0], &attempts[1]);
    assert_eq!(second.tx_hash, replacement.tx_hash);
    assert!(attempts.iter().all(|a| a.nonce == before), "one nonce for every attempt");
    assert!(second.max_fee_per_gas * 8 >= first.max_fee_per_gas * 9, "{first:?} {second:?}");
    assert!(second.max_priority_fee_per_gas * 8 >= first.max_priority_fee_per_gas * 9);
    // the attempt in the pool when the block was mined is the key's transaction
    assert!(attempts.iter().any(|a| a.tx_hash == sent.tx_hash));
    assert_eq!((sent.nonce, sent.attempts as usize, sent.already_done), (before, attempts.len(), false));
    assert!(
        world.provider().get_transaction_receipt(first.tx_hash).await.unwrap().is_none(),
        "replaced, not mined"
    );
    assert_eq!(world.nonce().await, before + 1);
    assert_eq!(world.balance(recipient).await, U256::from(3));
    assert!(manager.counters().replaced.load(Ordering::Relaxed) >= 1);
    let entry = store.outbox_entry("transfer:stuck").await.unwrap().unwrap();
    assert_eq!((entry.state, entry.tx_hash), (OutboxState::Mined, Some(sent.tx_hash)));
}

#[tokio::test]
async fn a_nonce_another_sender_of_the_wallet_took_is_resynchronised_and_the_call_re_signed() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    let recipient = Address::repeat_byte(0x46);
    let manager = world.manager(&world.chain.endpoint(), &url, config()).await;
    let before = world.nonce().await;
    let (call, to, data) = world.transfer(recipient, 1);
    let first = manager.send("transfer:a", call, to, data).await.unwrap();
    assert_eq!(first.nonce, before);

    // the operator sends from the same wallet with another client (the nonce counter is stale)
    let other = MasaToken::new(
        world.masa,
        signing_provider(world.chain.endpoint().parse().unwrap(), world.wallet.clone()),
    );
    other.transfer(recipient, U256::from(2)).send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(world.nonce().await, before + 2);

    // the manager's next transaction gets "nonce too low": it is pre-flighted and signed again
    // with the chain's nonce, and recorded as the key's second attempt
    let (call, to, data) = world.transfer(recipient, 4);
    let second = manager.send("transfer:b", call, to, data).await.unwrap();
    assert_eq!((second.nonce, second.attempts, second.already_done), (before + 2, 2, false));
    let store = Store::connect(&url).await.unwrap();
    let attempts = store.outbox_attempts("transfer:b").await.unwrap();
    assert_eq!(attempts.iter().map(|a| a.nonce).collect::<Vec<_>>(), vec![before + 1, before + 2]);
    assert!(world.provider().get_transaction_receipt(attempts[0].tx_hash).await.unwrap().is_none());
    assert_eq!(world.nonce().await, before + 3, "one transaction per key, and the other client's");
    assert_eq!(world.balance(recipient).await, U256::from(7));
    assert_eq!(manager.counters().resigned.load(Ordering::Relaxed), 1);
    // and the counter goes on from there
    let (call, to, data) = world.transfer(recipient, 8);
    let third = manager.send("transfer:c", call, to, data).await.unwrap();
    assert_eq!((third.nonce, third.attempts), (before + 3, 1));
}

#[tokio::test]
async fn a_call_the_preflight_refuses_is_not_sent_and_its_error_is_named() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    // an open request: refunding it reverts with OracleRequests__StillOpen(requestId, deadline)
    let consumer = OracleClient::new(
        signing_provider(world.chain.endpoint().parse().unwrap(), world.wallet.clone()),
        &world.suite.manifest,
        world.wallet.clone(),
    )
    .unwrap();
    let posted =
        consumer.post(&RequestSpec::new("web:v1", "https://example.org", MASA, 1, 600)).await.unwrap();
    let requests = world.suite.manifest.address_of(Contract::OracleRequests).unwrap();
    let refund: Bytes = OracleRequests::refundCall { requestId: posted.request }.abi_encode().into();
    let call = Call::new(Contract::OracleRequests, "refund");

    let manager = world.manager(&world.chain.endpoint(), &url, config()).await;
    let before = world.nonce().await;
    let err = manager.send("refund:1", call, requests, refund.clone()).await.unwrap_err();
    let TxError::Preflight { check: Check::Revm { .. }, reason, .. } = &err else { panic!("{err}") };
    assert!(reason.is("OracleRequests__StillOpen"), "{err}");
    assert!(!err.is_transient());
    let text = err.to_string();
    assert!(
        text.starts_with("OracleRequests.refund (refund:1) refused by the revm pre-flight at block ")
            && text.ends_with(&format!(
                "OracleRequests__StillOpen(requestId {}, deadline {})",
                posted.request, posted.deadline
            )),
        "{text}"
    );
    assert_eq!(world.nonce().await, before, "nothing sent");
    let store = Store::connect(&url).await.unwrap();
    assert!(store.outbox_entry("refund:1").await.unwrap().is_none(), "nothing signed");
    assert_eq!(manager.counters().preflight_refused.load(Ordering::Relaxed), 1);
    assert_eq!(manager.counters().sent.load(Ordering::Relaxed), 0);

    // past the deadline the same call passes the pre-flight (over the new block) and is sent
    world.provider().anvil_increase_time(601).await.unwrap();
    world.provider().evm_mine(None).await.unwrap();
    let sent = manager.send("refund:1", call, requests, refund).await.unwrap();
    assert!(!sent.already_done);
    assert_eq!(world.nonce().await, before + 1);
    let receipt = world.provider().get_transaction_receipt(sent.tx_hash).await.unwrap().unwrap();
    assert!(receipt.status());
}

#[tokio::test]
async fn a_call_the_node_s_gas_estimate_refuses_is_not_sent_and_labelled_so() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    let manager = world.manager(&world.chain.endpoint(), &url, config()).await;
    let before = world.nonce().await;
    let all = world.balance(world.wallet.address()).await;

    // another client of the wallet sends its whole MASA balance away; nothing is mined, so the
    // latest block (the pre-flight's) still holds the balance and the node's pending state
    // (its gas estimate's) does not
    world.provider().anvil_set_auto_mine(false).await.unwrap();
    let other = MasaToken::new(
        world.masa,
        signing_provider(world.chain.endpoint().parse().unwrap(), world.wallet.clone()),
    );
    let pending = other.transfer(Address::repeat_byte(0x48), all).send().await.unwrap();
    let data = MasaToken::transferCall { to: Address::repeat_byte(0x47), value: all }.abi_encode();
    let call = Call::new(Contract::MasaToken, "transfer");
    let err = manager.send("transfer:all", call, world.masa, data.into()).await.unwrap_err();

    let TxError::Preflight { check: Check::GasEstimate, reason, .. } = &err else { panic!("{err}") };
    assert!(reason.is("ERC20InsufficientBalance"), "{err}");
    assert!(!err.is_transient());
    let text = err.to_string();
    assert!(
        text.starts_with(
            "MasaToken.transfer (transfer:all) refused by the node's gas estimate (eth_estimateGas, pending state): \
             ERC20InsufficientBalance("
        ) && !text.contains("revm"),
        "{text}"
    );
    assert_eq!(manager.counters().preflight_refused.load(Ordering::Relaxed), 1);
    assert_eq!(manager.counters().sent.load(Ordering::Relaxed), 0);
    let store = Store::connect(&url).await.unwrap();
    assert!(store.outbox_entry("transfer:all").await.unwrap().is_none(), "nothing signed");

    world.provider().anvil_mine(Some(1), None).await.unwrap();
    world.provider().anvil_set_auto_mine(true).await.unwrap();
    assert!(pending.get_receipt().await.unwrap().status());
    assert_eq!(world.nonce().await, before + 1, "only the other client's transaction");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_flaky_endpoint_each_key_is_sent_exactly_once() {
    let world = World::new().await;
    let url = world.sqlite("node.db");
    let endpoint: url::Url = world.chain.endpoint().parse().unwrap();
    let upstream = SocketAddr::from(([127, 0, 0, 1], endpoint.port().unwrap()));
    // a fifth of the requests refused (429), dropped or cut short, some more delayed
    let proxy = FlakyRpc::start(upstream, 20, 11).await.unwrap();
    let manager = world.manager(&proxy.url(), &url, config()).await;
    let recipient = Address::repeat_byte(0x45);
    let before = world.nonce().await;

    // three keys at once, then three one after the other
    let amounts: Vec<u64> = (1..=6).map(|i| 100 * i).collect();
    let send = |i: usize| {
        let (call, to, data) = world.transfer(recipient, amounts[i]);
        let manager = manager.clone();
        async move { manager.send(&format!("transfer:{i}"), call, to, data).await }
    };
    let concurrent = futures::future::join_all((0..3).map(send)).await;
    let mut sent: Vec<_> = concurrent.into_iter().map(Result::unwrap).collect();
    for i in 3..6 {
        sent.push(send(i).await.unwrap());
    }
    assert!(sent.iter().all(|s| !s.already_done));
    // each again, through the same faults: all done already
    for (i, first) in sent.iter().enumerate() {
        let again = send(i).await.unwrap();
        assert_eq!((again.tx_hash, again.already_done), (first.tx_hash, true));
    }

    assert_eq!(world.nonce().await, before + 6, "exactly one transaction per key");
    let mut nonces: Vec<u64> = sent.iter().map(|s| s.nonce).collect();
    nonces.sort_unstable();
    assert_eq!(nonces, (before..before + 6).collect::<Vec<_>>());
    assert_eq!(world.balance(recipient).await, U256::from(amounts.iter().sum::<u64>()));
    assert!(proxy.counts.faults() > 0, "the proxy failed requests");
    assert!(manager.counters().retried.load(Ordering::Relaxed) > 0, "and the manager retried them");
    assert_eq!(manager.counters().sent.load(Ordering::Relaxed), 6);
}
