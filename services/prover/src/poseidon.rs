//! circomlib's Poseidon over BN254 (light-poseidon), and the zkSBT formulas of
//! `circuits/disclosure.md` built from it. The tests check the shared test vectors, so the
//! Rust values and the circuit's can only agree.

use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use light_poseidon::{Poseidon, PoseidonHasher};

/// Number of fields of a record (`Disclosure(8, ...)`).
pub const FIELDS: usize = 8;

/// Number of members of an issuer set as the circuit takes it (`issuers[4]`): a set has 1 to
/// this many members, padded by repeating the first.
pub const MAX_ISSUERS: usize = 4;

/// An issuer set with no member or more than [`MAX_ISSUERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an issuer set has 1 to {MAX_ISSUERS} members, not {0}")]
pub struct IssuerSetSize(pub usize);

/// `Poseidon_k(inputs)` with circomlib's parameters, k = `inputs.len()` in 1..=12.
pub fn hash(inputs: &[Fr]) -> Fr {
    // `new_circom` fails only for a width outside 1..=12 and `hash` only for an input count
    // different from that width: neither can happen for the fixed arities used here.
    Poseidon::<Fr>::new_circom(inputs.len())
        .and_then(|mut p| p.hash(inputs))
        .expect("Poseidon arity is in 1..=12 and matches the input count")
}

/// An address as a field element: its `uint160` (`uint256(uint160(a))` on-chain); always
/// below p.
pub fn address(a: Address) -> Fr {
    let word = U256::from_be_slice(a.as_slice());
    crate::field::to_fr("address", word).expect("a uint160 is below p")
}

/// `commitment = Poseidon_4(schemaId, Poseidon_8(values), salt, Poseidon_1(ownerSecret))`.
pub fn commitment(schema_id: Fr, values: &[u64; FIELDS], salt: Fr, owner_secret: Fr) -> Fr {
    commitment_of_identity(schema_id, values, salt, identity(owner_secret))
}

/// The commitment from the owner's identity commitment instead of the secret (what a consumer
/// of a shared record can compute).
pub fn commitment_of_identity(schema_id: Fr, values: &[u64; FIELDS], salt: Fr, identity: Fr) -> Fr {
    let values: Vec<Fr> = values.iter().map(|&v| Fr::from(v)).collect();
    hash(&[schema_id, hash(&values), salt, identity])
}

/// `nullifier = Poseidon_2(ownerSecret, scope)`: one per owner per scope.
pub fn nullifier(owner_secret: Fr, scope: Fr) -> Fr {
    hash(&[owner_secret, scope])
}

/// The owner's identity commitment `Poseidon_1(ownerSecret)` (the commitment's
/// `ownerCommitment`): registered for the wallet at its first mint, bound into every leaf.
pub fn identity(owner_secret: Fr) -> Fr {
    hash(&[owner_secret])
}

/// A record's leaf in the registry's tree:
/// `Poseidon_5(commitment, schemaId, issuer, expiry, identity)`, the facts the registry
/// checked at mint (`issuer` 0: self-attested; `expiry` 0: never), so that a proof against
/// the tree carries exactly them (`PoseidonT6.hash` on-chain).
pub fn leaf(commitment: Fr, schema_id: Fr, issuer: Address, expiry: u64, identity: Fr) -> Fr {
    hash(&[commitment, schema_id, address(issuer), Fr::from(expiry), identity])
}

/// The members of an issuer set as the circuit's `issuers[4]`: 1 to 4 addresses in the order
/// given, padded by repeating the first.
pub fn issuer_set_members(members: &[Address]) -> Result<[Address; MAX_ISSUERS], IssuerSetSize> {
    let (&first, _) = members.split_first().ok_or(IssuerSetSize(0))?;
    if members.len() > MAX_ISSUERS {
        return Err(IssuerSetSize(members.len()));
    }
    Ok(std::array::from_fn(|i| members.get(i).copied().unwrap_or(first)))
}

