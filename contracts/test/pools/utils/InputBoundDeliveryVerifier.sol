// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDeliveryVerifier} from "../../../src/interfaces/IDeliveryVerifier.sol";

/// @notice Test double of the delivery circuit's Groth16 verifier for the pools' unit tests: a
/// "proof" is valid iff its first word is the hash of the exact 27 public inputs, so the tests
/// check that the pool hands the verifier exactly the right inputs in the right order (the real
/// verifier runs on a real proof in DeliveryVerifier.t.sol and in the Rust end-to-end tests).
contract InputBoundDeliveryVerifier is IDeliveryVerifier {
    error ProofInvalid();

    function verifyProof(uint256[8] calldata proof, uint256[27] calldata input) external pure {
        if (proof[0] != proofFor(input)) revert ProofInvalid();
    }

    function proofFor(uint256[27] memory input) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(input)));
    }
}
