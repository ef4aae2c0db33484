//! The fee router's client: fees paid in MASA or an accepted token, quotes and minimum outputs
//! read off-chain from the exchange, and refusals decoded by name with amounts in their token's
//! units (`ERC20InsufficientBalance(sender 0x…, balance 0, needed 100 MASA)`).
//!
//! ```no_run
//! # async fn example(target: masa_sdk::target::Target, wallet: alloy::signers::local::PrivateKeySigner)
//! # -> Result<(), masa_sdk::fees::Error> {
//! use masa_sdk::fees::{FeeClient, FeeRequest};
//!
//! let fees = FeeClient::connect(&target, wallet)?;
//! let masa = fees.token("MASA").await?;
//! let amount = masa.parse_amount("100")?;
//! let paid = fees.pay(&FeeRequest::new(masa, amount)).await?;
//! println!("{} burned in {}", paid.burned, paid.tx_hash);
//! # Ok(()) }
//! ```

use crate::{
    target::Target,
    tx::{self, Call},
};
use alloy::{
    dyn_abi::DynSolValue,
    primitives::{
        Address, B256, U256, keccak256,
        utils::{format_units, parse_units},
    },
    providers::{DynProvider, Provider, WalletProvider},
};
use masa_bindings::{
    Contract,
    contracts::{FeeRouter, MasaToken},
    manifest::Manifest,
    revert::{DecodedRevert, describe},
    uniswap::UniswapV2Router02,
};

/// Why a fee quote or payment failed. Messages name the token, the router and the transaction.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest has no fee router or no MASA.
    #[error(transparent)]
    Manifest(#[from] masa_bindings::Error),
    /// The token is neither `MASA` nor an address.
    #[error("token {0} is neither MASA nor an address")]
    BadToken(String),
    /// The token does not answer as an ERC-20.
    #[error("{token} does not answer decimals(): not an ERC-20? ({reason})")]
    NotErc20 {
        /// The token.
        token: Address,
        /// Why.
        reason: String,
    },
    /// The amount does not parse in the token's decimals.
    #[error("{amount} is not an amount of {symbol} (a number with at most {decimals} decimals)")]
    BadAmount {
        /// What was given.
        amount: String,
        /// The token's symbol.
        symbol: String,
        /// Its decimals.
        decimals: u8,
    },
    /// The slippage is more than the whole quote.
    #[error("the slippage must be at most 10000 basis points, got {0}")]
    Slippage(u16),
    /// The router does not take the token.
    #[error("{token} is not accepted by the fee router {router} (governance accepts tokens)")]
    NotAccepted {
        /// The token.
        token: Address,
        /// The router.
        router: Address,
    },
    /// A read from the router or a token failed.
    #[error(transparent)]
    Read(#[from] tx::ReadError),
    /// The exchange does not quote the swap.
    #[error("the exchange {exchange} cannot quote {amount} of {token} (no pool or no liquidity?): {reason}")]
    NoQuote {
        /// The exchange's router.
        exchange: Address,
        /// The token.
        token: Address,
        /// The amount, in the token's units.
        amount: U256,
        /// Why.
        reason: String,
    },
    /// The latest block cannot be read.
    #[error("cannot read the latest block: {0}")]
    Block(String),
    /// The router refuses the payment: its error, or the token's, with amounts in units.
    #[error("the fee router {router} refuses the payment of {amount}: {reason}")]
    Refused {
        /// The router.
        router: Address,
        /// The fee, with its unit.
        amount: String,
        /// The decoded refusal.
        reason: String,
    },
    /// Approving the router failed.
    #[error("approving the fee router {router} for {amount}: {source}")]
    Approve {
        /// The router.
        router: Address,
        /// The fee, with its unit.
        amount: String,
        /// Why.
        source: Box<tx::Error>,
    },
    /// The payment transaction failed.
    #[error("paying {amount} through the fee router {router}: {source}")]
    Pay {
        /// The router.
        router: Address,
        /// The fee, with its unit.
        amount: String,
        /// Why.
        source: Box<tx::Error>,
    },
    /// `payFee` succeeded without the events it emits.
    #[error("payFee in transaction {tx_hash} emitted no {event} event")]
    MissingEvent {
        /// The transaction.
        tx_hash: B256,
        /// The event.
        event: &'static str,
    },
}

/// What a fee payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeePayment {
    /// The MASA the fee became.
    pub masa_amount: U256,
    /// MASA burned by this routing.
    pub burned: U256,
    /// MASA carried to the next routing.
    pub dust: U256,
    /// The transaction.
    pub tx_hash: B256,
}

