//! Genesis: the whole supply goes into vesting wallets (one clone per allocation), in one
//! `distribute` transaction.

use super::{DeployError, governance::Governance, runner::Deployer};
use alloy::{primitives::Address, providers::Provider, sol_types::SolConstructor};
use masa_bindings::{
    TOTAL_SUPPLY,
    allocations::AllocationTable,
    contracts::{MasaGenesis, MasaToken, MasaVestingWallet},
    manifest::VestingWallet,
    params::GenesisParams,
};

/// Deploys the vesting implementation and the genesis distributor, moves the supply into it
/// and distributes `table`; returns the wallets created.
pub(super) async fn deploy<P: Provider>(
    run: &mut Deployer<'_, P>,
    gov: Governance,
    params: &GenesisParams,
    table: &AllocationTable,
    deploy_time: u64,
) -> Result<Vec<VestingWallet>, DeployError> {
    let provider = run.provider;
    let implementation = run
        .create(
            "MasaVestingWallet",
            MasaVestingWallet::deploy_builder(provider),
            MasaVestingWallet::constructorCall {}.abi_encode().into(),
        )
        .await?;
    let args = MasaGenesis::constructorCall {
        token_: gov.token,
        vestingImplementation_: implementation,
        publicSale_: params.public_sale.resolve(deploy_time),
        listing_: params.listing.resolve(deploy_time),
        oracleLaunch_: params.oracle_launch.resolve(deploy_time),
        treasury_: gov.timelock, // unvested tokens of revoked wallets return to the DAO
        revoker_: gov.timelock,
    };
    let genesis = run
        .create(
            "MasaGenesis",
            MasaGenesis::deploy_builder(
                provider,
                args.token_,
                args.vestingImplementation_,
                args.publicSale_,
                args.listing_,
                args.oracleLaunch_,
                args.treasury_,
                args.revoker_,
            ),
            args.abi_encode().into(),
        )
        .await?;
    let entries = table.entries(TOTAL_SUPPLY, |name| run.contracts.get(name).map(|d| d.address))?;
    let token = MasaToken::new(gov.token, provider);
    run.execute("MasaToken.transfer to MasaGenesis", token.transfer(genesis, TOTAL_SUPPLY)).await?;
    let receipt = run
        .execute("MasaGenesis.distribute", MasaGenesis::new(genesis, provider).distribute(entries))
        .await?;
    Ok(receipt
        .inner
        .logs()
        .iter()
        .filter_map(|log| log.log_decode::<MasaGenesis::AllocationCreated>().ok())
        .map(|log| {
            let created = log.inner.data;
            VestingWallet {
                category: created.category,
                beneficiary: created.beneficiary,
                wallet: created.wallet,
                amount: created.amount,
            }
        })
        .collect())
}

/// A stand-in address for suite contracts, to validate the table before anything is sent.
pub(super) fn check_table(table: &AllocationTable, suite: &[&str]) -> Result<(), DeployError> {
    table.entries(TOTAL_SUPPLY, |name| suite.contains(&name).then_some(Address::ZERO))?;
    Ok(())
}
