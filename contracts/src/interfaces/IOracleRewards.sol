// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "./IMasaVesting.sol";
import {IOracleNodes} from "./IOracleNodes.sol";

/// @title IOracleRewards
/// @notice The oracle nodes' rewards: everything this contract receives is distributed to the
/// active nodes pro rata to their active stake over time, and each operator claims its share.
///
/// **What it receives.** The genesis table's oracle node staking wallet (66,032,028 MASA vesting
/// linearly over 730 days from the oracle launch, so 66,032,028e18 / 63,072,000 s ≈ 1.04693 MASA
/// per second) names this contract its beneficiary ({acceptSource}); what that wallet has vested
/// counts as received the moment it vests, and is released from it when a claim needs it. The fee
/// router's oracle share, and anything else sent here, counts when it arrives. Nothing is ever
/// promised beyond that: emission is bounded by the wallet's schedule, which never vests more than
/// its allocation, so rate × duration ≤ budget by construction.
///
/// **Formula** (stake-weighted, as Synthetix's StakingRewards, with the weight read from
/// {IOracleNodes.activeStake}): a reward-per-weight accumulator with 18 extra decimals; on every
/// update the MASA received since the previous one is divided by the total weight of that
/// interval. A node's weight is its stake while it is active and zero otherwise (unstaked, below
/// the minimum, unbonding or jailed), so a node earns only while it may answer. Weights are
/// re-read at every stake change of the node registry (which calls {sync}) and by anyone's
/// {sync}: a change that needs no transaction (an unbonding that lapsed, a jail that ended, a
/// minimum raised by governance) counts from the next {sync} of that node. Work done is paid
/// separately, by the requests' fees.
///
/// **Nothing is lost.** While no node is active, what arrives waits and is distributed at the
/// next update with a node active; the accumulator's rounding remainder is carried to the next
/// update. received = claimed + owed + waiting + dust, dust < one wei per operator per update.
interface IOracleRewards {
    /// @notice `operator`'s weight is now `weight` (of `totalWeight`).
    event WeightSynced(address indexed operator, uint256 weight, uint256 totalWeight);

    /// @notice `amount` received since the last update was distributed (`waiting` kept for a
    /// later one: nobody active, or the rounding remainder).
    event Distributed(uint256 amount, uint256 waiting);

    /// @notice `operator` claimed `amount`.
    event RewardClaimed(address indexed operator, uint256 amount);

    /// @notice This contract became the beneficiary of the vesting wallet `source`.
    event SourceAccepted(address indexed source);

    /// @notice A constructor address was zero.
    error OracleRewards__ZeroAddress();
    /// @notice Nothing to claim.
    error OracleRewards__NothingToClaim(address operator);

    /// @notice Re-reads `operator`'s weight from the node registry (settling what it earned at
    /// the old one first). Anyone may call it.
    function sync(address operator) external;

    /// @notice Accepts the beneficiary role that the vesting wallet's beneficiary proposed to this
    /// contract. Anyone may call it.
    function acceptSource() external;

    /// @notice Pays the caller what its node earned.
    /// @return amount What was paid.
    function claim() external returns (uint256 amount);

    /// @notice What `operator` may claim now.
    function claimable(address operator) external view returns (uint256);

    /// @notice `operator`'s weight as last synced.
    function weightOf(address operator) external view returns (uint256);

    /// @notice Σ weights.
    function totalWeight() external view returns (uint256);

    /// @notice MASA received so far (vested by the source while this is its beneficiary, plus
    /// everything sent here).
    function received() external view returns (uint256);

    /// @notice MASA claimed so far.
    function claimed() external view returns (uint256);

    /// @notice The node registry the weights come from.
    function nodes() external view returns (IOracleNodes);

    /// @notice The vesting wallet that funds the rewards (zero if none).
    function source() external view returns (IMasaVesting);
}
