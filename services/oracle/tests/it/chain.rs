//! The chain source on a real anvil with the whole suite deployed: real MASA transfers and a
//! burn, liquidity added to and a swap through the real Uniswap V2 (the exchange the fee router
//! uses), transfers to and from an address configured as a bridge; exact counts and timestamps.

use alloy::{
    primitives::{Address, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
};
use masa_bindings::{Contract, MASA, contracts::MasaToken, uniswap::UniswapV2Router02};
use masa_oracle::{Activity, ChainConfig, ChainSource, JobResult, Source, SourceError};
use masa_sdk::tx::{self, Call, signing_provider};
use masa_test_harness::{AnvilChain, Chain, DeployedSuite};
use url::Url;

const ETHER: U256 = MASA; // both have 18 decimals

/// Sends `call` (simulated, gas with headroom) and returns its receipt.
async fn send<P: Provider, D: alloy::contract::CallDecoder>(
    call: alloy::contract::CallBuilder<P, D>,
) -> TransactionReceipt {
    let receipt = tx::send(Call { contract: "test", function: "call" }, call).await.unwrap();
    assert!(receipt.status(), "the transaction succeeded");
    receipt
}

fn block(receipt: &TransactionReceipt) -> u64 {
    receipt.block_number.expect("a mined receipt")
}

async fn timestamp(provider: &DynProvider, block: u64) -> u64 {
    provider.get_block_by_number(block.into()).await.unwrap().expect("the block exists").header.timestamp
}

/// The account's activity with every count and time spelled out.
#[allow(clippy::too_many_arguments)]
const fn expected(
    account: Address,
    to_block: u64,
    transfers: u64,
    swaps: u64,
    mints: u64,
    bridges: u64,
    first_seen: u64,
    last_seen: u64,
) -> Activity {
    Activity { account, to_block, transfers, swaps, mints, bridges, first_seen, last_seen }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_real_activity_exactly_and_nodes_agree() {
    let mut chain = AnvilChain::spawn().unwrap();
    let suite = DeployedSuite::deploy(&chain).await.unwrap();
    suite.release_community(chain.provider()).await.unwrap();
    let url: Url = chain.endpoint().parse().unwrap();
    let address = |c: Contract| suite.manifest.address_of(c).unwrap();
    let (masa, router, weth) =
        (address(Contract::MasaToken), address(Contract::UniswapV2Router02), address(Contract::WETH9));
    let signer = |i: usize| -> PrivateKeySigner { chain.accounts()[i].clone() };
    let (admin, subject, other, bridge) = (signer(0), signer(5), signer(6), signer(7));
    let me = subject.address();
    let providers: Vec<DynProvider> =
        [&admin, &subject, &bridge].map(|s| signing_provider(url.clone(), s.clone())).into();
    let (p_admin, p_me, p_bridge) = (&providers[0], &providers[1], &providers[2]);
    let token = |p| MasaToken::new(masa, p);
    let reader = chain.provider().clone();

    let config = ChainConfig { bridges: vec![bridge.address()], ..ChainConfig::new(url.clone()) };
    let source = ChainSource::connect(config.clone()).await.unwrap();
    assert_eq!(source.chain_id(), chain.chain_id());
    let start = reader.get_block_number().await.unwrap();
    assert_eq!(source.activity(me, start).await.unwrap().values(), [0; 6], "a fresh account");

    // plain transfers: in, out, to oneself (one log, counted once), then a burn (not counted)
    let first = send(token(p_admin).transfer(me, MASA * U256::from(1_000))).await;
    chain.advance_time(60).await.unwrap();
    let out = send(token(p_me).transfer(other.address(), MASA * U256::from(10))).await;
    chain.advance_time(60).await.unwrap();
    let to_self = send(token(p_me).transfer(me, MASA)).await;
    chain.advance_time(60).await.unwrap();
    let burn = send(token(p_me).burn(MASA)).await;
    chain.advance_time(60).await.unwrap();

    // the real Uniswap V2: liquidity (MASA to the pair: a transfer; LP tokens minted to the
    // account: a mint), then a swap of ether for MASA paid to the account (the payout: a
    // transfer; the pair's Swap: a swap)
    send(token(p_me).approve(router, U256::MAX)).await;
    let exchange = UniswapV2Router02::new(router, p_me);
    send(
        exchange
            .addLiquidityETH(masa, MASA * U256::from(100), U256::ZERO, U256::ZERO, me, U256::MAX)
            .value(ETHER),
    )
    .await;
    chain.advance_time(60).await.unwrap();
    send(
        exchange
            .swapExactETHForTokens(U256::ZERO, vec![weth, masa], me, U256::MAX)
            .value(ETHER / U256::from(10)),
    )
    .await;
    chain.advance_time(60).await.unwrap();

    // the bridge, both ways
    send(token(p_me).transfer(bridge.address(), MASA * U256::from(5))).await;
    send(token(p_admin).transfer(bridge.address(), MASA * U256::from(3))).await;
    let last = send(token(p_bridge).transfer(me, MASA * U256::from(2))).await;
    chain.advance_time(60).await.unwrap();
    // after the job's block: not counted at it
    let later = send(token(p_admin).transfer(me, MASA)).await;

    let (t_first, t_to_self, t_last) = (
        timestamp(&reader, block(&first)).await,
        timestamp(&reader, block(&to_self)).await,
        timestamp(&reader, block(&last)).await,
    );
    assert!(t_first < t_to_self && t_to_self < t_last, "time moved between the steps");

    // before the exchange: three transfers (the burn is not counted, so last seen is the
    // transfer to oneself)
    let early = source.activity(me, block(&burn)).await.unwrap();
    assert_eq!(early, expected(me, block(&burn), 3, 0, 0, 0, t_first, t_to_self));

    let end = block(&last);
    let activity = source.activity(me, end).await.unwrap();
    assert_eq!(activity, expected(me, end, 5, 1, 1, 2, t_first, t_last));
    assert_eq!(activity.values(), [5, 1, 1, 2, t_first, t_last], "schema 3's field order");
    let now = source.activity(me, block(&later)).await.unwrap();
    assert_eq!((now.transfers, now.last_seen), (6, timestamp(&reader, block(&later)).await));

    // another node, scanning one block per query: the same activity, the same hash
    let other_node = ChainSource::connect(ChainConfig { max_range: 1, ..config.clone() }).await.unwrap();
    assert_eq!(other_node.config_hash(), source.config_hash(), "the range size is not configuration");
    let theirs = other_node.activity(me, end).await.unwrap();
    assert_eq!(theirs, activity);
    assert_eq!(theirs.result_hash(), activity.result_hash());
    let odd = ChainSource::connect(ChainConfig { max_range: 7, ..config.clone() }).await.unwrap();
    assert_eq!(odd.activity(me, end).await.unwrap(), activity);

    // the job as the node runs it
    let record = other_node.run(&format!("{}@{end}", me.to_checksum(None))).await.unwrap();
    assert_eq!(record.result_hash, activity.result_hash());
    assert_eq!(
        (record.source.as_str(), record.locator),
        ("chain", format!("{}@{end}", me.to_checksum(None)))
    );
    assert_eq!(record.metadata["values"], serde_json::json!(activity.values()));
    assert_eq!(record.metadata["chain_id"], chain.chain_id());

    // without the bridge configured, its movements are transfers, and the configuration differs
    let unbridged = ChainSource::connect(ChainConfig::new(url.clone())).await.unwrap();
    assert_ne!(unbridged.config_hash(), source.config_hash());
    assert_eq!(unbridged.activity(me, end).await.unwrap().values(), [7, 1, 1, 0, t_first, t_last]);

    // from a later block: the first two transfers are not scanned
    let late_start =
        ChainSource::connect(ChainConfig { from_block: block(&out) + 1, ..config }).await.unwrap();
    assert_ne!(late_start.config_hash(), source.config_hash());
    assert_eq!(late_start.activity(me, end).await.unwrap().values(), [3, 1, 1, 2, t_to_self, t_last]);

    // a block not mined yet is transient; malformed parameters are invalid
    let head = reader.get_block_number().await.unwrap();
    let ahead = source.activity(me, head + 1).await;
    assert!(
        matches!(&ahead, Err(SourceError::Transient { reason, .. }) if reason.contains("above the endpoint's head")),
        "{ahead:?}"
    );
    let bad = source.run("0x1234@5").await;
    assert!(matches!(bad, Err(SourceError::InvalidParams { .. })), "{bad:?}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_transient() {
    // a port that was free a moment ago and now has no listener
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url: Url = format!("http://{}", listener.local_addr().unwrap()).parse().unwrap();
    drop(listener);
    let err = ChainSource::connect(ChainConfig::new(url)).await.unwrap_err();
    assert!(err.is_transient(), "{err}");
    assert!(err.to_string().contains("eth_chainId"), "{err}");
}
