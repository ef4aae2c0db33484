//! The chain abstraction scenarios are written against.

// The harness is driven from single-threaded test runtimes: futures need not be `Send`.
#![allow(async_fn_in_trait)]

use crate::{Error, Result};
use alloy::{
    primitives::{Address, Bytes, Log},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolError},
};

/// What a mined transaction did.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    /// Whether it succeeded (receipt status 1).
    pub success: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// Logs it emitted.
    pub logs: Vec<Log>,
    /// The created contract, for a creation.
    pub created: Option<Address>,
}

/// A chain a scenario runs on: accounts with keys, transactions, calls, time.
pub trait Chain {
    /// Backend name, for messages.
    fn name(&self) -> &'static str;
    /// EIP-155 chain id.
    fn chain_id(&self) -> u64;
    /// Funded accounts whose keys the scenario may sign with.
    fn accounts(&self) -> &[PrivateKeySigner];
    /// Mines a contract creation from `from`.
    async fn deploy(&mut self, from: Address, init_code: Bytes) -> Result<TxOutcome>;
    /// Mines a call transaction from `from` to `to`.
    async fn transact(&mut self, from: Address, to: Address, data: Bytes) -> Result<TxOutcome>;
    /// Executes a call against the latest block without mining it: `Ok(return data)` or
    /// `Err(revert data)`.
    async fn call(&self, from: Address, to: Address, data: Bytes) -> Result<Result<Bytes, Bytes>>;
    /// Timestamp of the latest block.
    async fn timestamp(&self) -> Result<u64>;
    /// Mines an empty block `secs` seconds after the latest one.
    async fn advance_time(&mut self, secs: u64) -> Result<()>;
}

/// Typed helpers over [`Chain`], shared by every backend.
pub trait ChainExt: Chain {
    /// Address of the `i`-th funded account.
    fn account(&self, i: usize) -> Address {
        self.accounts()[i].address()
    }

    /// Deploys `bytecode` with ABI-encoded constructor arguments `args`; the creation must succeed.
    async fn create(&mut self, from: Address, bytecode: &[u8], args: &[u8]) -> Result<(Address, TxOutcome)> {
        let init_code: Bytes = [bytecode, args].concat().into();
        let outcome = self.deploy(from, init_code).await?;
        match (outcome.success, outcome.created) {
            (true, Some(address)) => Ok((address, outcome)),
            _ => Err(Error::Expectation { chain: self.name(), message: "contract creation failed".into() }),
        }
    }

    /// Calls a view function and decodes its return value.
    async fn view<C: SolCall>(&self, to: Address, call: C) -> Result<C::Return> {
        match self.call(Address::ZERO, to, call.abi_encode().into()).await? {
            Ok(data) => Ok(C::abi_decode_returns(&data)?),
            Err(data) => Err(Error::Reverted { to, data }),
        }
    }

    /// Mines a call that must succeed; a revert is an error carrying its revert data.
    async fn send<C: SolCall>(&mut self, from: Address, to: Address, call: C) -> Result<TxOutcome> {
        let data: Bytes = call.abi_encode().into();
        let outcome = self.transact(from, to, data.clone()).await?;
        if outcome.success {
            return Ok(outcome);
        }
        let data = self.call(from, to, data).await?.err().unwrap_or_default();
        Err(Error::Reverted { to, data })
    }

    /// Checks that a call reverts with custom error `E`, both simulated (decoding the revert
    /// data) and mined (receipt status 0), and returns the decoded error.
    async fn expect_revert<E: SolError, C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: C,
    ) -> Result<E> {
        let data: Bytes = call.abi_encode().into();
        let Err(revert) = self.call(from, to, data.clone()).await? else {
            return Err(Error::DidNotRevert { to });
        };
        let decoded = E::abi_decode(&revert)?;
        if self.transact(from, to, data).await?.success {
            return Err(Error::DidNotRevert { to });
        }
        Ok(decoded)
    }

    /// Fails the scenario with `message` unless `cond` holds.
    fn ensure(&self, cond: bool, message: impl FnOnce() -> String) -> Result<()> {
        if cond { Ok(()) } else { Err(Error::Expectation { chain: self.name(), message: message() }) }
    }

    /// Fails the scenario unless `left == right`.
    fn ensure_eq<T: PartialEq + std::fmt::Debug>(&self, what: &str, left: T, right: T) -> Result<()> {
        self.ensure(left == right, || format!("{what}: {left:?} != {right:?}"))
    }
}

impl<C: Chain> ChainExt for C {}
