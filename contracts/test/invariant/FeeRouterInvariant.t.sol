// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IWrappedNative} from "../../src/interfaces/IWrappedNative.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {UniswapV2Fixture} from "../fees/UniswapV2Fixture.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";
import {TestERC20} from "../utils/TestERC20.sol";

/// @dev Drives random valid actions on a fee router over the real Uniswap V2: fees in MASA, in a
/// stablecoin and in the native coin (at 1% below the router's quote), traders moving the pool
/// price, governance changing the shares. Ghosts total what came in and what went out.
contract FeeRouterHandler is UniswapV2Fixture {
    MasaToken public masa;
    TestERC20 public usdc;
    FeeRouter public feeRouter;
    address public timelock = makeAddr("timelock");
    address public payer = makeAddr("payer");
    address[4] public recipients = [
        makeAddr("oracleRewards"),
        makeAddr("validatorRewards"),
        makeAddr("contributorRewards"),
        makeAddr("treasury")
    ];

    uint256 public ghostMasaIn; // MASA the fees became
    uint256 public ghostFees;
    uint256 public ghostLastSupply;
    bool public ghostSupplyIncreased;

    constructor() {
        masa = new MasaToken(address(this));
        usdc = new TestERC20("USD Coin", "USDC", 6);
        _deployUniswap();
        usdc.mint(address(this), 10_000_000e6);
        _seedPair(address(masa), address(usdc), 50_000_000e18, 5_000_000e6);
        vm.deal(address(this), 10_000 ether);
        IWrappedNative(weth).deposit{value: 1_000 ether}();
        _seedPair(weth, address(masa), 1_000 ether, 10_000_000e18);
        feeRouter = new FeeRouter(
            address(masa),
            address(router),
            weth,
            timelock,
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(recipients[0], recipients[1], recipients[2], recipients[3])
        );
        vm.startPrank(timelock);
        feeRouter.acceptToken(address(usdc), _path(address(usdc)));
        feeRouter.acceptToken(weth, _path(weth));
        vm.stopPrank();
        assertTrue(masa.transfer(payer, 100_000_000e18));
        usdc.mint(payer, 10_000_000e6);
        vm.deal(payer, 1_000 ether);
        vm.startPrank(payer);
        masa.approve(address(feeRouter), type(uint256).max);
        usdc.approve(address(feeRouter), type(uint256).max);
        vm.stopPrank();
        masa.approve(address(router), type(uint256).max);
        usdc.approve(address(router), type(uint256).max);
        ghostLastSupply = masa.totalSupply();
    }

    function _path(address token) internal view returns (address[] memory path) {
        path = new address[](2);
        path[0] = token;
        path[1] = address(masa);
    }

    function _afterAction() internal {
        uint256 supply = masa.totalSupply();
        if (supply > ghostLastSupply) ghostSupplyIncreased = true;
        ghostLastSupply = supply;
    }

    function payMasa(uint256 amount) external {
        amount = bound(amount, 1, 1_000_000e18);
        vm.prank(payer);
        ghostMasaIn += feeRouter.payFee(address(masa), amount, 0, block.timestamp, "masa");
        ++ghostFees;
        _afterAction();
    }

    function payStablecoin(uint256 amount) external {
        amount = bound(amount, 1e4, 100_000e6);
        uint256 minimum = router.getAmountsOut(amount, _path(address(usdc)))[1] * 99 / 100;
        vm.prank(payer);
        ghostMasaIn += feeRouter.payFee(address(usdc), amount, minimum, block.timestamp, "usdc");
        ++ghostFees;
        _afterAction();
    }

    function payNative(uint256 amount) external {
        amount = bound(amount, 1e12, 1 ether);
        uint256 minimum = router.getAmountsOut(amount, _path(weth))[1] * 99 / 100;
        vm.prank(payer);
        ghostMasaIn += feeRouter.payFeeNative{value: amount}(minimum, block.timestamp, "native");
        ++ghostFees;
        _afterAction();
    }

    /// A trader moves the MASA/USDC price either way.
    function trade(uint256 amount, bool buyMasa) external {
        address[] memory path = new address[](2);
        if (buyMasa) {
            amount = bound(amount, 1e6, 500_000e6);
            (path[0], path[1]) = (address(usdc), address(masa));
        } else {
            amount = bound(amount, 1e18, 5_000_000e18);
            (path[0], path[1]) = (address(masa), address(usdc));
        }
        router.swapExactTokensForTokens(amount, 0, path, address(this), block.timestamp);
        _afterAction();
    }

    function setBurnShare(uint16 burnBps) external {
        uint16 burn = uint16(bound(burnBps, 0, 10_000));
        uint16 rest = 10_000 - burn;
        uint16 oracle = rest / 3;
        uint16 validator = rest / 7;
        uint16 contributor = rest / 4;
        vm.prank(timelock);
        feeRouter.setShares(
            IFeeRouter.Shares(burn, oracle, validator, contributor, rest - oracle - validator - contributor)
        );
        _afterAction();
    }

    function distributed() public view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(recipients[i]);
        }
    }
}

contract FeeRouterInvariantTest is Test, InvariantTest {
    FeeRouterHandler internal handler;
    uint256 internal genesisSupply;

    function setUp() public {
        vm.warp(1_750_000_000);
        handler = new FeeRouterHandler();
        genesisSupply = handler.masa().totalSupply();
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = FeeRouterHandler.payMasa.selector;
        selectors[1] = FeeRouterHandler.payStablecoin.selector;
        selectors[2] = FeeRouterHandler.payNative.selector;
        selectors[3] = FeeRouterHandler.trade.selector;
        selectors[4] = FeeRouterHandler.setBurnShare.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Fees in (as MASA) == burned + distributed + carried dust.
    function invariant_EveryFeeWeiIsAccountedFor() public view {
        MasaToken masa = handler.masa();
        uint256 burned = genesisSupply - masa.totalSupply();
        assertEq(handler.ghostMasaIn(), burned + handler.distributed() + handler.feeRouter().dust());
    }

    /// The router holds exactly its carried dust in MASA, and nothing of any other fee token.
    function invariant_RouterHoldsOnlyDust() public view {
        FeeRouter feeRouter = handler.feeRouter();
        assertEq(handler.masa().balanceOf(address(feeRouter)), feeRouter.dust());
        assertEq(handler.usdc().balanceOf(address(feeRouter)), 0);
        assertEq(address(feeRouter).balance, 0);
        assertLt(feeRouter.dust(), 5);
    }

    /// MASA's total supply never goes up.
    function invariant_SupplyNeverIncreases() public view {
        assertFalse(handler.ghostSupplyIncreased());
        assertLe(handler.masa().totalSupply(), genesisSupply);
    }
}
