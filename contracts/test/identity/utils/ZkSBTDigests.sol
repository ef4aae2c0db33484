// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZkSBT} from "../../../src/identity/ZkSBT.sol";
import {IZkSBT} from "../../../src/interfaces/IZkSBT.sol";

/// @notice The EIP-712 digests a mint's signers sign, computed from the type strings of the
/// specification (not from the registry's typehash constants, so a changed type in the registry
/// fails the tests).
library ZkSBTDigests {
    bytes32 internal constant CONSENT_TYPEHASH = keccak256(
        "Consent(address owner,uint256 identity,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
    );
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
    );

    /// @notice The owner's consent to `req` on `registry`.
    function consent(ZkSBT registry, IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                CONSENT_TYPEHASH,
                req.owner,
                req.identity,
                req.schemaId,
                req.commitment,
                keccak256(req.ciphertext),
                req.issuer,
                req.expiry,
                req.consentNonce,
                req.consentDeadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", registry.DOMAIN_SEPARATOR(), structHash));
    }

    /// @notice The issuer's attestation of `req` on `registry`.
    function attestation(ZkSBT registry, IZkSBT.MintRequest memory req) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                ATTESTATION_TYPEHASH,
                req.owner,
                req.schemaId,
                req.commitment,
                req.expiry,
                req.attestationNonce,
                req.attestationDeadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", registry.DOMAIN_SEPARATOR(), structHash));
    }
}
