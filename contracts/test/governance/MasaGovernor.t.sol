// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MasaGovernor} from "../../src/governance/MasaGovernor.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {Test} from "../utils/Test.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

contract MasaGovernorTest is Test {
    uint256 internal constant START = 1_750_000_000;
    uint48 internal constant VOTING_DELAY = 1 days;
    uint32 internal constant VOTING_PERIOD = 7 days;
    uint256 internal constant THRESHOLD = 1_000_000e18;
    uint256 internal constant QUORUM_PERCENT = 4;
    uint48 internal constant VOTE_EXTENSION = 2 days;
    uint256 internal constant MIN_DELAY = 2 days;

    MasaToken internal token;
    TimelockController internal timelock;
    MasaGovernor internal governor;

    address internal alice; // 100M MASA: above threshold, above quorum alone
    address internal bob; // 10M MASA: above threshold, below quorum
    address internal carol; // 1 MASA: below threshold

    function setUp() public {
        vm.warp(START);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        token = new MasaToken(address(this));
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1); // address(0): open execution
        timelock = new TimelockController(MIN_DELAY, none, anyone, address(this));
        governor = new MasaGovernor(
            token,
            timelock,
            MasaGovernor.Config({
                votingDelay: VOTING_DELAY,
                votingPeriod: VOTING_PERIOD,
                proposalThreshold: THRESHOLD,
                quorumPercent: QUORUM_PERCENT,
                voteExtension: VOTE_EXTENSION
            })
        );
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        assertTrue(token.transfer(alice, 100_000_000e18));
        assertTrue(token.transfer(bob, 10_000_000e18));
        assertTrue(token.transfer(carol, 1e18));
        vm.prank(alice);
        token.delegate(alice);
        vm.prank(bob);
        token.delegate(bob);
        vm.prank(carol);
        token.delegate(carol);
        vm.warp(block.timestamp + 1);
    }

    /// A proposal asking the timelock to change its own delay (only the timelock may).
    function _delayProposal(uint256 newDelay)
        internal
        view
        returns (address[] memory targets, uint256[] memory values, bytes[] memory calldatas)
    {
        targets = new address[](1);
        values = new uint256[](1);
        calldatas = new bytes[](1);
        targets[0] = address(timelock);
        calldatas[0] = abi.encodeCall(TimelockController.updateDelay, (newDelay));
    }

    function _propose(address proposer, string memory description) internal returns (uint256 id) {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _delayProposal(3 days);
        vm.prank(proposer);
        id = governor.propose(targets, values, calldatas, description);
    }

    function test_Configuration() public view {
        assertEq(governor.name(), "Masa DAO");
        assertEq(governor.CLOCK_MODE(), "mode=timestamp");
        assertEq(governor.clock(), block.timestamp);
        assertEq(governor.votingDelay(), VOTING_DELAY);
        assertEq(governor.votingPeriod(), VOTING_PERIOD);
        assertEq(governor.proposalThreshold(), THRESHOLD);
        assertEq(governor.lateQuorumVoteExtension(), VOTE_EXTENSION);
        assertEq(governor.timelock(), address(timelock));
        assertEq(address(governor.token()), address(token));
    }

    function test_GovernorIsTheOnlyProposerAndNobodyIsAdmin() public view {
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)));
        assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), address(governor)));
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "execution is open");
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)));
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), address(this)));
        assertEq(timelock.getMinDelay(), MIN_DELAY);
    }

    function test_ProposeVoteQueueExecute() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _delayProposal(3 days);
        string memory description = "Raise the timelock delay to 3 days";
        uint256 id = _propose(alice, description);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Pending));
        assertEq(governor.proposalSnapshot(id), block.timestamp + VOTING_DELAY);

        vm.warp(block.timestamp + VOTING_DELAY + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Active));
        vm.prank(alice);
        governor.castVote(id, 1);
        vm.prank(bob);
        governor.castVote(id, 0);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(id);
        assertEq(forVotes, 100_000_000e18);
        assertEq(against, 10_000_000e18);
        assertEq(abstain, 0);

        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Succeeded));
        bytes32 descriptionHash = keccak256(bytes(description));
        governor.queue(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Queued));
        assertEq(governor.proposalEta(id), block.timestamp + MIN_DELAY);

        vm.warp(block.timestamp + MIN_DELAY);
        vm.prank(carol); // execution is open to anyone
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Executed));
        assertEq(timelock.getMinDelay(), 3 days);
    }

    function test_RevertWhen_ProposerBelowThreshold() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _delayProposal(3 days);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorInsufficientProposerVotes.selector, carol, 1e18, THRESHOLD
            )
        );
        governor.propose(targets, values, calldatas, "carol's idea");
    }

    function test_DefeatedWithoutQuorum() public {
        uint256 id = _propose(bob, "bob alone");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(bob);
        governor.castVote(id, 1);
        // 10M of 1,588,866,523 MASA is below the 4% quorum (63.5M)
        assertEq(governor.quorum(governor.proposalSnapshot(id)), token.totalSupply() * QUORUM_PERCENT / 100);
        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Defeated));
    }

    function test_VotesCountAtTheSnapshotOnly() public {
        uint256 id = _propose(alice, "snapshot");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        // alice moves her tokens to carol after the snapshot: carol's vote weight does not grow
        vm.prank(alice);
        assertTrue(token.transfer(carol, 100_000_000e18));
        vm.prank(carol);
        governor.castVote(id, 1);
        (, uint256 forVotes,) = governor.proposalVotes(id);
        assertEq(forVotes, 1e18);
        vm.prank(alice);
        governor.castVote(id, 1);
        (, forVotes,) = governor.proposalVotes(id);
        assertEq(forVotes, 100_000_001e18);
    }

    function test_RevertWhen_VotingTwice() public {
        uint256 id = _propose(alice, "twice");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.startPrank(alice);
        governor.castVote(id, 1);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, alice));
        governor.castVote(id, 1);
        vm.stopPrank();
    }

    function test_RevertWhen_ExecutingBeforeTheTimelockDelay() public {
        (address[] memory targets, uint256[] memory values, bytes[] memory calldatas) = _delayProposal(3 days);
        string memory description = "Raise the timelock delay to 3 days";
        uint256 id = _propose(alice, description);
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(alice);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        bytes32 descriptionHash = keccak256(bytes(description));
        governor.queue(targets, values, calldatas, descriptionHash);
        bytes32 operation = timelock.hashOperationBatch(
            targets, values, calldatas, 0, bytes20(address(governor)) ^ descriptionHash
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operation,
                // the timelock's state bitmap: bit `state` set (forge-lint misreads the operand order)
                // forge-lint: disable-next-line(incorrect-shift)
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(targets, values, calldatas, descriptionHash);
    }

    function test_RevertWhen_BypassingTheGovernor() public {
        bytes32 proposer = timelock.PROPOSER_ROLE();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, alice, proposer)
        );
        timelock.schedule(address(timelock), 0, abi.encodeCall(TimelockController.updateDelay, (0)), 0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(TimelockController.TimelockUnauthorizedCaller.selector, alice));
        vm.prank(alice);
        timelock.updateDelay(0);
    }

    function test_LateQuorumExtendsTheDeadline() public {
        uint256 id = _propose(alice, "late");
        uint256 deadline = governor.proposalDeadline(id);
        vm.warp(deadline - 1 hours); // quorum reached in the last hour
        vm.prank(alice);
        governor.castVote(id, 1);
        assertEq(governor.proposalDeadline(id), block.timestamp + VOTE_EXTENSION);
        vm.warp(deadline + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Active), "still open to oppose");
    }

    function testFuzz_OutcomeFollowsTheMajorityAboveQuorum(uint96 forVotes, uint96 againstVotes) public {
        uint256 supporters = bound(forVotes, 1e18, 400_000_000e18);
        uint256 opponents = bound(againstVotes, 1e18, 400_000_000e18);
        address supporter = makeAddr("supporter");
        address opponent = makeAddr("opponent");
        assertTrue(token.transfer(supporter, supporters));
        assertTrue(token.transfer(opponent, opponents));
        vm.prank(supporter);
        token.delegate(supporter);
        vm.prank(opponent);
        token.delegate(opponent);
        vm.warp(block.timestamp + 1);
        uint256 id = _propose(alice, "fuzzed");
        vm.warp(block.timestamp + VOTING_DELAY + 1);
        vm.prank(supporter);
        governor.castVote(id, 1);
        vm.prank(opponent);
        governor.castVote(id, 0);
        vm.warp(governor.proposalDeadline(id) + 1);
        bool quorumMet = supporters >= governor.quorum(governor.proposalSnapshot(id));
        bool passes = quorumMet && supporters > opponents;
        IGovernor.ProposalState expected =
            passes ? IGovernor.ProposalState.Succeeded : IGovernor.ProposalState.Defeated;
        assertEq(uint256(governor.state(id)), uint256(expected));
    }
}
