// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessTerms} from "../../interfaces/IAccessTerms.sol";

/// @title RateLimitTerms
/// @notice Reference terms module: at most `maxUsesPerPeriod` uses of a pass per period of
/// `period` seconds. Periods are fixed windows `[k * period, (k + 1) * period)` of the chain's
/// clock, counted per pass. One deployment is one rule (e.g. "3 uses a day") for every pass of one
/// passes contract that names it; an owner picks the deployment whose rule it wants.
/// @dev Only the passes contract may consume a pass's allowance (it calls after counting the
/// use); anyone else's call is refused, or a stranger could exhaust a developer's allowance.
contract RateLimitTerms is IAccessTerms {
    /// @notice A window of one pass: which period, and its uses so far.
    /// @param period The period index (`timestamp / period`) the count is for.
    /// @param uses Uses in that period.
    struct Window {
        uint64 period;
        uint32 uses;
    }

    /// @notice Use `useIndex` of `passId` was counted in period `periodIndex` (its `uses`-th there).
    event UseCounted(uint256 indexed passId, uint256 useIndex, uint256 periodIndex, uint256 uses);

    /// @notice A constructor argument is zero.
    error RateLimitTerms__InvalidConfig();
    /// @notice Only the passes contract may call.
    error RateLimitTerms__NotPasses(address caller, address passes);
    /// @notice `passId` had its `maxUses` uses this period; the next period starts at `nextPeriod`.
    error RateLimitTerms__RateLimited(uint256 passId, uint256 maxUses, uint256 nextPeriod);

    /// @notice The passes contract whose calls count.
    address public immutable passes;
    /// @notice The most uses per period.
    uint32 public immutable maxUsesPerPeriod;
    /// @notice The period, in seconds.
    uint64 public immutable period;

    mapping(uint256 passId => Window) private _windows;

    /// @param passes_ The passes contract.
    /// @param maxUsesPerPeriod_ The most uses per period (at least 1).
    /// @param period_ The period in seconds (at least 1).
    constructor(address passes_, uint32 maxUsesPerPeriod_, uint64 period_) {
        if (passes_ == address(0) || maxUsesPerPeriod_ == 0 || period_ == 0) {
            revert RateLimitTerms__InvalidConfig();
        }
        passes = passes_;
        maxUsesPerPeriod = maxUsesPerPeriod_;
        period = period_;
    }

    /// @inheritdoc IAccessTerms
    /// @dev Emits {UseCounted}. Reverts with {RateLimitTerms__NotPasses} or
    /// {RateLimitTerms__RateLimited}.
    function checkUse(uint256 passId, address, address, uint256 useIndex, bytes32) external {
        if (msg.sender != passes) revert RateLimitTerms__NotPasses(msg.sender, passes);
        // forge-lint: disable-next-line(block-timestamp)
        uint256 current = block.timestamp / period; // < 2^64: timestamps are
        Window memory w = _windows[passId];
        uint256 uses = w.period == current ? w.uses : 0;
        if (uses >= maxUsesPerPeriod) {
            revert RateLimitTerms__RateLimited(passId, maxUsesPerPeriod, (current + 1) * period);
        }
        ++uses;
        // forge-lint: disable-next-line(unsafe-typecast)
        _windows[passId] = Window(uint64(current), uint32(uses)); // < 2^64; <= maxUsesPerPeriod
        emit UseCounted(passId, useIndex, current, uses);
    }

    /// @notice The uses `passId` has left in the current period.
    function remaining(uint256 passId) external view returns (uint256) {
        Window memory w = _windows[passId];
        // forge-lint: disable-next-line(block-timestamp)
        uint256 uses = w.period == block.timestamp / period ? w.uses : 0;
        return maxUsesPerPeriod - uses;
    }
}
