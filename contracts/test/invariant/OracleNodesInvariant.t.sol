// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {OracleNodesFixture} from "../oracle/utils/OracleNodesFixture.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives random valid actions on the node registry: three operators stake (up to the
/// maximum), unbond, claim in the window or let it lapse; anyone reports equivocations of their
/// keys; governance slashes; time moves. Every MASA movement is measured on balances (ghosts);
/// an action is taken only when the contract must accept it.
contract OracleNodesHandler is OracleNodesFixture {
    address[3] internal operators = [makeAddr("op0"), makeAddr("op1"), makeAddr("op2")];
    uint256[3] internal keys = [uint256(0xA1), 0xA2, 0xA3];
    mapping(address signer => mapping(uint256 requestId => bool)) internal reported;

    uint256 public ghostStakedIn;
    uint256 public ghostClaimedOut;
    uint256 public ghostSlashed;
    uint256 public ghostSlashPaidOut; // reporter + burned + treasury, measured
    uint256 public ghostUnexpectedReverts;
    bytes public ghostLastRevert;
    uint256 public startedAt;
    mapping(bytes32 action => uint256) public calls;

    constructor() {
        setUp();
        for (uint256 i; i < 3; ++i) {
            require(masa.transfer(operators[i], 3_000_000e18), "funded");
            vm.prank(operators[i]);
            masa.approve(address(nodes), type(uint256).max);
            join(operators[i], keys[i], 0);
        }
        startedAt = block.timestamp;
    }

    function stake(uint256 who, uint256 amount) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        uint256 room = 1_000_000e18 - n.staked - n.unbonding;
        if (_lapsed(n)) room = 1_000_000e18 - n.staked - n.unbonding; // a lapse moves, not adds
        if (room == 0) return;
        amount = bound(amount, 1, room);
        vm.prank(op);
        try nodes.stake(amount) {
            ghostStakedIn += amount;
            ++calls["stake"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function unbond(uint256 who, uint256 amount) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        uint256 staked = _lapsed(n) ? uint256(n.staked) + n.unbonding : n.staked;
        if ((n.unbondedAt != 0 && !_lapsed(n)) || staked == 0) return;
        amount = bound(amount, 1, staked);
        vm.prank(op);
        try nodes.unbond(amount) {
            ++calls["unbond"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function claim(uint256 who) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        // forge-lint: disable-next-line(block-timestamp)
        if (n.unbondedAt == 0 || block.timestamp < n.unbondedAt || _lapsed(n)) return;
        uint256 before = masa.balanceOf(op);
        vm.prank(op);
        try nodes.claim() returns (uint256 amount) {
            if (masa.balanceOf(op) - before != amount) _unexpected("claim paid another amount");
            ghostClaimedOut += amount;
            ++calls["claim"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function reportEquivocation(uint256 who, uint256 requestId) external {
        uint256 i = who % 3;
        requestId = bound(requestId, 1, 20);
        IOracleNodes.Node memory n = nodes.node(operators[i]);
        address key = vm.addr(keys[i]);
        if (reported[key][requestId] || uint256(n.staked) + n.unbonding == 0 || nodes.slashCapacity() == 0) {
            return;
        }
        (IOracleNodes.Result memory a, bytes memory sigA, IOracleNodes.Result memory b, bytes memory sigB) =
            equivocation(keys[i], requestId);
        uint256 before = _outside();
        vm.prank(reporter);
        try nodes.reportEquivocation(a, sigA, b, sigB) returns (uint256 amount) {
            reported[key][requestId] = true;
            ghostSlashed += amount;
            ghostSlashPaidOut += _outside() - before;
            ++calls["report"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function governanceSlash(uint256 who, uint256 amount) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        if (uint256(n.staked) + n.unbonding == 0 || nodes.slashCapacity() == 0) return;
        amount = bound(amount, 1, 100_000e18);
        uint256 before = _outside();
        vm.prank(dao);
        try nodes.slash(op, amount, "judged") returns (uint256 slashed) {
            ghostSlashed += slashed;
            ghostSlashPaidOut += _outside() - before;
            ++calls["slash"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 20 days));
    }

    function operatorAt(uint256 i) external view returns (address) {
        return operators[i];
    }

    function nodesAddress() external view returns (address) {
        return address(nodes);
    }

    function masaAddress() external view returns (address) {
        return address(masa);
    }

    /// Where slashed MASA goes, summed: the reporter, the treasury, and the burned supply.
    function _outside() internal view returns (uint256) {
        return
            masa.balanceOf(reporter) + masa.balanceOf(treasury) + (masa.TOTAL_SUPPLY() - masa.totalSupply());
    }

    function _lapsed(IOracleNodes.Node memory n) internal view returns (bool) {
        // forge-lint: disable-next-line(block-timestamp)
        return n.unbondedAt != 0 && block.timestamp > uint256(n.unbondedAt) + 7 days;
    }

    function _unexpected(bytes memory err) internal {
        ++ghostUnexpectedReverts;
        ghostLastRevert = err;
    }
}

interface IBalances {
    function balanceOf(address account) external view returns (uint256);
}

/// @notice The node registry's money path under random sequences and time jumps.
///
/// The conservation law: staked in = claimed out + slashed + held, with held = Σ (staked +
/// unbonding) = `totalStaked` = the contract's balance; every slashed wei went to the reporter,
/// the burn or the treasury; no node holds more than the maximum; and slashes never outrun the
/// rate limit: Σ slashed <= capacity + refill rate × elapsed time.
contract OracleNodesInvariantTest is Test, InvariantTest {
    OracleNodesHandler internal handler;
    IOracleNodes internal nodes;

    function setUp() public {
        handler = new OracleNodesHandler();
        nodes = IOracleNodes(handler.nodesAddress());
        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = OracleNodesHandler.stake.selector;
        selectors[1] = OracleNodesHandler.stake.selector;
        selectors[2] = OracleNodesHandler.unbond.selector;
        selectors[3] = OracleNodesHandler.claim.selector;
        selectors[4] = OracleNodesHandler.reportEquivocation.selector;
        selectors[5] = OracleNodesHandler.governanceSlash.selector;
        selectors[6] = OracleNodesHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every action of the handler is taken for real in a plain story (none is silently skipped
    /// by its own preconditions), and the laws hold.
    function test_EveryActionIsTaken() public {
        handler.stake(0, 50_000e18);
        handler.stake(1, 20_000e18);
        handler.unbond(0, 10_000e18);
        handler.warp(14 days);
        handler.warp(14 days);
        handler.claim(0);
        handler.reportEquivocation(1, 5);
        handler.governanceSlash(0, 1_000e18);
        // forge-lint: disable-next-line(unsafe-typecast)
        bytes32[5] memory actions = [bytes32("stake"), "unbond", "claim", "report", "slash"];
        for (uint256 i; i < actions.length; ++i) {
            assertGt(handler.calls(actions[i]), 0, string(abi.encodePacked(actions[i])));
        }
        invariant_StakeIsConserved();
        invariant_SlashesStayWithinTheRateLimit();
        invariant_NoValidActionReverts();
    }

    function invariant_StakeIsConserved() public view {
        uint256 held;
        for (uint256 i; i < 3; ++i) {
            IOracleNodes.Node memory n = nodes.node(handler.operatorAt(i));
            held += uint256(n.staked) + n.unbonding;
            assertLe(uint256(n.staked) + n.unbonding, nodes.params().maxStake, "at most the maximum");
        }
        assertEq(held, nodes.totalStaked(), "totalStaked = sum of the nodes");
        assertEq(IBalances(handler.masaAddress()).balanceOf(address(nodes)), held, "balance = held");
        assertEq(
            handler.ghostStakedIn(),
            handler.ghostClaimedOut() + handler.ghostSlashed() + held,
            "in = out + held"
        );
        assertEq(
            handler.ghostSlashed(), handler.ghostSlashPaidOut(), "every slashed wei paid, burned or sent"
        );
    }

    function invariant_SlashesStayWithinTheRateLimit() public view {
        IOracleNodes.Params memory p = nodes.params();
        uint256 elapsed = block.timestamp - handler.startedAt();
        assertLe(handler.ghostSlashed(), uint256(p.slashCapacity) + elapsed * p.refillPerSecond);
    }

    function invariant_NoValidActionReverts() public view {
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
    }
}
