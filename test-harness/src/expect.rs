//! What scenarios assert about a chain, over the sdk's [`Chain`].

use crate::{Error, Result};
use alloy::{
    primitives::{Address, Bytes},
    sol_types::{SolCall, SolError},
};
use masa_sdk::evm::Chain;

/// Scenario assertions, for every [`Chain`].
#[allow(async_fn_in_trait)] // driven from single-threaded test runtimes
pub trait Expect: Chain {
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

impl<C: Chain> Expect for C {}
