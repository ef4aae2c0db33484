//! Shared set-up: a deployed suite on anvil, activity across the contract families, the two
//! database backends, and whole-index comparisons.

use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::EthereumWallet,
    primitives::{Address, U256, keccak256},
    providers::{DynProvider, Provider, ProviderBuilder, WalletProvider},
    rpc::types::{Filter, Log, TransactionReceipt},
    signers::local::PrivateKeySigner,
};
use masa_bindings::{
    MASA,
    contracts::{DataPools, MasaToken, pools::IDataPools},
    manifest::Manifest,
};
use masa_indexer::{
    api::{AppState, router},
    indexer::Indexer,
    metrics::Metrics,
    store::Store,
};
use masa_prover::{Circuit, Prover, keys::r1cs_sha256};
use masa_sdk::{
    fees::pay_fee,
    oracle::OracleClient,
    passes::{OfferSpec, PassesClient, Terms},
    tx::{self, Call, signing_provider},
    zksbt::{RecordDraft, ZkSbtClient},
};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite, Postgres};
use serde_json::Value;
use std::{path::Path, sync::Arc};

/// Shows the indexer's logs in a failing test's output (`RUST_LOG=masa_indexer=debug`).
pub(crate) fn logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// Sends `call` as the sdk's clients do (simulated first, a refusal decoded by name; gas with
/// headroom, since the block it lands in can cost more than the one estimated against) and
/// asserts it succeeded.
pub(crate) async fn confirm<P: Provider, D: CallDecoder>(call: CallBuilder<P, D>) -> TransactionReceipt {
    tx::send(Call { contract: "test", function: "call" }, call).await.unwrap()
}

/// A deployed suite on a fresh anvil.
pub(crate) struct Env {
    pub chain: AnvilChain,
    pub deployments: tempfile::TempDir,
    pub manifest: Manifest,
    /// Signs as account 0 (the deployer, beneficiary of the community allocation on anvil).
    pub provider: DynProvider,
}

impl Env {
    /// Spawns anvil, deploys the suite and releases the community allocation to account 0.
    pub(crate) async fn deployed() -> Self {
        logs();
        let chain = AnvilChain::spawn().unwrap();
        let suite = DeployedSuite::deploy(&chain).await.unwrap();
        let provider = account(&chain, 0).erased();
        suite.release_community(&provider).await.unwrap();
        let DeployedSuite { deployments, manifest } = suite;
        Self { chain, deployments, manifest, provider }
    }

    pub(crate) fn masa(&self) -> Address {
        self.manifest.address_of(masa_bindings::Contract::MasaToken).unwrap()
    }

    pub(crate) async fn head(&self) -> u64 {
        self.provider.get_block_number().await.unwrap()
    }

    /// An indexer over `store` with small ranges (many commits) and a 16-block window.
    pub(crate) fn indexer(&self, store: Store) -> Indexer<DynProvider> {
        let mut indexer = Indexer::new(self.provider.clone(), store, &self.manifest, 16).unwrap();
        indexer.range.size = 2;
        indexer.range.max = 8;
        indexer
    }

    /// Every log of the manifest's contracts and vesting wallets up to `head`.
    pub(crate) async fn logs(&self, head: u64) -> Vec<Log> {
        let mut addresses: Vec<Address> = self.manifest.contracts.values().map(|d| d.address).collect();
        addresses.extend(self.manifest.vesting_wallets.iter().map(|w| w.wallet));
        let filter =
            Filter::new().address(addresses).from_block(self.manifest.start_block().unwrap()).to_block(head);
        self.provider.get_logs(&filter).await.unwrap()
    }

