// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {OracleNodesFixture} from "./utils/OracleNodesFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice The oracle node registry: registration with the node key's signature, stake bounds,
/// unbond-then-claim with its window and lapse, activity, equivocation and governance slashing
/// with the rate limit, the split and jailing.
contract OracleNodesTest is OracleNodesFixture {
    // ------------------------------------------------------------------ registration

    function test_Register_WithTheKeysSignature() public {
        join(operator, NODE_KEY, 0);
        IOracleNodes.Node memory n = nodes.node(operator);
        assertTrue(n.registered);
        assertEq(n.signer, signer);
        assertEq(nodes.operatorOf(signer), operator);
        assertFalse(nodes.isActive(operator), "registered, not staked");
    }

    function test_RevertWhen_RegisterACopiedRegistration() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = registration(NODE_KEY, operator, deadline);
        // someone else lands the operator's registration first: it names the operator, not them
        vm.prank(operator2);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__InvalidRegistration.selector, signer)
        );
        nodes.register(signer, "https://squatter", deadline, sig);
        vm.prank(operator);
        nodes.register(signer, "https://node.example", deadline, sig);
        assertEq(nodes.operatorOf(signer), operator);
    }

    function test_RevertWhen_RegisterAKeyWithoutItsSignature() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = registration(NODE2_KEY, operator, deadline); // another key signed
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__InvalidRegistration.selector, signer)
        );
        nodes.register(signer, "https://node.example", deadline, sig);
    }

    function test_RevertWhen_RegisterExpiredTwiceOrATakenKey() public {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = registration(NODE_KEY, operator, deadline);
        vm.warp(deadline + 1);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__RegistrationExpired.selector, deadline)
        );
        nodes.register(signer, "e", deadline, sig);
        join(operator, NODE_KEY, 0);
        deadline = block.timestamp + 1 hours;
        sig = registration(NODE2_KEY, operator, deadline);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__AlreadyRegistered.selector, operator)
        );
        nodes.register(signer2, "e", deadline, sig);
        sig = registration(NODE_KEY, operator2, deadline);
        vm.prank(operator2);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__SignerTaken.selector, signer, operator)
        );
        nodes.register(signer, "e", deadline, sig);
    }

    function test_SetEndpoint() public {
        join(operator, NODE_KEY, 0);
        vm.prank(operator);
        nodes.setEndpoint("https://moved.example");
        assertEq(nodes.node(operator).endpoint, "https://moved.example");
        vm.prank(operator2);
        vm.expectRevert(abi.encodeWithSelector(IOracleNodes.OracleNodes__NotRegistered.selector, operator2));
        nodes.setEndpoint("x");
    }

    // ------------------------------------------------------------------ stake

    function test_Stake_ActiveFromTheMinimum() public {
        join(operator, NODE_KEY, 9_999e18);
        assertFalse(nodes.isActive(operator), "below the minimum");
        vm.prank(operator);
        nodes.stake(1e18);
        assertTrue(nodes.isActive(operator));
        assertEq(nodes.totalStaked(), 10_000e18);
        assertEq(masa.balanceOf(address(nodes)), 10_000e18);
    }

    function test_RevertWhen_StakeAboveTheMaximumOrZeroOrUnregistered() public {
        join(operator, NODE_KEY, 1_000_000e18);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__AboveMaxStake.selector, operator, 1_000_000e18 + 1, 1_000_000e18
            )
        );
        nodes.stake(1);
        vm.prank(operator);
        vm.expectRevert(IOracleNodes.OracleNodes__ZeroAmount.selector);
        nodes.stake(0);
        vm.prank(operator2);
        vm.expectRevert(abi.encodeWithSelector(IOracleNodes.OracleNodes__NotRegistered.selector, operator2));
        nodes.stake(1);
    }

    // ------------------------------------------------------------------ unbond and claim

    function test_Unbond_InactiveThenClaimableInTheWindow() public {
        join(operator, NODE_KEY, 50_000e18);
        vm.prank(operator);
        nodes.unbond(20_000e18);
        assertFalse(nodes.isActive(operator), "unbonding");
        uint64 from = uint64(block.timestamp) + 28 days;
        assertEq(nodes.node(operator).unbondedAt, from);
        vm.warp(from - 1);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__NotClaimable.selector, operator, from, from + 7 days, from - 1
            )
        );
        nodes.claim();
        vm.warp(from);
        uint256 before = masa.balanceOf(operator);
        vm.prank(operator);
        assertEq(nodes.claim(), 20_000e18);
        assertEq(masa.balanceOf(operator) - before, 20_000e18);
        assertTrue(nodes.isActive(operator), "30,000 still staked");
        assertEq(nodes.totalStaked(), 30_000e18);
    }

    function test_RevertWhen_UnbondRestartedToMoveItsWindow() public {
        join(operator, NODE_KEY, 50_000e18);
        vm.prank(operator);
        nodes.unbond(10_000e18);
        uint64 from = nodes.node(operator).unbondedAt;
        vm.warp(block.timestamp + 1 days);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__UnbondingPending.selector, operator, from)
        );
        nodes.unbond(1);
    }

    function test_Unbond_LapsesAfterTheWindowBackToTheStake() public {
        join(operator, NODE_KEY, 50_000e18);
        vm.prank(operator);
        nodes.unbond(45_000e18);
        assertFalse(nodes.isActive(operator));
        uint64 from = nodes.node(operator).unbondedAt;
        vm.warp(from + 7 days + 1);
        assertTrue(nodes.isActive(operator), "a lapsed unbonding is active stake again");
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__NotClaimable.selector,
                operator,
                from,
                from + 7 days,
                from + 7 days + 1
            )
        );
        nodes.claim();
        // the next unbond starts anew, from the whole stake
        vm.prank(operator);
        nodes.unbond(50_000e18);
        assertEq(nodes.node(operator).staked, 0);
        assertEq(nodes.node(operator).unbonding, 50_000e18);
    }

    function test_RevertWhen_UnbondMoreThanStaked() public {
        join(operator, NODE_KEY, 10_000e18);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__InsufficientStake.selector, operator, 10_001e18, 10_000e18
            )
        );
        nodes.unbond(10_001e18);
    }

    // ------------------------------------------------------------------ equivocation

    function test_ReportEquivocation_SlashesPaysBurnsAndJails() public {
        join(operator, NODE_KEY, 50_000e18);
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(NODE_KEY, 7);
        uint256 supply = masa.totalSupply();
        vm.prank(reporter);
        assertEq(nodes.reportEquivocation(a, sigA, b, sigB), 5_000e18);
        // 10% to the reporter, half the rest burned, the rest to the treasury
        assertEq(masa.balanceOf(reporter), 500e18);
        assertEq(supply - masa.totalSupply(), 2_250e18);
        assertEq(masa.balanceOf(treasury), 2_250e18);
        assertEq(nodes.node(operator).staked, 45_000e18);
        assertEq(nodes.totalStaked(), 45_000e18);
        assertEq(masa.balanceOf(address(nodes)), 45_000e18);
        assertFalse(nodes.isActive(operator), "jailed");
        vm.warp(block.timestamp + 7 days);
        assertTrue(nodes.isActive(operator), "out of jail");
    }

    function test_RevertWhen_TheSameEquivocationIsReportedTwice() public {
        join(operator, NODE_KEY, 50_000e18);
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(NODE_KEY, 7);
        // a watcher copies the report and lands first: it is paid; the node is slashed once
        address watcher = makeAddr("watcher");
        vm.prank(watcher);
        nodes.reportEquivocation(a, sigA, b, sigB);
        vm.prank(reporter);
        vm.expectRevert(abi.encodeWithSelector(IOracleNodes.OracleNodes__AlreadySlashed.selector, signer, 7));
        nodes.reportEquivocation(b, sigB, a, sigA);
        assertEq(masa.balanceOf(watcher), 500e18);
        assertEq(nodes.node(operator).staked, 45_000e18);
    }

    function test_RevertWhen_NotAnEquivocation() public {
        join(operator, NODE_KEY, 50_000e18);
        join(operator2, NODE2_KEY, 50_000e18);
        IOracleNodes.Result memory yes = result(7, keccak256("yes"));
        IOracleNodes.Result memory no = result(7, keccak256("no"));
        IOracleNodes.Result memory other = result(8, keccak256("no"));
        IOracleNodes.Result memory otherConfig = IOracleNodes.Result(7, keccak256("no"), keccak256("web:v2"));
        bytes memory sigYes = signResult(NODE_KEY, yes);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__NotEquivocation.selector, "the same result")
        );
        nodes.reportEquivocation(yes, sigYes, yes, sigYes);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__NotEquivocation.selector, "different requests")
        );
        nodes.reportEquivocation(yes, sigYes, other, signResult(NODE_KEY, other));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__NotEquivocation.selector, "different configurations"
            )
        );
        nodes.reportEquivocation(yes, sigYes, otherConfig, signResult(NODE_KEY, otherConfig));
        // two nodes disagreeing is not an equivocation
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleNodes.OracleNodes__NotEquivocation.selector, "signed by different keys"
            )
        );
        nodes.reportEquivocation(yes, sigYes, no, signResult(NODE2_KEY, no));
        // a key nobody registered
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(0xBAD, 7);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__UnknownSigner.selector, vm.addr(0xBAD))
        );
        nodes.reportEquivocation(a, sigA, b, sigB);
        // a malformed signature is OpenZeppelin's error
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 3));
        nodes.reportEquivocation(yes, hex"010203", no, signResult(NODE_KEY, no));
    }

    function test_Slash_TakesTheUnbondingStakeToo() public {
        join(operator, NODE_KEY, 12_000e18);
        vm.prank(operator);
        nodes.unbond(10_000e18);
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(NODE_KEY, 1);
        nodes.reportEquivocation(a, sigA, b, sigB);
        IOracleNodes.Node memory n = nodes.node(operator);
        // 2,000 from the stake, 3,000 from the unbonding
        assertEq(n.staked, 0, "staked");
        assertEq(n.unbonding, 7_000e18, "unbonding");
        vm.warp(n.unbondedAt);
        vm.prank(operator);
        assertEq(nodes.claim(), 7_000e18);
    }

    // ------------------------------------------------------------------ governance slash, rate limit

    function test_Slash_GovernanceOnlyCappedByTheRefillingCapacity() public {
        join(operator, NODE_KEY, 100_000e18);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, operator));
        nodes.slash(operator, 1, "x");
        // the bucket holds 20,000: a 50,000 slash takes 20,000, all to treasury and burn
        vm.prank(dao);
        assertEq(nodes.slash(operator, 50_000e18, "downtime"), 20_000e18);
        assertEq(nodes.slashCapacity(), 0);
        assertEq(masa.balanceOf(treasury), 10_000e18);
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__NothingToSlash.selector, operator, 80_000e18, 0)
        );
        nodes.slash(operator, 1, "again");
        // refills at 1 MASA/s, up to the capacity
        vm.warp(block.timestamp + 100);
        assertEq(nodes.slashCapacity(), 100e18);
        vm.warp(block.timestamp + 1 days);
        assertEq(nodes.slashCapacity(), 20_000e18);
    }

    function test_SetParams_GovernanceOnlyAndChecked() public {
        IOracleNodes.Params memory p = defaults();
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, operator));
        nodes.setParams(p);
        p.minStake = p.maxStake + 1;
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__BadParams.selector, "0 < minStake <= maxStake")
        );
        nodes.setParams(p);
        p = defaults();
        p.reporterShareBps = 5_001;
        vm.prank(dao);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleNodes.OracleNodes__BadParams.selector, "reporterShareBps above 50%")
        );
        nodes.setParams(p);
        // a smaller capacity caps the bucket at once
        p = defaults();
        p.slashCapacity = 1e18;
        vm.prank(dao);
        nodes.setParams(p);
        assertEq(nodes.slashCapacity(), 1e18);
    }

    function testFuzz_Slash_SplitsEveryWei(uint96 stake_, uint96 wanted, uint16 reporterBps, uint16 burnBps)
        public
    {
        IOracleNodes.Params memory p = defaults();
        p.reporterShareBps = uint16(bound(reporterBps, 0, 5_000));
        p.burnBps = uint16(bound(burnBps, 0, 10_000));
        p.slashCapacity = type(uint96).max;
        p.equivocationPenalty = uint96(bound(wanted, 1, type(uint96).max));
        vm.prank(dao);
        nodes.setParams(p);
        join(operator, NODE_KEY, bound(stake_, 1, 1_000_000e18));
        uint256 supply = masa.totalSupply();
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(NODE_KEY, 3);
        vm.prank(reporter);
        uint256 slashed = nodes.reportEquivocation(a, sigA, b, sigB);
        uint256 burned = supply - masa.totalSupply();
        assertEq(
            slashed, masa.balanceOf(reporter) + burned + masa.balanceOf(treasury), "every wei of the slash"
        );
        assertEq(masa.balanceOf(address(nodes)), nodes.totalStaked(), "held = staked");
        assertEq(masa.balanceOf(reporter), slashed * p.reporterShareBps / 10_000);
    }
}
