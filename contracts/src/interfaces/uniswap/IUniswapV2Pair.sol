// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV2Pair
/// @notice The part of a Uniswap V2 pair (npm `@uniswap/v2-core`) the Masa suite and its tests call.
interface IUniswapV2Pair {
    /// @notice The lower-sorted token of the pair.
    function token0() external view returns (address);

    /// @notice The higher-sorted token of the pair.
    function token1() external view returns (address);

    /// @notice The reserves as of the last interaction with the pair.
    function getReserves()
        external
        view
        returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);

    /// @notice Mints liquidity for the tokens sent to the pair since the last interaction.
    function mint(address to) external returns (uint256 liquidity);
}
