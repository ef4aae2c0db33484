//! Genesis: the whole supply goes into vesting wallets (one clone per allocation), in one
//! `distribute` transaction.

use super::{Deployer, Error, allocations::AllocationTable, governance::Governance, params::GenesisParams};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, Bytes},
    sol_types::{SolConstructor, SolEvent},
};
use masa_bindings::{
    Contract, TOTAL_SUPPLY,
    contracts::{MasaGenesis, MasaToken, MasaVestingWallet},
    manifest::VestingWallet,
};

/// Deploys the vesting implementation and the genesis distributor (treasury and revoker: the
/// timelock), moves the supply into it and distributes `table`; returns the wallets created.
/// `deploy_time` is the timestamp relative schedule points count from.
pub async fn deploy<C: Chain>(
    run: &mut Deployer<'_, C>,
    gov: Governance,
    params: &GenesisParams,
    table: &AllocationTable,
    deploy_time: u64,
) -> Result<Vec<VestingWallet>, Error> {
    let implementation =
        run.create(Contract::MasaVestingWallet, &MasaVestingWallet::BYTECODE, Bytes::new()).await?;
    let args = MasaGenesis::constructorCall {
        token_: gov.token,
        vestingImplementation_: implementation,
        publicSale_: params.public_sale.resolve(deploy_time),
        listing_: params.listing.resolve(deploy_time),
        oracleLaunch_: params.oracle_launch.resolve(deploy_time),
        treasury_: gov.timelock, // unvested tokens of revoked wallets return to the DAO
        revoker_: gov.timelock,
    };
    let genesis = run.create(Contract::MasaGenesis, &MasaGenesis::BYTECODE, args.abi_encode().into()).await?;
    let entries = table.entries(TOTAL_SUPPLY, |name| run.address_of(name.parse().ok()?))?;
    let transfer = MasaToken::transferCall { to: genesis, value: TOTAL_SUPPLY };
    run.send("MasaToken.transfer to MasaGenesis", gov.token, transfer).await?;
    let outcome =
        run.send("MasaGenesis.distribute", genesis, MasaGenesis::distributeCall { entries }).await?;
    Ok(outcome
        .logs
        .iter()
        .filter_map(|log| MasaGenesis::AllocationCreated::decode_log(log).ok())
        .map(|created| VestingWallet {
            category: created.category,
            beneficiary: created.beneficiary,
            wallet: created.wallet,
            amount: created.amount,
        })
        .collect())
}

/// Checks the table against stand-in addresses for the suite's contracts, before anything is
/// sent.
pub fn check_table(table: &AllocationTable, suite: &[Contract]) -> Result<(), Error> {
    table.entries(TOTAL_SUPPLY, |name| {
        name.parse::<Contract>().ok().filter(|c| suite.contains(c)).map(|_| Address::ZERO)
    })?;
    Ok(())
}