/// An ERC-20 as amounts are written in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Its address.
    pub address: Address,
    /// Its symbol (its address when it has none).
    pub symbol: String,
    /// Its decimals.
    pub decimals: u8,
}

impl Token {
    /// Reads `address`'s decimals and symbol.
    pub async fn read(provider: &impl Provider, address: Address) -> Result<Self, Error> {
        let erc20 = MasaToken::new(address, provider);
        let decimals = erc20
            .decimals()
            .call()
            .await
            .map_err(|e| Error::NotErc20 { token: address, reason: describe(&e) })?;
        let symbol = erc20.symbol().call().await.unwrap_or_else(|_| address.to_checksum(None));
        Ok(Self { address, symbol, decimals })
    }

    /// `amount` (whole units, decimals allowed: `12.5`) in the token's smallest unit.
    /// More decimals than the token has are refused, not rounded away.
    pub fn parse_amount(&self, amount: &str) -> Result<U256, Error> {
        let bad = || Error::BadAmount {
            amount: amount.to_owned(),
            symbol: self.symbol.clone(),
            decimals: self.decimals,
        };
        let fraction = amount.split_once('.').map_or("", |(_, fraction)| fraction.trim_end_matches('0'));
        if fraction.len() > usize::from(self.decimals) {
            return Err(bad());
        }
        parse_units(amount, self.decimals).map(Into::into).map_err(|_| bad())
    }

    /// `amount` in whole units with the symbol (`12.5 MASA`); zero is `0`.
    pub fn format(&self, amount: U256) -> String {
        if amount.is_zero() {
            return "0".to_owned();
        }
        format!("{} {}", amount_text(amount, self.decimals), self.symbol)
    }
}

