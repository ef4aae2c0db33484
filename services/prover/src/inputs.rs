//! The disclosure circuit's public inputs, by name. This module alone knows their order
//! (`circuits/disclosure.circom`'s declaration order, the generated verifier's
//! `uint256[12]`); everyone else reads and writes them by name.

use crate::field::{NotInField, to_frs, to_u256};
use alloy::primitives::U256;
use ark_bn254::Fr;

/// The public inputs of one circuit, in its order: what a proof of it is verified against, and
/// the `uint256[COUNT]` its Solidity verifier takes ([`PublicInputs`] for the disclosure circuit,
/// [`crate::delivery::DeliveryPublicInputs`] for the delivery circuit).
pub trait PublicSignals: Copy + PartialEq + std::fmt::Debug {
    /// Number of public inputs.
    const COUNT: usize;
    /// The verifier's `uint256[COUNT]`.
    type Words: Copy
        + std::fmt::Debug
        + PartialEq
        + AsRef<[U256]>
        + serde::Serialize
        + serde::de::DeserializeOwned;

    /// The inputs in circuit order, as Groth16 verification takes them.
    fn signals(&self) -> Vec<Fr>;

    /// The inputs as the verifier's words.
    fn words(&self) -> Self::Words;

    /// The inputs from the verifier's words, refusing any word `>= p`.
    fn parse_words(words: &Self::Words) -> Result<Self, NotInField>;
}

impl PublicSignals for PublicInputs {
    const COUNT: usize = Self::COUNT;
    type Words = [U256; Self::COUNT];

    fn signals(&self) -> Vec<Fr> {
        self.to_array().to_vec()
    }

    fn words(&self) -> Self::Words {
        self.to_words()
    }

    fn parse_words(words: &Self::Words) -> Result<Self, NotInField> {
        Self::from_words(words)
    }
}

/// The 12 public inputs of `Disclosure(8, 20, 64)`, in circuit order (circuits/disclosure.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PublicInputs {
    /// 0 direct, 1 anonymous.
    pub mode: Fr,
    /// Direct: the token's leaf; anonymous: a root of one of the registry's trees.
    pub root: Fr,
    /// The record's schema.
    pub schema_id: Fr,
    /// 0 (any attestation class) or `Poseidon_4` of the accepted issuers, padded.
    pub issuer_set: Fr,
    /// Which field, in `[0, 8)`.
    pub field_index: Fr,
    /// The comparison (`statement::Operator` as a number).
    pub operator: Fr,
    /// First operand.
    pub operand_a: Fr,
    /// Second operand (range upper bound, else 0).
    pub operand_b: Fr,
    /// The nullifier scope.
    pub scope: Fr,
    /// `Poseidon_2(ownerSecret, scope)`.
    pub nullifier: Fr,
    /// The bound message.
    pub message_hash: Fr,
    /// Unix time until which the disclosure holds.
    pub valid_until: Fr,
}

macro_rules! public_inputs {
    ($($field:ident = $name:literal),+ $(,)?) => {
        impl PublicInputs {
            /// Number of public inputs.
            pub const COUNT: usize = [$($name),+].len();

            /// The circuit's signal names, in order.
            pub const NAMES: [&'static str; Self::COUNT] = [$($name),+];

            /// The inputs in circuit order (what Groth16 verification takes).
            pub fn to_array(&self) -> [Fr; Self::COUNT] {
                [$(self.$field),+]
            }

            /// The inputs from an array in circuit order.
            pub fn from_array(inputs: [Fr; Self::COUNT]) -> Self {
                let [$($field),+] = inputs;
                Self { $($field),+ }
            }

            $(
                #[doc = concat!("`", $name, "` as the `uint256` the contract sees.")]
                pub fn $field(&self) -> U256 {
                    to_u256(self.$field)
                }
            )+
        }
    };
}

public_inputs! {
    mode = "mode",
    root = "root",
    schema_id = "schemaId",
    issuer_set = "issuerSet",
    field_index = "fieldIndex",
    operator = "operator",
    operand_a = "operandA",
    operand_b = "operandB",
    scope = "scope",
    nullifier = "nullifier",
    message_hash = "messageHash",
    valid_until = "validUntil",
}

impl PublicInputs {
    /// `(name, value)` pairs in circuit order.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, Fr)> {
        Self::NAMES.into_iter().zip(self.to_array())
    }

    /// The inputs as the verifier's `uint256[12]`.
    pub fn to_words(&self) -> [U256; Self::COUNT] {
        self.to_array().map(to_u256)
    }

    /// The inputs from `uint256[12]`, refusing any word `>= p` (the verifier would too).
    pub fn from_words(words: &[U256; Self::COUNT]) -> Result<Self, NotInField> {
        Ok(Self::from_array(to_frs(&Self::NAMES, words)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_the_circuits() {
        assert_eq!(PublicInputs::COUNT, 12);
        assert_eq!(
            PublicInputs::NAMES,
            [
                "mode",
                "root",
                "schemaId",
                "issuerSet",
                "fieldIndex",
                "operator",
                "operandA",
                "operandB",
                "scope",
                "nullifier",
                "messageHash",
                "validUntil"
            ]
        );
        let array: [Fr; 12] = std::array::from_fn(|i| Fr::from(i as u64 + 100));
        let inputs = PublicInputs::from_array(array);
        assert_eq!(inputs.to_array(), array);
        assert_eq!(inputs.mode, Fr::from(100u64));
        assert_eq!(inputs.issuer_set(), U256::from(103));
        assert_eq!(inputs.nullifier(), U256::from(109));
        assert_eq!(inputs.valid_until(), U256::from(111));
        let words = inputs.to_words();
        assert_eq!(PublicInputs::from_words(&words).unwrap(), inputs);
        let mut too_big = words;
        too_big[3] = crate::field::MODULUS;
        let err = PublicInputs::from_words(&too_big).unwrap_err();
        assert_eq!(err.what, "issuerSet");
        assert_eq!(inputs.named().nth(8), Some(("scope", Fr::from(108u64))));
    }
}
