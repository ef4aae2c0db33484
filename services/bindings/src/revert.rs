//! Revert data decoded against every ABI of the suite, so a refusal reaches a person as the
//! custom error's name and values, never as raw hex:
//! `ERC20InsufficientBalance(sender 0x7099…79C8, balance 0, needed 100000000000000000000)`,
//! `ERC721NonexistentToken(7)` (an error with one argument shows only its value).
//!
//! The errors come from the JSON ABIs of the bound artifacts ([`crate::contracts::ARTIFACTS`]),
//! which carry the argument names; OpenZeppelin's standard errors are in the ABIs of the contracts
//! that inherit them. `Error(string)` (Uniswap V2's `require`s) and `Panic(uint256)` are decoded
//! too. [`DecodedRevert::display_with`] lets a caller that knows more (which token an amount is
//! of) render some arguments itself.

use crate::contracts::ARTIFACTS;
use alloy::{
    dyn_abi::{DynSolValue, ErrorExt},
    json_abi::JsonAbi,
    primitives::Selector,
    sol_types::{Panic, Revert, SolError},
};
use std::{
    collections::HashMap,
    fmt::{self, Write},
    sync::OnceLock,
};

/// A revert decoded: the error's name and its arguments, by name, in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedRevert {
    /// The error's name (`ERC20InsufficientBalance`, `Error` for `Error(string)`, `Panic`).
    pub name: String,
    /// The arguments: name (empty when the ABI gives none) and value.
    pub args: Vec<(String, DynSolValue)>,
}

impl DecodedRevert {
    /// The value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<&DynSolValue> {
        self.args.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// `Name(arg value, arg value)`, or `Name(value)` for one argument, with the arguments
    /// `render` returns text for (given the argument's name and value) rendered that way, the
    /// others as [`format_value`] does.
    pub fn display_with(&self, render: impl Fn(&str, &DynSolValue) -> Option<String>) -> String {
        let mut text = format!("{}(", self.name);
        let single = self.args.len() == 1;
        for (i, (name, value)) in self.args.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            if !single && !name.is_empty() {
                let _ = write!(text, "{name} ");
            }
            text.push_str(&render(name, value).unwrap_or_else(|| format_value(value)));
        }
        text.push(')');
        text
    }
}

impl fmt::Display for DecodedRevert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_with(|_, _| None))
    }
}

/// A value as a person reads it: addresses checksummed, integers in decimal, bytes in hex,
/// strings quoted, arrays in brackets, tuples in parentheses.
pub fn format_value(value: &DynSolValue) -> String {
    let list = |values: &[DynSolValue]| values.iter().map(format_value).collect::<Vec<_>>().join(", ");
    match value {
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::FixedBytes(word, size) => alloy::hex::encode_prefixed(&word[..*size]),
        DynSolValue::Address(address) => address.to_checksum(None),
        DynSolValue::Function(function) => function.to_string(),
        DynSolValue::Bytes(bytes) => alloy::hex::encode_prefixed(bytes),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Array(values) | DynSolValue::FixedArray(values) => format!("[{}]", list(values)),
        DynSolValue::Tuple(values) => format!("({})", list(values)),
        #[allow(unreachable_patterns)] // `CustomStruct` exists only with alloy's eip712 feature
        other => format!("{other:?}"),
    }
}

/// The ABI of a Foundry artifact (the rest of it is skipped).
#[derive(serde::Deserialize)]
struct AbiOnly {
    abi: JsonAbi,
}

/// Every custom error of the suite's ABIs, by selector (the first ABI declaring one wins).
fn errors() -> &'static HashMap<Selector, alloy::json_abi::Error> {
    static ERRORS: OnceLock<HashMap<Selector, alloy::json_abi::Error>> = OnceLock::new();
    ERRORS.get_or_init(|| {
        let mut errors = HashMap::new();
        for artifact in ARTIFACTS {
            // The artifacts are compiled in; one that does not parse fails the bindings' tests.
            let Ok(AbiOnly { abi }) = serde_json::from_str::<AbiOnly>(artifact.json) else { continue };
            for error in abi.errors() {
                errors.entry(error.selector()).or_insert_with(|| error.clone());
            }
        }
        errors
    })
}

