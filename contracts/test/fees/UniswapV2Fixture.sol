// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV2Factory} from "../../src/interfaces/uniswap/IUniswapV2Factory.sol";
import {IUniswapV2Pair} from "../../src/interfaces/uniswap/IUniswapV2Pair.sol";
import {IUniswapV2Router02} from "../../src/interfaces/uniswap/IUniswapV2Router02.sol";
import {Test} from "../utils/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title UniswapV2Fixture
/// @notice Deploys the real Uniswap V2 factory, WETH9 and router02 from the npm packages' build
/// artifacts as published (npm v2-core and v2-periphery) and seeds pairs. No mock:
/// swaps run the audited contracts. (`external/uniswap-v2` holds the same bytecode reshaped for
/// the Rust bindings; `FeeRouterTest` checks that the two agree.)
abstract contract UniswapV2Fixture is Test {
    /// @dev keccak256 of the UniswapV2Pair creation code, hard-coded in the router's library.
    bytes32 internal constant PAIR_INIT_CODE_HASH =
        0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f;

    string internal constant UNISWAP_V2_CORE = "../node_modules/@uniswap/v2-core/build/";
    string internal constant UNISWAP_V2_PERIPHERY = "../node_modules/@uniswap/v2-periphery/build/";

    IUniswapV2Factory internal factory;
    IUniswapV2Router02 internal router;
    address internal weth;

    /// @dev The creation bytecode of a Waffle build artifact of the npm packages, e.g.
    /// `_npmCreationCode(UNISWAP_V2_CORE, "UniswapV2Pair")`.
    function _npmCreationCode(string memory build, string memory name) internal view returns (bytes memory) {
        return vm.parseJsonBytes(vm.readFile(string.concat(build, name, ".json")), ".evm.bytecode.object");
    }

    function _deploy(bytes memory initCode) internal returns (address deployed) {
        assembly {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(deployed != address(0), "deployment failed");
    }

    function _deployUniswap() internal {
        factory = IUniswapV2Factory(
            _deploy(
                abi.encodePacked(
                    _npmCreationCode(UNISWAP_V2_CORE, "UniswapV2Factory"), abi.encode(address(this))
                )
            )
        );
        weth = _deploy(_npmCreationCode(UNISWAP_V2_PERIPHERY, "WETH9"));
        router = IUniswapV2Router02(
            _deploy(
                abi.encodePacked(
                    _npmCreationCode(UNISWAP_V2_PERIPHERY, "UniswapV2Router02"),
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
        IUniswapV2Pair(pair).mint(address(this));
    }

    /// @dev The Uniswap V2 output for `amountIn` of `tokenIn` in `pair`, from its reserves and the
    /// constant-product formula with the 0.3% fee (computed here, independently of the router).
    function _constantProductOut(address pair, address tokenIn, uint256 amountIn)
        internal
        view
        returns (uint256)
    {
        (uint112 reserve0, uint112 reserve1,) = IUniswapV2Pair(pair).getReserves();
        (uint256 reserveIn, uint256 reserveOut) = IUniswapV2Pair(pair).token0() == tokenIn
            ? (uint256(reserve0), uint256(reserve1))
            : (uint256(reserve1), uint256(reserve0));
        uint256 amountInWithFee = amountIn * 997;
        return amountInWithFee * reserveOut / (reserveIn * 1000 + amountInWithFee);
    }
}