/// The public `issuerSet` of a disclosure accepting records attested by one of `members`
/// (`address(0)`: self-attested records): `Poseidon_4` of the padded members
/// ([`issuer_set_members`]), as `ZkSBT.issuerSetOf` computes it.
pub fn issuer_set(members: &[Address]) -> Result<Fr, IssuerSetSize> {
    Ok(hash(&issuer_set_members(members)?.map(address)))
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
        assert_eq!(
            hex(hash(&[fr(1), fr(2), fr(3), fr(4), fr(5)])),
            "0x0dab9449e4a1398a15224c0b15a49d598b2174d305a316c918125f8feeb123c0"
        );
        let eight: Vec<Fr> = (1..=8).map(fr).collect();
        assert_eq!(hex(hash(&eight)), "0x2921ab9bd0140cbc98e40395c0fefb40337a4d54fbbecd9a4d43b3d8d0c4d8d1");
    }

    /// The record vector of circuits/disclosure.md.
    #[test]
    fn matches_the_record_vector() {
        let word = |s: &str| crate::field::to_fr("x", s.parse::<U256>().unwrap()).unwrap();
        let values = [720, 400, 1_700_000_000, 3, 0, u64::MAX, 42, 99_999];
        let salt = word("0x1234567890abcdef1234567890abcdef1234567890abcdef");
        let secret = word("0x2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a");
        assert_eq!(
            hex(identity(secret)),
            "0x0723556e0248730f46ea70f5d265f5de4b9fdcc4a9f305857b69c0cec23c51ce"
        );
        assert_eq!(
            hex(commitment(fr(7), &values, salt, secret)),
            "0x0d2e9ac0f1bb4079c0badc55ec9d754cc07574576c3ec6636b878a231df0f921"
        );
        let c = commitment(fr(7), &values, salt, secret);
        let issuer: Address = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720".parse().unwrap();
        assert_eq!(
            to_u256(address(issuer)),
            "918756735253610709936507276127632253845124912928".parse::<U256>().unwrap()
        );
        let id = identity(secret);
        assert_eq!(
            hex(leaf(c, fr(7), issuer, 1_893_456_000, id)),
            "0x223731895db87563e9190cb4728829f125b131980701ab7dd3a4b17b6750ad97"
        );
        assert_eq!(
            hex(leaf(c, fr(7), issuer, 0, id)),
            "0x157380b8c806595b05cb3f94458e52fa421057b9e721fe67d582a3be5c373429"
        );
        assert_eq!(
            hex(leaf(c, fr(7), Address::ZERO, 1_893_456_000, id)),
            "0x0aa3f94f34baa1de6f3de39e2b78c1367148e7c14758e7036191739488d3e806"
        );
        assert_eq!(
            hex(issuer_set(&[issuer]).unwrap()),
            "0x046d7912f09c06461ba8dd418c030da2dc96bf2844483f261cf3acf5def40aa5"
        );
        assert_eq!(
            hex(issuer_set(&[Address::ZERO, issuer]).unwrap()),
            "0x2b6c88c265917e835bf625e8efef1bc73f4205629d7785ed62669d4fc7cd6370"
        );
        assert_eq!(
            hex(nullifier(secret, fr(0xdecaf))),
            "0x05f7f6064febf3dea8cbf5627fdbbb206fa1b59b5cfa3704e069fca100f8fe90"
        );
    }

    #[test]
    fn commitment_follows_the_formula() {
        let values = [1, 2, 3, 4, 5, 6, 7, 8];
        let c = commitment(fr(9), &values, fr(10), fr(11));
        let expected = hash(&[fr(9), hash(&(1..=8).map(fr).collect::<Vec<_>>()), fr(10), hash(&[fr(11)])]);
        assert_eq!(c, expected);
        assert_eq!(c, commitment_of_identity(fr(9), &values, fr(10), identity(fr(11))));
        assert_ne!(c, commitment(fr(9), &values, fr(10), fr(12)), "the owner secret is bound");
        assert_ne!(nullifier(fr(11), fr(1)), nullifier(fr(11), fr(2)), "scopes differ");
        assert!(to_u256(c) > U256::ZERO);
    }

    #[test]
    fn leaf_binds_what_the_registry_checked() {
        let issuer = Address::repeat_byte(0xab);
        let l = leaf(fr(1), fr(2), issuer, 3, fr(4));
        assert_eq!(l, hash(&[fr(1), fr(2), address(issuer), fr(3), fr(4)]));
        assert_eq!(to_u256(address(issuer)), U256::from_be_slice(&[0xab; 20]));
        assert_eq!(address(Address::ZERO), fr(0), "self-attested: issuer 0");
        for other in [
            leaf(fr(9), fr(2), issuer, 3, fr(4)),
            leaf(fr(1), fr(9), issuer, 3, fr(4)),
            leaf(fr(1), fr(2), Address::ZERO, 3, fr(4)),
            leaf(fr(1), fr(2), issuer, 9, fr(4)),
            leaf(fr(1), fr(2), issuer, 3, fr(9)),
        ] {
            assert_ne!(other, l);
        }
    }

    #[test]
    fn issuer_sets_are_padded_with_their_first_member() {
        let [a, b, c, d, e] = [1u8, 2, 3, 4, 5].map(Address::repeat_byte);
        assert_eq!(issuer_set_members(&[a]).unwrap(), [a; 4]);
        assert_eq!(issuer_set_members(&[a, b]).unwrap(), [a, b, a, a]);
        assert_eq!(issuer_set_members(&[a, b, c, d]).unwrap(), [a, b, c, d]);
        assert_eq!(issuer_set(&[a, b]).unwrap(), hash(&[a, b, a, a].map(address)));
        assert_eq!(issuer_set(&[a, b]).unwrap(), issuer_set(&[a, b, a, a]).unwrap());
        assert_ne!(issuer_set(&[a, b]).unwrap(), issuer_set(&[b, a]).unwrap(), "order as given");
        assert_eq!(issuer_set(&[]), Err(IssuerSetSize(0)));
        assert_eq!(issuer_set(&[a, b, c, d, e]), Err(IssuerSetSize(5)));
        // self-attested only: Poseidon_4(0, 0, 0, 0)
        assert_eq!(issuer_set(&[Address::ZERO]).unwrap(), hash(&[fr(0); 4]));
    }
}