    /// One round of activity: MASA transfers and a burn, a delegation, a fee paid through the
    /// router, and a self-attested zkSBT minted by account `1 + round % 3`.
    pub(crate) async fn activity(&self, round: u64) {
        let token = MasaToken::new(self.masa(), &self.provider);
        let to = |i: usize| self.chain.accounts()[i].address();
        for (i, amount) in [(1, 10 + round), (2, 20 + round), (3, 30)] {
            confirm(token.transfer(to(i), MASA * U256::from(amount))).await;
        }
        confirm(token.burn(MASA * U256::from(1 + round))).await;
        confirm(token.delegate(to(1 + (round as usize % 3)))).await;
        let router = self.manifest.address_of(masa_bindings::Contract::FeeRouter).unwrap();
        let fee = MASA * U256::from(100 + round);
        let deadline = self.chain.timestamp().await.unwrap() + 30 * 86_400;
        pay_fee(&account(&self.chain, 0), router, self.masa(), fee, fee, deadline, keccak256("data-use"))
            .await
            .unwrap();
        let owner = &self.chain.accounts()[1 + (round as usize % 3)];
        let values = [1_600_000_000 + round, 10 + round, 20];
        let (record, _) = RecordDraft::new(owner, U256::from(1), &values).unwrap();
        let provider = signing_provider(self.chain.endpoint().parse().unwrap(), owner.clone());
        let client = ZkSbtClient::new(provider, &self.manifest, owner.clone()).unwrap();
        client.mint(record, None).await.unwrap();
    }

    /// Account `developer` creates a data pool for "field 1 >= 700" of schema 1 records, with
    /// delivery key `key`, funded with `budget` MASA (fee included, sent to it by account 0),
    /// starting in 5 seconds. Returns its id.
    pub(crate) async fn create_pool(
        &self,
        developer: usize,
        key: [U256; 2],
        budget: u64,
        duration: u64,
        max_stakers: u32,
    ) -> U256 {
        let pools = self.manifest.address_of(masa_bindings::Contract::DataPools).unwrap();
        let budget = MASA * U256::from(budget);
        let signer = account(&self.chain, developer);
        let token = MasaToken::new(self.masa(), &self.provider);
        confirm(token.transfer(signer.default_signer_address(), budget)).await;
        let token = MasaToken::new(self.masa(), &signer);
        confirm(token.approve(pools, budget)).await;
        let start = self.chain.timestamp().await.unwrap() + 5;
        let config = IDataPools::PoolConfig {
            start,
            end: start + duration,
            maxStakers: max_stakers,
            statement: IDataPools::Statement {
                schemaId: U256::from(1),
                issuerSet: U256::ZERO,
                fieldIndex: 1,
                operator: 5, // >=
                operandA: 700,
                operandB: 0,
            },
            metadataURI: format!("test://pools/score-{max_stakers}"),
            deliveryKeyX: key[0],
            deliveryKeyY: key[1],
        };
        let receipt = confirm(DataPools::new(pools, &signer).createPool(config, budget)).await;
        receipt.decoded_log::<DataPools::PoolCreated>().expect("the pool was created").poolId
    }

    /// Account `owner` mints a schema 1 record and offers it to account `developer` (sent MASA by
    /// account 0), who accepts it: 10 MASA now, 2 per use, 2 uses, for an hour. Returns its id.
    pub(crate) async fn accept_pass(&self, owner: usize, developer: usize) -> U256 {
        let [owner, developer] = [owner, developer].map(|i| self.chain.accounts()[i].clone());
        let token = MasaToken::new(self.masa(), &self.provider);
        confirm(token.transfer(developer.address(), MASA * U256::from(14))).await;
        let (record, _) = RecordDraft::new(&owner, U256::from(1), &[1_700_000_000, 700, 3]).unwrap();
        let provider = signing_provider(self.chain.endpoint().parse().unwrap(), owner.clone());
        let minted = ZkSbtClient::new(provider.clone(), &self.manifest, owner.clone())
            .unwrap()
            .mint(record, None)
            .await
            .unwrap();
        let buyer = signing_provider(self.chain.endpoint().parse().unwrap(), developer.clone());
        let buyer = PassesClient::new(buyer, &self.manifest, developer.clone()).unwrap();
        let spec = OfferSpec {
            token: minted.token,
            developer: developer.address(),
            delivery_key: buyer.delivery_public_key(),
            price_token: None,
            upfront: MASA * U256::from(10),
            per_use: MASA * U256::from(2),
            valid_from: None,
            valid_secs: 3_600,
            max_uses: 2,
            purpose: "research".into(),
            terms: Terms::None,
            accept_within_secs: 600,
        };
        let offer = PassesClient::new(provider, &self.manifest, owner).unwrap().offer(&spec).await.unwrap();
        buyer.accept(&offer).await.unwrap().pass
    }

