//! Data pools against a real anvil with real delivery proofs, on SQLite and PostgreSQL: a
//! developer creates and funds a pool (and a second one), two people stake their zkSBT records
//! (one anonymously through a relayer, one directly) with Groth16 proofs of the delivery circuit,
//! claim, and leave; the developer tops up, extends, ends early and takes back the rest. A reorg
//! over a stake and a claim rewinds them, and the same stake sent again lands. The index's pools,
//! stakes, rewards and deliveries (as tables and over HTTP) equal the chain's views and logs, the
//! developer opens every delivery the API serves into the stakers' records, and the whole index
//! equals a fresh one. An index from before migration 0009 derives the pool tables from the pool
//! events it already holds.

use crate::support::{
    Api, Backend, Env, account, assert_backlog_derives, assert_equals_fresh_index, confirm, delivery_prover,
};
use alloy::{
    primitives::{Address, B256, U256},
    providers::{DynProvider, Provider, ext::AnvilApi},
    rpc::types::{Filter, anvil::ReorgOptions},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract, MASA,
    contracts::{
        DataPools, MasaToken, ZkSBT,
        pools::{IDataPools, IZkSBT},
    },
};
use masa_indexer::store::{PoolFilter, Store};
use masa_prover::{
    DeliveryRequest, Prover,
    delivery::DeliverySecretKey,
    record::Record,
    statement::{Mode, Operator, Statement},
};
use masa_sdk::{
    indexer::IndexerClient,
    pools::{Deliveries, PoolsClient, open, stake_args},
    tx::signing_provider,
    zksbt::{RecordDraft, ZkSbtClient},
};
use masa_test_harness::Chain;
use serde_json::Value;

/// The schema of the records staked (registered by the anvil deployment).
const SCHEMA: u64 = 1;
/// The field a staker proves about, and the least value the pool accepts.
const FIELD: u8 = 1;
const MIN: u64 = 700;
/// Seconds the main pool runs, as created.
const DURATION: u64 = 2_000;

/// A staker: a wallet, its minted record and the client that minted it.
struct Staker {
    signer: PrivateKeySigner,
    client: ZkSbtClient<DynProvider>,
    record: Record,
    token: U256,
    tree_id: u32,
    leaf_index: usize,
}

/// The suite, the pools contract, the developer and two stakers with a record each.
struct World {
    env: Env,
    pools: Address,
    developer: PrivateKeySigner,
    relayer: Address,
    key: DeliverySecretKey,
    alice: Staker,
    bob: Staker,
    prover: Prover,
}

impl World {
    /// Deploys the suite; gives the developer, alice and bob MASA; alice and bob mint a record
    /// each (field 1: 742 and 815).
    async fn new() -> Self {
        let env = Env::deployed().await;
        let pools = env.manifest.address_of(Contract::DataPools).unwrap();
        let signers = env.chain.accounts().to_vec();
        let token = MasaToken::new(env.masa(), &env.provider);
        for i in [5, 6] {
            confirm(token.transfer(signers[i].address(), MASA * U256::from(10_000))).await;
        }
        let mut stakers = Vec::new();
        for (i, score) in [(5, 742), (6, 815)] {
            let signer = signers[i].clone();
            let (record, _) =
                RecordDraft::new(&signer, U256::from(SCHEMA), &[1_700_000_000, score, 3]).unwrap();
            let provider = signing_provider(env.chain.endpoint().parse().unwrap(), signer.clone());
            let client = ZkSbtClient::new(provider, &env.manifest, signer.clone()).unwrap();
            let minted = client.mint(record.clone(), None).await.unwrap();
            stakers.push(Staker {
                signer,
                client,
                record,
                token: minted.token,
                tree_id: minted.tree_id.to(),
                leaf_index: minted.leaf_index.to(),
            });
        }
        let [alice, bob] = <[Staker; 2]>::try_from(stakers).ok().unwrap();
        Self {
            pools,
            developer: signers[7].clone(),
            relayer: signers[8].address(),
            key: DeliverySecretKey::generate(),
            alice,
            bob,
            prover: delivery_prover(),
            env,
        }
    }

    fn as_account(&self, who: Address) -> DynProvider {
        let i = self.env.chain.accounts().iter().position(|s| s.address() == who).unwrap();
        account(&self.env.chain, i).erased()
    }

