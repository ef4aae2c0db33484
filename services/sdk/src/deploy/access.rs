//! The access passes: one `AccessPasses` contract, owned by the DAO timelock, checking deliveries
//! with the delivery circuit's verifier (the pools' one) and the zkSBT registry and charging its
//! fee through the fee router; and the two reference terms modules owners may name in offers.

use super::{Deployer, Error, params::PassesParams};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, Bytes},
    sol_types::SolConstructor,
};
use masa_bindings::{
    Contract,
    contracts::{AccessPasses, PurposeAllowlistTerms, RateLimitTerms},
};

/// What the passes contract is built with.
#[derive(Debug, Clone, Copy)]
pub struct PassesInit {
    /// The zkSBT registry deliveries are disclosed to.
    pub sbt: Address,
    /// The delivery circuit's verifier.
    pub delivery_verifier: Address,
    /// The fee router fees are paid through.
    pub fee_router: Address,
    /// The owner of the fee (the DAO timelock).
    pub owner: Address,
    /// The fee and the rate-limit rule.
    pub params: PassesParams,
}

/// Deploys `AccessPasses`, then `PurposeAllowlistTerms` and `RateLimitTerms` for it; returns the
/// passes contract.
pub async fn deploy<C: Chain>(run: &mut Deployer<'_, C>, init: PassesInit) -> Result<Address, Error> {
    let args = AccessPasses::constructorCall {
        zkSBT_: init.sbt,
        deliveryVerifier_: init.delivery_verifier,
        feeRouter_: init.fee_router,
        owner_: init.owner,
        feeBps_: init.params.fee_bps,
    };
    let passes =
        run.create(Contract::AccessPasses, &AccessPasses::BYTECODE, args.abi_encode().into()).await?;
    run.create(Contract::PurposeAllowlistTerms, &PurposeAllowlistTerms::BYTECODE, Bytes::new()).await?;
    let args = RateLimitTerms::constructorCall {
        passes_: passes,
        maxUsesPerPeriod_: init.params.rate_limit_uses,
        period_: init.params.rate_limit_period_secs,
    };
    run.create(Contract::RateLimitTerms, &RateLimitTerms::BYTECODE, args.abi_encode().into()).await?;
    Ok(passes)
}
