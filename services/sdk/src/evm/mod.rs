//! The chain abstraction the deployer, the clients' transactions and the scenarios are written
//! against, with two backends: [`RpcChain`] (any JSON-RPC node: anvil, subnet-evm, opBNB) and,
//! with the `revm` feature, [`RevmChain`] (in-process, for pre-flight and tests).

// Driven from single-threaded runtimes and one task per chain: futures need not be `Send`.
#![allow(async_fn_in_trait)]

mod error;
#[cfg(feature = "revm")]
mod revm;
mod rpc;

pub use error::{Error, Result};
#[cfg(feature = "revm")]
pub use revm::RevmChain;
pub use rpc::{Gas, RpcChain};

use alloy::{
    primitives::{Address, B256, Bytes, Log},
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};

/// What a mined transaction did.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    /// The transaction hash (on revm, which mines unsigned transactions: keccak256 of the chain
    /// id, sender and nonce).
    pub tx_hash: B256,
    /// The block that included it.
    pub block_number: u64,
    /// That block's hash.
    pub block_hash: B256,
    /// Whether it succeeded (receipt status 1).
    pub success: bool,
    /// Gas it used.
    pub gas_used: u64,
    /// Logs it emitted.
    pub logs: Vec<Log>,
    /// The created contract, for a creation.
    pub created: Option<Address>,
}

/// A chain: accounts with keys, transactions, calls, code, time.
pub trait Chain {
    /// Backend name, for messages.
    fn name(&self) -> &'static str;
    /// EIP-155 chain id.
    fn chain_id(&self) -> u64;
    /// The accounts this chain signs for.
    fn accounts(&self) -> &[PrivateKeySigner];
    /// Mines a contract creation from `from`.
    async fn deploy(&mut self, from: Address, init_code: Bytes) -> Result<TxOutcome>;
    /// Mines a call transaction from `from` to `to`.
    async fn transact(&mut self, from: Address, to: Address, data: Bytes) -> Result<TxOutcome>;
    /// Executes a call against the latest block without mining it: `Ok(return data)` or
    /// `Err(revert data)`.
    async fn call(&self, from: Address, to: Address, data: Bytes) -> Result<Result<Bytes, Bytes>>;
    /// The runtime code at `address` (empty for an account without code).
    async fn code_at(&self, address: Address) -> Result<Bytes>;
    /// Timestamp of the latest block.
    async fn timestamp(&self) -> Result<u64>;
    /// Mines an empty block `secs` seconds after the latest one (development chains only).
    async fn advance_time(&mut self, secs: u64) -> Result<()>;
}

/// Typed helpers over [`Chain`], shared by every backend.
pub trait ChainExt: Chain {
    /// Address of the `i`-th account.
    fn account(&self, i: usize) -> Address {
        self.accounts()[i].address()
    }

    /// Deploys `bytecode` with ABI-encoded constructor arguments `args`; the creation must
    /// succeed.
    async fn create(&mut self, from: Address, bytecode: &[u8], args: &[u8]) -> Result<(Address, TxOutcome)> {
        let init_code: Bytes = [bytecode, args].concat().into();
        let outcome = self.deploy(from, init_code).await?;
        match (outcome.success, outcome.created) {
            (true, Some(address)) => Ok((address, outcome)),
            _ => Err(Error::CreationFailed { from, tx_hash: outcome.tx_hash }),
        }
    }

    /// Calls a view function and decodes its return value.
    async fn view<C: SolCall>(&self, to: Address, call: C) -> Result<C::Return> {
        match self.call(Address::ZERO, to, call.abi_encode().into()).await? {
            Ok(data) => Ok(C::abi_decode_returns(&data)?),
            Err(data) => Err(Error::Reverted { to, data }),
        }
    }

    /// Mines a call that must succeed; a revert is an error carrying its (decodable) revert data.
    async fn send<C: SolCall>(&mut self, from: Address, to: Address, call: C) -> Result<TxOutcome> {
        let data: Bytes = call.abi_encode().into();
        let outcome = self.transact(from, to, data.clone()).await?;
        if outcome.success {
            return Ok(outcome);
        }
        let data = self.call(from, to, data).await?.err().unwrap_or_default();
        Err(Error::Reverted { to, data })
    }
}

impl<C: Chain> ChainExt for C {}