/// `amount` of a token with `decimals` as a decimal number without trailing zeros (`1.5`, `0`).
pub fn amount_text(amount: U256, decimals: u8) -> String {
    let text = format_units(amount, decimals).unwrap_or_else(|_| amount.to_string());
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

/// A MASA amount in wei as decimal MASA without trailing zeros (`1.5`, `0`).
pub fn masa_text(wei: U256) -> String {
    amount_text(wei, 18)
}

/// A refusal met while paying `token`, with the amounts it carries in the unit they are of: the
/// token's for its ERC-20 errors and the router's transfer checks, MASA's for the router's
/// minimum output.
pub fn render_refusal(revert: &DecodedRevert, token: &Token, masa: &Token) -> String {
    let (unit, amounts): (&Token, &[&str]) = match revert.name.as_str() {
        "ERC20InsufficientBalance" => (token, &["balance", "needed"]),
        "ERC20InsufficientAllowance" => (token, &["allowance", "needed"]),
        "FeeRouter__TransferAmountMismatch" => (token, &["expected", "received"]),
        "FeeRouter__InsufficientOutput" => (masa, &["received", "minimum"]),
        _ => return revert.to_string(),
    };
    revert.display_with(|name, value| match value {
        DynSolValue::Uint(amount, _) if amounts.contains(&name) => Some(unit.format(*amount)),
        _ => None,
    })
}

/// `function` of the fee router, as errors name it.
const fn router_call(function: &'static str) -> Call {
    Call::new(Contract::FeeRouter, function)
}

/// The least MASA to accept for `amount` of `token`: the exchange's quote along the router's
/// path, less `slippage_bps`. The quote is read here, off-chain, never by the contract.
pub async fn min_masa_out(
    provider: &impl Provider,
    fee_router: Address,
    token: Address,
    masa: Address,
    amount: U256,
    slippage_bps: u16,
) -> Result<U256, Error> {
    if slippage_bps > 10_000 {
        return Err(Error::Slippage(slippage_bps));
    }
    if token == masa {
        return Ok(amount);
    }
    let router = FeeRouter::new(fee_router, provider);
    let read = |function| tx::read(router_call(function), fee_router);
    let path = router.pathOf(token).call().await.map_err(read("pathOf"))?;
    if path.is_empty() {
        return Err(Error::NotAccepted { token, router: fee_router });
    }
    let exchange = router.swapRouter().call().await.map_err(read("swapRouter"))?;
    let no_quote = |reason: String| Error::NoQuote { exchange, token, amount, reason };
    let amounts = UniswapV2Router02::new(exchange, provider)
        .getAmountsOut(amount, path)
        .call()
        .await
        .map_err(|e| no_quote(describe(&e)))?;
    let quote = *amounts.last().ok_or_else(|| no_quote("an empty quote".into()))?;
    Ok(quote * U256::from(10_000 - u32::from(slippage_bps)) / U256::from(10_000))
}

/// Approves (if needed) and pays `amount` of `token` through the fee router, from the provider's
/// wallet. The payment is simulated first: a refusal comes back decoded, with amounts in units.
pub async fn pay_fee(
    provider: &(impl Provider + WalletProvider),
    fee_router: Address,
    token: Address,
    amount: U256,
    min_masa_out: U256,
    deadline: u64,
    fee_kind: B256,
) -> Result<FeePayment, Error> {
    let payment = Payment { token, amount, min_masa_out, deadline, fee_kind };
    pay_fee_from(provider, provider.default_signer_address(), fee_router, payment).await
}

/// A payment's arguments, as `payFee` takes them.
#[derive(Debug, Clone, Copy)]
struct Payment {
    token: Address,
    amount: U256,
    min_masa_out: U256,
    deadline: u64,
    fee_kind: B256,
}

/// [`pay_fee`] from `payer`, an account `provider` signs for.
async fn pay_fee_from(
    provider: &impl Provider,
    payer: Address,
    fee_router: Address,
    payment: Payment,
) -> Result<FeePayment, Error> {
    let Payment { token, amount, min_masa_out, deadline, fee_kind } = payment;
    let paid = Token::read(provider, token).await?;
    let router = FeeRouter::new(fee_router, provider);
    let masa = router.masa().call().await.map_err(tx::read(router_call("masa"), fee_router))?;
    let masa = if masa == token { paid.clone() } else { Token::read(provider, masa).await? };
    let text = paid.format(amount);

    let erc20 = MasaToken::new(token, provider);
    let allowance =
        erc20.allowance(payer, fee_router).call().await.map_err(tx::read(Call::erc20("allowance"), token))?;
    if allowance < amount {
        tx::send(Call::erc20("approve"), erc20.approve(fee_router, amount)).await.map_err(|source| {
            Error::Approve { router: fee_router, amount: text.clone(), source: Box::new(source) }
        })?;
    }

    let call = router.payFee(token, amount, min_masa_out, U256::from(deadline), fee_kind);
    let receipt = tx::send(router_call("payFee"), call).await.map_err(|source| match source.refusal() {
        Some(refusal) => Error::Refused {
            router: fee_router,
            amount: text.clone(),
            reason: refusal
                .decoded()
                .map_or_else(|| refusal.to_string(), |r| render_refusal(r, &paid, &masa)),
        },
        None => Error::Pay { router: fee_router, amount: text.clone(), source: Box::new(source) },
    })?;
    let tx_hash = receipt.transaction_hash;
    let fee_paid = receipt
        .decoded_log::<FeeRouter::FeePaid>()
        .ok_or(Error::MissingEvent { tx_hash, event: "FeePaid" })?;
    let split = receipt
        .decoded_log::<FeeRouter::FeeDistributed>()
        .ok_or(Error::MissingEvent { tx_hash, event: "FeeDistributed" })?;
    Ok(FeePayment { masa_amount: fee_paid.masaAmount, burned: split.burned, dust: split.dust, tx_hash })
}

/// A fee to pay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeRequest {
    /// The token it is paid in.
    pub token: Token,
    /// The amount, in the token's smallest unit.
    pub amount: U256,
    /// Largest accepted shortfall from the exchange's quote, in basis points.
    pub slippage_bps: u16,
    /// Seconds the payment stays valid, from the latest block.
    pub deadline_secs: u64,
    /// Accounting label (hashed into the `feeKind`).
    pub kind: String,
}

impl FeeRequest {
    /// `amount` of `token`, with 50 bps of slippage, valid 300 seconds, kind `data-use`.
    pub fn new(token: Token, amount: U256) -> Self {
        Self { token, amount, slippage_bps: 50, deadline_secs: 300, kind: "data-use".into() }
    }
}

/// The fee router of a deployment, paying from one wallet.
#[derive(Debug, Clone)]
pub struct FeeClient<P> {
    provider: P,
    payer: Address,
    router: Address,
    masa: Address,
}

