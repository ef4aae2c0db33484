// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDisclosureVerifier} from "../../../src/interfaces/IDisclosureVerifier.sol";

/// @notice Test double of the Groth16 verifier for the registry's unit tests: a "proof" is valid
/// iff its first word is the hash of the exact public inputs. It lets the tests check that the
/// registry hands the verifier exactly the right inputs in the right order (the real verifier
/// runs on real proofs in DisclosureVerifier.t.sol and in the Rust end-to-end tests).
contract InputBoundVerifier is IDisclosureVerifier {
    error ProofInvalid();

    function verifyProof(uint256[8] calldata proof, uint256[12] calldata input) external pure {
        if (proof[0] != proofFor(input)) revert ProofInvalid();
    }

    function proofFor(uint256[12] memory input) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(input)));
    }
}
