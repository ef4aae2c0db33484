//! One deployment run over any [`Chain`]: the deployer's transactions, each named by its step,
//! and the contracts they created, recorded as the manifest records them.

use super::Error;
use crate::evm::{Chain, ChainExt, TxOutcome};
use alloy::{
    primitives::{Address, Bytes, keccak256},
    sol_types::SolCall,
};
use masa_bindings::{Contract, manifest::Deployment};
use std::collections::BTreeMap;

/// A transaction of the run.
#[derive(Debug, Clone)]
pub struct Step {
    /// What it did (`MasaToken`, `TimelockController.grantRole`, ...).
    pub name: String,
    /// Its outcome.
    pub outcome: TxOutcome,
}

/// One deployment run: sends from one account and records what it creates.
#[derive(Debug)]
pub struct Deployer<'c, C> {
    chain: &'c mut C,
    from: Address,
    contracts: BTreeMap<String, Deployment>,
    steps: Vec<Step>,
}

impl<'c, C: Chain> Deployer<'c, C> {
    /// A run on `chain` sending from `from` (an account the chain signs for).
    pub const fn new(chain: &'c mut C, from: Address) -> Self {
        Self { chain, from, contracts: BTreeMap::new(), steps: Vec::new() }
    }

    /// The sending account.
    pub const fn from(&self) -> Address {
        self.from
    }

    /// The chain.
    pub const fn chain(&mut self) -> &mut C {
        self.chain
    }

    /// The contracts created so far, by manifest name.
    pub const fn contracts(&self) -> &BTreeMap<String, Deployment> {
        &self.contracts
    }

    /// The address of `contract`, if this run deployed it.
    pub fn address_of(&self, contract: Contract) -> Option<Address> {
        self.contracts.get(contract.name()).map(|d| d.address)
    }

    /// Every transaction of the run, in order (their gas, for reports).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The contracts created, for the manifest.
    pub fn into_contracts(self) -> BTreeMap<String, Deployment> {
        self.contracts
    }

    /// Deploys `contract` from its creation code and ABI-encoded constructor arguments, and
    /// records the deployment.
    pub async fn create(&mut self, contract: Contract, code: &[u8], args: Bytes) -> Result<Address, Error> {
        let step = |source| Error::Step { step: contract.name().to_owned(), source };
        let (address, outcome) = self.chain.create(self.from, code, &args).await.map_err(step)?;
        let code = self.chain.code_at(address).await.map_err(step)?;
        tracing::info!(%contract, %address, block = outcome.block_number, "deployed");
        self.contracts.insert(
            contract.name().to_owned(),
            Deployment {
                address,
                tx_hash: outcome.tx_hash,
                block_number: outcome.block_number,
                block_hash: outcome.block_hash,
                code_hash: keccak256(&code),
                constructor_args: args,
            },
        );
        self.steps.push(Step { name: contract.name().to_owned(), outcome });
        Ok(address)
    }

    /// Sends a set-up call that must succeed; `step` names it in errors and reports.
    pub async fn send<T: SolCall>(&mut self, step: &str, to: Address, call: T) -> Result<&TxOutcome, Error> {
        let outcome = self
            .chain
            .send(self.from, to, call)
            .await
            .map_err(|source| Error::Step { step: step.to_owned(), source })?;
        self.steps.push(Step { name: step.to_owned(), outcome });
        Ok(&self.steps.last().expect("just pushed").outcome)
    }

    /// Reads a view function.
    pub async fn view<T: SolCall>(&self, step: &str, to: Address, call: T) -> Result<T::Return, Error> {
        self.chain.view(to, call).await.map_err(|source| Error::Step { step: step.to_owned(), source })
    }
}
