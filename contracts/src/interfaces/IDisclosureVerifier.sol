// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDisclosureVerifier
/// @notice The Groth16 verifier of the disclosure circuit, generated from its verifying key
/// (`identity/generated/DisclosureVerifier.sol`).
interface IDisclosureVerifier {
    /// @notice Returns when `proof` is valid for `input`; reverts (`ProofInvalid`,
    /// `PublicInputNotInField`) otherwise.
    /// @param proof A, B, C in EIP-197 encoding (A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y).
    /// @param input mode, root, schemaId, issuerSet, fieldIndex, operator, operandA, operandB,
    /// scope, nullifier, messageHash, validUntil (circuits/disclosure.md).
    function verifyProof(uint256[8] calldata proof, uint256[12] calldata input) external view;
}
