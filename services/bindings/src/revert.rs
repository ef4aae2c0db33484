//! Revert data decoded against every ABI of the suite, so a refusal reaches a person as the
//! custom error's name and values (`ERC20InsufficientBalance { sender: 0x7099…, balance: 0,
//! needed: 100000000000000000000 }`), never as raw hex. OpenZeppelin's standard errors are in the
//! ABIs of the contracts that inherit them; `Error(string)` (Uniswap V2's `require`s) and
//! `Panic(uint256)` are decoded too.

use crate::contracts::{
    FeeRouter, IssuerRegistry, MasaGenesis, MasaGovernor, MasaToken, MasaVestingWallet, TimelockController,
    ZkSBT,
};
use alloy::sol_types::{Panic, Revert, SolError, SolInterface};
use std::fmt::Debug;

/// The error `data` encodes, by name with its values, if any contract of the suite declares it.
pub fn decode(data: &[u8]) -> Option<String> {
    fn with<E: SolInterface + Debug>(data: &[u8]) -> Option<String> {
        E::abi_decode(data).ok().map(|e| unwrap_variant(&format!("{e:?}")).to_owned())
    }
    with::<ZkSBT::ZkSBTErrors>(data)
        .or_else(|| with::<IssuerRegistry::IssuerRegistryErrors>(data))
        .or_else(|| with::<FeeRouter::FeeRouterErrors>(data))
        .or_else(|| with::<MasaToken::MasaTokenErrors>(data))
        .or_else(|| with::<MasaVestingWallet::MasaVestingWalletErrors>(data))
        .or_else(|| with::<MasaGenesis::MasaGenesisErrors>(data))
        .or_else(|| with::<MasaGovernor::MasaGovernorErrors>(data))
        .or_else(|| with::<TimelockController::TimelockControllerErrors>(data))
        .or_else(|| Revert::abi_decode(data).ok().map(|r| format!("Error({:?})", r.reason)))
        .or_else(|| Panic::abi_decode(data).ok().map(|p| format!("Panic({})", p.code)))
}

/// The decoded revert of a failed call, or the error as alloy reports it.
pub fn describe(err: &alloy::contract::Error) -> String {
    err.as_revert_data().and_then(|data| decode(&data)).unwrap_or_else(|| err.to_string())
}

/// `Variant(Variant { args })` (a decoded interface error's `Debug`) as `Variant { args }`.
fn unwrap_variant(debug: &str) -> &str {
    debug.split_once('(').and_then(|(_, inner)| inner.strip_suffix(')')).unwrap_or(debug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::{Address, U256};

    #[test]
    fn suite_and_standard_errors_decode_by_name_and_values() {
        let sender: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap();
        let data =
            MasaToken::ERC20InsufficientBalance { sender, balance: U256::ZERO, needed: U256::from(100u64) }
                .abi_encode();
        let text = decode(&data).unwrap();
        assert!(text.starts_with("ERC20InsufficientBalance {"), "{text}");
        assert!(text.contains("balance: 0") && text.contains("needed: 100"), "{text}");
        let data = ZkSBT::ERC721NonexistentToken { tokenId: U256::from(7) }.abi_encode();
        assert_eq!(decode(&data).unwrap(), "ERC721NonexistentToken { tokenId: 7 }");
        let data = ZkSBT::ZkSBT__IdentityMismatch { owner: sender, registered: U256::from(5) }.abi_encode();
        assert!(decode(&data).unwrap().starts_with("ZkSBT__IdentityMismatch { owner: "));
        let data = Revert::from("UniswapV2Router: EXPIRED").abi_encode();
        assert_eq!(decode(&data).unwrap(), "Error(\"UniswapV2Router: EXPIRED\")");
        assert!(decode(&[0xde, 0xad, 0xbe, 0xef]).is_none());
    }
}
