// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IZkSBT} from "../interfaces/IZkSBT.sol";

/// @title DeliveryInputs
/// @notice What a contract that accepts deliveries (a record disclosed to it and encrypted to a
/// developer's key, `circuits/delivery.md`) checks the same way: the developer's key is a Baby
/// Jubjub point, and the delivery circuit's 27 public inputs are built in the circuit's order.
/// `DataPools` (stakes) and `AccessPasses` (pass uses) both use it.
library DeliveryInputs {
    /// @dev BN254's scalar field, over which Baby Jubjub is defined.
    uint256 internal constant FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Baby Jubjub (twisted Edwards): `A x^2 + y^2 = 1 + D x^2 y^2`.
    uint256 private constant _BABYJUB_A = 168700;
    uint256 private constant _BABYJUB_D = 168696;

    /// @notice The delivery circuit's public inputs, in order: the disclosure's 12 with the scope
    /// and message hash `zkSBT` computes for the calling contract (the order of the registry's
    /// own `_publicInputs`; one registry call returning all 12 would pass the whole disclosure
    /// again and cost ~3.9k gas more), then the developer's key, the ephemeral key, the nonce and
    /// the ciphertext. The input-bound verifier double of the tests and the real proofs pin it.
    function publicInputs(
        IZkSBT zkSBT,
        IZkSBT.Disclosure calldata d,
        uint256 keyX,
        uint256 keyY,
        uint256[2] calldata ephemeralKey,
        uint256 nonce,
        uint256[10] calldata ciphertext
    ) internal view returns (uint256[27] memory input) {
        input[0] = d.mode;
        input[1] = d.root;
        input[2] = d.schemaId;
        input[3] = d.issuerSet;
        input[4] = d.fieldIndex;
        input[5] = d.operator;
        input[6] = d.operandA;
        input[7] = d.operandB;
        input[8] = zkSBT.scopeOf(address(this), d.purpose);
        input[9] = d.nullifier;
        input[10] = zkSBT.messageHashOf(d.recipient, d.message);
        input[11] = d.validUntil;
        input[12] = keyX;
        input[13] = keyY;
        input[14] = ephemeralKey[0];
        input[15] = ephemeralKey[1];
        input[16] = nonce;
        for (uint256 i; i < 10; ++i) {
            input[17 + i] = ciphertext[i];
        }
    }

    /// @notice Whether `(x, y)` is a Baby Jubjub point other than the identity `(0, 1)`.
    /// (Membership of the prime-order subgroup is the delivery circuit's to enforce, by clearing
    /// the cofactor.)
    function isKey(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= FIELD || y >= FIELD || x == 0) return false; // x == 0: (0, 1) and (0, -1)
        uint256 xx = mulmod(x, x, FIELD);
        uint256 yy = mulmod(y, y, FIELD);
        uint256 lhs = addmod(mulmod(_BABYJUB_A, xx, FIELD), yy, FIELD);
        uint256 rhs = addmod(1, mulmod(_BABYJUB_D, mulmod(xx, yy, FIELD), FIELD), FIELD);
        return lhs == rhs;
    }
}
