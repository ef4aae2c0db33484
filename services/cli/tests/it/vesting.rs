//! `masa vesting` (the sdk's vesting client the binary runs) on a deployed suite on anvil.

use crate::support::{config, deployments};
use alloy::primitives::U256;
use masa_bindings::{
    Contract,
    contracts::{MasaToken, genesis::Category},
};
use masa_sdk::{
    deploy::deploy,
    tx::signing_provider,
    vesting::{WalletReport, release, report},
};
use masa_test_harness::{AnvilChain, Chain};

/// The schedule recomputed from the report's own parameters, independently of the contract.
fn expected_vested(r: &WalletReport) -> U256 {
    if r.now < r.lock_end {
        return U256::ZERO;
    }
    if r.now >= r.end {
        return r.allocation;
    }
    let at_lock_end = r.allocation * U256::from(r.unlock_bps) / U256::from(10_000);
    at_lock_end
        + (r.allocation - at_lock_end) * U256::from(r.now - r.lock_end) / U256::from(r.end - r.lock_end)
}

#[tokio::test]
async fn core_team_wallet_vests_and_releases_to_its_beneficiary() {
    let mut chain = AnvilChain::spawn().unwrap();
    let dir = deployments(&[]);
    let report0 = deploy(&config(&chain.endpoint(), &dir), chain.accounts()[0].clone()).await.unwrap();
    let manifest = report0.manifest;
    let entry =
        manifest.vesting_wallets.iter().find(|w| w.category == Category::CoreTeam as u8).unwrap().clone();
    let provider = &signing_provider(chain.endpoint().parse().unwrap(), chain.accounts()[0].clone());

    let before = report(provider, &entry).await.unwrap();
    assert_eq!(before.category, "core team");
    assert_eq!((before.vested, before.releasable, before.released), (U256::ZERO, U256::ZERO, U256::ZERO));
    assert_eq!(before.lock_end - before.start, 180 * 86_400);
    assert!(before.revocable && !before.revoked);
    let err = release(provider, entry.wallet).await.unwrap_err();
    assert!(err.to_string().contains("nothing has vested"), "{err}");

    // 200 days later: past the 180-day lock-up, in the linear part
    chain.advance_time(200 * 86_400).await.unwrap();
    let during = report(provider, &entry).await.unwrap();
    assert_eq!(during.vested, expected_vested(&during));
    assert!(during.vested > during.allocation / U256::from(4), "25% unlocked at lock end, then linear");

    let token = MasaToken::new(manifest.address_of(Contract::MasaToken).unwrap(), provider);
    let paid = release(provider, entry.wallet).await.unwrap();
    assert_eq!(paid.beneficiary, entry.beneficiary);
    let after = report(provider, &entry).await.unwrap();
    assert_eq!(after.released, paid.amount);
    assert_eq!(token.balanceOf(entry.beneficiary).call().await.unwrap(), paid.amount);
    assert_eq!(paid.amount, expected_vested(&after), "released exactly what had vested at that block");

    // after the end everything is out, dust included
    chain.advance_time(800 * 86_400).await.unwrap();
    release(provider, entry.wallet).await.unwrap();
    let done = report(provider, &entry).await.unwrap();
    assert_eq!(done.released, done.allocation);
    assert_eq!(token.balanceOf(entry.beneficiary).call().await.unwrap(), entry.amount);
    assert_eq!(token.balanceOf(entry.wallet).call().await.unwrap(), U256::ZERO);
}
