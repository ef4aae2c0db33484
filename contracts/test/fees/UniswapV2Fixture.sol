// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV2Router02} from "../../src/interfaces/uniswap/IUniswapV2Router02.sol";
import {Test} from "../utils/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IUniswapV2FactoryLike {
    function createPair(address tokenA, address tokenB) external returns (address pair);
    function getPair(address tokenA, address tokenB) external view returns (address pair);
}

interface IUniswapV2PairLike {
    function mint(address to) external returns (uint256 liquidity);
}

/// @title UniswapV2Fixture
/// @notice Deploys the real Uniswap V2 factory, WETH9 and router02 (npm build artifacts, via
/// `external/uniswap-v2`) and seeds pairs. No mock: swaps run the audited contracts.
abstract contract UniswapV2Fixture is Test {
    /// @dev keccak256 of the UniswapV2Pair creation code, hard-coded in the router's library.
    bytes32 internal constant PAIR_INIT_CODE_HASH =
        0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f;

    IUniswapV2FactoryLike internal factory;
    IUniswapV2Router02 internal router;
    address internal weth;

    function _deploy(bytes memory initCode) internal returns (address deployed) {
        assembly {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(deployed != address(0), "deployment failed");
    }

    function _deployUniswap() internal {
        factory = IUniswapV2FactoryLike(
            _deploy(
                abi.encodePacked(
                    vm.getCode("external/uniswap-v2/UniswapV2Factory.json"), abi.encode(address(this))
                )
            )
        );
        weth = _deploy(vm.getCode("external/uniswap-v2/WETH9.json"));
        router = IUniswapV2Router02(
            _deploy(
                abi.encodePacked(
                    vm.getCode("external/uniswap-v2/UniswapV2Router02.json"),
                    abi.encode(address(factory), weth)
                )
            )
        );
    }

    /// @dev Creates the `a`/`b` pair and deposits `amountA`/`amountB` (held by this contract).
    function _seedPair(address a, address b, uint256 amountA, uint256 amountB)
        internal
        returns (address pair)
    {
        pair = factory.getPair(a, b);
        if (pair == address(0)) pair = factory.createPair(a, b);
        assertTrue(IERC20(a).transfer(pair, amountA));
        assertTrue(IERC20(b).transfer(pair, amountB));
        IUniswapV2PairLike(pair).mint(address(this));
    }
}
