// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDeliveryVerifier
/// @notice The Groth16 verifier of the delivery circuit, generated from its verifying key
/// (`pools/generated/DeliveryVerifier.sol`).
interface IDeliveryVerifier {
    /// @notice Returns when `proof` is valid for `input`; reverts (`ProofInvalid`,
    /// `PublicInputNotInField`) otherwise.
    /// @param proof A, B, C in EIP-197 encoding (A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y).
    /// @param input The disclosure's 12 (mode, root, schemaId, issuerSet, fieldIndex, operator,
    /// operandA, operandB, scope, nullifier, messageHash, validUntil), then deliveryKey[2],
    /// ephemeralKey[2], nonce, ciphertext[10] (circuits/delivery.md).
    function verifyProof(uint256[8] calldata proof, uint256[27] calldata input) external view;
}