    fn pools_as(&self, who: Address) -> DataPools::DataPoolsInstance<DynProvider> {
        DataPools::new(self.pools, self.as_account(who))
    }

    async fn now(&self) -> u64 {
        self.env.chain.timestamp().await.unwrap()
    }

    async fn advance(&self, seconds: u64) {
        self.env.provider.anvil_increase_time(seconds).await.unwrap();
        self.env.provider.evm_mine(None).await.unwrap();
    }

    /// The developer creates a pool funded with `budget` MASA (fee included), starting in 5 s.
    async fn create(&self, budget: u64, duration: u64, max_stakers: u32) -> U256 {
        let developer =
            self.env.chain.accounts().iter().position(|s| s.address() == self.developer.address());
        let key = self.key.public_key().to_words();
        self.env.create_pool(developer.unwrap(), key, budget, duration, max_stakers).await
    }

    /// `stake`'s arguments for `who`'s record in `pool`: a delivery proof, anonymous (against
    /// the record's tree) or direct, rewards to `who`.
    async fn prove(
        &mut self,
        pool: U256,
        who: Who,
        mode: Mode,
    ) -> (IZkSBT::Disclosure, IDataPools::Delivery) {
        let contract = DataPools::new(self.pools, &self.env.provider);
        let scope = contract.scopeOf(pool).call().await.unwrap();
        let purpose = contract.purposeOf(pool).call().await.unwrap();
        let staker = match who {
            Who::Alice => &self.alice,
            Who::Bob => &self.bob,
        };
        let recipient = staker.signer.address();
        let sbt = ZkSBT::new(self.env.manifest.address_of(Contract::ZkSBT).unwrap(), &self.env.provider);
        let message_hash = sbt.messageHashOf(recipient, B256::ZERO).call().await.unwrap();
        let statement = Statement {
            mode,
            field_index: FIELD,
            operator: Operator::Ge,
            operand_a: MIN,
            operand_b: 0,
            scope,
            message_hash,
            valid_until: self.now().await + 86_400,
            issuers: None,
        };
        let membership = match mode {
            Mode::Direct => None,
            Mode::Anonymous => {
                let tree = staker.client.tree(staker.tree_id).await.unwrap();
                Some(tree.tree.proof(staker.leaf_index).unwrap())
            }
        };
        let request = DeliveryRequest { key: self.key.public_key(), nonce: 1 };
        let (proof, _) =
            self.prover.prove_delivery(&staker.record, &statement, membership.as_ref(), &request).unwrap();
        let token = if mode == Mode::Direct { staker.token } else { U256::ZERO };
        stake_args(&proof, token, purpose, recipient, B256::ZERO)
    }

    async fn balance(&self, who: Address) -> U256 {
        MasaToken::new(self.env.masa(), &self.env.provider).balanceOf(who).call().await.unwrap()
    }
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Alice,
    Bob,
}

