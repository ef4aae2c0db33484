//! The zkSBT registry: the Poseidon libraries (T3 tree nodes, T5 issuer sets, T6 leaves), the
//! generated disclosure verifier, the issuer registry (with its schemas, its issuers and the
//! oracle node registry whose active nodes attest the schemas marked `oracle_attested`) and the
//! registry, linked to the three libraries, its mint fees paid through a fee router.

use super::{
    Deployer, Error,
    params::{IdentityConfig, IssuerParams, SchemaParams},
};
use crate::evm::Chain;
use alloy::{
    primitives::{Address, Bytes, U256},
    sol_types::SolConstructor,
};
use masa_bindings::{
    Contract,
    artifacts::artifact,
    contracts::{DisclosureVerifier, IIssuerRegistry, IZkSBT, IssuerRegistry, PoseidonT3, ZkSBT},
    link::linked_bytecode,
    poseidon::{PoseidonT5, PoseidonT6},
};

/// The identity contracts of a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    /// The generated Groth16 verifier.
    pub verifier: Address,
    /// Schemas and issuers.
    pub issuer_registry: Address,
    /// The zkSBT registry.
    pub sbt: Address,
}

/// What the identity contracts are built with.
#[derive(Debug, Clone, Copy)]
pub struct IdentityInit<'a> {
    /// Owner of both registries (the DAO timelock).
    pub owner: Address,
    /// The fee router mint fees are paid through.
    pub fee_router: Address,
    /// The registry's configuration.
    pub config: IdentityConfig,
    /// Schemas registered at deployment.
    pub schemas: &'a [SchemaParams],
    /// Issuers registered at deployment.
    pub issuers: &'a [IssuerParams],
    /// The oracle node registry whose active nodes attest the schemas marked `oracle_attested`.
    pub oracle_nodes: Option<Address>,
}

/// Deploys the identity contracts.
pub async fn deploy<C: Chain>(run: &mut Deployer<'_, C>, init: IdentityInit<'_>) -> Result<Identity, Error> {
    let mut libraries = Vec::with_capacity(Contract::ZKSBT_LIBRARIES.len());
    for (contract, code) in Contract::ZKSBT_LIBRARIES.into_iter().zip([
        &PoseidonT3::BYTECODE,
        &PoseidonT5::BYTECODE,
        &PoseidonT6::BYTECODE,
    ]) {
        libraries.push((contract.name(), run.create(contract, code, Bytes::new()).await?));
    }
    let verifier =
        run.create(Contract::DisclosureVerifier, &DisclosureVerifier::BYTECODE, Bytes::new()).await?;

    let schemas = init
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
    let issuers = init
        .issuers
        .iter()
        .map(|i| IIssuerRegistry::IssuerInit {
            issuer: i.address,
            name: i.name.clone(),
            schemaIds: i.schemas.iter().map(|&id| U256::from(id)).collect(),
        })
        .collect();
    let oracle = IIssuerRegistry::OracleInit {
        nodes: init.oracle_nodes.unwrap_or(Address::ZERO),
        schemaIds: init.schemas.iter().filter(|s| s.oracle_attested).map(|s| U256::from(s.id)).collect(),
    };
    let registry_args = IssuerRegistry::constructorCall { owner_: init.owner, schemas, issuers, oracle };
    let issuer_registry = run
        .create(Contract::IssuerRegistry, &IssuerRegistry::BYTECODE, registry_args.abi_encode().into())
        .await?;

    let config = init.config;
    let args = ZkSBT::constructorCall {
        verifier_: verifier,
        issuers_: issuer_registry,
        feeRouter_: init.fee_router,
        owner_: init.owner,
        config_: IZkSBT::Config {
            treeDepth: config.tree_depth,
            rootHistory: config.root_history,
            selfAttestedMintFee: config.self_attested_mint_fee,
            attestedMintFee: config.attested_mint_fee,
        },
    };
    let code = linked_bytecode(artifact(Contract::ZkSBT.name()).expect("ZkSBT is bound"), &libraries)?;
    let sbt = run.create(Contract::ZkSBT, &code, args.abi_encode().into()).await?;
    Ok(Identity { verifier, issuer_registry, sbt })
}
