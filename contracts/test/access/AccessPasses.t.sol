// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessPasses} from "../../src/access/AccessPasses.sol";
import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {IDeliveryVerifier} from "../../src/interfaces/IDeliveryVerifier.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {TestSmartAccount} from "../identity/utils/TestSmartAccount.sol";
import {FeeOnTransferERC20} from "../utils/TestERC20.sol";
import {AccessPassesFixture} from "./utils/AccessPassesFixture.sol";
import {RecordingTerms, ReentrantTerms} from "./utils/TermsDoubles.sol";
import {BlocklistERC20} from "./utils/TestTokens.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @notice Access passes (issue 14, second part): offers signed off-chain and accepted by the
/// named developer only, the owner paid through the real fee router, per-use escrow released by
/// deliveries the developer asked for, revocation, expiry and refunds, and every refusal.
contract AccessPassesTest is AccessPassesFixture {
    uint64 internal t0;

    function setUp() public override {
        super.setUp();
        t0 = uint64(block.timestamp);
    }

    // ------------------------------------------------------------------ deployment, governance

    function test_Constructor_WiresTheRegistryRouterAndMasa() public view {
        assertEq(address(passes.zkSBT()), address(sbt));
        assertEq(address(passes.deliveryVerifier()), address(deliveryVerifier));
        assertEq(passes.feeRouter(), address(feeRouter));
        assertEq(passes.masa(), address(masa));
        assertEq(passes.owner(), dao);
        assertEq(passes.feeBps(), FEE_BPS);
        assertEq(passes.passCount(), 0);
        assertEq(passes.OFFER_TYPEHASH(), OFFER_TYPEHASH);
    }

    function test_RevertWhen_ConstructorGetsZeroAddresses() public {
        vm.expectRevert(IAccessPasses.AccessPasses__ZeroAddress.selector);
        new AccessPasses(IZkSBT(address(0)), deliveryVerifier, feeRouter, dao, 0);
        vm.expectRevert(IAccessPasses.AccessPasses__ZeroAddress.selector);
        new AccessPasses(sbt, IDeliveryVerifier(address(0)), feeRouter, dao, 0);
        vm.expectRevert(IAccessPasses.AccessPasses__ZeroAddress.selector);
        new AccessPasses(sbt, deliveryVerifier, IFeeRouter(address(0)), dao, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new AccessPasses(sbt, deliveryVerifier, feeRouter, address(0), 0);
    }

    function test_RevertWhen_ConstructorFeeTooHigh() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__FeeTooHigh.selector, 1_001, 1_000));
        new AccessPasses(sbt, deliveryVerifier, feeRouter, dao, 1_001);
    }

    function test_SetFee_ByTheOwner() public {
        vm.expectEmit(address(passes));
        emit IAccessPasses.FeeSet(1_000);
        vm.prank(dao);
        passes.setFee(1_000);
        assertEq(passes.feeBps(), 1_000);
    }

    function test_RevertWhen_SetFeeNotOwnerOrTooHigh() public {
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, developer));
        passes.setFee(0);
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__FeeTooHigh.selector, 1_001, 1_000));
        passes.setFee(1_001);
    }

    function test_RevertWhen_RenouncingOwnership() public {
        vm.prank(dao);
        vm.expectRevert(IAccessPasses.AccessPasses__RenounceDisabled.selector);
        passes.renounceOwnership();
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, developer));
        passes.renounceOwnership();
    }

    // ------------------------------------------------------------------ accept

    /// The digest the owner signs is EIP-712's, computed here field by field.
    function test_HashOffer_IsTheEip712Digest() public view {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.terms = address(0xBEEF);
        o.nonce = 77;
        assertEq(passes.hashOffer(o), digestOf(o));
        o.upfrontPrice += 1;
        assertEq(passes.hashOffer(o), digestOf(o));
    }

    /// Everything is stored and emitted; the owner is paid the upfront price less the fee, the
    /// fee goes through the fee router (burn share burned), the per-use prices are escrowed.
    function test_Accept_StoresEmitsAndPays() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        uint256 fee = UPFRONT * FEE_BPS / 10_000; // 0.5 MASA
        uint256 escrow = uint256(PER_USE) * USES;
        uint256 supply = masa.totalSupply();
        uint256 developerBefore = masa.balanceOf(developer);
        uint256 aliceBefore = masa.balanceOf(alice);
        bytes memory signature = signOffer(aliceKey, o);
        vm.expectEmit(address(passes));
        emit IAccessPasses.PassAccepted(1, alice, developer, o, UPFRONT - fee, fee, escrow);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(address(passes), address(masa), keccak256("pass-accept"), fee, fee);
        vm.prank(developer);
        uint256 passId = passes.accept(o, signature);
        assertEq(passId, 1);
        assertEq(passes.passCount(), 1);

        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(p.owner, alice);
        assertEq(p.developer, developer);
        assertEq(p.tokenId, selfToken[alice]);
        assertEq(p.token, address(masa));
        assertEq(p.validFrom, t0);
        assertEq(p.validUntil, t0 + VALIDITY);
        assertEq(p.maxUses, USES);
        assertEq(p.requested + p.delivered, 0);
        assertEq(p.feeBps, FEE_BPS);
        assertFalse(p.revoked);
        assertEq(p.terms, address(0));
        assertEq(p.upfrontPrice, UPFRONT);
        assertEq(p.perUsePrice, PER_USE);
        assertEq(p.ownerPaid, UPFRONT - fee);
        assertEq(p.fees, fee);
        assertEq(p.escrow, escrow);
        assertEq(p.refunded, 0);
        assertEq(p.purpose, RESEARCH);
        assertEq(p.deliveryKeyX, KEY_X);
        assertEq(p.deliveryKeyY, KEY_Y);
        assertConserved(passId);

        assertEq(developerBefore - masa.balanceOf(developer), UPFRONT + escrow);
        assertEq(masa.balanceOf(alice) - aliceBefore, UPFRONT - fee);
        assertEq(masa.balanceOf(address(passes)), escrow, "only the escrow stays");
        assertEq(supply - masa.totalSupply(), fee / 5, "20% of the fee burned");
        assertEq(masa.allowance(address(passes), address(feeRouter)), 0, "exact approval, used up");
        assertTrue(passes.nonceUsed(alice, 0));
        assertEq(passes.purposeOf(passId), purpose(passId));
        assertEq(passes.scopeOf(passId), scope(passId));
        assertEq(passes.useMessageOf(passId, 3), useMessage(passId, 3));
        assertEq(passes.deliveryNonceOf(passId, 3), useNonce(passId, 3));
    }

    /// A smart-contract wallet (ERC-1271, as ERC-4337 accounts) holding a record grants a pass.
    function test_Accept_OfferSignedByAnErc1271Wallet() public {
        uint256 signerKey = 0x5AFE;
        TestSmartAccount account = new TestSmartAccount(vm.addr(signerKey));
        uint256 tokenId = mintRequest(signerKey, request(address(account), SELF, 41, address(0)));
        IAccessPasses.Offer memory o = offerOf(alice);
        (o.owner, o.tokenId) = (address(account), tokenId);
        bytes memory signature = sign(signerKey, digestOf(o));
        vm.prank(developer);
        uint256 passId = passes.accept(o, signature);
        assertEq(passes.pass(passId).owner, address(account));
        assertEq(masa.balanceOf(address(account)), UPFRONT - UPFRONT * FEE_BPS / 10_000);
        // another key's signature is refused by the wallet
        o.nonce = 1;
        signature = sign(aliceKey, digestOf(o));
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidSignature.selector, address(account))
        );
        passes.accept(o, signature);
    }

    /// A watcher copies the developer's pending accept and lands first: refused (the offer names
    /// the developer), nothing moves; the developer's own transaction then succeeds.
    function test_RevertWhen_WatcherCopiesTheAccept() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        bytes memory signature = signOffer(aliceKey, o);
        fundMasa(watcher, 1_000e18);
        vm.startPrank(watcher);
        masa.approve(address(passes), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotOfferedDeveloper.selector, watcher, developer
            )
        );
        passes.accept(o, signature);
        // naming itself breaks the signature
        o.developer = watcher;
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidSignature.selector, alice));
        passes.accept(o, signature);
        vm.stopPrank();
        assertEq(masa.balanceOf(watcher), 1_000e18);
        assertFalse(passes.nonceUsed(alice, 0));

        o.developer = developer;
        vm.prank(developer);
        assertEq(passes.accept(o, signature), 1);
    }

    /// A signature is good for one pass.
    function test_RevertWhen_SignatureReplayed() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        bytes memory signature = signOffer(aliceKey, o);
        vm.prank(developer);
        passes.accept(o, signature);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NonceUsed.selector, alice, 0));
        passes.accept(o, signature);
        assertEq(passes.passCount(), 1);
    }

    /// Nonces are unordered: any unused one works, in any order.
    function test_Accept_NoncesInAnyOrder() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.nonce = 1_000;
        acceptOffer(o);
        o.nonce = 3;
        acceptOffer(o);
        o.nonce = 999;
        acceptOffer(o);
        assertEq(passes.passCount(), 3);
        assertTrue(passes.nonceUsed(alice, 3));
        assertFalse(passes.nonceUsed(alice, 4));
    }

    function test_RevertWhen_OfferExpired() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        bytes memory signature = signOffer(aliceKey, o);
        vm.warp(o.deadline + 1);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__OfferExpired.selector, o.deadline, o.deadline + 1
            )
        );
        passes.accept(o, signature);
    }

    /// The owner cancels an offer while the developer's accept is pending: the accept fails,
    /// nothing moves.
    function test_RevertWhen_OfferCancelled() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.nonce = 7;
        bytes memory signature = signOffer(aliceKey, o);
        vm.expectEmit(address(passes));
        emit IAccessPasses.NonceCancelled(alice, 7);
        vm.prank(alice);
        passes.cancelNonce(7);
        uint256 before = masa.balanceOf(developer);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NonceUsed.selector, alice, 7));
        passes.accept(o, signature);
        assertEq(masa.balanceOf(developer), before);
        // cancelling twice is refused; another owner's nonce 7 is untouched
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NonceUsed.selector, alice, 7));
        passes.cancelNonce(7);
        assertFalse(passes.nonceUsed(bob, 7));
    }

    /// Raising the floor voids every offer below it at once.
    function test_RevertWhen_OfferBelowTheNonceFloor() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.nonce = 41;
        bytes memory signature = signOffer(aliceKey, o);
        vm.expectEmit(address(passes));
        emit IAccessPasses.NonceFloorRaised(alice, 42);
        vm.prank(alice);
        passes.raiseNonceFloor(42);
        assertEq(passes.nonceFloor(alice), 42);
        assertTrue(passes.nonceUsed(alice, 41));
        assertFalse(passes.nonceUsed(alice, 42));
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NonceBelowFloor.selector, alice, 41, 42)
        );
        passes.accept(o, signature);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidNonceFloor.selector, 42, 42)
        );
        passes.raiseNonceFloor(42);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NonceBelowFloor.selector, alice, 5, 42)
        );
        passes.cancelNonce(5);
        o.nonce = 42;
        acceptOffer(o);
    }

    /// An offer for a token the signer does not hold (another's, or none) is refused, whoever
    /// signs.
    function test_RevertWhen_SignerDoesNotOwnTheToken() public {
        IAccessPasses.Offer memory o = offerOf(bob);
        o.tokenId = selfToken[alice];
        bytes memory signature = signOffer(bobKey, o);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotTokenOwner.selector, selfToken[alice], bob, alice
            )
        );
        passes.accept(o, signature);

        o.tokenId = 999;
        signature = signOffer(bobKey, o);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NotTokenOwner.selector, 999, bob, address(0))
        );
        passes.accept(o, signature);

        // a burned record is nobody's
        vm.prank(bob);
        sbt.burn(selfToken[bob]);
        o = offerOf(bob);
        signature = signOffer(bobKey, o);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotTokenOwner.selector, selfToken[bob], bob, address(0)
            )
        );
        passes.accept(o, signature);
    }

    /// A record that cannot be delivered for the whole pass is refused at accept (the developer
    /// would pay the upfront price for nothing): one expiring before the last delivery, or one
    /// its issuer revoked (still held, out of the tree).
    function test_RevertWhen_AcceptRecordUndeliverable() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        uint64 lastDelivery = o.validUntil + 1 days; // GRACE
        o.tokenId = mintSelfExpiring(aliceKey, 12, lastDelivery);
        bytes memory signature = signOffer(aliceKey, o);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__RecordUndeliverable.selector,
                o.tokenId,
                true,
                lastDelivery,
                uint256(lastDelivery)
            )
        );
        passes.accept(o, signature);

        o.tokenId = mintAttested(aliceKey, 13);
        vm.prank(issuer);
        sbt.revoke(o.tokenId);
        signature = signOffer(aliceKey, o);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__RecordUndeliverable.selector, o.tokenId, false, 0, lastDelivery
            )
        );
        passes.accept(o, signature);

        // a second more is enough
        o.tokenId = mintSelfExpiring(aliceKey, 14, lastDelivery + 1);
        assertEq(passes.pass(acceptOffer(o)).tokenId, o.tokenId);
    }

    /// Someone else's signature, or any field changed after signing, is refused.
    function test_RevertWhen_SignatureIsNotTheOwners() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        bytes memory byBob = signOffer(bobKey, o);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidSignature.selector, alice));
        passes.accept(o, byBob);

        bytes memory signature = signOffer(aliceKey, o);
        o.perUsePrice = 1; // the developer lowers the price
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidSignature.selector, alice));
        passes.accept(o, signature);
        o = offerOf(alice);
        o.maxUses = USES + 1;
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidSignature.selector, alice));
        passes.accept(o, signature);
    }

    function test_RevertWhen_OfferValidityInvalid() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.validUntil = o.validFrom; // empty
        expectAcceptRevert(
            o,
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__InvalidValidity.selector, o.validFrom, o.validUntil, t0
            )
        );
        o = offerOf(alice);
        (o.validFrom, o.validUntil) = (t0 - 100, t0); // over
        expectAcceptRevert(
            o, abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidValidity.selector, t0 - 100, t0, t0)
        );
        o = offerOf(alice);
        o.maxUses = 0;
        expectAcceptRevert(o, abi.encodeWithSelector(IAccessPasses.AccessPasses__ZeroMaxUses.selector));
        // a pass that began earlier and has time left is fine
        o = offerOf(alice);
        o.validFrom = t0 - 1 days;
        acceptOffer(o);
    }

    function test_RevertWhen_OfferPriceAbove128Bits() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.upfrontPrice = type(uint128).max;
        o.perUsePrice = 1;
        o.maxUses = 1;
        uint256 total = uint256(type(uint128).max) + 1;
        expectAcceptRevert(
            o,
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__AmountTooLarge.selector, total, type(uint128).max
            )
        );
    }

    /// Only MASA and tokens the fee router accepts.
    function test_RevertWhen_OfferTokenNotAccepted() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.token = makeAddr("random token");
        expectAcceptRevert(
            o, abi.encodeWithSelector(IAccessPasses.AccessPasses__TokenNotAccepted.selector, o.token)
        );
        o.token = address(0);
        expectAcceptRevert(
            o, abi.encodeWithSelector(IAccessPasses.AccessPasses__TokenNotAccepted.selector, address(0))
        );
        vm.prank(dao);
        feeRouter.removeToken(address(usdc));
        o.token = address(usdc);
        expectAcceptRevert(
            o, abi.encodeWithSelector(IAccessPasses.AccessPasses__TokenNotAccepted.selector, address(usdc))
        );
    }

    function test_RevertWhen_OfferDeliveryKeyInvalid() public {
        uint256[2][5] memory bad = [
            [uint256(0), uint256(1)], // the identity
            [uint256(0), P - 1], // order 2
            [KEY_X, KEY_Y + 1], // off the curve
            [KEY_X + P, KEY_Y], // not reduced
            [KEY_X, KEY_Y + P]
        ];
        for (uint256 i; i < bad.length; ++i) {
            IAccessPasses.Offer memory o = offerOf(alice);
            (o.deliveryKeyX, o.deliveryKeyY) = (bad[i][0], bad[i][1]);
            expectAcceptRevert(
                o,
                abi.encodeWithSelector(
                    IAccessPasses.AccessPasses__InvalidDeliveryKey.selector, bad[i][0], bad[i][1]
                )
            );
        }
    }

    function test_RevertWhen_OfferTermsHaveNoCode() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.terms = makeAddr("no code");
        expectAcceptRevert(
            o, abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidTerms.selector, o.terms)
        );
    }

    function test_RevertWhen_AcceptNotFunded() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.developer = makeAddr("poor");
        bytes memory signature = signOffer(aliceKey, o);
        vm.prank(o.developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(passes), 0, UPFRONT + PER_USE * USES
            )
        );
        passes.accept(o, signature);
    }

    /// A free pass (no price) moves no token and pays no fee.
    function test_Accept_FreePass() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        (o.upfrontPrice, o.perUsePrice) = (0, 0);
        uint256 supply = masa.totalSupply();
        uint256 passId = acceptOffer(o);
        assertEq(masa.balanceOf(address(passes)), 0);
        assertEq(masa.totalSupply(), supply);
        requestAs(developer, passId);
        deliverNext(passId);
        assertEq(passes.pass(passId).delivered, 1);
        assertConserved(passId);
    }

    /// Any prices and fee: the developer pays exactly upfront + perUse * maxUses; the owner gets
    /// the upfront price less the rounded-down fee; the escrow stays; the fee is routed.
    function testFuzz_Accept_SplitsExactly(uint128 upfront, uint128 perUse, uint32 uses, uint16 bps) public {
        upfront = uint128(bound(upfront, 0, 1_000_000e18));
        perUse = uint128(bound(perUse, 0, 100_000e18));
        uses = uint32(bound(uses, 1, 100));
        bps = uint16(bound(bps, 0, 1_000));
        vm.prank(dao);
        passes.setFee(bps);
        IAccessPasses.Offer memory o = offerOf(alice);
        (o.upfrontPrice, o.perUsePrice, o.maxUses) = (upfront, perUse, uses);
        uint256 fee = uint256(upfront) * bps / 10_000;
        uint256 developerBefore = masa.balanceOf(developer);
        uint256 aliceBefore = masa.balanceOf(alice);
        uint256 supply = masa.totalSupply();
        uint256 routed = distributed() + masa.balanceOf(address(feeRouter));
        uint256 passId = acceptOffer(o);
        assertEq(developerBefore - masa.balanceOf(developer), uint256(upfront) + uint256(perUse) * uses);
        assertEq(masa.balanceOf(alice) - aliceBefore, upfront - fee);
        assertEq(masa.balanceOf(address(passes)), uint256(perUse) * uses);
        uint256 burned = supply - masa.totalSupply();
        assertEq(burned + distributed() + masa.balanceOf(address(feeRouter)) - routed, fee, "fee routed");
        assertConserved(passId);
    }

    /// Priced in USDC (a 6-decimal token the router accepts): the owner is paid in USDC; the fee
    /// is held until governance converts it with a quoted minimum.
    function test_Accept_InAnAcceptedToken_HoldsTheFeeUntilForwarded() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.token = address(usdc);
        (o.upfrontPrice, o.perUsePrice) = (100e6, 3e6);
        uint256 passId = acceptOffer(o);
        uint256 fee = 5e6; // 5% of 100 USDC
        assertEq(usdc.balanceOf(alice), 95e6);
        assertEq(passes.pendingFees(address(usdc)), fee);
        assertEq(usdc.balanceOf(address(passes)), fee + 15e6, "held fees + escrow");
        requestAs(developer, passId);
        deliverNext(passId);
        uint256 useFee = uint256(3e6) * FEE_BPS / 10_000;
        assertEq(usdc.balanceOf(alice), 95e6 + 3e6 - useFee);
        assertEq(passes.pendingFees(address(usdc)), fee + useFee);
        assertConserved(passId);

        // only governance forwards, with its quote
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, developer));
        passes.forwardFees(address(usdc), 0, block.timestamp);
        uint256 supply = masa.totalSupply();
        vm.prank(dao);
        vm.expectRevert(); // the router refuses a quote above the pair's output
        passes.forwardFees(address(usdc), 1_000_000e18, block.timestamp);
        vm.prank(dao);
        uint256 masaAmount = passes.forwardFees(address(usdc), 1e18, block.timestamp);
        assertGt(masaAmount, 1e18);
        assertEq(supply - masa.totalSupply(), masaAmount / 5, "20% burned");
        assertEq(passes.pendingFees(address(usdc)), 0);
        assertEq(usdc.balanceOf(address(passes)), 12e6, "the escrow stays");
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NothingToForward.selector, address(usdc))
        );
        passes.forwardFees(address(usdc), 0, block.timestamp);
    }

    /// A fee-on-transfer token (even one the router were told to accept) is refused at accept:
    /// the escrow would not be there.
    function test_RevertWhen_FeeOnTransferToken() public {
        FeeOnTransferERC20 taxed = new FeeOnTransferERC20();
        address[] memory path = new address[](2);
        (path[0], path[1]) = (address(taxed), address(masa));
        vm.prank(dao);
        feeRouter.acceptToken(address(taxed), path);
        taxed.mint(developer, 1_000e18);
        vm.prank(developer);
        taxed.approve(address(passes), type(uint256).max);
        IAccessPasses.Offer memory o = offerOf(alice);
        o.token = address(taxed);
        uint256 total = UPFRONT + PER_USE * USES;
        expectAcceptRevert(
            o,
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__TransferAmountMismatch.selector,
                address(taxed),
                total,
                total - total / 100
            )
        );
    }

    /// A token that refuses transfers to the owner makes the accept revert whole: nothing is
    /// pulled, no pass exists.
    function test_RevertWhen_TokenRefusesTheTransfer() public {
        BlocklistERC20 blk = acceptBlocklistToken();
        blk.setBlocked(alice, true);
        IAccessPasses.Offer memory o = offerOf(alice);
        o.token = address(blk);
        expectAcceptRevert(o, abi.encodeWithSelector(BlocklistERC20.Blocked.selector, alice));
        assertEq(blk.balanceOf(address(passes)), 0);
        assertEq(passes.passCount(), 0);
    }

    /// The fee is fixed at accept: governance raising it later does not touch escrowed uses.
    function test_Accept_FeeIsFixedForThePass() public {
        uint256 passId = passOf(alice);
        vm.prank(dao);
        passes.setFee(1_000);
        requestAs(developer, passId);
        uint256 before = masa.balanceOf(alice);
        deliverNext(passId);
        assertEq(masa.balanceOf(alice) - before, PER_USE - PER_USE * FEE_BPS / 10_000);
        assertEq(passes.pass(passId).feeBps, FEE_BPS);
        assertEq(passes.pass(passOf(bob)).feeBps, 1_000, "new passes pay the new fee");
    }

    // ------------------------------------------------------------------ request

    function test_RequestUse_CountsAndEmits() public {
        uint256 passId = passOf(alice);
        vm.expectEmit(address(passes));
        emit IAccessPasses.UseRequested(passId, 0);
        assertEq(requestAs(developer, passId), 0);
        assertEq(requestAs(developer, passId), 1);
        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(p.requested, 2);
        assertEq(p.delivered, 0);
        assertEq(p.escrow, PER_USE * USES, "a request moves no money");
    }

    function test_RevertWhen_RequestUseInvalid() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.validFrom = t0 + 1 days;
        o.maxUses = 1;
        uint256 passId = acceptOffer(o);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__UnknownPass.selector, 9));
        requestAs(developer, 9);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotDeveloper.selector, passId, alice, developer
            )
        );
        requestAs(alice, passId);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NotStarted.selector, passId, t0 + 1 days, t0)
        );
        requestAs(developer, passId);
        vm.warp(t0 + 1 days);
        requestAs(developer, passId);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__UsesExhausted.selector, passId, 1));
        requestAs(developer, passId);

        passId = passOf(bob);
        uint64 until = passes.pass(passId).validUntil;
        vm.warp(until); // inclusive
        requestAs(developer, passId);
        vm.warp(until + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__Expired.selector, passId, until, until + 1)
        );
        requestAs(developer, passId);
    }

    // ------------------------------------------------------------------ deliver

    /// A delivery releases one per-use price: the owner gets it less the fee, the fee is routed,
    /// the ciphertext is emitted.
    function test_Deliver_ReleasesOneUse() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        uint256 fee = PER_USE * FEE_BPS / 10_000;
        uint256 before = masa.balanceOf(alice);
        vm.expectEmit(address(passes));
        emit IAccessPasses.UseDelivered(passId, 0, PER_USE - fee, fee, del);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(address(passes), address(masa), keccak256("pass-use"), fee, fee);
        vm.prank(alice);
        passes.deliver(passId, d, del);
        assertEq(masa.balanceOf(alice) - before, PER_USE - fee);
        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(p.delivered, 1);
        assertEq(p.escrow, PER_USE * (USES - 1));
        assertEq(p.ownerPaid, UPFRONT - UPFRONT * FEE_BPS / 10_000 + PER_USE - fee);
        assertEq(masa.balanceOf(address(passes)), p.escrow);
        assertConserved(passId);
        // the registry's nullifiers are untouched (only the pass's message makes a delivery one-time)
        assertFalse(sbt.nullifierUsed(d.nullifier));
    }

    /// Every use delivered: the owner got the whole price less fees, nothing stays.
    function test_Deliver_AllUses() public {
        uint256 passId = passOf(alice);
        for (uint256 i; i < USES; ++i) {
            requestAs(developer, passId);
            deliverNext(passId);
        }
        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(p.delivered, USES);
        assertEq(p.escrow, 0);
        assertEq(uint256(p.ownerPaid) + p.fees, paidFor(passId));
        assertEq(masa.balanceOf(address(passes)), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__UsesExhausted.selector, passId, USES)
        );
        requestAs(developer, passId);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NothingToRefund.selector, passId));
        passes.close(passId);
    }

    /// The owner cannot deliver uses nobody asked for (it would drain the escrow at will).
    function test_RevertWhen_DeliveryWithoutRequest() public {
        uint256 passId = passOf(alice);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NoPendingUse.selector, passId, 0));
        passes.deliver(passId, d, del);
        requestAs(developer, passId);
        deliverNext(passId);
        d = useDisclosure(passId, alice, selfToken[alice], 1);
        del = deliveryFor(passId, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NoPendingUse.selector, passId, 1));
        passes.deliver(passId, d, del);
    }

    /// Anyone may submit the owner's delivery (a relayer); a watcher copying it and landing first
    /// changes nothing: the owner is paid, the owner's own transaction fails harmlessly.
    function test_Deliver_CopiedByAWatcher_PaysTheOwner() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        // redirecting the payment breaks the binding
        IZkSBT.Disclosure memory redirected = useDisclosure(passId, alice, selfToken[alice], 0);
        redirected.recipient = watcher;
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__RecipientMismatch.selector, alice, watcher)
        );
        passes.deliver(passId, redirected, del);

        uint256 before = masa.balanceOf(alice);
        vm.prank(watcher);
        passes.deliver(passId, d, del);
        assertEq(masa.balanceOf(alice) - before, PER_USE - PER_USE * FEE_BPS / 10_000);
        assertEq(masa.balanceOf(watcher), 0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NoPendingUse.selector, passId, 1));
        passes.deliver(passId, d, del);
    }

    /// A delivery's proof is good for its use only: replayed for the next use, the message and
    /// nonce no longer match; on another pass of the same record, the purpose does not.
    function test_RevertWhen_DeliveryReplayed() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        requestAs(developer, passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        vm.prank(alice);
        passes.deliver(passId, d, del);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__MessageMismatch.selector,
                useMessage(passId, 1),
                useMessage(passId, 0)
            )
        );
        passes.deliver(passId, d, del);
        // the message moved on but not the delivery: the nonce is use 0's
        d.message = useMessage(passId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NonceMismatch.selector, useNonce(passId, 1), useNonce(passId, 0)
            )
        );
        passes.deliver(passId, d, del);
        // with both moved on, the old proof does not verify
        del.nonce = useNonce(passId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 1)
        );
        passes.deliver(passId, d, del);

        IAccessPasses.Offer memory o = offerOf(alice);
        o.nonce = 1;
        uint256 other = acceptOffer(o);
        requestAs(developer, other);
        d = useDisclosure(passId, alice, selfToken[alice], 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__PurposeMismatch.selector, purpose(other), purpose(passId)
            )
        );
        passes.deliver(other, d, deliveryFor(passId, 0));
    }

    /// The delivery must be a direct disclosure about the pass's own token.
    function test_RevertWhen_DeliveryNotAboutThePassRecord() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        (d.mode, d.tokenId, d.root) = (1, 0, sbt.root()); // anonymous: which record?
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NotPassRecord.selector, passId, 1, 0)
        );
        passes.deliver(passId, d, del);
        // bob's record, delivered under alice's pass, paying alice
        d = useDisclosure(passId, alice, selfToken[bob], 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotPassRecord.selector, passId, 0, selfToken[bob]
            )
        );
        passes.deliver(passId, d, del);
    }

    /// A ciphertext other than the proven one, or a proof for another key, is refused.
    function test_RevertWhen_DeliveryIsNotTheProvenOne() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        del.ciphertext[9] = (del.ciphertext[9] + 1) % P;
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
        );
        passes.deliver(passId, d, del);
        del = deliveryFor(passId, 0);
        del.ephemeralKey[0] = P - KEY_X;
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
        );
        passes.deliver(passId, d, del);
        // a proof made for another developer key (the pass's key is what the contract supplies)
        del = deliveryFor(passId, 0);
        uint256[27] memory in_ = deliveryInputs(passId, d, del);
        in_[12] = P - KEY_X;
        d.proof[0] = deliveryVerifier.proofFor(in_);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__InvalidDeliveryProof.selector, passId, 0)
        );
        passes.deliver(passId, d, del);
    }

    /// The registry's checks apply: a burned record, an expired proof, a wrong leaf.
    function test_RevertWhen_DeliveryStatementNotUsable() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 0);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 0);
        d.root = expectedLeaf[selfToken[bob]];
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, selfToken[alice]));
        passes.deliver(passId, d, del);
        d = useDisclosure(passId, alice, selfToken[alice], 0);
        vm.warp(d.validUntil + 1);
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, d.validUntil, d.validUntil + 1)
        );
        passes.deliver(passId, d, del);
        d = useDisclosure(passId, alice, selfToken[alice], 0);
        vm.prank(alice);
        sbt.burn(selfToken[alice]);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, selfToken[alice]));
        passes.deliver(passId, d, del);
    }

    /// A use requested in time may be delivered during the grace after `validUntil`, not after.
    function test_Deliver_WithinTheGraceOnly() public {
        uint256 passId = passOf(alice);
        uint64 until = passes.pass(passId).validUntil;
        vm.warp(until);
        requestAs(developer, passId);
        requestAs(developer, passId);
        vm.warp(until + GRACE);
        deliverNext(passId);
        vm.warp(until + GRACE + 1);
        IZkSBT.Disclosure memory d = useDisclosure(passId, alice, selfToken[alice], 1);
        IAccessPasses.Delivery memory del = deliveryFor(passId, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__DeliveryWindowClosed.selector,
                passId,
                until + GRACE,
                until + GRACE + 1
            )
        );
        passes.deliver(passId, d, del);
        // the undelivered request's price goes back
        assertEq(passes.close(passId), PER_USE * (USES - 1));
        assertConserved(passId);
    }

    function test_RevertWhen_DeliverUnknownPass() public {
        IZkSBT.Disclosure memory d;
        IAccessPasses.Delivery memory del;
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__UnknownPass.selector, 1));
        passes.deliver(1, d, del);
    }

    // ------------------------------------------------------------------ revoke, close

    /// The owner revokes: no more requests nor deliveries (even one requested before); the
    /// escrow goes back to the developer through close, which anyone may call.
    function test_Revoke_StopsUsesAndRefundsTheEscrow() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        deliverNext(passId);
        requestAs(developer, passId);
        uint256 refundable = PER_USE * (USES - 1);
        vm.expectEmit(address(passes));
        emit IAccessPasses.PassRevoked(passId, refundable);
        vm.prank(alice);
        passes.revoke(passId);
        assertTrue(passes.pass(passId).revoked);

        bytes memory revoked = abi.encodeWithSelector(IAccessPasses.AccessPasses__Revoked.selector, passId);
        expectNoFurtherUse(passId, 1, revoked, revoked);

        closeAs(watcher, passId, refundable);
        assertEq(masa.balanceOf(address(passes)), 0);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NothingToRefund.selector, passId));
        passes.close(passId);
    }

    function test_RevertWhen_RevokeNotOwnerOrTwice() public {
        uint256 passId = passOf(alice);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NotOwner.selector, passId, developer, alice)
        );
        passes.revoke(passId);
        vm.prank(alice);
        passes.revoke(passId);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__Revoked.selector, passId));
        passes.revoke(passId);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__UnknownPass.selector, 2));
        passes.revoke(2);
    }

    /// Expiry needs no transaction: after `validUntil` no request; after the grace, the unused
    /// escrow is the developer's.
    function test_Close_AfterExpiryAndGrace() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        deliverNext(passId);
        uint64 until = passes.pass(passId).validUntil;
        vm.warp(until + GRACE);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotClosable.selector, passId, until + GRACE, until + GRACE
            )
        );
        passes.close(passId);
        vm.warp(until + GRACE + 1);
        uint256 before = masa.balanceOf(developer);
        vm.prank(developer);
        passes.close(passId);
        assertEq(masa.balanceOf(developer) - before, PER_USE * (USES - 1));
        assertConserved(passId);
    }

    /// The developer sees the owner's delivery (and its ciphertext) in the mempool: it cannot end
    /// the pass first to keep the price, since a pass with a use waiting for its delivery cannot
    /// be closed early.
    function test_Regression_DeveloperCannotCloseEarlyToDodgeADelivery() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__UsePending.selector, passId, 0));
        passes.close(passId);
        deliverNext(passId);
        assertEq(passes.pass(passId).delivered, 1);
    }

    /// The developer stops buying uses: with every use it asked for delivered, it closes the pass
    /// early and gets the escrow of the uses it never asked for; no use follows. Nobody else can
    /// close a live pass.
    function test_Close_EarlyByTheDeveloper() public {
        uint256 passId = passOf(alice);
        requestAs(developer, passId);
        deliverNext(passId);
        uint64 until = passes.pass(passId).validUntil;
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessPasses.AccessPasses__NotClosable.selector, passId, until + GRACE, t0
            )
        );
        passes.close(passId);

        closeAs(developer, passId, PER_USE * (USES - 1));
        assertFalse(passes.pass(passId).revoked);

        expectNoFurtherUse(
            passId,
            1,
            abi.encodeWithSelector(IAccessPasses.AccessPasses__Closed.selector, passId),
            abi.encodeWithSelector(IAccessPasses.AccessPasses__NoPendingUse.selector, passId, 1)
        );
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IAccessPasses.AccessPasses__NothingToRefund.selector, passId));
        passes.close(passId);
    }

    /// An owner who stops delivering cannot lock the escrow of uses not yet asked for until the
    /// pass ends: its record burned (no use can be delivered), the developer closes at once.
    function test_Regression_BurnedRecordDoesNotLockTheEscrow() public {
        IAccessPasses.Offer memory o = offerOf(alice);
        o.validUntil = uint64(block.timestamp + 365 days);
        uint256 passId = acceptOffer(o);
        vm.prank(alice);
        sbt.burn(selfToken[alice]);
        closeAs(developer, passId, PER_USE * USES);
    }

    /// A token that refuses transfers to the developer cannot stop the owner revoking (a revoke
    /// moves nothing); only the developer's own refund waits until it can receive.
    function test_Regression_RevokeWorksWhenTheDeveloperCannotReceive() public {
        BlocklistERC20 blk = acceptBlocklistToken();
        IAccessPasses.Offer memory o = offerOf(alice);
        o.token = address(blk);
        uint256 passId = acceptOffer(o);
        blk.setBlocked(developer, true);
        vm.prank(alice);
        passes.revoke(passId);
        vm.expectRevert(abi.encodeWithSelector(BlocklistERC20.Blocked.selector, developer));
        passes.close(passId);
        assertEq(passes.pass(passId).escrow, PER_USE * USES, "still held for the developer");
        blk.setBlocked(developer, false);
        passes.close(passId);
        assertEq(blk.balanceOf(address(passes)), passes.pendingFees(address(blk)));
        assertConserved(passId);
    }

    // ------------------------------------------------------------------ terms

    /// The terms contract is consulted on each use, by the passes contract, with the pass's own
    /// values.
    function test_Terms_ConsultedOnEachUse() public {
        RecordingTerms terms = new RecordingTerms();
        IAccessPasses.Offer memory o = offerOf(alice);
        o.terms = address(terms);
        uint256 passId = acceptOffer(o);
        assertEq(terms.callCount(), 0, "not at accept");
        requestAs(developer, passId);
        requestAs(developer, passId);
        assertEq(terms.callCount(), 2);
        for (uint256 i; i < 2; ++i) {
            RecordingTerms.Call memory c = terms.callAt(i);
            assertEq(c.caller, address(passes));
            assertEq(c.passId, passId);
            assertEq(c.developer, developer);
            assertEq(c.owner, alice);
            assertEq(c.useIndex, i);
            assertEq(c.purpose, RESEARCH);
        }
    }

    /// Terms that call back into the contract (to take the escrow back mid-request) are stopped.
    function test_RevertWhen_TermsReenter() public {
        ReentrantTerms terms = new ReentrantTerms(passes);
        IAccessPasses.Offer memory o = offerOf(alice);
        o.terms = address(terms);
        uint256 passId = acceptOffer(o);
        vm.prank(developer);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        passes.requestUse(passId);
        assertEq(passes.pass(passId).escrow, PER_USE * USES);
    }

    // ------------------------------------------------------------------ helpers

    function expectAcceptRevert(IAccessPasses.Offer memory o, bytes memory err) internal {
        bytes memory signature = signOffer(keyOf[o.owner], o);
        vm.prank(o.developer);
        vm.expectRevert(err);
        passes.accept(o, signature);
    }

    function acceptBlocklistToken() internal returns (BlocklistERC20 blk) {
        blk = new BlocklistERC20();
        address[] memory path = new address[](2);
        (path[0], path[1]) = (address(blk), address(masa));
        vm.prank(dao);
        feeRouter.acceptToken(address(blk), path);
        blk.mint(developer, 1_000e18);
        vm.prank(developer);
        blk.approve(address(passes), type(uint256).max);
    }

    function fundMasa(address to, uint256 amount) internal {
        require(masa.transfer(to, amount), "funded");
    }

    function distributed() internal view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(feeRecipients[i]);
        }
    }
}
