//! The zkSBT registry: the Poseidon libraries (T3 tree nodes, T5 issuer sets, T6 leaves), the
//! generated disclosure verifier, the issuer registry (owned by the DAO, with the parameters'
//! schemas and issuers) and the registry (owned by the DAO, its mint fees paid through this
//! deployment's fee router), linked to the three libraries.

use super::{DeployError, governance::Governance, runner::Deployer};
use alloy::{
    contract::RawCallBuilder,
    primitives::{Bytes, U256},
    providers::Provider,
    sol_types::SolConstructor,
};
use masa_bindings::{
    artifacts::artifact,
    contracts::{DisclosureVerifier, IIssuerRegistry, IZkSBT, IssuerRegistry, PoseidonT3, ZkSBT},
    link::linked_bytecode,
    params::IdentityParams,
    poseidon::{PoseidonT5, PoseidonT6},
};
use std::path::Path;

/// Deploys the identity contracts (after the fee router, which the registry pays its mint fees
/// through).
pub(super) async fn deploy<P: Provider>(
    run: &mut Deployer<'_, P>,
    gov: Governance,
    params: &IdentityParams,
    params_path: &Path,
) -> Result<(), DeployError> {
    let provider = run.provider;
    let config =
        params.config().map_err(|reason| DeployError::Params { path: params_path.to_owned(), reason })?;
    let fee_router =
        run.contracts.get("FeeRouter").map(|d| d.address).ok_or_else(|| DeployError::Params {
            path: params_path.to_owned(),
            reason: "the zkSBT registry needs the fee router, which is not deployed".into(),
        })?;
    let libraries = [
        ("PoseidonT3", run.create("PoseidonT3", PoseidonT3::deploy_builder(provider), Bytes::new()).await?),
        ("PoseidonT5", run.create("PoseidonT5", PoseidonT5::deploy_builder(provider), Bytes::new()).await?),
        ("PoseidonT6", run.create("PoseidonT6", PoseidonT6::deploy_builder(provider), Bytes::new()).await?),
    ];
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
        feeRouter_: fee_router,
        owner_: gov.timelock,
        config_: IZkSBT::Config {
            treeDepth: config.tree_depth,
            rootHistory: config.root_history,
            selfAttestedMintFee: config.self_attested_mint_fee,
            attestedMintFee: config.attested_mint_fee,
        },
    }
    .abi_encode()
    .into();
    let code = linked_bytecode(artifact("ZkSBT").expect("ZkSBT is bound"), &libraries)?;
    let init: Bytes = [code.as_ref(), args.as_ref()].concat().into();
    run.create("ZkSBT", RawCallBuilder::new_raw_deploy(provider, init), args).await?;
    Ok(())
}
