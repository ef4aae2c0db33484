//! BN254 scalar field elements as the EVM sees them (`uint256`), with the conversion checked:
//! a value >= p is an error, never silently reduced.

use alloy::primitives::U256;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};

/// The BN254 scalar field modulus p (the circuit's field; `SNARK_SCALAR_FIELD` on-chain).
pub const MODULUS: U256 =
    U256::from_limbs([0x43e1f593f0000001, 0x2833e84879b97091, 0xb85045b68181585d, 0x30644e72e131a029]);

/// Why a number is not a field element.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} = {value} is not below the BN254 scalar field modulus")]
pub struct NotInField {
    /// Which value.
    pub what: &'static str,
    /// The value.
    pub value: U256,
}

/// `value` as a field element, or an error naming `what` when `value >= p`.
pub fn to_fr(what: &'static str, value: U256) -> Result<Fr, NotInField> {
    if value >= MODULUS {
        return Err(NotInField { what, value });
    }
    Ok(Fr::from_be_bytes_mod_order(&value.to_be_bytes::<32>()))
}

/// `words` as field elements, refusing any word `>= p` with the error naming it from `names`
/// (a circuit's public inputs from the verifier's `uint256[N]`: the verifier refuses them too).
pub fn to_frs<const N: usize>(names: &[&'static str; N], words: &[U256; N]) -> Result<[Fr; N], NotInField> {
    let mut out = [Fr::from(0u64); N];
    for ((slot, &word), &name) in out.iter_mut().zip(words).zip(names) {
        *slot = to_fr(name, word)?;
    }
    Ok(out)
}

/// The canonical integer of a field element.
pub fn to_u256(value: Fr) -> U256 {
    U256::from_be_slice(&value.into_bigint().to_bytes_be())
}

/// The canonical integer of a base field element (curve coordinates).
pub fn to_u256_fq(value: ark_bn254::Fq) -> U256 {
    U256::from_be_slice(&value.into_bigint().to_bytes_be())
}

/// A field element from a uniformly random 32-byte string (for salts and secrets): reduced
/// modulo p, which biases it by less than 2^-2 relative to uniform only in the top few bits.
pub fn from_random_bytes(bytes: &[u8; 32]) -> Fr {
    Fr::from_be_bytes_mod_order(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulus_is_the_bn254_scalar_field() {
        assert_eq!(MODULUS, U256::from_be_slice(&Fr::MODULUS.to_bytes_be()));
        assert!(to_fr("x", MODULUS).is_err());
        let max = to_fr("x", MODULUS - U256::from(1)).unwrap();
        assert_eq!(max, -Fr::from(1u64));
        assert_eq!(to_u256(max), MODULUS - U256::from(1));
    }
}
