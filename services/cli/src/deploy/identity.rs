//! The zkSBT registry: Poseidon library, generated disclosure verifier, issuer registry (owned
//! by the DAO, with the parameters' schemas and issuers) and the registry, linked to Poseidon.

use super::{DeployError, governance::Governance, runner::Deployer};
use alloy::{
    contract::RawCallBuilder,
    primitives::{Bytes, U256},
    providers::Provider,
    sol_types::SolConstructor,
};
use masa_bindings::{
    artifacts::artifact,
    contracts::{DisclosureVerifier, IIssuerRegistry, IssuerRegistry, PoseidonT3, ZkSBT},
    link::linked_bytecode,
    params::IdentityParams,
};

/// Deploys the identity contracts.
pub(super) async fn deploy<P: Provider>(
    run: &mut Deployer<'_, P>,
    gov: Governance,
    params: &IdentityParams,
) -> Result<(), DeployError> {
    let provider = run.provider;
    let poseidon = run.create("PoseidonT3", PoseidonT3::deploy_builder(provider), Bytes::new()).await?;
    let verifier =
        run.create("DisclosureVerifier", DisclosureVerifier::deploy_builder(provider), Bytes::new()).await?;

    let schemas: Vec<IIssuerRegistry::SchemaInit> = params
        .schemas
        .iter()
        .map(|s| IIssuerRegistry::SchemaInit {
            schemaId: U256::from(s.id),
            schema: IIssuerRegistry::Schema {
                uri: s.uri.clone(),
                selfAttestable: s.self_attestable,
                active: true,
            },
        })
        .collect();
    let issuers: Vec<IIssuerRegistry::IssuerInit> = params
        .issuers
        .iter()
        .map(|i| IIssuerRegistry::IssuerInit {
            issuer: i.address,
            name: i.name.clone(),
            schemaIds: i.schemas.iter().map(|&id| U256::from(id)).collect(),
        })
        .collect();
    let registry_args = IssuerRegistry::constructorCall {
        owner_: gov.timelock,
        schemas: schemas.clone(),
        issuers: issuers.clone(),
    };
    let registry = run
        .create(
            "IssuerRegistry",
            IssuerRegistry::deploy_builder(provider, gov.timelock, schemas, issuers),
            registry_args.abi_encode().into(),
        )
        .await?;

    let args: Bytes = ZkSBT::constructorCall {
        verifier_: verifier,
        issuers_: registry,
        rootWindow_: U256::from(params.root_window),
    }
    .abi_encode()
    .into();
    let code = linked_bytecode(artifact("ZkSBT").expect("ZkSBT is bound"), &[("PoseidonT3", poseidon)])?;
    let init: Bytes = [code.as_ref(), args.as_ref()].concat().into();
    run.create("ZkSBT", RawCallBuilder::new_raw_deploy(provider, init), args).await?;
    Ok(())
}