impl FeeClient<DynProvider> {
    /// The fee router of `target`'s deployment, with `wallet` paying.
    pub fn connect(target: &Target, wallet: alloy::signers::local::PrivateKeySigner) -> Result<Self, Error> {
        let payer = wallet.address();
        Self::new(tx::signing_provider(target.rpc_url.clone(), wallet), &target.manifest, payer)
    }
}

impl<P: Provider> FeeClient<P> {
    /// The fee router of `manifest`'s deployment over `provider`, which signs for `payer`.
    pub fn new(provider: P, manifest: &Manifest, payer: Address) -> Result<Self, Error> {
        Ok(Self {
            provider,
            payer,
            router: manifest.address_of(Contract::FeeRouter)?,
            masa: manifest.address_of(Contract::MasaToken)?,
        })
    }

    /// The router's address.
    pub const fn router(&self) -> Address {
        self.router
    }

    /// MASA's address.
    pub const fn masa(&self) -> Address {
        self.masa
    }

    /// The token `MASA` (any case) or an address names, read from the chain.
    pub async fn token(&self, name: &str) -> Result<Token, Error> {
        let address = if name.eq_ignore_ascii_case("masa") {
            self.masa
        } else {
            name.trim().parse().map_err(|_| Error::BadToken(name.to_owned()))?
        };
        Token::read(&self.provider, address).await
    }

    /// The least MASA to accept for `amount` of `token`, `slippage_bps` below the exchange's quote.
    pub async fn min_out(&self, token: &Token, amount: U256, slippage_bps: u16) -> Result<U256, Error> {
        min_masa_out(&self.provider, self.router, token.address, self.masa, amount, slippage_bps).await
    }

    /// Pays `request`: the minimum output from the exchange's quote, the deadline from the
    /// latest block.
    pub async fn pay(&self, request: &FeeRequest) -> Result<FeePayment, Error> {
        let min_out = self.min_out(&request.token, request.amount, request.slippage_bps).await?;
        let now = tx::latest_timestamp(&self.provider).await.map_err(|e| Error::Block(e.to_string()))?;
        let payment = Payment {
            token: request.token.address,
            amount: request.amount,
            min_masa_out: min_out,
            deadline: now.saturating_add(request.deadline_secs),
            fee_kind: keccak256(request.kind.as_bytes()),
        };
        pay_fee_from(&self.provider, self.payer, self.router, payment).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use masa_bindings::revert::decode_revert;

    #[test]
    fn amounts_are_short_and_carry_their_unit() {
        assert_eq!(masa_text(U256::from(15u64) * U256::from(10u64).pow(U256::from(17u64))), "1.5");
        assert_eq!(masa_text(masa_bindings::masa(20)), "20");
        assert_eq!(masa_text(U256::ZERO), "0");
        assert_eq!(masa_text(U256::from(1u64)), "0.000000000000000001");
        assert_eq!(amount_text(U256::from(1_250_000u64), 6), "1.25");
        assert_eq!(amount_text(U256::from(7u64), 0), "7");
        let usdc = Token { address: Address::repeat_byte(1), symbol: "USDC".into(), decimals: 6 };
        assert_eq!(usdc.format(U256::from(12_500_000u64)), "12.5 USDC");
        assert_eq!(usdc.format(U256::ZERO), "0");
        assert_eq!(usdc.parse_amount("12.5").unwrap(), U256::from(12_500_000u64));
        let err = usdc.parse_amount("1.0000001").unwrap_err();
        assert_eq!(err.to_string(), "1.0000001 is not an amount of USDC (a number with at most 6 decimals)");
    }

    #[test]
    fn refusals_carry_amounts_in_units() {
        use alloy::sol_types::SolError;
        let masa = Token { address: Address::repeat_byte(2), symbol: "MASA".into(), decimals: 18 };
        let sender: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap();
        let data = MasaToken::ERC20InsufficientBalance {
            sender,
            balance: U256::ZERO,
            needed: masa_bindings::masa(100),
        }
        .abi_encode();
        assert_eq!(
            render_refusal(&decode_revert(&data).unwrap(), &masa, &masa),
            "ERC20InsufficientBalance(sender 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, balance 0, needed 100 MASA)"
        );
        let data =
            FeeRouter::FeeRouter__DeadlineExpired { deadline: U256::from(5), timestamp: U256::from(6) }
                .abi_encode();
        assert_eq!(
            render_refusal(&decode_revert(&data).unwrap(), &masa, &masa),
            "FeeRouter__DeadlineExpired(deadline 5, timestamp 6)"
        );
    }
}
