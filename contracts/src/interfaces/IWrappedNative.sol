// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IWrappedNative
/// @notice WETH9-style wrapper of a chain's native coin.
interface IWrappedNative {
    /// @notice Wraps `msg.value` native coin into as many wrapped tokens for the caller.
    function deposit() external payable;
}
