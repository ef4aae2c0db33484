// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "../../src/interfaces/IMasaVesting.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {MasaVestingWallet} from "../../src/token/MasaVestingWallet.sol";
import {Test} from "../utils/Test.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @dev A token whose transfer calls back into the wallet's `release`, to exercise the reentrancy guard.
contract ReentrantToken {
    mapping(address => uint256) public balanceOf;
    MasaVestingWallet internal target;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function setTarget(MasaVestingWallet target_) external {
        target = target_;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        target.release();
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
        return true;
    }
}

contract MasaVestingWalletTest is Test {
    uint256 internal constant BPS = 10_000;
    uint64 internal constant MONTH = 30 days;
    uint64 internal constant YEAR = 365 days;
    uint64 internal constant START = 1_760_000_000; // the reference event (public sale)
    uint256 internal constant ALLOCATION = 1_000_000 ether;

    MasaToken internal token;
    MasaVestingWallet internal implementation;

    address internal holder;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal timelock;
    address internal treasury;
    address internal stranger;

    function setUp() public {
        vm.warp(START - 10 days);
        holder = makeAddr("genesisHolder");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        timelock = makeAddr("timelock");
        treasury = makeAddr("treasury");
        stranger = makeAddr("stranger");

        token = new MasaToken(holder);
        implementation = new MasaVestingWallet();
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _schedule(uint64 lockup, uint16 bps, uint64 linear, bool revocable)
        internal
        pure
        returns (IMasaVesting.Schedule memory)
    {
        return IMasaVesting.Schedule({
            start: START,
            lockup: lockup,
            unlockAtLockEndBps: bps,
            linearDuration: linear,
            revocable: revocable
        });
    }

    function _clone() internal returns (MasaVestingWallet) {
        return MasaVestingWallet(Clones.clone(address(implementation)));
    }

    /// @dev A clone initialized for `beneficiary` (revoker and treasury iff revocable) and funded.
    function _wallet(address beneficiary, uint256 amount, IMasaVesting.Schedule memory s)
        internal
        returns (MasaVestingWallet wallet)
    {
        wallet = _clone();
        wallet.initialize(
            address(token),
            beneficiary,
            amount,
            s,
            s.revocable ? timelock : address(0),
            s.revocable ? treasury : address(0)
        );
        vm.prank(holder);
        assertTrue(token.transfer(address(wallet), amount));
    }

    function _teamWallet() internal returns (MasaVestingWallet) {
        // core team (a): 180-day lock, 25% then, 75% linear over 12 months; revocable
        return _wallet(alice, ALLOCATION, _schedule(180 days, 2500, 12 * MONTH, true));
    }

    function _investorWallet() internal returns (MasaVestingWallet) {
        // private round: 12-month lock, 25%, 75% linear over 3 years; irrevocable
        return _wallet(alice, ALLOCATION, _schedule(12 * MONTH, 2500, 3 * YEAR, false));
    }

    /// @dev Checks the spec at every boundary: start-1, lockEnd-1, lockEnd, mid-linear, end-1, end, far future.
    function _assertBoundaries(MasaVestingWallet w) internal view {
        IMasaVesting.Schedule memory s = w.schedule();
        uint256 a = w.allocation();
        uint64 lockEnd = s.start + s.lockup;
        uint64 end = lockEnd + s.linearDuration;
        assertEq(w.end(), end, "end()");
        uint256 atLock = a * s.unlockAtLockEndBps / BPS;

        assertEq(w.vestedAmount(s.start - 1), 0, "start - 1");
        assertEq(w.vestedAmount(lockEnd - 1), 0, "lockEnd - 1");
        if (s.linearDuration == 0) {
            assertEq(w.vestedAmount(lockEnd), a, "lockEnd (no linear part)");
        } else {
            assertEq(w.vestedAmount(lockEnd), atLock, "lockEnd");
            uint64 half = s.linearDuration / 2;
            assertEq(
                w.vestedAmount(lockEnd + half), atLock + (a - atLock) * half / s.linearDuration, "mid-linear"
            );
            uint256 beforeEnd = w.vestedAmount(end - 1);
            assertEq(beforeEnd, atLock + (a - atLock) * (s.linearDuration - 1) / s.linearDuration, "end - 1");
            assertLt(beforeEnd, a, "end - 1 below allocation");
        }
        assertEq(w.vestedAmount(end), a, "end");
        assertEq(w.vestedAmount(type(uint64).max), a, "far future");
    }

    /// @dev One published variant on an allocation of 1,000,000 MASA, against hand-computed numbers.
    function _assertVariant(uint64 lockup, uint16 bps, uint64 linear, uint256 atLockEnd, uint256 atMidLinear)
        internal
    {
        MasaVestingWallet w = _wallet(alice, ALLOCATION, _schedule(lockup, bps, linear, false));
        _assertBoundaries(w);
        assertEq(w.vestedAmount(START + lockup), atLockEnd, "published share at lock end");
        if (linear != 0) assertEq(w.vestedAmount(START + lockup + linear / 2), atMidLinear, "half-way");
        assertEq(w.vestedAmount(START + lockup + linear), ALLOCATION, "all at end");
    }

    /*//////////////////////////////////////////////////////////////
                             INITIALIZATION
    //////////////////////////////////////////////////////////////*/

    function test_Initialize_RecordsScheduleAndEmits() public {
        MasaVestingWallet w = _clone();
        IMasaVesting.Schedule memory s = _schedule(180 days, 2500, 12 * MONTH, true);
        vm.expectEmit(address(w));
        emit IMasaVesting.VestingInitialized(address(token), alice, ALLOCATION, s, timelock, treasury);
        w.initialize(address(token), alice, ALLOCATION, s, timelock, treasury);

        assertEq(w.token(), address(token));
        assertEq(w.beneficiary(), alice);
        assertEq(w.pendingBeneficiary(), address(0));
        assertEq(w.allocation(), ALLOCATION);
        assertEq(w.released(), 0);
        assertEq(w.revoker(), timelock);
        assertEq(w.revokeTo(), treasury);
        assertFalse(w.revoked());
        assertEq(w.revokedAt(), 0);
        IMasaVesting.Schedule memory got = w.schedule();
        assertEq(got.start, START);
        assertEq(got.lockup, 180 days);
        assertEq(got.unlockAtLockEndBps, 2500);
        assertEq(got.linearDuration, 360 days);
        assertTrue(got.revocable);
        assertEq(w.end(), START + 180 days + 360 days);
    }

    function test_RevertWhen_InitializedTwice() public {
        MasaVestingWallet w = _teamWallet();
        vm.expectRevert(IMasaVesting.MasaVesting__AlreadyInitialized.selector);
        w.initialize(address(token), stranger, 1, _schedule(0, 10_000, 0, false), address(0), address(0));
    }

    function test_RevertWhen_ImplementationInitialized() public {
        vm.expectRevert(IMasaVesting.MasaVesting__AlreadyInitialized.selector);
        implementation.initialize(
            address(token), stranger, ALLOCATION, _schedule(0, 10_000, 0, false), address(0), address(0)
        );
    }

    function test_RevertWhen_InitializedWithZeroToken() public {
        MasaVestingWallet w = _clone();
        vm.expectRevert(IMasaVesting.MasaVesting__ZeroToken.selector);
        w.initialize(address(0), alice, ALLOCATION, _schedule(0, 10_000, 0, false), address(0), address(0));
    }

    function test_RevertWhen_InitializedWithZeroBeneficiary() public {
        MasaVestingWallet w = _clone();
        vm.expectRevert(IMasaVesting.MasaVesting__ZeroBeneficiary.selector);
        w.initialize(
            address(token), address(0), ALLOCATION, _schedule(0, 10_000, 0, false), address(0), address(0)
        );
    }

    function test_RevertWhen_InitializedWithZeroAllocation() public {
        MasaVestingWallet w = _clone();
        vm.expectRevert(abi.encodeWithSelector(IMasaVesting.MasaVesting__InvalidAllocation.selector, 0));
        w.initialize(address(token), alice, 0, _schedule(0, 10_000, 0, false), address(0), address(0));
    }

    function test_RevertWhen_InitializedWithAllocationAbove128Bits() public {
        MasaVestingWallet w = _clone();
        uint256 tooLarge = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__InvalidAllocation.selector, tooLarge)
        );
        w.initialize(address(token), alice, tooLarge, _schedule(0, 10_000, 0, false), address(0), address(0));
    }

    function test_RevertWhen_InitializedWithUnlockAbove100Percent() public {
        MasaVestingWallet w = _clone();
        vm.expectRevert(abi.encodeWithSelector(IMasaVesting.MasaVesting__InvalidUnlockBps.selector, 10_001));
        w.initialize(
            address(token), alice, ALLOCATION, _schedule(0, 10_001, 0, false), address(0), address(0)
        );
    }

    function test_RevertWhen_InitializedWithoutLinearPartButPartialUnlock() public {
        // A forgotten linear duration must not unlock everything at the end of the lock-up.
        MasaVestingWallet w = _clone();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__InconsistentSchedule.selector, 2500, 0)
        );
        w.initialize(
            address(token), alice, ALLOCATION, _schedule(YEAR, 2500, 0, false), address(0), address(0)
        );
    }

    function test_RevertWhen_InitializedWithFullUnlockAndLinearPart() public {
        MasaVestingWallet w = _clone();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__InconsistentSchedule.selector, 10_000, YEAR)
        );
        w.initialize(
            address(token), alice, ALLOCATION, _schedule(0, 10_000, YEAR, false), address(0), address(0)
        );
    }

    function test_RevertWhen_InitializedWithEndBeyond64Bits() public {
        MasaVestingWallet w = _clone();
        IMasaVesting.Schedule memory s = _schedule(type(uint64).max, 2500, 1, false);
        uint256 end = uint256(START) + type(uint64).max + 1;
        vm.expectRevert(abi.encodeWithSelector(IMasaVesting.MasaVesting__EndTooLate.selector, end));
        w.initialize(address(token), alice, ALLOCATION, s, address(0), address(0));
    }

    function test_RevertWhen_RevocableWithoutRevoker() public {
        MasaVestingWallet w = _clone();
        IMasaVesting.Schedule memory s = _schedule(0, 2500, YEAR, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__InvalidRevocationSetup.selector, true, address(0), treasury
            )
        );
        w.initialize(address(token), alice, ALLOCATION, s, address(0), treasury);
    }

    function test_RevertWhen_RevocableWithoutRevokeTo() public {
        MasaVestingWallet w = _clone();
        IMasaVesting.Schedule memory s = _schedule(0, 2500, YEAR, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__InvalidRevocationSetup.selector, true, timelock, address(0)
            )
        );
        w.initialize(address(token), alice, ALLOCATION, s, timelock, address(0));
    }

    function test_RevertWhen_IrrevocableWithRevoker() public {
        MasaVestingWallet w = _clone();
        IMasaVesting.Schedule memory s = _schedule(0, 2500, YEAR, false);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__InvalidRevocationSetup.selector, false, timelock, address(0)
            )
        );
        w.initialize(address(token), alice, ALLOCATION, s, timelock, address(0));
    }

    /*//////////////////////////////////////////////////////////////
                     SCHEDULES (the published variants)
    //////////////////////////////////////////////////////////////*/

    function test_VestedAmount_CoreTeamA() public {
        // 180-day lock, 25% then, 75% linear over 12 months
        _assertVariant(180 days, 2500, 12 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_CoreTeamB() public {
        // 180-day lock, 25%, rest over 31 months
        _assertVariant(180 days, 2500, 31 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_CoreTeamC() public {
        // 180-day lock, 25%, 75% over 32 months
        _assertVariant(180 days, 2500, 32 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_CoreTeamD() public {
        // 12-month lock, 25%, rest over 36 months
        _assertVariant(12 * MONTH, 2500, 36 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_Partners2Years() public {
        // 12-month lock, 25%, the rest linear until 2 years after the public sale
        _assertVariant(12 * MONTH, 2500, 2 * YEAR - 12 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_Partners3Years() public {
        // 12-month lock, 25%, the rest linear until 3 years after the public sale (735 days: odd half)
        MasaVestingWallet w =
            _wallet(alice, ALLOCATION, _schedule(12 * MONTH, 2500, 3 * YEAR - 12 * MONTH, false));
        _assertBoundaries(w);
        assertEq(w.end(), START + 3 * YEAR);
        // 367 of 735 days: 250,000 + 750,000 * 367 / 735
        assertEq(
            w.vestedAmount(START + 360 days + 367 days), 250_000 ether + uint256(750_000 ether) * 367 / 735
        );
    }

    function test_VestedAmount_PrivateRound() public {
        // 12-month lock, 25%, remaining 75% linear over 3 years (1,095 days: odd half)
        MasaVestingWallet w = _investorWallet();
        _assertBoundaries(w);
        assertEq(w.vestedAmount(START + 360 days), 250_000 ether);
        assertEq(w.vestedAmount(START + 360 days + 365 days), 500_000 ether, "one of three years: +25%");
        assertEq(w.vestedAmount(START + 360 days + 730 days), 750_000 ether, "two of three years: +50%");
        assertEq(w.vestedAmount(START + 360 days + 1095 days), ALLOCATION);
    }

    function test_VestedAmount_CoinList() public {
        // 35-day lock, 25%, remaining 75% linear over 6 months
        _assertVariant(35 days, 2500, 6 * MONTH, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_CommunityRewards() public {
        // 100% one month after listing
        _assertVariant(MONTH, 10_000, 0, ALLOCATION, ALLOCATION);
    }

    function test_VestedAmount_OracleStakingRewards() public {
        // linear over 2 years from launch: no lock-up, nothing up front
        _assertVariant(0, 0, 2 * YEAR, 0, 500_000 ether);
    }

    function test_VestedAmount_EcosystemGrowth() public {
        // 25% at listing, 75% linear over 2 years
        _assertVariant(0, 2500, 2 * YEAR, 250_000 ether, 625_000 ether);
    }

    function test_VestedAmount_ZeroLockupFullUnlock() public {
        // an entry with no lock-up and 100% unlock still goes through a wallet: all vested at start
        MasaVestingWallet w = _wallet(alice, ALLOCATION, _schedule(0, 10_000, 0, false));
        assertEq(w.vestedAmount(START - 1), 0);
        assertEq(w.vestedAmount(START), ALLOCATION);
        assertEq(w.end(), START);
    }

    function test_VestedAmount_DustGoesOutAtEnd() public {
        // 1,000,003 wei, 33.33% at lock end, 7 seconds linear: every step rounds down
        MasaVestingWallet w = _wallet(alice, 1_000_003, _schedule(10, 3333, 7, false));
        assertEq(w.vestedAmount(START + 10), 333_300); // floor(1,000,003 * 3333 / 10,000)
        // remainder 666,703: after 1 s floor(666,703 / 7) = 95,243; after 6 s floor(666,703 * 6 / 7)
        assertEq(w.vestedAmount(START + 11), 333_300 + 95_243);
        assertEq(w.vestedAmount(START + 16), 333_300 + 571_459);
        assertEq(w.vestedAmount(START + 17), 1_000_003);

        // releasing at every second pays exactly the allocation in total
        uint256 paid;
        for (uint64 t = START + 10; t <= START + 17; ++t) {
            vm.warp(t);
            paid += w.release();
        }
        assertEq(paid, 1_000_003);
        assertEq(token.balanceOf(alice), 1_000_003);
        assertEq(token.balanceOf(address(w)), 0);
    }

    /*//////////////////////////////////////////////////////////////
                                RELEASE
    //////////////////////////////////////////////////////////////*/

    function test_Release_ByAnyonePaysBeneficiary() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 360 days);
        assertEq(w.releasable(), 250_000 ether);

        vm.expectEmit(address(w));
        emit IMasaVesting.Released(alice, 250_000 ether);
        vm.prank(stranger);
        uint256 paid = w.release();

        assertEq(paid, 250_000 ether);
        assertEq(token.balanceOf(alice), 250_000 ether);
        assertEq(token.balanceOf(stranger), 0);
        assertEq(w.released(), 250_000 ether);
        assertEq(w.releasable(), 0);
        assertEq(token.balanceOf(address(w)), 750_000 ether);
    }

    function test_Release_PaysOnlyNewlyVested() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 360 days);
        w.release();
        vm.warp(START + 360 days + 365 days);
        assertEq(w.release(), 250_000 ether);
        assertEq(w.released(), 500_000 ether);
        vm.warp(START + 10 * YEAR);
        assertEq(w.release(), 500_000 ether);
        assertEq(w.released(), ALLOCATION);
        assertEq(token.balanceOf(alice), ALLOCATION);
        assertEq(token.balanceOf(address(w)), 0);
    }

    function test_RevertWhen_ReleasedDuringLockup() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 360 days - 1);
        assertEq(w.releasable(), 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NothingToRelease.selector, 0, block.timestamp)
        );
        w.release();
    }

    function test_RevertWhen_ReleasedTwiceInOneSecond() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 400 days);
        w.release();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__NothingToRelease.selector, w.released(), block.timestamp
            )
        );
        w.release();
    }

    function test_RevertWhen_ReleasedAfterEverything() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 10 * YEAR);
        w.release();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__NothingToRelease.selector, ALLOCATION, block.timestamp
            )
        );
        w.release();
    }

    /*//////////////////////////////////////////////////////////////
                               BENEFICIARY
    //////////////////////////////////////////////////////////////*/

    function test_ChangeBeneficiary_TwoSteps() public {
        MasaVestingWallet w = _investorWallet();

        vm.expectEmit(address(w));
        emit IMasaVesting.BeneficiaryProposed(alice, bob);
        vm.prank(alice);
        w.proposeBeneficiary(bob);
        assertEq(w.pendingBeneficiary(), bob);
        assertEq(w.beneficiary(), alice, "nothing changes until accepted");

        vm.expectEmit(address(w));
        emit IMasaVesting.BeneficiaryChanged(alice, bob);
        vm.prank(bob);
        w.acceptBeneficiary();
        assertEq(w.beneficiary(), bob);
        assertEq(w.pendingBeneficiary(), address(0));

        // vested tokens now go to bob; alice has no say any more
        vm.warp(START + 360 days);
        w.release();
        assertEq(token.balanceOf(bob), 250_000 ether);
        assertEq(token.balanceOf(alice), 0);
        vm.expectRevert(abi.encodeWithSelector(IMasaVesting.MasaVesting__NotBeneficiary.selector, alice, bob));
        vm.prank(alice);
        w.proposeBeneficiary(alice);
        vm.expectRevert(abi.encodeWithSelector(IMasaVesting.MasaVesting__NotBeneficiary.selector, alice, bob));
        vm.prank(alice);
        w.delegate(alice);
    }

    function test_ProposeBeneficiary_ReplacesEarlierProposal() public {
        MasaVestingWallet w = _investorWallet();
        vm.startPrank(alice);
        w.proposeBeneficiary(bob);
        w.proposeBeneficiary(carol);
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotPendingBeneficiary.selector, bob, carol)
        );
        vm.prank(bob);
        w.acceptBeneficiary();
        vm.prank(carol);
        w.acceptBeneficiary();
        assertEq(w.beneficiary(), carol);
    }

    function test_RevertWhen_BeneficiaryProposedByOther() public {
        MasaVestingWallet w = _investorWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotBeneficiary.selector, stranger, alice)
        );
        vm.prank(stranger);
        w.proposeBeneficiary(stranger);
        // not even the revoker of a revocable wallet can redirect it
        MasaVestingWallet team = _teamWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotBeneficiary.selector, timelock, alice)
        );
        vm.prank(timelock);
        team.proposeBeneficiary(timelock);
    }

    function test_RevertWhen_ZeroBeneficiaryProposed() public {
        MasaVestingWallet w = _investorWallet();
        vm.expectRevert(IMasaVesting.MasaVesting__ZeroBeneficiary.selector);
        vm.prank(alice);
        w.proposeBeneficiary(address(0));
    }

    function test_RevertWhen_AcceptedWithoutProposal() public {
        MasaVestingWallet w = _investorWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotPendingBeneficiary.selector, bob, address(0))
        );
        vm.prank(bob);
        w.acceptBeneficiary();
    }

    function test_RevertWhen_AcceptedByOther() public {
        MasaVestingWallet w = _investorWallet();
        vm.prank(alice);
        w.proposeBeneficiary(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotPendingBeneficiary.selector, carol, bob)
        );
        vm.prank(carol);
        w.acceptBeneficiary();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotPendingBeneficiary.selector, alice, bob)
        );
        vm.prank(alice);
        w.acceptBeneficiary();
    }

    /*//////////////////////////////////////////////////////////////
                               REVOCATION
    //////////////////////////////////////////////////////////////*/

    function test_Revoke_DuringLockupReturnsEverything() public {
        MasaVestingWallet w = _teamWallet();
        vm.warp(START + 180 days - 1);

        vm.expectEmit(address(w));
        emit IMasaVesting.Revoked(treasury, 0, ALLOCATION);
        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w.revoke();

        assertEq(vested, 0);
        assertEq(unvested, ALLOCATION);
        assertEq(token.balanceOf(treasury), ALLOCATION);
        assertEq(token.balanceOf(alice), 0);
        assertEq(token.balanceOf(address(w)), 0);
        assertTrue(w.revoked());
        assertEq(w.revokedAt(), START + 180 days - 1);
        vm.warp(START + 10 * YEAR);
        assertEq(w.vestedAmount(uint64(block.timestamp)), 0, "vesting stopped");
        assertEq(w.releasable(), 0);
    }

    function test_Revoke_MidLinearPaysVestedAndFreezes() public {
        MasaVestingWallet w = _teamWallet();
        vm.warp(START + 180 days);
        w.release(); // 250,000 to alice
        vm.warp(START + 180 days + 180 days); // half of the linear part: 625,000 vested

        vm.expectEmit(address(w));
        emit IMasaVesting.Released(alice, 375_000 ether);
        vm.expectEmit(address(w));
        emit IMasaVesting.Revoked(treasury, 625_000 ether, 375_000 ether);
        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w.revoke();

        assertEq(vested, 625_000 ether);
        assertEq(unvested, 375_000 ether);
        assertEq(token.balanceOf(alice), 625_000 ether);
        assertEq(token.balanceOf(treasury), 375_000 ether);
        assertEq(token.balanceOf(address(w)), 0);
        assertEq(w.released(), 625_000 ether);

        vm.warp(START + 10 * YEAR);
        assertEq(w.vestedAmount(uint64(block.timestamp)), 625_000 ether, "frozen at revocation");
        assertEq(w.vestedAmount(START + 180 days), 250_000 ether, "history before revocation unchanged");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMasaVesting.MasaVesting__NothingToRelease.selector, 625_000 ether, block.timestamp
            )
        );
        w.release();
    }

    function test_Revoke_AfterEndReturnsNothing() public {
        MasaVestingWallet w = _teamWallet();
        vm.warp(START + 2 * YEAR);
        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w.revoke();
        assertEq(vested, ALLOCATION);
        assertEq(unvested, 0);
        assertEq(token.balanceOf(alice), ALLOCATION);
        assertEq(token.balanceOf(treasury), 0);
    }

    function test_RevertWhen_IrrevocableRevoked() public {
        MasaVestingWallet w = _investorWallet();
        vm.expectRevert(IMasaVesting.MasaVesting__NotRevocable.selector);
        vm.prank(timelock);
        w.revoke();
    }

    function test_RevertWhen_RevokedByOther() public {
        MasaVestingWallet w = _teamWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotRevoker.selector, alice, timelock)
        );
        vm.prank(alice);
        w.revoke();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotRevoker.selector, treasury, timelock)
        );
        vm.prank(treasury);
        w.revoke();
    }

    function test_RevertWhen_RevokedTwice() public {
        MasaVestingWallet w = _teamWallet();
        vm.warp(START + 200 days);
        vm.prank(timelock);
        w.revoke();
        vm.warp(START + 300 days);
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__AlreadyRevoked.selector, START + 200 days)
        );
        vm.prank(timelock);
        w.revoke();
    }

    /*//////////////////////////////////////////////////////////////
                                 VOTES
    //////////////////////////////////////////////////////////////*/

    function test_Delegate_LockedBalanceCarriesVotes() public {
        MasaVestingWallet w = _investorWallet();
        assertEq(token.getVotes(alice), 0, "undelegated tokens do not vote");

        vm.prank(alice);
        w.delegate(alice);
        assertEq(w.vestedAmount(uint64(block.timestamp)), 0, "nothing vested yet");
        assertEq(token.delegates(address(w)), alice);
        assertEq(token.getVotes(alice), ALLOCATION, "locked tokens vote");

        // releasing moves the released tokens (and their votes) to alice's own, undelegated balance
        vm.warp(START + 360 days);
        w.release();
        assertEq(token.getVotes(alice), 750_000 ether);
        vm.prank(alice);
        token.delegate(alice);
        assertEq(token.getVotes(alice), ALLOCATION);
    }

    function test_Delegate_ToAnotherAccount() public {
        MasaVestingWallet w = _teamWallet();
        vm.prank(alice);
        w.delegate(carol);
        assertEq(token.getVotes(carol), ALLOCATION);
        vm.prank(alice);
        w.delegate(bob);
        assertEq(token.getVotes(carol), 0);
        assertEq(token.getVotes(bob), ALLOCATION);
    }

    function test_RevertWhen_DelegatedByOther() public {
        MasaVestingWallet w = _teamWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NotBeneficiary.selector, timelock, alice)
        );
        vm.prank(timelock);
        w.delegate(timelock);
    }

    /*//////////////////////////////////////////////////////////////
                                 EXCESS
    //////////////////////////////////////////////////////////////*/

    function test_Excess_DoesNotChangeTheSchedule() public {
        MasaVestingWallet w = _investorWallet();
        vm.prank(holder);
        assertTrue(token.transfer(address(w), 5 ether));

        assertEq(w.excess(), 5 ether);
        assertEq(w.vestedAmount(START + 360 days), 250_000 ether, "schedule uses the allocation");
        vm.warp(START + 10 * YEAR);
        assertEq(w.releasable(), ALLOCATION, "excess is not released by release()");
        w.release();
        assertEq(token.balanceOf(alice), ALLOCATION);
        assertEq(token.balanceOf(address(w)), 5 ether);
        assertEq(w.excess(), 5 ether);
    }

    function test_SweepExcess_ByAnyonePaysBeneficiary() public {
        MasaVestingWallet w = _investorWallet();
        vm.warp(START + 400 days);
        w.release();
        vm.prank(holder);
        assertTrue(token.transfer(address(w), 7 ether));

        vm.expectEmit(address(w));
        emit IMasaVesting.ExcessSwept(alice, 7 ether);
        vm.prank(stranger);
        assertEq(w.sweepExcess(), 7 ether);

        assertEq(w.excess(), 0);
        assertEq(token.balanceOf(address(w)), ALLOCATION - w.released(), "the schedule stays fully funded");
        vm.warp(START + 10 * YEAR);
        w.release();
        assertEq(token.balanceOf(alice), ALLOCATION + 7 ether);
    }

    function test_SweepExcess_AfterRevocation() public {
        MasaVestingWallet w = _teamWallet();
        vm.warp(START + 200 days);
        vm.prank(timelock);
        w.revoke();
        vm.prank(holder);
        assertTrue(token.transfer(address(w), 3 ether));
        assertEq(w.excess(), 3 ether, "a revoked wallet owes nothing");
        w.sweepExcess();
        uint256 vestedAtRevocation = w.released();
        assertEq(token.balanceOf(alice), vestedAtRevocation + 3 ether);
    }

    function test_RevertWhen_NoExcessToSweep() public {
        MasaVestingWallet w = _investorWallet();
        vm.expectRevert(
            abi.encodeWithSelector(IMasaVesting.MasaVesting__NoExcess.selector, ALLOCATION, ALLOCATION)
        );
        w.sweepExcess();
    }

    /*//////////////////////////////////////////////////////////////
                              REENTRANCY
    //////////////////////////////////////////////////////////////*/

    function test_RevertWhen_TokenReentersRelease() public {
        ReentrantToken evil = new ReentrantToken();
        MasaVestingWallet w = _clone();
        w.initialize(address(evil), alice, ALLOCATION, _schedule(0, 10_000, 0, false), address(0), address(0));
        evil.mint(address(w), ALLOCATION);
        evil.setTarget(w);
        vm.warp(START);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        w.release();
        assertEq(w.released(), 0, "nothing released");
        assertEq(evil.balanceOf(alice), 0);
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    /// @dev A valid fuzzed schedule; the allocation is only recorded (unfunded), any size up to 2^128 - 1.
    function _fuzzWallet(uint256 amount, uint64 lockup, uint16 bps, uint64 linear, uint256 maxAmount)
        internal
        returns (MasaVestingWallet w, uint256 a)
    {
        a = bound(amount, 1, maxAmount);
        uint64 lock = uint64(bound(lockup, 0, 10 * YEAR));
        uint16 share = uint16(bound(bps, 0, BPS));
        uint64 lin = share == BPS ? 0 : uint64(bound(linear, 1, 10 * YEAR));
        w = _clone();
        w.initialize(address(token), alice, a, _schedule(lock, share, lin, false), address(0), address(0));
    }

    function testFuzz_VestedIsMonotoneAndBounded(
        uint256 amount,
        uint64 lockup,
        uint16 bps,
        uint64 linear,
        uint64 t1,
        uint64 t2
    ) public {
        (MasaVestingWallet w, uint256 a) = _fuzzWallet(amount, lockup, bps, linear, type(uint128).max);
        if (t1 > t2) (t1, t2) = (t2, t1);
        uint256 v1 = w.vestedAmount(t1);
        uint256 v2 = w.vestedAmount(t2);
        assertLe(v1, v2, "monotone");
        assertLe(v2, a, "never above the allocation");
        assertEq(w.vestedAmount(w.end()), a, "all at end");
        IMasaVesting.Schedule memory s = w.schedule();
        uint64 lockEnd = s.start + s.lockup;
        assertEq(w.vestedAmount(lockEnd - 1), 0, "nothing before lock end");
        if (s.linearDuration != 0) {
            assertEq(w.vestedAmount(lockEnd), a * s.unlockAtLockEndBps / BPS, "exact share at lock end");
        }
    }

    function testFuzz_ReleasesSumToAllocation(
        uint256 amount,
        uint64 lockup,
        uint16 bps,
        uint64 linear,
        uint64[8] memory steps
    ) public {
        (MasaVestingWallet w, uint256 a) = _fuzzWallet(amount, lockup, bps, linear, token.TOTAL_SUPPLY());
        vm.prank(holder);
        assertTrue(token.transfer(address(w), a));

        uint256 paid;
        uint64 t = uint64(block.timestamp);
        // eight steps of up to a quarter of the remaining schedule each: most releases land in it
        uint64 maxStep = (w.end() - t) / 4 + 1;
        for (uint256 i; i < steps.length; ++i) {
            t += steps[i] % (maxStep + 1);
            vm.warp(t);
            uint256 due = w.releasable();
            assertEq(due, w.vestedAmount(t) - w.released());
            if (due == 0) continue;
            uint256 before = w.released();
            paid += w.release();
            assertGe(w.released(), before, "released is monotone");
        }
        vm.warp(w.end());
        if (w.releasable() != 0) paid += w.release();

        assertEq(paid, a, "releases add up to the allocation, dust included");
        assertEq(w.released(), a);
        assertEq(token.balanceOf(alice), a);
        assertEq(token.balanceOf(address(w)), 0);
    }

    function testFuzz_RevokeSplitsTheAllocation(
        uint256 amount,
        uint64 lockup,
        uint16 bps,
        uint64 linear,
        uint64 at
    ) public {
        uint256 a = bound(amount, 1, token.TOTAL_SUPPLY());
        uint64 lock = uint64(bound(lockup, 0, 10 * YEAR));
        uint16 share = uint16(bound(bps, 0, BPS));
        uint64 lin = share == BPS ? 0 : uint64(bound(linear, 1, 10 * YEAR));
        MasaVestingWallet w = _wallet(alice, a, _schedule(lock, share, lin, true));
        uint64 when = uint64(bound(at, block.timestamp, w.end() + YEAR));
        vm.warp(when);
        uint256 expectedVested = w.vestedAmount(when);

        vm.prank(timelock);
        (uint256 vested, uint256 unvested) = w.revoke();

        assertEq(vested, expectedVested);
        assertEq(vested + unvested, a, "split exactly");
        assertEq(token.balanceOf(alice), vested);
        assertEq(token.balanceOf(treasury), unvested);
        assertEq(token.balanceOf(address(w)), 0);
        assertEq(w.vestedAmount(type(uint64).max), vested, "frozen");
    }
}
