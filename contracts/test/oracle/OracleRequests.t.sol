// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {IOracleRequests} from "../../src/interfaces/IOracleRequests.sol";
import {OracleRequests} from "../../src/oracle/OracleRequests.sol";
import {OracleNetworkFixture} from "./utils/OracleNetworkFixture.sol";

/// @notice The request book: posting with escrow, fulfilment by k sorted signatures of active
/// nodes, the fee split, dissents, refunds at the deadline, and the attacks: a copied fulfilment,
/// a replayed signature, a duplicated signer, an inactive node.
contract OracleRequestsTest is OracleNetworkFixture {
    bytes32 internal constant PAGE = keccak256("the page's canonical text");

    function setUp() public override {
        super.setUp();
        joinAll(10_000e18, 10_000e18, 10_000e18);
    }

    // ------------------------------------------------------------------ post

    function test_Post_EscrowsTheFee() public {
        uint256 before = masa.balanceOf(consumer);
        uint256 id = post(100e18, 2);
        assertEq(id, 1);
        assertEq(requests.requestCount(), 1);
        assertEq(masa.balanceOf(consumer), before - 100e18);
        assertEq(masa.balanceOf(address(requests)), 100e18);
        IOracleRequests.Request memory r = requests.request(id);
        assertEq(r.consumer, consumer);
        assertEq(r.fee, 100e18);
        assertEq(r.quorum, 2);
        assertEq(r.jobType, WEB);
        assertTrue(r.status == IOracleRequests.Status.Open);
    }

    function test_RevertWhen_PostBadTerms() public {
        uint64 dl = deadline();
        vm.startPrank(consumer);
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__BadQuorum.selector, 0, 16));
        requests.post(WEB, 0, "", 1, 0, dl);
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__BadQuorum.selector, 17, 16));
        requests.post(WEB, 0, "", 1, 17, dl);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRequests.OracleRequests__BadDeadline.selector,
                block.timestamp,
                block.timestamp,
                30 days
            )
        );
        requests.post(WEB, 0, "", 1, 1, uint64(block.timestamp));
        uint64 far = uint64(block.timestamp + 30 days + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRequests.OracleRequests__BadDeadline.selector, far, block.timestamp, 30 days
            )
        );
        requests.post(WEB, 0, "", 1, 1, far);
        uint256 huge = uint256(type(uint96).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__FeeTooLarge.selector, huge));
        requests.post(WEB, 0, "", huge, 1, dl);
        vm.stopPrank();
    }

    // ------------------------------------------------------------------ fulfil

    function test_Fulfill_SplitsTheFeeAmongTheAgreeingNodes() public {
        uint256 fee = 100e18 + 1; // an odd fee: the first signer takes the remainder
        uint256 id = post(fee, 2);
        uint256[] memory keys = sortedBySigner(keysOf(NODE_KEY, NODE2_KEY, NODE3_KEY));
        bytes[] memory sigs = signatures(id, PAGE, keys);
        address[] memory ops = new address[](3);
        for (uint256 i; i < 3; ++i) {
            ops[i] = operatorOfKey(keys[i]);
        }
        uint256 share = fee / 3;
        vm.expectEmit(address(requests));
        emit IOracleRequests.RequestFinalized(id, PAGE, CONFIG, ops, share);
        vm.prank(makeAddr("transmitter"));
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());

        IOracleRequests.Request memory r = requests.request(id);
        assertTrue(r.status == IOracleRequests.Status.Finalized);
        assertEq(r.resultHash, PAGE);
        assertEq(r.configHash, CONFIG);
        assertEq(requests.earned(ops[0]), fee - 2 * share);
        assertEq(requests.earned(ops[1]), share);
        assertEq(requests.earned(ops[2]), share);
        assertEq(requests.earned(makeAddr("transmitter")), 0);

        uint256 before = masa.balanceOf(ops[1]);
        vm.prank(ops[1]);
        assertEq(requests.withdraw(), share);
        assertEq(masa.balanceOf(ops[1]), before + share);
        vm.prank(ops[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__NothingToWithdraw.selector, ops[1])
        );
        requests.withdraw();
    }

    function test_RevertWhen_FulfillBelowQuorum() public {
        uint256 id = post(1e18, 3);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__NoQuorum.selector, 2, 3));
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    function test_RevertWhen_FulfillWithOneNodeTwice() public {
        uint256 id = post(1e18, 2);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = signResult(NODE_KEY, result(id, PAGE));
        sigs[1] = sigs[0]; // a quorum of one node counted twice
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__SignersNotAscending.selector, 1, signer)
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    function test_RevertWhen_FulfillUnsorted() public {
        uint256 id = post(1e18, 2);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        (sigs[0], sigs[1]) = (sigs[1], sigs[0]);
        address lower = signer < signer2 ? signer : signer2;
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__SignersNotAscending.selector, 1, lower)
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    function test_RevertWhen_ASignatureOfAnotherRequestIsReplayed() public {
        uint256 first = post(1e18, 1);
        uint256 second = post(1e18, 1);
        bytes[] memory sigs = signatures(first, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        requests.fulfill(first, PAGE, CONFIG, sigs, noDissents());
        // the same signatures offered for the second request recover to unrelated keys
        bytes[] memory one = new bytes[](1);
        one[0] = sigs[0];
        bytes32 digest = nodes.hashResult(IOracleNodes.Result(second, PAGE, CONFIG));
        address stranger = ecrecoverOf(digest, one[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__UnknownSigner.selector, 0, stranger)
        );
        requests.fulfill(second, PAGE, CONFIG, one, noDissents());
    }

    function test_RevertWhen_ASignatureIsMalformed() public {
        uint256 id = post(1e18, 1);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = hex"0102";
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__BadSignature.selector, 0));
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    function test_RevertWhen_AnUnbondingOrJailedNodeSigns() public {
        uint256 id = post(1e18, 2);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        uint256 index = signer < signer2 ? 0 : 1;
        vm.prank(operator);
        nodes.unbond(1);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__InactiveNode.selector, index, operator)
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());

        // operator2 is jailed by a governance slash: its signature stops counting at once
        sigs = signatures(id, PAGE, keysOf(NODE2_KEY, NODE3_KEY));
        vm.prank(dao);
        nodes.slash(operator2, 1e18, "judged");
        index = signer2 < signer3 ? 0 : 1;
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__InactiveNode.selector, index, operator2)
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    /// Someone copies a pending fulfilment and lands it first: the signers are paid all the same,
    /// the copier nothing, and the original is refused without spending anyone's fee.
    function test_FulfillCopiedFromTheMempool_PaysTheSigners() public {
        uint256 id = post(10e18, 2);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        address copier = makeAddr("copier");
        vm.prank(copier);
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
        assertEq(requests.earned(copier), 0);
        assertEq(requests.earned(operator) + requests.earned(operator2), 10e18);
        vm.prank(makeAddr("transmitter"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRequests.OracleRequests__NotOpen.selector, id, IOracleRequests.Status.Finalized
            )
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
    }

    // ------------------------------------------------------------------ dissent

    function test_Fulfill_RecordsTheDissentingNode() public {
        uint256 id = post(9e18, 2);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        OracleRequests.Dissent[] memory dissents = new OracleRequests.Dissent[](1);
        bytes32 wrong = keccak256("a wrong page");
        dissents[0] = IOracleRequests.Dissent(wrong, CONFIG, signResult(NODE3_KEY, result(id, wrong)));
        vm.expectEmit(address(requests));
        emit IOracleRequests.Dissented(id, operator3, wrong, CONFIG);
        requests.fulfill(id, PAGE, CONFIG, sigs, dissents);
        assertEq(requests.earned(operator3), 0, "the outvoted node is not paid");
        assertEq(requests.earned(operator) + requests.earned(operator2), 9e18);
    }

    function test_RevertWhen_ADissentIsNone() public {
        uint256 id = post(1e18, 1);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        OracleRequests.Dissent[] memory dissents = new OracleRequests.Dissent[](1);
        dissents[0] = IOracleRequests.Dissent(PAGE, CONFIG, signResult(NODE3_KEY, result(id, PAGE)));
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__NotADissent.selector, 0));
        requests.fulfill(id, PAGE, CONFIG, sigs, dissents);
    }

    /// A key that signed both the agreed result and another one equivocated: the dissent is
    /// refused here, and the two signatures slash the node on the registry.
    function test_AKeySigningBothSides_IsRefusedAndSlashable() public {
        uint256 id = post(1e18, 1);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY));
        bytes32 wrong = keccak256("a wrong page");
        bytes memory other = signResult(NODE_KEY, result(id, wrong));
        OracleRequests.Dissent[] memory dissents = new OracleRequests.Dissent[](1);
        dissents[0] = IOracleRequests.Dissent(wrong, CONFIG, other);
        vm.expectRevert(
            abi.encodeWithSelector(IOracleRequests.OracleRequests__SignerAgreed.selector, 0, signer)
        );
        requests.fulfill(id, PAGE, CONFIG, sigs, dissents);
        vm.prank(reporter);
        uint256 slashed = nodes.reportEquivocation(
            result(id, PAGE), signResult(NODE_KEY, result(id, PAGE)), result(id, wrong), other
        );
        assertGt(slashed, 0);
        assertFalse(nodes.isActive(operator));
    }

    // ------------------------------------------------------------------ deadline

    function test_NoQuorumByTheDeadline_RefundsTheConsumer() public {
        uint256 id = post(5e18, 3);
        uint64 dl = requests.request(id).deadline;
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__StillOpen.selector, id, dl));
        requests.refund(id);
        vm.warp(dl + 1);
        bytes[] memory sigs = signatures(id, PAGE, keysOf(NODE_KEY, NODE2_KEY, NODE3_KEY));
        vm.expectRevert(abi.encodeWithSelector(IOracleRequests.OracleRequests__Expired.selector, id, dl));
        requests.fulfill(id, PAGE, CONFIG, sigs, noDissents());
        uint256 before = masa.balanceOf(consumer);
        vm.prank(makeAddr("anyone"));
        requests.refund(id);
        assertEq(masa.balanceOf(consumer), before + 5e18);
        assertEq(masa.balanceOf(address(requests)), 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOracleRequests.OracleRequests__NotOpen.selector, id, IOracleRequests.Status.Refunded
            )
        );
        requests.refund(id);
    }

    // ------------------------------------------------------------------ fuzz

    /// Every fee is split exactly: Σ earned = fee, each agreeing node gets ⌊fee / n⌋ or more.
    function testFuzz_FeeSplitIsExact(uint256 fee, uint8 n) public {
        n = uint8(bound(n, 1, 3));
        fee = bound(fee, 0, masa.balanceOf(consumer));
        uint256 id = post(fee, n);
        uint256[] memory all = keysOf(NODE_KEY, NODE2_KEY, NODE3_KEY);
        uint256[] memory keys = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            keys[i] = all[i];
        }
        requests.fulfill(id, PAGE, CONFIG, signatures(id, PAGE, keys), noDissents());
        uint256 sum = requests.earned(operator) + requests.earned(operator2) + requests.earned(operator3);
        assertEq(sum, fee);
        for (uint256 i; i < n; ++i) {
            assertGe(requests.earned(operatorOfKey(keys[i])), fee / n);
        }
    }

    function ecrecoverOf(bytes32 digest, bytes memory sig) internal pure returns (address) {
        (bytes32 r, bytes32 s) = (bytes32(0), bytes32(0));
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        return ecrecover(digest, v, r, s);
    }
}
