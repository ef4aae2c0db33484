// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "../../../src/interfaces/IMasaVesting.sol";
import {OracleRequests} from "../../../src/oracle/OracleRequests.sol";
import {OracleRewards} from "../../../src/oracle/OracleRewards.sol";
import {MasaVestingWallet} from "../../../src/token/MasaVestingWallet.sol";
import {OracleNodesFixture} from "./OracleNodesFixture.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";

/// @notice The whole oracle network over the real MASA token: the node registry, the request
/// book and the rewards, funded by a real vesting wallet with the genesis oracle schedule
/// (66,032,028 MASA linear over 730 days from now), wired as `masa deploy` wires them (the
/// wallet's beneficiary proposes the rewards, which accept; the registry tells the rewards of
/// every stake change). Three operators, each with a node key; a consumer with MASA.
abstract contract OracleNetworkFixture is OracleNodesFixture {
    uint256 internal constant NODE3_KEY = 0x0DE3;
    uint256 internal constant ALLOCATION = 66_032_028 ether;
    uint64 internal constant DURATION = 730 days;
    bytes32 internal constant WEB = keccak256("web:v1");

    OracleRequests internal requests;
    OracleRewards internal rewards;
    MasaVestingWallet internal wallet;
    address internal operator3 = makeAddr("operator3");
    address internal consumer = makeAddr("consumer");
    address internal signer3;
    uint64 internal launch;

    function setUp() public virtual override {
        super.setUp();
        signer3 = vm.addr(NODE3_KEY);
        launch = uint64(block.timestamp);
        wallet = MasaVestingWallet(Clones.clone(address(new MasaVestingWallet())));
        wallet.initialize(
            address(masa),
            address(this),
            ALLOCATION,
            IMasaVesting.Schedule(launch, 0, 0, DURATION, false),
            address(0),
            address(0)
        );
        require(masa.transfer(address(wallet), ALLOCATION), "funded");
        requests = new OracleRequests(masa, nodes);
        rewards = new OracleRewards(masa, nodes, wallet);
        wallet.proposeBeneficiary(address(rewards));
        rewards.acceptSource();
        nodes.setRewards(address(rewards));

        require(masa.transfer(operator3, 2_000_000e18), "funded");
        vm.prank(operator3);
        masa.approve(address(nodes), type(uint256).max);
        require(masa.transfer(consumer, 1_000_000e18), "funded");
        vm.prank(consumer);
        masa.approve(address(requests), type(uint256).max);
    }

    /// The three nodes join with `stakes` each.
    function joinAll(uint256 stake1, uint256 stake2, uint256 stake3) internal {
        join(operator, NODE_KEY, stake1);
        join(operator2, NODE2_KEY, stake2);
        join(operator3, NODE3_KEY, stake3);
    }

    /// The consumer posts a web request with `fee` and `quorum`, open for an hour.
    function post(uint256 fee, uint8 quorum) internal returns (uint256) {
        vm.prank(consumer);
        return
            requests.post(
                WEB, keccak256("https://example.org"), "https://example.org", fee, quorum, deadline()
            );
    }

    function deadline() internal view returns (uint64) {
        return uint64(block.timestamp + 1 hours);
    }

    /// `keys`' signatures of `resultHash` for `requestId`, sorted by signer ascending (as
    /// `fulfill` takes them).
    function signatures(uint256 requestId, bytes32 resultHash, uint256[] memory keys)
        internal
        view
        returns (bytes[] memory sigs)
    {
        keys = sortedBySigner(keys);
        sigs = new bytes[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            sigs[i] = signResult(keys[i], result(requestId, resultHash));
        }
    }

    function sortedBySigner(uint256[] memory keys) internal pure returns (uint256[] memory) {
        for (uint256 i = 1; i < keys.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(keys[j]) < vm.addr(keys[j - 1]); --j) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
            }
        }
        return keys;
    }

    function keysOf(uint256 a, uint256 b) internal pure returns (uint256[] memory keys) {
        keys = new uint256[](2);
        (keys[0], keys[1]) = (a, b);
    }

    function keysOf(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory keys) {
        keys = new uint256[](3);
        (keys[0], keys[1], keys[2]) = (a, b, c);
    }

    function operatorOfKey(uint256 key) internal view returns (address) {
        return nodes.operatorOf(vm.addr(key));
    }

    function noDissents() internal pure returns (OracleRequests.Dissent[] memory) {}

    /// What the genesis oracle schedule has vested at `t`.
    function vested(uint256 t) internal view returns (uint256) {
        if (t <= launch) return 0;
        if (t >= launch + DURATION) return ALLOCATION;
        return ALLOCATION * (t - launch) / DURATION;
    }
}