    /// The oracle network as account `i`: a new client each time, so its nonces are read from the
    /// chain (a reorg rewinds them).
    pub(crate) fn oracle(&self, i: usize) -> OracleClient<DynProvider> {
        let wallet = self.chain.accounts()[i].clone();
        let provider = signing_provider(self.chain.endpoint().parse().unwrap(), wallet.clone());
        OracleClient::new(provider, &self.manifest, wallet).unwrap()
    }

    /// Sends `amount` MASA from account 0 to account `i`.
    pub(crate) async fn fund(&self, i: usize, amount: U256) {
        let token = MasaToken::new(self.masa(), &self.provider);
        confirm(token.transfer(self.chain.accounts()[i].address(), amount)).await;
    }

    /// Account `operator` (sent `stake` MASA by account 0) registers an oracle node with a new
    /// key, reached at `endpoint`, and stakes `stake` for it. Returns the node's key.
    pub(crate) async fn run_node(&self, operator: usize, endpoint: &str, stake: U256) -> PrivateKeySigner {
        self.fund(operator, stake).await;
        let key = PrivateKeySigner::random();
        let node = self.oracle(operator);
        node.register(&key, endpoint, 600).await.unwrap();
        node.stake(stake).await.unwrap();
        key
    }

    /// The index agrees with the chain: every log, kept as emitted, every balance, every
    /// token's supply.
    pub(crate) async fn assert_matches_chain(&self, store: &Store, head: u64) {
        let logs = self.logs(head).await;
        for (event, log) in store.events().await.unwrap().iter().zip(&logs) {
            let at = (event.block_number, event.log_index);
            assert_eq!(Some(at), log.block_number.zip(log.log_index), "events in chain order");
            assert_eq!(event.log.as_ref(), Some(log.data()), "raw log of event {at:?}");
        }
        self.assert_balances_match_chain(store, head).await;
    }

    /// The index has the chain's number of events, its balances and its token supply.
    pub(crate) async fn assert_balances_match_chain(&self, store: &Store, head: u64) {
        assert_eq!(store.count(None).await.unwrap() as usize, self.logs(head).await.len(), "events");
        let token = MasaToken::new(self.masa(), &self.provider);
        let block = head.into();
        let supply = token.totalSupply().block(block).call().await.unwrap();
        let tokens = store.tokens().await.unwrap();
        let masa = tokens.iter().find(|t| t.token == self.masa().to_checksum(None)).unwrap();
        assert_eq!(masa.supply, supply.to_string(), "supply");
        for account in self.chain.accounts() {
            let wallet = account.address();
            let on_chain = token.balanceOf(wallet).block(block).call().await.unwrap();
            let indexed = store.wallet(&wallet.to_checksum(None)).await.unwrap();
            let indexed = indexed
                .and_then(|w| w.balances.get(&self.masa().to_checksum(None)).cloned())
                .unwrap_or_else(|| "0".into());
            assert_eq!(indexed, on_chain.to_string(), "balance of {wallet}");
        }
    }
}

/// A provider signing as account `i`. Nonces are read from the chain for every transaction
/// (several providers send for the same account, and reorgs rewind nonces).
pub(crate) fn account(chain: &AnvilChain, i: usize) -> impl Provider + WalletProvider + Clone + 'static {
    ProviderBuilder::new()
        .disable_recommended_fillers()
        .with_simple_nonce_management()
        .with_gas_estimation()
        .fetch_chain_id()
        .wallet(EthereumWallet::from(chain.accounts()[i].clone()))
        .connect_http(chain.endpoint().parse().unwrap())
}

/// A database backend for one test.
pub(crate) enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(Postgres),
}

impl Backend {
    pub(crate) fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }

    pub(crate) fn postgres() -> Self {
        Self::Postgres(Postgres::start().unwrap())
    }

    /// The URL of database `name` (created on first use).
    pub(crate) fn url(&self, name: &str) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}/{name}.db", dir.path().display()),
            Self::Postgres(pg) => pg.database(name).unwrap_or_else(|_| pg.url(name)),
        }
    }

    pub(crate) async fn store(&self, name: &str) -> Store {
        Store::connect(&self.url(name)).await.unwrap()
    }
}

