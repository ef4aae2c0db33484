// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "../interfaces/IMasaVesting.sol";
import {IOracleNodes} from "../interfaces/IOracleNodes.sol";
import {IOracleRewards} from "../interfaces/IOracleRewards.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title OracleRewards
/// @notice The oracle nodes' stake-weighted rewards. See {IOracleRewards}.
/// @dev
/// - **Accounting.** received = balance + claimed + what the source could release to us now;
///   every update counts `received − counted` as new, adds it to what waits, and moves
///   ⌊waiting · 1e18 / totalWeight⌋ per unit of weight into the accumulator (the remainder keeps
///   waiting). So Σ claimable + waiting ≤ received − claimed ≤ balance + releasable, and a claim
///   is always payable (releasing from the source when the balance alone falls short).
/// - **Weights** change only in {sync}, after the accumulator is brought up to now and the
///   operator settled, so each interval's MASA is split among exactly the weights of that
///   interval.
/// - No owner: the source and the registry are fixed at construction.
contract OracleRewards is IOracleRewards, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _PRECISION = 1e18;

    struct Account {
        uint256 weight;
        uint256 paidPerWeight;
        uint256 owed;
    }

    IERC20 private immutable _masa;
    IOracleNodes private immutable _nodes;
    IMasaVesting private immutable _source;

    mapping(address operator => Account) private _accounts;
    uint256 private _totalWeight;
    uint256 private _accPerWeight;
    uint256 private _counted;
    uint256 private _waiting;
    uint256 private _claimed;

    /// @notice Creates the rewards.
    /// @param masa_ MASA, the reward token.
    /// @param nodes_ The node registry the weights come from.
    /// @param source_ The vesting wallet funding the rewards (the genesis oracle staking wallet),
    /// or zero for none.
    constructor(IERC20 masa_, IOracleNodes nodes_, IMasaVesting source_) {
        if (address(masa_) == address(0) || address(nodes_) == address(0)) {
            revert OracleRewards__ZeroAddress();
        }
        (_masa, _nodes, _source) = (masa_, nodes_, source_);
    }

    /// @inheritdoc IOracleRewards
    function sync(address operator) external nonReentrant {
        _update();
        Account storage a = _settle(operator);
        uint256 weight = _nodes.activeStake(operator);
        _totalWeight = _totalWeight - a.weight + weight;
        a.weight = weight;
        emit WeightSynced(operator, weight, _totalWeight);
    }

    /// @inheritdoc IOracleRewards
    function acceptSource() external nonReentrant {
        _update();
        _source.acceptBeneficiary();
        emit SourceAccepted(address(_source));
    }

    /// @inheritdoc IOracleRewards
    function claim() external nonReentrant returns (uint256 amount) {
        _update();
        Account storage a = _settle(msg.sender);
        amount = a.owed;
        if (amount == 0) revert OracleRewards__NothingToClaim(msg.sender);
        a.owed = 0;
        _claimed += amount;
        emit RewardClaimed(msg.sender, amount);
        if (_masa.balanceOf(address(this)) < amount) _source.release();
        _masa.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IOracleRewards
    function claimable(address operator) external view returns (uint256) {
        uint256 acc = _accPerWeight;
        if (_totalWeight != 0) acc += (_waiting + received() - _counted) * _PRECISION / _totalWeight;
        Account storage a = _accounts[operator];
        return a.owed + a.weight * (acc - a.paidPerWeight) / _PRECISION;
    }

    /// @inheritdoc IOracleRewards
    function weightOf(address operator) external view returns (uint256) {
        return _accounts[operator].weight;
    }

    /// @inheritdoc IOracleRewards
    function totalWeight() external view returns (uint256) {
        return _totalWeight;
    }

    /// @inheritdoc IOracleRewards
    function received() public view returns (uint256 amount) {
        amount = _masa.balanceOf(address(this)) + _claimed;
        if (address(_source) != address(0) && _source.beneficiary() == address(this)) {
            amount += _source.releasable();
        }
    }

    /// @inheritdoc IOracleRewards
    function claimed() external view returns (uint256) {
        return _claimed;
    }

    /// @inheritdoc IOracleRewards
    function nodes() external view returns (IOracleNodes) {
        return _nodes;
    }

    /// @inheritdoc IOracleRewards
    function source() external view returns (IMasaVesting) {
        return _source;
    }

    /// Counts what arrived since the last update and distributes what waits over the weights.
    function _update() private {
        uint256 total = received();
        uint256 fresh = total - _counted;
        _counted = total;
        uint256 pool = _waiting + fresh;
        uint256 weight = _totalWeight;
        if (pool == 0 || weight == 0) {
            _waiting = pool;
            return;
        }
        uint256 perWeight = pool * _PRECISION / weight;
        uint256 used = perWeight * weight / _PRECISION;
        _accPerWeight += perWeight;
        _waiting = pool - used;
        if (fresh != 0) emit Distributed(used, _waiting);
    }

    /// Adds what `operator` earned since its last settlement to what it is owed.
    function _settle(address operator) private returns (Account storage a) {
        a = _accounts[operator];
        a.owed += a.weight * (_accPerWeight - a.paidPerWeight) / _PRECISION;
        a.paidPerWeight = _accPerWeight;
    }
}