/// The index's pools, stakes and wallet rewards equal the chain's views at `head`.
async fn assert_pools_match_chain(world: &World, store: &Store, head: u64) {
    let contract = DataPools::new(world.pools, &world.env.provider);
    let block = head.into();
    let count: u64 = contract.poolCount().block(block).call().await.unwrap().to();
    let page = store.pools(&PoolFilter { limit: 1_000, ..Default::default() }).await.unwrap();
    assert_eq!(page.pools.len() as u64, count, "pools");
    let mut held = U256::ZERO;
    for indexed in &page.pools {
        let id = U256::from(indexed.pool_id);
        let p = contract.pool(id).block(block).call().await.unwrap();
        let at = format!("pool {id}");
        assert_eq!(indexed.developer, p.developer.to_checksum(None), "{at}");
        assert_eq!((indexed.start, indexed.end), (p.start as i64, p.end as i64), "{at}: schedule");
        assert_eq!(indexed.max_stakers, i64::from(p.maxStakers), "{at}");
        assert_eq!(indexed.metadata_uri, p.metadataURI, "{at}");
        assert_eq!(indexed.delivery_key, [p.deliveryKeyX.to_string(), p.deliveryKeyY.to_string()], "{at}");
        let s = &indexed.statement;
        assert_eq!(
            (&s.schema_id, &s.issuer_set, s.field_index, s.operator, &s.operand_a, &s.operand_b),
            (
                &p.statement.schemaId.to_string(),
                &p.statement.issuerSet.to_string(),
                i64::from(p.statement.fieldIndex),
                i64::from(p.statement.operator),
                &p.statement.operandA.to_string(),
                &p.statement.operandB.to_string()
            ),
            "{at}: statement"
        );
        assert_eq!(
            [&indexed.funded, &indexed.paid, &indexed.refunded, &indexed.fees],
            [p.funded, p.paid, p.refunded, p.fees].map(|v| v.to_string()).each_ref(),
            "{at}: funded, paid, refunded, fees"
        );
        assert_eq!((indexed.stakers, indexed.stakes), (i64::from(p.stakers), p.totalStakes as i64), "{at}");
        assert_eq!(indexed.deliveries, indexed.stakes, "{at}: one delivery per stake");
        held += indexed.held.parse::<U256>().unwrap();
        let mut stakes = Vec::new();
        let mut after = None;
        loop {
            let page = store.stakes(indexed.pool_id, None, after, 1).await.unwrap();
            stakes.extend(page.stakes.iter().cloned());
            match page.next_cursor {
                Some(c) => {
                    let (b, l) = c.split_once('-').unwrap();
                    after = Some((b.parse().unwrap(), l.parse().unwrap()));
                }
                None => break,
            }
        }
        assert_eq!(stakes.len() as i64, indexed.stakes, "{at}: every stake once");
        for stake in &stakes {
            let nullifier: U256 = stake.nullifier.parse().unwrap();
            let s = contract.stakeOf(id, nullifier).block(block).call().await.unwrap();
            assert_eq!(stake.recipient, s.recipient.to_checksum(None), "{at}: recipient");
            assert_eq!(stake.staked_time, s.stakedAt.to::<i64>(), "{at}: staked at");
            assert_eq!(stake.unstaked_time.unwrap_or(0), s.unstakedAt.to::<i64>(), "{at}: unstaked at");
        }
    }
    let balance = MasaToken::new(world.env.masa(), &world.env.provider)
        .balanceOf(world.pools)
        .block(block)
        .call()
        .await
        .unwrap();
    assert_eq!(held, balance, "the pools hold what the index says they hold");
}

/// The `Delivered` logs of the chain up to `head`.
async fn delivered_logs(world: &World, head: u64) -> Vec<alloy::rpc::types::Log> {
    let filter = Filter::new()
        .address(world.pools)
        .event_signature(DataPools::Delivered::SIGNATURE_HASH)
        .from_block(0)
        .to_block(head);
    world.env.provider.get_logs(&filter).await.unwrap()
}

/// What the developer downloads from the API (`masa pool data`): every delivery of `pool` in
/// chain order, equal to the chain's `Delivered` logs, each opening into a staker's record.
async fn assert_deliveries_open(world: &World, api: &Api, pool: U256, head: u64) {
    let served = api.all(&format!("/v1/pools/{pool}/deliveries"), "", "deliveries", 1).await;
    let logs: Vec<_> =
        delivered_logs(world, head).await.into_iter().filter(|l| l.topics()[1] == B256::from(pool)).collect();
    assert_eq!(served.len(), logs.len(), "one delivery per Delivered log");
    assert!(!served.is_empty());
    let words = |v: &Value| -> Vec<U256> {
        v.as_array().unwrap().iter().map(|w| w.as_str().unwrap().parse().unwrap()).collect()
    };
    let records = [&world.alice, &world.bob].map(|s| s.record.values.map(U256::from));
    for (d, log) in served.iter().zip(&logs) {
        assert_eq!(d["block_number"].as_u64(), log.block_number);
        assert_eq!(d["log_index"].as_u64(), log.log_index);
        assert_eq!(d["tx_hash"].as_str().unwrap(), log.transaction_hash.unwrap().to_string());
        let emitted = DataPools::Delivered::decode_log(&log.inner).unwrap().data;
        assert_eq!(d["nullifier"].as_str().unwrap(), emitted.nullifier.to_string());
        let delivery = IDataPools::Delivery {
            ephemeralKey: words(&d["ephemeral_key"]).try_into().unwrap(),
            nonce: d["nonce"].as_str().unwrap().parse().unwrap(),
            ciphertext: words(&d["ciphertext"]).try_into().unwrap(),
        };
        assert_eq!(delivery, emitted.delivery, "the delivery as emitted");
        let values = open(&world.key, &delivery).unwrap();
        assert!(records.contains(&values), "a staker's record: {values:?}");
    }
}

