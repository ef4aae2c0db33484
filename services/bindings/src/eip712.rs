//! EIP-712 typed data the contracts verify, for signing off-chain (wallets, dapps, tests).

use alloy::{
    primitives::{Address, B256, Signature},
    sol,
    sol_types::{Eip712Domain, eip712_domain},
};

sol! {
    /// EIP-2612 `permit` approval, as hashed by OpenZeppelin's `ERC20Permit`.
    #[derive(Debug, PartialEq, Eq)]
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }

    /// ERC-5805 `delegateBySig` delegation, as hashed by OpenZeppelin's `Votes`.
    #[derive(Debug, PartialEq, Eq)]
    struct Delegation {
        address delegatee;
        uint256 nonce;
        uint256 expiry;
    }

    /// A person's consent to the mint of a zkSBT holding their record (`ZkSBT.CONSENT_TYPEHASH`).
    /// `identity` is the wallet's identity commitment `Poseidon_1(ownerSecret)`, registered at
    /// its first mint and bound into every leaf of its records.
    #[derive(Debug, PartialEq, Eq)]
    struct Consent {
        address owner;
        uint256 identity;
        uint256 schemaId;
        uint256 commitment;
        bytes32 ciphertextHash;
        address issuer;
        uint64 expiry;
        uint256 nonce;
        uint256 deadline;
    }

    /// A node key's consent to serve `operator`'s oracle node (`OracleNodes.REGISTRATION_TYPEHASH`).
    #[derive(Debug, PartialEq, Eq)]
    struct Registration {
        address operator;
        address signer;
        uint256 deadline;
    }

    /// An issuer's attestation of a record (`ZkSBT.ATTESTATION_TYPEHASH`).
    #[derive(Debug, PartialEq, Eq)]
    struct Attestation {
        address owner;
        uint256 schemaId;
        uint256 commitment;
        uint64 expiry;
        uint256 nonce;
        uint256 deadline;
    }
}

/// The EIP-712 domain of the zkSBT registry at `registry` (name "Masa zkSBT", version "1").
pub fn zksbt_domain(chain_id: u64, registry: Address) -> Eip712Domain {
    eip712_domain! {
        name: "Masa zkSBT",
        version: "1",
        chain_id: chain_id,
        verifying_contract: registry,
    }
}

/// The EIP-712 domain of the MASA token at `token` on `chain_id` (name "Masa Token", version "1").
pub fn masa_token_domain(chain_id: u64, token: Address) -> Eip712Domain {
    eip712_domain! {
        name: "Masa Token",
        version: "1",
        chain_id: chain_id,
        verifying_contract: token,
    }
}

/// The EIP-712 domain of the access passes at `passes` on `chain_id` (name `"Masa AccessPasses"`,
/// version "1"). What an owner signs there is the binding's own `IAccessPasses::Offer`
/// ([`crate::contracts::access::IAccessPasses::Offer`]).
pub fn access_passes_domain(chain_id: u64, passes: Address) -> Eip712Domain {
    eip712_domain! {
        name: "Masa AccessPasses",
        version: "1",
        chain_id: chain_id,
        verifying_contract: passes,
    }
}

/// The EIP-712 domain of the oracle node registry at `nodes` on `chain_id` (name
/// `"Masa OracleNodes"`, version "1"): node keys sign their [`Registration`] and their answers
/// there (the binding's `IOracleNodes::Result`, [`crate::contracts::oracle::IOracleNodes::Result`]),
/// which `OracleRequests` counts and equivocation reports prove.
pub fn oracle_nodes_domain(chain_id: u64, nodes: Address) -> Eip712Domain {
    eip712_domain! {
        name: "Masa OracleNodes",
        version: "1",
        chain_id: chain_id,
        verifying_contract: nodes,
    }
}

/// A signature split into the `(v, r, s)` arguments Solidity signature checks take.
pub fn vrs(signature: &Signature) -> (u8, B256, B256) {
    let v = 27 + u8::from(signature.v());
    (v, signature.r().into(), signature.s().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::sol_types::SolStruct;

    /// The type strings of `contracts/src/identity/ZkSBT.sol` (spec 12, section 3).
    #[test]
    fn zksbt_type_strings() {
        assert_eq!(
            Consent::eip712_encode_type(),
            "Consent(address owner,uint256 identity,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
        );
        assert_eq!(
            Attestation::eip712_encode_type(),
            "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
        );
    }

    /// `OracleNodes`' type strings are the bound structs'.
    #[test]
    fn oracle_type_strings() {
        use crate::contracts::oracle::IOracleNodes::Result;
        assert_eq!(
            Registration::eip712_encode_type(),
            "Registration(address operator,address signer,uint256 deadline)"
        );
        assert_eq!(
            Result::eip712_encode_type(),
            "Result(uint256 requestId,bytes32 resultHash,bytes32 configHash)"
        );
    }

    /// `AccessPasses.OFFER_TYPEHASH`'s type string is the bound struct's.
    #[test]
    fn offer_type_string() {
        use crate::contracts::access::IAccessPasses::Offer;
        assert_eq!(
            Offer::eip712_encode_type(),
            "Offer(address owner,uint256 tokenId,address developer,address token,uint128 upfrontPrice,\
             uint128 perUsePrice,uint64 validFrom,uint64 validUntil,uint32 maxUses,bytes32 purpose,\
             uint256 deliveryKeyX,uint256 deliveryKeyY,address terms,uint256 nonce,uint256 deadline)"
        );
    }
}
