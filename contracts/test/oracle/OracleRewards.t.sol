// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {IOracleRewards} from "../../src/interfaces/IOracleRewards.sol";
import {OracleNetworkFixture} from "./utils/OracleNetworkFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice The oracle rewards: the genesis oracle schedule's emission (≈ 1.04693 MASA/s) split
/// by active stake over time; nothing lost while nobody is active; a slashed, unbonding or
/// under-staked node stops earning; the fee router's share joins the distribution; claims are
/// paid from the vesting wallet; the wiring cannot be redone.
contract OracleRewardsTest is OracleNetworkFixture {
    /// 66,032,028 MASA over 730 days, per second (the issue's ≈ 1.04693 MASA/s).
    function test_TheEmissionRateIsTheGenesisSchedule() public {
        vm.warp(launch + 1 days);
        assertEq(rewards.received(), ALLOCATION * 1 days / DURATION);
        assertEq(ALLOCATION / DURATION, 1_046_930_936_073_059_360); // wei per second
        vm.warp(launch + DURATION + 365 days);
        assertEq(rewards.received(), ALLOCATION, "never more than the budget");
    }

    function test_RewardsFollowActiveStakeOverTime() public {
        join(operator, NODE_KEY, 10_000e18);
        join(operator2, NODE2_KEY, 30_000e18);
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 1 days);
        // one day split 1 : 3 (what vested before both joined waits for the first update with
        // weight, then is split by the weights of that interval: both joined in it)
        uint256 day = vested(t0 + 1 days);
        assertApprox(rewards.claimable(operator), day / 4);
        assertApprox(rewards.claimable(operator2), day * 3 / 4);

        vm.prank(operator2);
        nodes.unbond(1); // unbonding: operator2 stops earning from now
        vm.warp(t0 + 2 days);
        uint256 second = vested(t0 + 2 days) - vested(t0 + 1 days);
        assertApprox(rewards.claimable(operator), day / 4 + second);
        assertApprox(rewards.claimable(operator2), day * 3 / 4);

        uint256 owed = rewards.claimable(operator);
        vm.prank(operator);
        assertEq(rewards.claim(), owed);
        assertEq(rewards.claimable(operator), 0);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRewards.OracleRewards__NothingToClaim.selector, operator)
        );
        rewards.claim();
    }

    /// Nobody active for a week: the week's MASA waits and goes to the first active node.
    function test_NothingIsLostWhileNobodyIsActive() public {
        vm.warp(launch + 7 days);
        join(operator, NODE_KEY, 10_000e18);
        vm.warp(launch + 8 days);
        assertApprox(rewards.claimable(operator), vested(launch + 8 days));
        vm.prank(operator);
        uint256 paid = rewards.claim();
        assertApprox(paid, vested(launch + 8 days));
        assertEq(masa.balanceOf(address(rewards)) + wallet.releasable() + paid, rewards.received());
    }

    /// A slash jails the node: it stops earning in the same transaction, and what it earned
    /// before stays its own.
    function test_ASlashedNodeStopsEarningAtOnce() public {
        joinAll(10_000e18, 10_000e18, 0);
        vm.warp(block.timestamp + 1 days);
        uint256 before = rewards.claimable(operator);
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(NODE_KEY, 1);
        vm.prank(reporter);
        nodes.reportEquivocation(a, sigA, b, sigB);
        assertEq(rewards.weightOf(operator), 0);
        vm.warp(block.timestamp + 1 days);
        assertApprox(rewards.claimable(operator), before);
        assertGt(rewards.claimable(operator2), before * 3 / 2, "the honest node takes the whole second day");
    }

    /// A minimum raised by governance needs no node transaction: anyone's sync zeroes the
    /// under-staked node's weight, and a node back in its lapsed stake syncs itself back.
    function test_SyncReadsTheCurrentStatus() public {
        joinAll(10_000e18, 20_000e18, 0);
        IOracleNodes.Params memory p = defaults();
        p.minStake = 15_000e18;
        vm.prank(dao);
        nodes.setParams(p);
        assertEq(rewards.weightOf(operator), 10_000e18, "stale until synced");
        vm.prank(operator2);
        rewards.sync(operator);
        assertEq(rewards.weightOf(operator), 0);
        assertEq(rewards.totalWeight(), 20_000e18);
    }

    /// The fee router's oracle share (a plain transfer) joins the distribution.
    function test_TransfersHereAreDistributed() public {
        join(operator, NODE_KEY, 10_000e18);
        uint256 base = rewards.claimable(operator);
        require(masa.transfer(address(rewards), 1_000e18), "fee share");
        assertApprox(rewards.claimable(operator), base + 1_000e18);
    }

    /// A claim larger than the balance releases from the vesting wallet.
    function test_ClaimReleasesFromTheWallet() public {
        join(operator, NODE_KEY, 10_000e18);
        vm.warp(block.timestamp + 30 days);
        assertEq(masa.balanceOf(address(rewards)), 0);
        vm.prank(operator);
        uint256 paid = rewards.claim();
        assertApprox(paid, vested(block.timestamp));
        assertEq(masa.balanceOf(operator) >= paid, true);
        assertEq(wallet.released(), vested(block.timestamp));
    }

    function test_RevertWhen_TheRewardsAreWiredTwiceOrByAStranger() public {
        vm.prank(makeAddr("stranger"));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, makeAddr("stranger"))
        );
        nodes.setRewards(makeAddr("other"));
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__RewardsAlreadySet.selector, address(rewards))
        );
        nodes.setRewards(makeAddr("other"));
    }

    /// Over random stakes and times, what is paid never exceeds what vested, and the two nodes'
    /// rewards add up to what vested while someone was active, less rounding.
    function testFuzz_PaidIsWhatVested(uint256 stake1, uint256 stake2, uint32 dt1, uint32 dt2) public {
        stake1 = bound(stake1, 10_000e18, 1_000_000e18);
        stake2 = bound(stake2, 10_000e18, 1_000_000e18);
        dt1 = uint32(bound(dt1, 1, 800 days));
        dt2 = uint32(bound(dt2, 1, 800 days));
        join(operator, NODE_KEY, stake1);
        vm.warp(block.timestamp + dt1);
        join(operator2, NODE2_KEY, stake2);
        vm.warp(block.timestamp + dt2);
        uint256 total = rewards.claimable(operator) + rewards.claimable(operator2);
        assertLe(total, vested(block.timestamp));
        assertApprox(total, vested(block.timestamp));
        vm.prank(operator);
        rewards.claim();
        if (rewards.claimable(operator2) != 0) {
            vm.prank(operator2);
            rewards.claim(); // nothing when it joined after the schedule's end
        }
        assertLe(rewards.claimed(), ALLOCATION);
        assertEq(
            rewards.claimed() + masa.balanceOf(address(rewards)) + wallet.releasable(), rewards.received()
        );
    }

    /// Rounding: the accumulator's 18 extra decimals carry at most totalWeight / 1e18 wei to the
    /// next update (2,000 wei per 2,000 MASA staked: at most 10^7 wei, 10^-11 MASA, at the
    /// nodes' maximum stakes here) and lose less than one wei per node per update.
    function assertApprox(uint256 actual, uint256 expected) internal pure {
        uint256 diff = actual > expected ? actual - expected : expected - actual;
        assertLe(diff, 1e7, "within rounding");
    }
}