/// The error `data` encodes, by name and values, if the suite declares it (or it is
/// `Error(string)` / `Panic(uint256)`).
pub fn decode_revert(data: &[u8]) -> Option<DecodedRevert> {
    let selector = Selector::try_from(data.get(..4)?).ok()?;
    if let Some(error) = errors().get(&selector) {
        let decoded = error.decode_error(data).ok()?;
        let args = error.inputs.iter().map(|p| p.name.clone()).zip(decoded.body).collect();
        return Some(DecodedRevert { name: error.name.clone(), args });
    }
    if let Ok(revert) = Revert::abi_decode(data) {
        let args = vec![(String::new(), DynSolValue::String(revert.reason))];
        return Some(DecodedRevert { name: "Error".into(), args });
    }
    let panic = Panic::abi_decode(data).ok()?;
    Some(DecodedRevert {
        name: "Panic".into(),
        args: vec![(String::new(), DynSolValue::Uint(panic.code, 256))],
    })
}

/// The error `data` encodes as text (`Name(arg value, …)`), if the suite declares it.
pub fn decode(data: &[u8]) -> Option<String> {
    decode_revert(data).map(|revert| revert.to_string())
}

/// The decoded revert of a failed call, or the error as alloy reports it.
pub fn describe(err: &alloy::contract::Error) -> String {
    err.as_revert_data().and_then(|data| decode(&data)).unwrap_or_else(|| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contracts::{MasaToken, ZkSBT};
    use alloy::primitives::{Address, U256};

    #[test]
    fn suite_and_standard_errors_decode_by_name_and_values() {
        let sender: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8".parse().unwrap();
        let data =
            MasaToken::ERC20InsufficientBalance { sender, balance: U256::ZERO, needed: U256::from(100u64) }
                .abi_encode();
        assert_eq!(
            decode(&data).unwrap(),
            "ERC20InsufficientBalance(sender 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, balance 0, needed 100)"
        );
        let revert = decode_revert(&data).unwrap();
        assert_eq!(revert.arg("needed"), Some(&DynSolValue::Uint(U256::from(100u64), 256)));
        let in_masa = revert.display_with(|name, value| {
            (name == "needed").then(|| format!("{} MASA", value.as_uint().unwrap().0))
        });
        assert!(in_masa.ends_with("balance 0, needed 100 MASA)"), "{in_masa}");
        let data = ZkSBT::ERC721NonexistentToken { tokenId: U256::from(7) }.abi_encode();
        assert_eq!(decode(&data).unwrap(), "ERC721NonexistentToken(7)");
        let data = ZkSBT::ZkSBT__IdentityMismatch { owner: sender, registered: U256::from(5) }.abi_encode();
        assert_eq!(
            decode(&data).unwrap(),
            "ZkSBT__IdentityMismatch(owner 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, registered 5)"
        );
        let data = ZkSBT::ZkSBT__AttestationRequired { schemaId: U256::from(2) }.abi_encode();
        assert_eq!(decode(&data).unwrap(), "ZkSBT__AttestationRequired(2)");
        let data = ZkSBT::ZkSBT__InvalidProof {}.abi_encode();
        assert_eq!(decode(&data).unwrap(), "ZkSBT__InvalidProof()");
        let data = ZkSBT::ZkSBT__NullifierUsed { nullifier: U256::from(9) }.abi_encode();
        assert_eq!(decode(&data).unwrap(), "ZkSBT__NullifierUsed(9)");
        let data = Revert::from("UniswapV2Router: EXPIRED").abi_encode();
        assert_eq!(decode(&data).unwrap(), "Error(\"UniswapV2Router: EXPIRED\")");
        let data = Panic::from(U256::from(0x11)).abi_encode();
        assert_eq!(decode(&data).unwrap(), "Panic(17)");
        assert!(decode(&[0xde, 0xad, 0xbe, 0xef]).is_none());
        assert!(decode(&[0xde]).is_none());
    }

    #[test]
    fn every_artifact_abi_parses() {
        for artifact in ARTIFACTS {
            serde_json::from_str::<AbiOnly>(artifact.json)
                .unwrap_or_else(|e| panic!("{}: {e}", artifact.name));
        }
        for data in [
            MasaToken::ERC20InsufficientBalance {
                sender: Address::ZERO,
                balance: U256::ZERO,
                needed: U256::ZERO,
            }
            .abi_encode(),
            ZkSBT::ZkSBT__InvalidProof {}.abi_encode(),
        ] {
            assert!(decode_revert(&data).is_some());
        }
        assert!(errors().len() > 20, "{} errors", errors().len());
    }
}
