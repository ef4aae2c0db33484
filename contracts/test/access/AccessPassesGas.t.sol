// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {AccessPassesFixture} from "./utils/AccessPassesFixture.sol";

/// @notice Gas of each pass operation, for the gas snapshot (`forge snapshot`: a test's gas
/// excludes `setUp`, so each test below is one operation plus the test's own small overhead).
/// Alice's pass has had one use delivered (steady state, not first writes); bob's offer is signed
/// and ready. Deliveries use the verifier double: add the Groth16 verifier's cost for 27 inputs
/// for the real figure (AccessPassesRealProof.t.sol delivers with the real one).
contract AccessPassesGasTest is AccessPassesFixture {
    uint256 internal passId;
    IAccessPasses.Offer internal bobOffer;
    bytes internal bobSignature;
    IZkSBT.Disclosure internal nextUse;
    IAccessPasses.Delivery internal nextDelivery;

    function setUp() public override {
        super.setUp();
        passId = passOf(alice);
        requestAs(developer, passId);
        deliverNext(passId);
        requestAs(developer, passId);
        nextUse = useDisclosure(passId, alice, selfToken[alice], 1);
        nextDelivery = deliveryFor(passId, 1);
        bobOffer = offerOf(bob);
        bobSignature = signOffer(bobKey, bobOffer);
    }

    /// An accept in MASA: signature, nonce, holder, the pass stored, price pulled, owner paid,
    /// fee routed (burn + 4 transfers).
    function test_Gas_Accept() public {
        vm.prank(developer);
        passes.accept(bobOffer, bobSignature);
    }

    /// A use asked for (no terms).
    function test_Gas_RequestUse() public {
        vm.prank(developer);
        passes.requestUse(passId);
    }

    /// A use delivered: statement checked by the registry, the proof verified, the owner paid,
    /// the fee routed, the ciphertext emitted.
    function test_Gas_Deliver() public {
        vm.prank(alice);
        passes.deliver(passId, nextUse, nextDelivery);
    }

    function test_Gas_Revoke() public {
        vm.prank(alice);
        passes.revoke(passId);
    }

    /// The unused escrow back to the developer after a revoke.
    function test_Gas_Close() public {
        vm.prank(alice);
        passes.revoke(passId);
        vm.prank(developer);
        passes.close(passId);
    }

    function test_Gas_CancelNonce() public {
        vm.prank(bob);
        passes.cancelNonce(0);
    }
}
