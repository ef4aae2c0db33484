// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDataPools} from "../../src/interfaces/IDataPools.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {DataPoolsFixture} from "./utils/DataPoolsFixture.sol";

/// @notice Gas of each pools operation, for the gas snapshot (`forge snapshot`: a test's gas
/// excludes `setUp`, so each test below is one operation plus the test's own small overhead).
/// A pool runs with alice staked for 100 s (she claimed once at 50 s, so the figures are a pool's
/// steady state, not its first writes); bob and carol have their disclosures ready. Stakes use
/// the registry's verifier double: add the Groth16 verifier's own cost (about 230k gas,
/// DisclosureVerifier.t.sol) for the real figure.
contract DataPoolsGasTest is DataPoolsFixture {
    uint256 internal poolId;
    uint256 internal aliceStake;
    IZkSBT.Disclosure internal bobDirect;
    IZkSBT.Disclosure internal carolAnon;
    IDataPools.PoolConfig internal nextPool;

    function setUp() public override {
        super.setUp();
        uint64 t0 = uint64(block.timestamp);
        poolId = createPool(BUDGET);
        aliceStake = stakeDirect(poolId, alice);
        vm.warp(t0 + 50);
        claimAs(alice, poolId, aliceStake);
        vm.warp(t0 + 100);
        bobDirect = stakeDisclosure(poolId, bob, selfToken[bob], bob);
        carolAnon = stakeDisclosure(poolId, carol, 0, carol);
        nextPool = config(t0 + 100, t0 + 100 + 30 days);
    }

    /// A new pool: config stored (with its metadata URI), budget pulled, fee paid to the router
    /// (burn + 4 transfers).
    function test_Gas_CreatePool() public {
        vm.prank(developer);
        pools.createPool(nextPool, BUDGET);
    }

    /// A stake in direct mode into a pool with a staker (streams to the accumulator first).
    function test_Gas_Stake_Direct() public {
        vm.prank(bob);
        stakeWith(poolId, bobDirect);
    }

    /// A stake in anonymous mode.
    function test_Gas_Stake_Anonymous() public {
        vm.prank(carol);
        stakeWith(poolId, carolAnon);
    }

    /// A claim: stream, settle, one transfer.
    function test_Gas_Claim() public {
        vm.prank(alice);
        pools.claim(poolId, aliceStake);
    }

    /// The last staker leaves: claim, withdraw, and its dust goes to the developer's refund.
    function test_Gas_Unstake() public {
        vm.prank(alice);
        pools.unstake(poolId, aliceStake);
    }

    /// A top-up: budget pulled, fee paid to the router.
    function test_Gas_TopUp() public {
        vm.prank(developer);
        pools.topUp(poolId, BUDGET);
    }

    function test_Gas_Extend() public {
        vm.prank(developer);
        pools.extend(poolId, uint64(block.timestamp + 30 days));
    }

    /// An early end: stream, the rest refunded in one transfer.
    function test_Gas_End() public {
        vm.prank(developer);
        pools.end(poolId);
    }
}
