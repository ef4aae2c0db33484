//! circomlib's Poseidon over BN254 (light-poseidon), and the zkSBT formulas of
//! `circuits/disclosure.md` built from it. The tests check the shared test vectors, so the
//! Rust values and the circuit's can only agree.

use ark_bn254::Fr;
use light_poseidon::{Poseidon, PoseidonHasher};

/// Number of fields of a record (`Disclosure(8, ...)`).
pub const FIELDS: usize = 8;

/// `Poseidon_k(inputs)` with circomlib's parameters, k = `inputs.len()` in 1..=12.
pub fn hash(inputs: &[Fr]) -> Fr {
    // `new_circom` fails only for a width outside 1..=12 and `hash` only for an input count
    // different from that width: neither can happen for the fixed arities used here.
    Poseidon::<Fr>::new_circom(inputs.len())
        .and_then(|mut p| p.hash(inputs))
        .expect("Poseidon arity is in 1..=12 and matches the input count")
}

/// `commitment = Poseidon_4(schemaId, Poseidon_8(values), salt, Poseidon_1(ownerSecret))`.
pub fn commitment(schema_id: Fr, values: &[u64; FIELDS], salt: Fr, owner_secret: Fr) -> Fr {
    let values: Vec<Fr> = values.iter().map(|&v| Fr::from(v)).collect();
    hash(&[schema_id, hash(&values), salt, hash(&[owner_secret])])
}

/// `nullifier = Poseidon_2(ownerSecret, scope)`: one per owner per scope.
pub fn nullifier(owner_secret: Fr, scope: Fr) -> Fr {
    hash(&[owner_secret, scope])
}

/// A record's leaf in the registry's tree: `Poseidon_2(commitment, expiry)` (expiry 0: never),
/// so an anonymous proof carries the expiry the record was minted with.
pub fn leaf(commitment: Fr, expiry: u64) -> Fr {
    hash(&[commitment, Fr::from(expiry)])
}

/// A Merkle tree node: `Poseidon_2(left, right)` (as `PoseidonT3` on-chain).
pub fn hash2(left: Fr, right: Fr) -> Fr {
    hash(&[left, right])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_u256;
    use alloy::primitives::U256;

    fn fr(n: u64) -> Fr {
        Fr::from(n)
    }

    fn hex(value: Fr) -> String {
        format!("{:#066x}", to_u256(value))
    }

    /// The vectors of circuits/disclosure.md (also checked there against the circuit).
    #[test]
    fn matches_the_circomlib_vectors() {
        assert_eq!(hex(hash(&[fr(1)])), "0x29176100eaa962bdc1fe6c654d6a3c130e96a4d1168b33848b897dc502820133");
        assert_eq!(
            hex(hash2(fr(1), fr(2))),
            "0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189a"
        );
        assert_eq!(
            hex(hash(&[fr(1), fr(2), fr(3), fr(4)])),
            "0x299c867db6c1fdd79dcefa40e4510b9837e60ebb1ce0663dbaa525df65250465"
        );
        let eight: Vec<Fr> = (1..=8).map(fr).collect();
        assert_eq!(hex(hash(&eight)), "0x2921ab9bd0140cbc98e40395c0fefb40337a4d54fbbecd9a4d43b3d8d0c4d8d1");
    }

    #[test]
    fn commitment_follows_the_formula() {
        let values = [1, 2, 3, 4, 5, 6, 7, 8];
        let c = commitment(fr(9), &values, fr(10), fr(11));
        let expected = hash(&[fr(9), hash(&(1..=8).map(fr).collect::<Vec<_>>()), fr(10), hash(&[fr(11)])]);
        assert_eq!(c, expected);
        assert_ne!(c, commitment(fr(9), &values, fr(10), fr(12)), "the owner secret is bound");
        assert_ne!(nullifier(fr(11), fr(1)), nullifier(fr(11), fr(2)), "scopes differ");
        assert!(to_u256(c) > U256::ZERO);
    }
}
