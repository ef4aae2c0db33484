//! Sending a contract call the same way for every client: simulated first, so a refusal comes
//! back as the contract's custom error by name and values (decoded against every ABI of the
//! suite) before anything is sent; then sent with a gas margin, and its receipt awaited and
//! checked. Errors name the call, the contract and the transaction.

use alloy::{
    contract::{CallBuilder, CallDecoder},
    network::EthereumWallet,
    primitives::{Address, B256, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{Log, TransactionReceipt},
    signers::local::PrivateKeySigner,
    sol_types::SolEvent,
};
use masa_bindings::{
    Contract,
    contracts::MasaToken,
    revert::{DecodedRevert, decode_revert},
};
use std::{fmt, time::Duration};
use url::Url;

/// Longest wait for a transaction's receipt.
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A contract function, as errors name it: `ZkSBT.burn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// The contract's name.
    pub contract: &'static str,
    /// The function.
    pub function: &'static str,
}

impl Call {
    /// `function` of a contract of the suite.
    pub const fn new(contract: Contract, function: &'static str) -> Self {
        Self { contract: contract.name(), function }
    }

    /// `function` of any ERC-20 token.
    pub const fn erc20(function: &'static str) -> Self {
        Self { contract: "ERC20", function }
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.contract, self.function)
    }
}

/// A view call that failed (the clients' `Read` errors): which function, on which contract,
/// and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {call} from {contract}: {reason}")]
pub struct ReadError {
    /// The view (`DataPools.pool`).
    pub call: Call,
    /// The contract.
    pub contract: Address,
    /// The revert (decoded) or transport error.
    pub reason: String,
}

/// The [`ReadError`] of a failed view `call` on `contract` (its revert decoded by name), for
/// `map_err`: `.map_err(tx::read(Call::erc20("decimals"), token))?`.
pub fn read(call: Call, contract: Address) -> impl Fn(alloy::contract::Error) -> ReadError {
    move |e| ReadError { call, contract, reason: masa_bindings::revert::describe(&e) }
}

/// A plain RPC request that failed (the clients' `Rpc` errors: `eth_getLogs`, a block query).
#[derive(Debug, thiserror::Error)]
#[error("{request} on the RPC: {reason}")]
pub struct RpcError {
    /// What was asked.
    pub request: &'static str,
    /// Why it failed.
    pub reason: String,
}

/// The [`RpcError`] of a failed `request`, for `map_err`: `.map_err(tx::rpc("eth_getLogs"))?`.
pub fn rpc<E: fmt::Display>(request: &'static str) -> impl Fn(E) -> RpcError {
    move |e| RpcError { request, reason: e.to_string() }
}

/// Why a call was refused: the revert, decoded when a contract of the suite declares it.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// A known error, by name and values.
    Decoded(DecodedRevert),
    /// Revert data no ABI of the suite declares (empty for a bare `revert()`).
    Raw(Bytes),
}

impl Refusal {
    /// The refusal in revert `data`.
    pub fn from_data(data: &[u8]) -> Self {
        decode_revert(data).map_or_else(|| Self::Raw(Bytes::copy_from_slice(data)), Self::Decoded)
    }

    /// The refusal of a failed call, when it reverted (not when the node failed).
    pub fn of(err: &alloy::contract::Error) -> Option<Self> {
        err.as_revert_data().map(|data| Self::from_data(&data))
    }

    /// The decoded error, if any.
    pub const fn decoded(&self) -> Option<&DecodedRevert> {
        match self {
            Self::Decoded(revert) => Some(revert),
            Self::Raw(_) => None,
        }
    }

    /// Whether this is the error called `name`.
    pub fn is(&self, name: &str) -> bool {
        self.decoded().is_some_and(|revert| revert.name == name)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decoded(revert) => revert.fmt(f),
            Self::Raw(data) if data.is_empty() => f.write_str("a revert without data"),
            Self::Raw(data) => write!(f, "a revert with data {data}"),
        }
    }
}

/// Why a transaction did not go through.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The contract refuses the call (found by simulating it, or by gas estimation).
    #[error("{call} at {to} refused: {refusal}")]
    Refused {
        /// The call (`ZkSBT.burn`).
        call: Call,
        /// The contract.
        to: Address,
        /// Its error.
        refusal: Refusal,
    },
    /// The node failed a request (simulation, estimation, sending).
    #[error("{call} at {to}: {reason}")]
    Rpc {
        /// The call.
        call: Call,
        /// The contract.
        to: Address,
        /// The transport error.
        reason: String,
    },
    /// The transaction was sent but its receipt did not come.
    #[error("{call}: no receipt for transaction {tx_hash}: {reason}")]
    Receipt {
        /// The call.
        call: Call,
        /// The transaction.
        tx_hash: B256,
        /// What went wrong.
        reason: String,
    },
    /// The paying wallet does not hold what a payment takes (found before anything is sent).
    #[error("{what} takes {needed}, but the wallet {wallet} holds {balance}")]
    Funds {
        /// What the payment is for (`funding`, `staking`, `the mint fee`).
        what: &'static str,
        /// The amount, in the token's words (`1.5 MASA`).
        needed: String,
        /// The wallet.
        wallet: Address,
        /// Its balance, in the same words.
        balance: String,
    },
    /// The transaction was mined and reverted.
    #[error("{call} at {to} reverted in transaction {tx_hash}")]
    Reverted {
        /// The call.
        call: Call,
        /// The contract.
        to: Address,
        /// The transaction.
        tx_hash: B256,
    },
}

impl Error {
    /// The contract's refusal, when that is what this is.
    pub const fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Refused { refusal, .. } => Some(refusal),
            _ => None,
        }
    }
}

/// The token a payment is made in, as messages name its amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// MASA (18 decimals): `1.5 MASA`.
    Masa(Address),
    /// Another ERC-20, in its base units: `1500000 of token 0x…`.
    Other(Address),
}

impl Token {
    /// `token`, which is MASA when it is `masa`.
    pub fn of(token: Address, masa: Address) -> Self {
        if token == masa { Self::Masa(token) } else { Self::Other(token) }
    }

    /// The token's address.
    pub const fn address(self) -> Address {
        match self {
            Self::Masa(a) | Self::Other(a) => a,
        }
    }

    /// `amount` of this token, in words.
    pub fn text(self, amount: U256) -> String {
        match self {
            Self::Masa(_) => format!("{} MASA", crate::fees::masa_text(amount)),
            Self::Other(token) => format!("{amount} of token {token}"),
        }
    }
}

/// Lets `spender` take exactly `amount` of `token` from `owner` (the provider's wallet), after
/// checking `owner` holds it ([`Error::Funds`] names `what` the payment is for); sends the
/// approval only when the allowance is not already that amount. Every client pays this way.
pub async fn approve_exactly<P: Provider>(
    provider: &P,
    token: Token,
    what: &'static str,
    owner: Address,
    spender: Address,
    amount: U256,
) -> Result<(), Error> {
    let address = token.address();
    // MASA's binding serves any ERC-20's balanceOf, allowance and approve
    let erc20 = MasaToken::new(address, provider);
    let read = |function| move |e: alloy::contract::Error| call_error(Call::erc20(function), address, &e);
    let balance = erc20.balanceOf(owner).call().await.map_err(read("balanceOf"))?;
    if balance < amount {
        return Err(Error::Funds {
            what,
            needed: token.text(amount),
            wallet: owner,
            balance: token.text(balance),
        });
    }
    let allowance = erc20.allowance(owner, spender).call().await.map_err(read("allowance"))?;
    if allowance != amount {
        send(Call::erc20("approve"), erc20.approve(spender, amount)).await?;
    }
    Ok(())
}

/// A provider for `rpc_url` that signs with `signer`.
pub fn signing_provider(rpc_url: Url, signer: PrivateKeySigner) -> DynProvider {
    ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(rpc_url).erased()
}

/// A read-only provider for `rpc_url`.
pub fn read_provider(rpc_url: Url) -> DynProvider {
    ProviderBuilder::new().connect_http(rpc_url).erased()
}

/// The contract a call goes to.
fn target<P, D>(call: &CallBuilder<P, D>) -> Address {
    call.as_ref().to.and_then(|kind| kind.to().copied()).unwrap_or_default()
}

/// A failed call as [`Error::Refused`] when it reverted, else [`Error::Rpc`].
pub fn call_error(call: Call, to: Address, err: &alloy::contract::Error) -> Error {
    match Refusal::of(err) {
        Some(refusal) => Error::Refused { call, to, refusal },
        None => Error::Rpc { call, to, reason: err.to_string() },
    }
}

/// Gas a transaction may need beyond its estimate's half again: four fresh storage slots
/// (22,100 gas each) and change.
const FRESH_SLOTS_GAS: u64 = 100_000;

/// The gas limit to send with for a node's estimate of `gas`: half again, plus
/// [`FRESH_SLOTS_GAS`]. The estimate is made against the latest block, and the block the
/// transaction lands in can cost more: a later timestamp makes `ERC20Votes` push vote
/// checkpoints instead of updating them (a burn estimated at 57,302 gas ran out at 85,953),
/// and a data pool's first stake after its start streams the elapsed seconds into fresh slots.
/// Unused gas is refunded.
pub const fn with_headroom(gas: u64) -> u64 {
    gas.saturating_add(gas / 2).saturating_add(FRESH_SLOTS_GAS)
}

/// Simulates `call` (named `name` in errors), sends it from the provider's
/// wallet and waits for its successful receipt.
///
/// The gas limit is the node's estimate [with headroom](with_headroom). Unused gas is not
/// charged.
pub async fn send<P: Provider, D: CallDecoder>(
    name: Call,
    call: CallBuilder<P, D>,
) -> Result<TransactionReceipt, Error> {
    let to = target(&call);
    call.call_raw().await.map_err(|e| call_error(name, to, &e))?;
    let gas = call.estimate_gas().await.map_err(|e| call_error(name, to, &e))?;
    let pending = call.gas(with_headroom(gas)).send().await.map_err(|e| call_error(name, to, &e))?;
    let tx_hash = *pending.tx_hash();
    let receipt = pending
        .with_timeout(Some(RECEIPT_TIMEOUT))
        .get_receipt()
        .await
        .map_err(|e| Error::Receipt { call: name, tx_hash, reason: e.to_string() })?;
    if !receipt.status() {
        return Err(Error::Reverted { call: name, to, tx_hash });
    }
    Ok(receipt)
}

/// The first `E` among `logs` (a receipt's), if any.
pub fn first_event<E: SolEvent>(logs: &[Log]) -> Option<E> {
    logs.iter().find_map(|log| E::decode_log(&log.inner).ok()).map(|log| log.data)
}

/// Timestamp of the latest block.
pub async fn latest_timestamp(provider: &impl Provider) -> Result<u64, alloy::transports::TransportError> {
    Ok(provider
        .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
        .await?
        .map_or(0, |block| block.header.timestamp))
}
