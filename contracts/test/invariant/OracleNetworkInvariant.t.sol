// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {IOracleRequests} from "../../src/interfaces/IOracleRequests.sol";
import {OracleNetworkFixture} from "../oracle/utils/OracleNetworkFixture.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives random valid actions on the whole oracle network: three nodes stake, unbond,
/// claim and are slashed; a consumer posts requests that the active nodes fulfil or that expire
/// and are refunded; operators withdraw fees and claim rewards; anyone syncs a node's weight;
/// the fee router sends its share; time moves. Every MASA movement is measured on balances; an
/// action is taken only when the contracts must accept it.
contract OracleNetworkHandler is OracleNetworkFixture {
    address[3] internal operators;
    uint256[3] internal keys = [NODE_KEY, NODE2_KEY, NODE3_KEY];
    uint256[] internal openIds;

    uint256 public ghostFeesIn;
    uint256 public ghostFeesWithdrawn;
    uint256 public ghostRefunded;
    uint256 public ghostRewardsClaimed;
    uint256 public ghostDonated;
    uint256 public ghostUnexpectedReverts;
    bytes public ghostLastRevert;
    mapping(bytes32 action => uint256) public calls;

    constructor() {
        setUp();
        operators = [operator, operator2, operator3];
        joinAll(20_000e18, 40_000e18, 10_000e18);
    }

    // ---------------------------------------------------------------- nodes

    function stake(uint256 who, uint256 amount) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        uint256 room = 1_000_000e18 - n.staked - n.unbonding;
        if (room == 0) return;
        amount = bound(amount, 1, room < 100_000e18 ? room : 100_000e18);
        vm.prank(op);
        try nodes.stake(amount) {
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

    function claimStake(uint256 who) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        // forge-lint: disable-next-line(block-timestamp)
        if (n.unbondedAt == 0 || block.timestamp < n.unbondedAt || _lapsed(n)) return;
        vm.prank(op);
        try nodes.claim() {
            ++calls["claimStake"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function slash(uint256 who, uint256 amount) external {
        address op = operators[who % 3];
        IOracleNodes.Node memory n = nodes.node(op);
        if (uint256(n.staked) + n.unbonding == 0 || nodes.slashCapacity() == 0) return;
        vm.prank(dao);
        try nodes.slash(op, bound(amount, 1, 20_000e18), "judged") {
            ++calls["slash"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
    }

    // ---------------------------------------------------------------- requests

    function postRequest(uint256 fee, uint256 quorum, uint256 ttl) external {
        fee = bound(fee, 0, 1_000e18);
        // forge-lint: disable-next-line(unsafe-typecast)
        uint8 k = uint8(bound(quorum, 1, 3));
        uint64 dl = uint64(block.timestamp + bound(ttl, 60, 4 days));
        vm.prank(consumer);
        try requests.post(WEB, keccak256(abi.encode(fee)), "https://example.org", fee, k, dl) returns (
            uint256 id
        ) {
            ghostFeesIn += fee;
            openIds.push(id);
            ++calls["post"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// The active nodes answer an open, unexpired request in agreement (when they make a quorum).
    function fulfill(uint256 pick, bytes32 resultHash) external {
        if (openIds.length == 0) return;
        uint256 at = pick % openIds.length;
        uint256 id = openIds[at];
        IOracleRequests.Request memory r = requests.request(id);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > r.deadline) return;
        uint256[] memory active = new uint256[](3);
        uint256 count;
        for (uint256 i; i < 3; ++i) {
            if (nodes.isActive(operators[i])) active[count++] = keys[i];
        }
        if (count < r.quorum) return;
        assembly ("memory-safe") {
            mstore(active, count)
        }
        bytes[] memory sigs = signatures(id, resultHash, active);
        try requests.fulfill(id, resultHash, CONFIG, sigs, noDissents()) {
            _close(at);
            ++calls["fulfill"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function refund(uint256 pick) external {
        if (openIds.length == 0) return;
        uint256 at = pick % openIds.length;
        uint256 id = openIds[at];
        IOracleRequests.Request memory r = requests.request(id);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp <= r.deadline) return;
        uint256 before = masa.balanceOf(consumer);
        try requests.refund(id) {
            ghostRefunded += masa.balanceOf(consumer) - before;
            _close(at);
            ++calls["refund"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function withdrawFees(uint256 who) external {
        address op = operators[who % 3];
        if (requests.earned(op) == 0) return;
        uint256 before = masa.balanceOf(op);
        vm.prank(op);
        try requests.withdraw() {
            ghostFeesWithdrawn += masa.balanceOf(op) - before;
            ++calls["withdraw"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    // ---------------------------------------------------------------- rewards

    function claimRewards(uint256 who) external {
        address op = operators[who % 3];
        uint256 owed = rewards.claimable(op);
        if (owed == 0) return;
        uint256 before = masa.balanceOf(op);
        vm.prank(op);
        try rewards.claim() returns (uint256 paid) {
            uint256 measured = masa.balanceOf(op) - before;
            if (measured != paid || paid != owed) _unexpected("claim paid other than claimable");
            ghostRewardsClaimed += measured;
            ++calls["claimRewards"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function sync(uint256 who) external {
        vm.prank(makeAddr("keeper"));
        try rewards.sync(operators[who % 3]) {
            ++calls["sync"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// The fee router's oracle share arrives (a plain transfer).
    function feeShare(uint256 amount) external {
        amount = bound(amount, 1, 10_000e18);
        require(masa.transfer(address(rewards), amount), "sent");
        ghostDonated += amount;
        ++calls["feeShare"];
    }

    // ---------------------------------------------------------------- views for the suite

    function operatorAt(uint256 i) external view returns (address) {
        return operators[i];
    }

    function openFees() external view returns (uint256 sum) {
        for (uint256 i; i < openIds.length; ++i) {
            sum += requests.request(openIds[i]).fee;
        }
    }

    function vestedNow() external view returns (uint256) {
        return vested(block.timestamp);
    }

    function contracts()
        external
        view
        returns (address masa_, address requests_, address rewards_, address wallet_)
    {
        return (address(masa), address(requests), address(rewards), address(wallet));
    }

    function _close(uint256 at) internal {
        openIds[at] = openIds[openIds.length - 1];
        openIds.pop();
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

interface INetworkViews {
    function balanceOf(address account) external view returns (uint256);
    function earned(address operator) external view returns (uint256);
    function claimable(address operator) external view returns (uint256);
    function weightOf(address operator) external view returns (uint256);
    function totalWeight() external view returns (uint256);
    function received() external view returns (uint256);
    function claimed() external view returns (uint256);
    function releasable() external view returns (uint256);
}

/// @notice The oracle network's money paths under random sequences and time jumps.
///
/// Request escrow: fees in = withdrawn + refunded + held, held = Σ open fees + Σ earned = the
/// request book's balance. Rewards: received = claimed + balance + releasable; what was claimed
/// (measured) ≤ received ≤ vested by the genesis schedule + what the fee router sent (emission
/// never outruns the budget); Σ claimable ≤ received − claimed (every claim is payable); the total
/// weight is the sum of the nodes' weights.
contract OracleNetworkInvariantTest is Test, InvariantTest {
    OracleNetworkHandler internal handler;
    INetworkViews internal masa;
    INetworkViews internal requests;
    INetworkViews internal rewards;
    INetworkViews internal wallet;

    function setUp() public {
        handler = new OracleNetworkHandler();
        (address m, address q, address r, address w) = handler.contracts();
        (masa, requests, rewards, wallet) =
        (INetworkViews(m), INetworkViews(q), INetworkViews(r), INetworkViews(w));
        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = OracleNetworkHandler.stake.selector;
        selectors[1] = OracleNetworkHandler.unbond.selector;
        selectors[2] = OracleNetworkHandler.claimStake.selector;
        selectors[3] = OracleNetworkHandler.slash.selector;
        selectors[4] = OracleNetworkHandler.warp.selector;
        selectors[5] = OracleNetworkHandler.postRequest.selector;
        selectors[6] = OracleNetworkHandler.postRequest.selector;
        selectors[7] = OracleNetworkHandler.fulfill.selector;
        selectors[8] = OracleNetworkHandler.refund.selector;
        selectors[9] = OracleNetworkHandler.withdrawFees.selector;
        selectors[10] = OracleNetworkHandler.claimRewards.selector;
        selectors[11] = OracleNetworkHandler.sync.selector;
        selectors[12] = OracleNetworkHandler.feeShare.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Every action of the handler is taken for real in a plain story, and the laws hold.
    function test_EveryActionIsTaken() public {
        handler.postRequest(100e18, 2, 1 hours);
        handler.postRequest(7e18, 3, 60);
        handler.fulfill(0, keccak256("page"));
        handler.warp(2 hours);
        handler.refund(0);
        handler.withdrawFees(1);
        handler.feeShare(500e18);
        handler.claimRewards(0);
        handler.stake(2, 5_000e18);
        handler.unbond(1, 1_000e18);
        handler.slash(0, 1e18);
        handler.sync(0);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days);
        handler.warp(3 days); // 30 days: past the 28-day unbonding, within the 7-day window
        handler.claimStake(1);
        bytes32[12] memory actions = [
            // forge-lint: disable-next-line(unsafe-typecast)
            bytes32("stake"),
            "unbond",
            "claimStake",
            "slash",
            "post",
            "fulfill",
            "refund",
            "withdraw",
            "claimRewards",
            "sync",
            "feeShare",
            "post"
        ];
        for (uint256 i; i < actions.length; ++i) {
            assertGt(handler.calls(actions[i]), 0, string(abi.encodePacked(actions[i])));
        }
        invariant_RequestFeesAreConserved();
        invariant_RewardsNeverOutrunTheBudget();
        invariant_WeightsAddUp();
        invariant_NoValidActionReverts();
    }

    function invariant_RequestFeesAreConserved() public view {
        uint256 held = masa.balanceOf(address(requests));
        assertEq(
            handler.ghostFeesIn(),
            handler.ghostFeesWithdrawn() + handler.ghostRefunded() + held,
            "fees in = withdrawn + refunded + held"
        );
        uint256 earned;
        for (uint256 i; i < 3; ++i) {
            earned += requests.earned(handler.operatorAt(i));
        }
        assertEq(held, handler.openFees() + earned, "held = open fees + earned");
    }

    function invariant_RewardsNeverOutrunTheBudget() public view {
        uint256 received = rewards.received();
        uint256 claimed = rewards.claimed();
        assertEq(claimed, handler.ghostRewardsClaimed(), "claimed = measured");
        assertEq(
            received,
            claimed + masa.balanceOf(address(rewards)) + wallet.releasable(),
            "received is accounted"
        );
        assertLe(received, handler.vestedNow() + handler.ghostDonated(), "received <= vested + fee shares");
        uint256 owed;
        for (uint256 i; i < 3; ++i) {
            owed += rewards.claimable(handler.operatorAt(i));
        }
        assertLe(owed, received - claimed, "every claim is payable");
    }

    function invariant_WeightsAddUp() public view {
        uint256 sum;
        for (uint256 i; i < 3; ++i) {
            sum += rewards.weightOf(handler.operatorAt(i));
        }
        assertEq(sum, rewards.totalWeight());
    }

    function invariant_NoValidActionReverts() public view {
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
    }
}
