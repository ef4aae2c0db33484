// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV2Router02
/// @notice The part of the Uniswap V2 router (npm `@uniswap/v2-periphery`) the fee router calls.
interface IUniswapV2Router02 {
    /// @notice Swaps exactly `amountIn` of `path[0]` for at least `amountOutMin` of the last token.
    /// @dev Reverts "UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT" below the minimum and
    /// "UniswapV2Router: EXPIRED" after `deadline`.
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);

    /// @notice The output amounts of a swap along `path` at the current reserves.
    function getAmountsOut(uint256 amountIn, address[] calldata path) external view returns (uint256[] memory);

    /// @notice The factory whose pairs the router trades on.
    function factory() external pure returns (address);

    /// @notice The wrapped native coin.
    function WETH() external pure returns (address);
}