/// `masa pool data --indexer`: the deliveries and stakes read from the chain where the index
/// points equal the full scan of the chain's logs; an index pointing at a transaction that
/// delivered nothing adds nothing, and one naming a transaction the chain lacks is an error.
async fn assert_located_through_the_index(world: &World, api: &Api, pool: U256) {
    let client =
        PoolsClient::new(world.env.provider.clone(), &world.env.manifest, world.developer.clone()).unwrap();
    let scanned = client.deliveries(pool, |_| {}).await.unwrap();
    let mut reads = 0;
    let located = client
        .deliveries_located(pool, &IndexerClient::new(&api.base).unwrap(), |_| reads += 1)
        .await
        .unwrap();
    assert_eq!(located, scanned, "the same deliveries and stakes as a scan of the chain");
    assert_eq!((located.deliveries.len(), located.stakes.len()), (2, 2));
    assert!(located.stakes.values().all(|s| s.unstaked_block.is_some()), "{located:?}");
    assert_eq!(reads, 4, "one receipt per delivery and one block per exit");

    // a lying index: its pages name the pool's creation and a transaction that never was
    let filter = Filter::new()
        .address(world.pools)
        .event_signature(DataPools::PoolCreated::SIGNATURE_HASH)
        .from_block(0);
    let creation = world.env.provider.get_logs(&filter).await.unwrap()[0].transaction_hash.unwrap();
    for (tx_hash, ok) in [(creation, true), (B256::repeat_byte(0xab), false)] {
        let page = serde_json::json!({
            "deliveries": [{ "tx_hash": tx_hash, "block_number": 1, "ciphertext": ["1"] }],
            "next_cursor": null,
        });
        let stakes = serde_json::json!({ "stakes": [], "next_cursor": null });
        let app = axum::Router::new()
            .route("/v1/pools/{id}/deliveries", axum::routing::get(move || async move { axum::Json(page) }))
            .route("/v1/pools/{id}/stakes", axum::routing::get(move || async move { axum::Json(stakes) }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let result = client.deliveries_located(pool, &IndexerClient::new(&base).unwrap(), |_| {}).await;
        match (ok, result) {
            (true, Ok(found)) => assert_eq!(found, Deliveries::default(), "nothing was delivered there"),
            (false, Err(e)) => assert!(e.to_string().contains("the chain has no transaction"), "{e}"),
            (_, other) => panic!("{tx_hash}: {other:?}"),
        }
    }
}

async fn lifecycle(backend: Backend) {
    let mut world = World::new().await;
    let (alice, bob) = (world.alice.signer.address(), world.bob.signer.address());
    let developer = world.developer.address();
    let store = backend.store("pools").await;
    let mut indexer = world.env.indexer(store.clone());

    // two pools: the main one, and one capped at a single staker that is never staked in
    let pool = world.create(1_000, DURATION, 0).await;
    let other = world.create(10, 500, 1).await;
    world.advance(5).await;
    let alice_before = world.balance(alice).await;
    let bob_before = world.balance(bob).await;

    // alice stakes anonymously, relayed: the rewards are still hers
    let (d, delivery) = world.prove(pool, Who::Alice, Mode::Anonymous).await;
    let alice_nullifier = d.nullifier;
    confirm(world.pools_as(world.relayer).stake(pool, d, delivery)).await;
    indexer.sync_to(world.env.head().await).await.unwrap();
    assert_eq!(store.pool(pool.to()).await.unwrap().unwrap().stakers, 1);

    // bob stakes directly and alice claims; a reorg then replaces both blocks
    world.advance(100).await;
    let (e, delivery) = world.prove(pool, Who::Bob, Mode::Direct).await;
    let bob_nullifier = e.nullifier;
    let bob_pools = world.pools_as(bob);
    let bob_stake = bob_pools.stake(pool, e.clone(), delivery.clone());
    let staked = confirm(bob_stake).await.block_number.unwrap();
    confirm(world.pools_as(alice).claim(pool, alice_nullifier)).await;
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    let before = store.pool(pool.to()).await.unwrap().unwrap();
    assert_eq!((before.stakers, before.deliveries, before.claims), (2, 2, 1), "{before:?}");
    assert!(store.wallet(&alice.to_checksum(None)).await.unwrap().unwrap().pool_rewards != "0");
    let depth = head - staked + 1;
    assert!(depth <= 10, "the reorg stays inside the window: {depth}");
    world.env.provider.anvil_reorg(ReorgOptions { depth, tx_block_pairs: vec![] }).await.unwrap();
    let head = world.env.head().await;
    let report = indexer.sync_to(head).await.unwrap();
    assert_eq!(report.reorgs, 1, "{report:?}");
    let after = store.pool(pool.to()).await.unwrap().unwrap();
    assert_eq!((after.stakers, after.stakes, after.deliveries, after.claims), (1, 1, 1, 0), "{after:?}");
    assert_eq!(after.paid, "0");
    let page = store.stakes(pool.to(), None, None, 10).await.unwrap();
    assert_eq!(page.stakes.len(), 1);
    assert_eq!(page.stakes[0].nullifier, alice_nullifier.to_string());
    assert_eq!(store.wallet(&alice.to_checksum(None)).await.unwrap().unwrap().pool_rewards, "0");
    assert_pools_match_chain(&world, &store, head).await;
    assert_equals_fresh_index(&world.env, &backend, &store, head).await;

    // the same stake sent again lands (its nullifier was never used on this chain)
    confirm(world.pools_as(bob).stake(pool, e, delivery)).await;
    world.advance(200).await;
    confirm(world.pools_as(alice).claim(pool, alice_nullifier)).await;
    // the developer tops up and extends; alice leaves; the developer ends the pool early
    let top_up = MASA * U256::from(100);
    let from_deployer = MasaToken::new(world.env.masa(), &world.env.provider);
    confirm(from_deployer.transfer(developer, top_up)).await;
    let token = MasaToken::new(world.env.masa(), world.as_account(developer));
    confirm(token.approve(world.pools, MASA * U256::from(100))).await;
    confirm(world.pools_as(developer).topUp(pool, MASA * U256::from(100))).await;
    let end = world.pools_as(developer).pool(pool).call().await.unwrap().end;
    confirm(world.pools_as(developer).extend(pool, end + 600)).await;
    world.advance(300).await;
    confirm(world.pools_as(alice).unstake(pool, alice_nullifier)).await;
    world.advance(100).await;
    confirm(world.pools_as(developer).end(pool)).await;
    // bob claims after the end, then leaves last; the developer takes back the dust, if any
    confirm(world.pools_as(bob).claim(pool, bob_nullifier)).await;
    confirm(world.pools_as(bob).unstake(pool, bob_nullifier)).await;
    if world.pools_as(developer).refundable(pool).call().await.unwrap() > U256::ZERO {
        confirm(world.pools_as(developer).refund(pool)).await;
    }
    let head = world.env.head().await;
    indexer.sync_to(head).await.unwrap();
    world.env.assert_matches_chain(&store, head).await;
    assert_pools_match_chain(&world, &store, head).await;

    // the pool as the index tells it
    let p = store.pool(pool.to()).await.unwrap().unwrap();
    assert!(p.ended_early && p.extended_by == 600 && p.extensions == 1 && p.top_ups == 1, "{p:?}");
    assert_eq!((p.stakers, p.stakes, p.unstakes, p.deliveries), (0, 2, 2, 2), "{p:?}");
    assert!(p.refunds >= 1, "ending early refunds the unstreamed budget: {p:?}");
    let wei = |text: &str| text.parse::<U256>().unwrap();
    assert_eq!(wei(&p.paid) + wei(&p.refunded), wei(&p.funded), "paid + refunded = funded, to the wei");
    assert_eq!(p.held, "0");
    // what each staker's data earned: exactly what reached their wallets
    let wallet = |who: Address| {
        let store = store.clone();
        async move { store.wallet(&who.to_checksum(None)).await.unwrap().unwrap() }
    };
    let (a, b) = (wallet(alice).await, wallet(bob).await);
    assert_eq!(wei(&a.pool_rewards), world.balance(alice).await - alice_before);
    assert_eq!(wei(&b.pool_rewards), world.balance(bob).await - bob_before);
    assert_eq!((a.pool_stakes, a.pools.len(), a.pools[0].pool_id, a.pools[0].claims), (1, 1, pool.to(), 2));
    assert_eq!(wei(&a.pool_rewards) + wei(&b.pool_rewards), wei(&p.paid));
    let d = wallet(developer).await;
    assert_eq!((d.pools_created, d.pool_refunds.as_str()), (2, p.refunded.as_str()));

    // the HTTP API over the same index
    let api = Api::serve(&store).await;
    let listed = api.all("/v1/pools", "", "pools", 1).await;
    assert_eq!(listed.iter().map(|p| p["pool_id"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2]);
    let (status, one) = api.get(&format!("/v1/pools/{pool}")).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one, serde_json::to_value(&p).unwrap());
    assert_eq!(one["statement"]["operand_a"], MIN.to_string());
    let (_, mine) = api
        .get(&format!("/v1/pools?developer={}&schema_id=0{SCHEMA}", developer.to_string().to_lowercase()))
        .await;
    assert_eq!(mine["pools"].as_array().unwrap().len(), 2, "{mine}");
    let (_, none) = api.get(&format!("/v1/pools?developer={alice}")).await;
    assert_eq!(none["pools"], Value::Array(vec![]));
    let stakes = api.all(&format!("/v1/pools/{pool}/stakes"), "", "stakes", 1).await;
    assert_eq!(stakes.len(), 2);
    assert_eq!(stakes[0]["recipient"], alice.to_checksum(None));
    assert!(stakes.iter().all(|s| s["unstaked"] == Value::Bool(true)), "{stakes:?}");
    let (_, bobs) = api.get(&format!("/v1/pools/{pool}/stakes?recipient={bob}")).await;
    assert_eq!(bobs["stakes"][0]["claimed"], b.pool_rewards.as_str());
    assert_deliveries_open(&world, &api, pool, head).await;
    assert_located_through_the_index(&world, &api, pool).await;
    let (_, empty) = api.get(&format!("/v1/pools/{other}/deliveries")).await;
    assert_eq!(empty["deliveries"], Value::Array(vec![]));
    let (_, wallet_json) = api.get(&format!("/v1/wallets/{alice}")).await;
    assert_eq!(wallet_json["pool_rewards"], a.pool_rewards.as_str());
    assert_eq!(wallet_json["pools"][0]["claimed"], a.pool_rewards.as_str());
    for bad in [
        "/v1/pools/x",
        "/v1/pools/-1",
        "/v1/pools/99999999999999999999",
        "/v1/pools/1/stakes?cursor=1",
        "/v1/pools/1/stakes?recipient=0x12",
        "/v1/pools/1/stakes?limit=0",
        "/v1/pools/1/deliveries?limit=1001",
        "/v1/pools/1/deliveries?cursor=a-b",
        "/v1/pools/1/deliveries?nullifier=1",
        "/v1/pools?developer=alice",
        "/v1/pools?schema_id=0x01",
        "/v1/pools?schema_id=",
        "/v1/pools?schema_id=+1",
        "/v1/pools?schema_id=1157920892373161954235709850086879078532699846656405640394575840079131296399360",
        "/v1/pools?cursor=1-2",
    ] {
        let (status, body) = api.get(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"].as_str().is_some_and(|m| !m.is_empty()), "{bad}: {body}");
    }
    for missing in ["/v1/pools/0", "/v1/pools/3", "/v1/pools/3/stakes", "/v1/pools/3/deliveries"] {
        let (status, body) = api.get(missing).await;
        assert_eq!(status, 404, "{missing}: {body}");
        assert!(body["error"].as_str().is_some_and(|m| m.contains("no pool")), "{missing}: {body}");
    }

    assert_equals_fresh_index(&world.env, &backend, &store, head).await;
    // an index from before migration 0009: its pools tables derived from the stored events
    assert_backlog_derives(
        &world.env,
        &backend,
        &store,
        head,
        "pools",
        &[
            "DELETE FROM pools",
            "DELETE FROM pool_totals",
            "DELETE FROM pool_stakes",
            "DELETE FROM pool_stake_totals",
            "DELETE FROM pool_deliveries",
            "DELETE FROM pool_rewards",
            "UPDATE wallets SET pools_created = 0, pool_refunds = '0', pool_stakes = 0, pool_rewards = '0'",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pools_stakes_rewards_and_deliveries_on_sqlite() {
    lifecycle(Backend::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pools_stakes_rewards_and_deliveries_on_postgres() {
    lifecycle(Backend::postgres()).await;
}
