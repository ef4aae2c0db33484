// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV2Factory
/// @notice The part of the Uniswap V2 factory (npm `@uniswap/v2-core`) the Masa suite and its
/// tests call.
interface IUniswapV2Factory {
    /// @notice Creates the `tokenA`/`tokenB` pair (CREATE2, salt = the sorted tokens).
    /// @dev Reverts "UniswapV2: PAIR_EXISTS" if it exists, "UniswapV2: IDENTICAL_ADDRESSES" or
    /// "UniswapV2: ZERO_ADDRESS" for bad tokens.
    function createPair(address tokenA, address tokenB) external returns (address pair);

    /// @notice The `tokenA`/`tokenB` pair, or `address(0)` if there is none (either order).
    function getPair(address tokenA, address tokenB) external view returns (address pair);
}
