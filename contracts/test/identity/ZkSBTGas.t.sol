// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {LeanIMTModel} from "./utils/LeanIMTModel.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";

/// @notice Gas of each registry operation on a tree that already holds 1,000 leaves (depth 10),
/// for the gas snapshot (`forge snapshot`: a test's gas excludes `setUp`, so each test below is
/// one operation plus the test's own small overhead). The 1,000 leaves are written into the
/// registry's storage from the model (a million real mints is beyond a unit test); the tree
/// tests check that storage layout. The disclosures use the verifier double: add the Groth16
/// verifier's own cost (DisclosureVerifier.t.sol, the Rust benchmarks) for the real figure.
contract ZkSBTGasTest is ZkSBTFixture, LeanIMTModel {
    uint256 internal constant TREES_SLOT = 10;
    uint256 internal constant ROOTS_SLOT = 11;
    uint256 internal constant PREFILLED = 1_000;

    uint256 internal selfToken;
    uint256 internal attestedToken;
    uint256 internal expiringToken;
    IZkSBT.Disclosure internal directD;
    IZkSBT.Disclosure internal anonD;
    IZkSBT.MintRequest internal nextSelf;
    bytes internal nextSelfConsent;
    IZkSBT.MintRequest internal nextAttested;
    bytes internal nextAttestedConsent;
    bytes internal nextAttestation;

    function setUp() public override {
        super.setUp();
        prefill(PREFILLED);
        // alice and bob have minted before (their identities are registered)
        selfToken = mintSelf(aliceKey, 11);
        attestedToken = mintAttested(bobKey, 21);
        expiringToken = mintSelfExpiring(bobKey, 12, uint64(block.timestamp + 1 days));
        directD = direct(attestedToken, ATTESTED, dapp);
        anonD = anonDisclosure(sbt.root(), SELF, dapp);
        anonD.nullifier = 0x5678;
        anonD = reprove(dapp, anonD);
        IZkSBT.MintRequest memory req = request(alice, SELF, 13, address(0));
        nextSelf = req;
        nextSelfConsent = sign(aliceKey, consentDigest(req));
        req = request(alice, ATTESTED, 22, issuer);
        nextAttested = req;
        nextAttestedConsent = sign(aliceKey, consentDigest(req));
        nextAttestation = sign(issuerKey, attestationDigest(req));
        require(masa.transfer(address(sbt), 1e18), "fees held");
    }

    /// Writes a consistent tree 0 of `n` random leaves: every node the registry stores (each leaf,
    /// each node with a right sibling), the size, and its root as the current root.
    function prefill(uint256 n) internal {
        uint256[] memory leaves = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            leaves[i] = uint256(keccak256(abi.encode("prefill", i))) % P;
        }
        uint256[][] memory levels = modelLevels(leaves);
        uint256 base = uint256(keccak256(abi.encode(uint256(0), TREES_SLOT)));
        vm.store(address(sbt), bytes32(base), bytes32(n));
        for (uint256 l; l < levels.length; ++l) {
            for (uint256 i; i < levels[l].length; ++i) {
                if (l == 0 || 2 * i + 1 < levels[l - 1].length) {
                    bytes32 slot = keccak256(abi.encode((l << 128) | i, base + 1));
                    vm.store(address(sbt), slot, bytes32(levels[l][i]));
                }
            }
        }
        uint256 root = levels[levels.length - 1][0];
        // RootState{uint64 deadline; uint192 currentIn = 1}
        vm.store(address(sbt), keccak256(abi.encode(root, ROOTS_SLOT)), bytes32(uint256(1) << 64));
        assertEq(sbt.root(), root);
        assertTrue(sbt.isKnownRoot(root));
    }

    function test_Gas_Mint_SelfAttested() public {
        sbt.mint(nextSelf, nextSelfConsent, "");
    }

    function test_Gas_Mint_Attested() public {
        sbt.mint(nextAttested, nextAttestedConsent, nextAttestation);
    }

    function test_Gas_Burn() public {
        vm.prank(alice);
        sbt.burn(selfToken);
    }

    function test_Gas_Revoke() public {
        vm.prank(issuer);
        sbt.revoke(attestedToken);
    }

    function test_Gas_Expire() public {
        vm.warp(block.timestamp + 1 days);
        sbt.expire(expiringToken);
    }

    function test_Gas_ConsumeDisclosure_Direct_VerifierDouble() public {
        vm.prank(dapp);
        sbt.consumeDisclosure(directD);
    }

    function test_Gas_ConsumeDisclosure_Anonymous_VerifierDouble() public {
        vm.prank(dapp);
        sbt.consumeDisclosure(anonD);
    }

    function test_Gas_ForwardFees() public {
        sbt.forwardFees();
    }
}