/// Indexes from scratch into a new database and asserts `store` equals it row for row:
/// events and every derived table.
pub(crate) async fn assert_equals_fresh_index(env: &Env, backend: &Backend, store: &Store, head: u64) {
    let fresh = backend.store(&format!("fresh{head}")).await;
    let mut indexer = Indexer::new(env.provider.clone(), fresh, &env.manifest, 16).unwrap();
    indexer.sync_to(head).await.unwrap();
    let fresh = indexer.store();
    assert_eq!(
        store.checkpoint().await.unwrap().map(|c| c.hash),
        fresh.checkpoint().await.unwrap().map(|c| c.hash)
    );
    assert_eq!(
        store.events().await.unwrap(),
        fresh.events().await.unwrap(),
        "events differ from a fresh index"
    );
    let (ours, theirs) = (store.derived_state().await.unwrap(), fresh.derived_state().await.unwrap());
    let only_ours: Vec<_> = ours.iter().filter(|r| !theirs.contains(r)).collect();
    let only_theirs: Vec<_> = theirs.iter().filter(|r| !ours.contains(r)).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty() && ours.len() == theirs.len(),
        "derived state differs from a fresh index: only here {only_ours:?}, only in the fresh index {only_theirs:?}"
    );
}

/// `family`'s tables as an index built before their migration has them (the events stored,
/// nothing derived: `reset` empties them, in the database `backend` named `family`): the indexer
/// derives them from the stored events when it starts, once, into the tables derived live.
pub(crate) async fn assert_backlog_derives(
    env: &Env,
    backend: &Backend,
    store: &Store,
    head: u64,
    family: &str,
    reset: &[&'static str],
) {
    let derived = store.derived_state().await.unwrap();
    let pool = sqlx::AnyPool::connect(&backend.url(family)).await.unwrap();
    for &sql in reset {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let backlog = format!("INSERT INTO derive_backlog (family) VALUES ('{family}')");
    sqlx::query(sqlx::AssertSqlSafe(backlog)).execute(&pool).await.unwrap();
    pool.close().await;
    assert_ne!(store.derived_state().await.unwrap(), derived);
    assert_eq!(env.indexer(store.clone()).sync_to(head).await.unwrap().events, 0);
    assert_eq!(store.derived_state().await.unwrap(), derived, "the same tables as derived live");
    // once: a second start derives nothing again
    env.indexer(store.clone()).sync_to(head).await.unwrap();
    assert_eq!(store.derived_state().await.unwrap(), derived);
}

/// A small deterministic generator (xorshift64*): reproducible "random" choices in tests.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// The indexer's HTTP API over `store`, served on a free loopback port.
pub(crate) struct Api {
    pub base: String,
    http: reqwest::Client,
}

impl Api {
    /// Serves the API over `store` with `metrics`.
    pub(crate) async fn serve_with(store: &Store, metrics: Arc<Metrics>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(AppState { store: store.clone(), metrics });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { base, http: reqwest::Client::new() }
    }

    /// Serves the API over `store`.
    pub(crate) async fn serve(store: &Store) -> Self {
        Self::serve_with(store, Arc::new(Metrics::default())).await
    }

    /// The status and JSON body (or text, as a JSON string) of `GET path`.
    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        let response = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// Every item of a paged endpoint (`key`: the list's name; `query`: filters, each followed
    /// by `&`), `limit` at a time.
    pub(crate) async fn all(&self, path: &str, query: &str, key: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = format!("{path}?{query}limit={limit}");
        loop {
            let (status, page) = self.get(&next).await;
            assert_eq!(status, 200, "{next}: {page}");
            items.extend(page[key].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(cursor) => next = format!("{path}?{query}limit={limit}&cursor={cursor}"),
                None => return items,
            }
        }
    }
}

/// The delivery circuit's prover with the development key (`make circuits keys`), from which the
/// deployed `DeliveryVerifier` was generated.
pub(crate) fn delivery_prover() -> Prover {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let circuit = Circuit::Delivery;
    let r1cs = r1cs_sha256(&root.join(circuit.r1cs())).expect("run `make circuits keys` first");
    Prover::load(&root.join(circuit.key()), &root.join(circuit.wasm()), Some(r1cs)).unwrap()
}
