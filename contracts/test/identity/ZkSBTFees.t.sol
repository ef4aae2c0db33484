// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @notice Mint fees (issue 12, point 2: minting carries a cost), pulled in MASA from the minter
/// and forwarded through the real fee router; governance of fees and root history.
contract ZkSBTFeesTest is ZkSBTFixture {
    address internal relayer = makeAddr("relayer");

    function setUp() public override {
        super.setUp();
        require(masa.transfer(relayer, 1_000e18), "funded");
        vm.prank(relayer);
        masa.approve(address(sbt), type(uint256).max);
    }

    /// `req` signed by its owner (and the issuer if attested), submitted by `from`.
    function submit(address from, uint256 ownerKey, IZkSBT.MintRequest memory req)
        internal
        returns (uint256 id)
    {
        bytes memory consent = sign(ownerKey, consentDigest(req));
        bytes memory att = req.issuer == address(0) ? bytes("") : sign(issuerKey, attestationDigest(req));
        vm.prank(from);
        id = sbt.mint(req, consent, att);
    }

    // ------------------------------------------------------------------ charging

    /// The caller of `mint` (here a relayer, not the owner) pays the fee of the record's class.
    function test_MintFees_ChargedToTheCaller_PerClass() public {
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        vm.expectEmit(address(sbt));
        emit IZkSBT.MintFeePaid(relayer, 1, SELF_FEE);
        submit(relayer, aliceKey, req);
        assertEq(masa.balanceOf(relayer), 1_000e18 - SELF_FEE);
        assertEq(masa.balanceOf(alice), 0, "the owner pays nothing");
        req = request(bob, ATTESTED, 21, issuer);
        vm.expectEmit(address(sbt));
        emit IZkSBT.MintFeePaid(relayer, 2, ATTESTED_FEE);
        submit(relayer, bobKey, req);
        assertEq(masa.balanceOf(relayer), 1_000e18 - SELF_FEE - ATTESTED_FEE);
        assertEq(sbt.pendingFees(), SELF_FEE + ATTESTED_FEE, "held until forwarded");
        assertEq(masa.balanceOf(address(sbt)), SELF_FEE + ATTESTED_FEE);
    }

    function test_RevertWhen_MintFeeNotApproved() public {
        address stranger = makeAddr("stranger");
        require(masa.transfer(stranger, SELF_FEE), "funded");
        IZkSBT.MintRequest memory req = request(alice, SELF, 11, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.prank(stranger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(sbt), 0, SELF_FEE
            )
        );
        sbt.mint(req, consent, "");
        assertEq(sbt.consentNonce(alice), 0, "nothing happened");
    }

    function test_RevertWhen_MintFeeNotCovered() public {
        address poor = makeAddr("poor");
        require(masa.transfer(poor, ATTESTED_FEE - 1), "funded");
        vm.prank(poor);
        masa.approve(address(sbt), type(uint256).max);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 21, issuer);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory att = sign(issuerKey, attestationDigest(req));
        vm.prank(poor);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, poor, ATTESTED_FEE - 1, ATTESTED_FEE
            )
        );
        sbt.mint(req, consent, att);
    }

    /// A zero fee pulls nothing and needs no approval.
    function test_ZeroFee_NeedsNoApproval() public {
        vm.prank(dao);
        sbt.setMintFees(0, 0);
        address stranger = makeAddr("stranger");
        uint256 id = submit(stranger, aliceKey, request(alice, SELF, 11, address(0)));
        assertEq(sbt.ownerOf(id), alice);
        assertEq(sbt.pendingFees(), 0);
    }

    // ------------------------------------------------------------------ governance

    function test_SetMintFees_ByGovernanceOnly_AppliesToTheNextMint() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        sbt.setMintFees(0, 0);
        vm.expectEmit(address(sbt));
        emit IZkSBT.MintFeesSet(7e18, 2e18);
        vm.prank(dao);
        sbt.setMintFees(7e18, 2e18);
        (uint256 selfFee, uint256 attestedFee) = sbt.mintFees();
        assertEq(selfFee, 7e18);
        assertEq(attestedFee, 2e18);
        submit(relayer, aliceKey, request(alice, SELF, 11, address(0)));
        submit(relayer, bobKey, request(bob, ATTESTED, 21, issuer));
        assertEq(masa.balanceOf(relayer), 1_000e18 - 9e18);
    }

    function test_SetRootHistory_ByGovernanceOnly_WithinBounds() public {
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        sbt.setRootHistory(2 hours);
        vm.startPrank(dao);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, 59));
        sbt.setRootHistory(59);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, 1 days + 1));
        sbt.setRootHistory(1 days + 1);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, 0));
        sbt.setRootHistory(0);
        vm.expectEmit(address(sbt));
        emit IZkSBT.RootHistorySet(1 minutes);
        sbt.setRootHistory(1 minutes);
        assertEq(sbt.rootHistory(), 1 minutes);
        sbt.setRootHistory(1 days);
        assertEq(sbt.rootHistory(), 1 days);
        vm.stopPrank();
        assertEq(sbt.MIN_ROOT_HISTORY(), 1 minutes);
        assertEq(sbt.MAX_ROOT_HISTORY(), 1 days);
    }

    function testFuzz_SetRootHistory_AcceptsExactlyTheBounds(uint64 value) public {
        vm.prank(dao);
        if (value < 1 minutes || value > 1 days) {
            vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__InvalidRootHistory.selector, value));
            sbt.setRootHistory(value);
        } else {
            sbt.setRootHistory(value);
            assertEq(sbt.rootHistory(), value);
        }
    }

    /// Ownership moves in two steps and cannot be renounced.
    function test_Ownership_TwoStep_NoRenounce() public {
        vm.prank(dao);
        vm.expectRevert(IZkSBT.ZkSBT__RenounceDisabled.selector);
        sbt.renounceOwnership();
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        sbt.renounceOwnership();
        address newDao = makeAddr("new-dao");
        vm.prank(dao);
        sbt.transferOwnership(newDao);
        assertEq(sbt.owner(), dao, "not before it accepts");
        vm.prank(newDao);
        sbt.acceptOwnership();
        assertEq(sbt.owner(), newDao);
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, dao));
        sbt.setMintFees(0, 0);
    }

    // ------------------------------------------------------------------ forwarding

    /// Anyone forwards everything held (fees and MASA sent directly) through the real fee router:
    /// its burn share is burned, the rest split among the four recipients, the remainder carried
    /// as the router's dust.
    function test_ForwardFees_RoutesThroughTheFeeRouter() public {
        submit(relayer, aliceKey, request(alice, SELF, 11, address(0)));
        submit(relayer, bobKey, request(bob, ATTESTED, 21, issuer));
        require(masa.transfer(address(sbt), 5), "a direct transfer becomes a fee"); // 5 wei: dust
        uint256 amount = SELF_FEE + ATTESTED_FEE + 5;
        assertEq(sbt.pendingFees(), amount);
        uint256 supply = masa.totalSupply();

        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(address(sbt), address(masa), keccak256("zksbt-mint"), amount, amount);
        vm.expectEmit(address(sbt));
        emit IZkSBT.FeesForwarded(amount);
        vm.prank(makeAddr("anyone"));
        assertEq(sbt.forwardFees(), amount);

        assertEq(sbt.pendingFees(), 0);
        uint256 burned = supply - masa.totalSupply();
        assertEq(burned, amount * 2_000 / 10_000, "20% burned");
        assertEq(masa.balanceOf(feeRecipients[0]), amount * 3_000 / 10_000);
        assertEq(masa.balanceOf(feeRecipients[1]), amount * 1_000 / 10_000);
        assertEq(masa.balanceOf(feeRecipients[2]), amount * 3_000 / 10_000);
        assertEq(masa.balanceOf(feeRecipients[3]), amount * 1_000 / 10_000);
        uint256 distributed;
        for (uint256 i; i < 4; ++i) {
            distributed += masa.balanceOf(feeRecipients[i]);
        }
        assertEq(burned + distributed + feeRouter.dust(), amount, "every wei accounted for");
        assertGt(feeRouter.dust(), 0);
    }

    /// Nothing held: no router call (whose zero-amount payment would revert), no change.
    function test_ForwardFees_WithNothingHeld_DoesNothing() public {
        uint256 supply = masa.totalSupply();
        assertEq(sbt.forwardFees(), 0);
        assertEq(masa.totalSupply(), supply);
        assertEq(feeRouter.dust(), 0);
    }

    /// A second forwarding forwards only what came in since.
    function test_ForwardFees_Twice() public {
        submit(relayer, aliceKey, request(alice, SELF, 11, address(0)));
        assertEq(sbt.forwardFees(), SELF_FEE);
        submit(relayer, aliceKey, request(alice, SELF, 12, address(0)));
        assertEq(sbt.forwardFees(), SELF_FEE);
        assertEq(sbt.forwardFees(), 0);
    }
}
