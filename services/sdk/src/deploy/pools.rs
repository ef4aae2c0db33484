//! The data staking pools: the delivery circuit's generated verifier and one `DataPools` contract,
//! owned by the DAO timelock, checking stakes' statements with the zkSBT registry and charging its
//! funding fee through the fee router.

use super::{Deployer, Error};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, Bytes},
    sol_types::SolConstructor,
};
use masa_bindings::{
    Contract,
    contracts::{DataPools, DeliveryVerifier},
};

/// What the pools contract is built with.
#[derive(Debug, Clone, Copy)]
pub struct PoolsInit {
    /// The zkSBT registry stakes are disclosed to.
    pub sbt: Address,
    /// The fee router funding fees are paid through (its MASA is the reward token).
    pub fee_router: Address,
    /// The owner of the funding fee (the DAO timelock).
    pub owner: Address,
    /// The funding fee, in basis points.
    pub create_fee_bps: u16,
}

/// Deploys `DeliveryVerifier`, then `DataPools` over it.
pub async fn deploy<C: Chain>(run: &mut Deployer<'_, C>, init: PoolsInit) -> Result<Address, Error> {
    let verifier = run.create(Contract::DeliveryVerifier, &DeliveryVerifier::BYTECODE, Bytes::new()).await?;
    let args = DataPools::constructorCall {
        zkSBT_: init.sbt,
        deliveryVerifier_: verifier,
        feeRouter_: init.fee_router,
        owner_: init.owner,
        createFeeBps_: init.create_fee_bps,
    };
    run.create(Contract::DataPools, &DataPools::BYTECODE, args.abi_encode().into()).await
}
