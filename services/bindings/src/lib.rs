#![doc = include_str!("../README.md")]

pub mod artifacts;
pub mod contracts;
pub mod eip712;
mod error;
pub mod link;
pub mod manifest;
mod names;
pub mod network;
pub mod poseidon;
pub mod revert;
pub mod uniswap;

pub use error::{Error, Result};
pub use names::{Contract, UnknownContract};

use alloy::primitives::U256;

/// One MASA in wei (18 decimals).
pub const MASA: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// The fixed supply, 1,588,866,523 MASA, in wei: `MasaToken.TOTAL_SUPPLY()` (the harness checks
/// the deployed token against it).
pub const TOTAL_SUPPLY: U256 = U256::from_limbs([14_781_458_758_031_376_384, 86_132_626, 0, 0]);

/// `amount` whole MASA in wei.
pub fn masa(amount: u64) -> U256 {
    U256::from(amount) * MASA
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_supply_is_1_588_866_523_masa() {
        assert_eq!(TOTAL_SUPPLY, masa(1_588_866_523));
        assert_eq!(MASA, U256::from(10u64).pow(U256::from(18u64)));
    }
}
