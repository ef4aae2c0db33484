//! `masa fee pay` (the sdk's fee client the binary runs) on a deployed suite on anvil.

use crate::support::{assert_error_line, config, deployments, key, masa_bin, on};
use alloy::{
    network::EthereumWallet,
    primitives::{Address, U256, keccak256},
    providers::{Provider, ProviderBuilder, WalletProvider},
    signers::local::PrivateKeySigner,
};
use masa_bindings::{
    Contract, MASA,
    contracts::{MasaToken, genesis::Category},
};
use masa_sdk::{
    deploy::deploy,
    fees::{min_masa_out, pay_fee},
    vesting::release,
};
use masa_test_harness::{AnvilChain, Chain};

/// A provider of `chain` signing as `signer`.
fn wallet_provider(chain: &AnvilChain, signer: PrivateKeySigner) -> impl Provider + WalletProvider + use<> {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(chain.endpoint().parse().unwrap())
}

#[tokio::test]
async fn a_masa_fee_is_burned_and_split_by_the_deployed_router() {
    let mut chain = AnvilChain::spawn().unwrap();
    let dir = deployments(&[]);
    let payer = chain.accounts()[0].clone();
    let manifest = deploy(&config(&chain.endpoint(), &dir), payer.clone()).await.unwrap().manifest;
    let provider = wallet_provider(&chain, payer.clone());

    // community rewards (100% a month after listing) vest to the payer on anvil
    chain.advance_time(31 * 86_400).await.unwrap();
    let community =
        manifest.vesting_wallets.iter().find(|w| w.category == Category::CommunityRewards as u8).unwrap();
    assert_eq!(community.beneficiary, payer.address());
    release(&provider, community.wallet).await.unwrap();

    let masa = manifest.address_of(Contract::MasaToken).unwrap();
    let fee_router = manifest.address_of(Contract::FeeRouter).unwrap();
    let timelock = manifest.address_of(Contract::TimelockController).unwrap();
    let token = MasaToken::new(masa, &provider);
    let supply = token.totalSupply().call().await.unwrap();
    let fee = MASA * U256::from(1_000);
    let min = min_masa_out(&provider, fee_router, masa, masa, fee, 50).await.unwrap();
    assert_eq!(min, fee, "no swap, no slippage");
    let deadline = chain.timestamp().await.unwrap() + 300;
    let paid = pay_fee(&provider, fee_router, masa, fee, min, deadline, keccak256("data-use")).await.unwrap();
    assert_eq!(paid.masa_amount, fee);
    assert_eq!(paid.burned, fee / U256::from(5), "anvil.toml burns 20%");
    assert_eq!(token.totalSupply().call().await.unwrap(), supply - paid.burned);
    // the oracle share (30%) pays the oracle nodes' rewards; every other share goes to the DAO
    // treasury until the validator and contributor reward contracts exist
    let oracle_rewards = manifest.address_of(Contract::OracleRewards).unwrap();
    let oracle_share = fee * U256::from(3) / U256::from(10);
    assert_eq!(token.balanceOf(oracle_rewards).call().await.unwrap(), oracle_share);
    assert_eq!(token.balanceOf(timelock).call().await.unwrap(), fee - paid.burned - oracle_share - paid.dust);

    // a token governance has not accepted is refused before anything is sent
    let err = min_masa_out(&provider, fee_router, Address::repeat_byte(9), masa, fee, 50).await.unwrap_err();
    assert!(err.to_string().contains("not accepted"), "{err}");
    // an expired deadline is refused with the router's custom error
    let err =
        pay_fee(&provider, fee_router, masa, fee, fee, deadline - 400, keccak256("x")).await.unwrap_err();
    assert!(err.to_string().contains("FeeRouter__DeadlineExpired"), "{err}");
    // a payer without MASA gets the token's error by name and values, not raw revert data
    let broke = chain.accounts()[7].clone();
    let broke_provider = wallet_provider(&chain, broke.clone());
    let err =
        pay_fee(&broke_provider, fee_router, masa, fee, fee, deadline, keccak256("x")).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the fee router {fee_router} refuses the payment of 1000 MASA: ERC20InsufficientBalance(sender {}, \
             balance 0, needed 1000 MASA)",
            broke.address()
        )
    );

    // and so does `masa fee pay`, on one line
    let args = on(&chain.endpoint(), &dir, &["fee", "pay", "--token", "MASA", "--amount", "100"]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let broke_key = key(&chain, 7);
    args.extend(["--private-key", &broke_key]);
    assert_error_line(
        &masa_bin(&args),
        &format!(
            "error: the fee router {fee_router} refuses the payment of 100 MASA: ERC20InsufficientBalance(sender {}, \
             balance 0, needed 100 MASA)",
            broke.address()
        ),
    );
}
