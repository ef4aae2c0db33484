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
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @dev Drives random valid actions on a fee router over the real Uniswap V2: fees in MASA, in a
/// stablecoin (direct path), in a second token routed through the wrapped native coin (two
/// hops) and in the native coin, each at 1% below the router's quote; traders moving the pool
/// prices; governance changing the shares and the recipients. Ghosts total what came in and
/// what was burned, and flag any swap that did not pay exactly the quote.
contract FeeRouterHandler is UniswapV2Fixture {
    MasaToken public masa;
    TestERC20 public usdc;
    TestERC20 public dai;
    FeeRouter public feeRouter;
    address public timelock = makeAddr("timelock");
    address public payer = makeAddr("payer");
    /// Governance picks the four recipients among these (so distributed = their sum).
    address[6] public recipientPool = [
        makeAddr("oracleRewards"),
        makeAddr("validatorRewards"),
        makeAddr("contributorRewards"),
        makeAddr("treasury"),
        makeAddr("newRewardsContract"),
        makeAddr("newTreasury")
    ];

    uint256 public ghostMasaIn; // the MASA the fees became (fees in, in MASA terms)
    uint256 public ghostBurnedByFees; // supply drops observed across fee payments
    uint256 public ghostFees;
    uint256 public ghostLastSupply;
    bool public ghostSupplyIncreased;
    bool public ghostSwapOffQuote; // a swap paid other than the router's quote for that block

    constructor() {
        masa = new MasaToken(address(this));
        usdc = new TestERC20("USD Coin", "USDC", 6);
        dai = new TestERC20("Dai", "DAI", 18);
        _deployUniswap();
        usdc.mint(address(this), 10_000_000e6);
        _seedPair(address(masa), address(usdc), 50_000_000e18, 5_000_000e6);
        vm.deal(address(this), 10_000 ether);
        IWrappedNative(weth).deposit{value: 2_000 ether}();
        _seedPair(weth, address(masa), 1_000 ether, 10_000_000e18);
        dai.mint(address(this), 2_500_000e18);
        _seedPair(address(dai), weth, 2_500_000e18, 1_000 ether);
        feeRouter = new FeeRouter(
            address(masa),
            address(router),
            weth,
            timelock,
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(recipientPool[0], recipientPool[1], recipientPool[2], recipientPool[3])
        );
        vm.startPrank(timelock);
        feeRouter.acceptToken(address(usdc), _path(address(usdc)));
        feeRouter.acceptToken(weth, _path(weth));
        address[] memory viaWeth = new address[](3);
        (viaWeth[0], viaWeth[1], viaWeth[2]) = (address(dai), weth, address(masa));
        feeRouter.acceptToken(address(dai), viaWeth);
        vm.stopPrank();
        assertTrue(masa.transfer(payer, 100_000_000e18));
        usdc.mint(payer, 10_000_000e6);
        dai.mint(payer, 10_000_000e18);
        vm.deal(payer, 1_000 ether);
        vm.startPrank(payer);
        masa.approve(address(feeRouter), type(uint256).max);
        usdc.approve(address(feeRouter), type(uint256).max);
        dai.approve(address(feeRouter), type(uint256).max);
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

    /// Pays `amount` of `token` (`address(0)`: native) at 1% below the quote; checks the quote.
    function _pay(address token, uint256 amount, bytes32 kind) internal {
        uint256 quoted;
        if (token != address(masa)) {
            address[] memory path = feeRouter.pathOf(token == address(0) ? weth : token);
            uint256[] memory amounts = router.getAmountsOut(amount, path);
            quoted = amounts[amounts.length - 1];
        }
        uint256 supply = masa.totalSupply();
        vm.prank(payer);
        uint256 routed = token == address(0)
            ? feeRouter.payFeeNative{value: amount}(quoted * 99 / 100, block.timestamp, kind)
            : feeRouter.payFee(token, amount, quoted * 99 / 100, block.timestamp, kind);
        if (token == address(masa) ? routed != amount : routed != quoted) ghostSwapOffQuote = true;
        ghostMasaIn += routed;
        ghostBurnedByFees += supply - masa.totalSupply();
        ++ghostFees;
        _afterAction();
    }

    function _afterAction() internal {
        uint256 supply = masa.totalSupply();
        if (supply > ghostLastSupply) ghostSupplyIncreased = true;
        ghostLastSupply = supply;
    }

    function payMasa(uint256 amount) external {
        _pay(address(masa), bound(amount, 1, 1_000_000e18), "masa");
    }

    function payStablecoin(uint256 amount) external {
        _pay(address(usdc), bound(amount, 1e4, 100_000e6), "usdc");
    }

    function payViaWrappedNative(uint256 amount) external {
        _pay(address(dai), bound(amount, 1e15, 100_000e18), "dai");
    }

    function payNative(uint256 amount) external {
        _pay(address(0), bound(amount, 1e12, 1 ether), "native");
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

    /// Governance sets any split summing to 10,000 (each share drawn from what is left).
    function setShares(uint16 burnBps, uint16 oracleBps, uint16 validatorBps, uint16 contributorBps)
        external
    {
        uint16 left = 10_000;
        uint16 burn = uint16(bound(burnBps, 0, left));
        left -= burn;
        uint16 oracle = uint16(bound(oracleBps, 0, left));
        left -= oracle;
        uint16 validator = uint16(bound(validatorBps, 0, left));
        left -= validator;
        uint16 contributor = uint16(bound(contributorBps, 0, left));
        vm.prank(timelock);
        feeRouter.setShares(IFeeRouter.Shares(burn, oracle, validator, contributor, left - contributor));
        _afterAction();
    }

    /// Governance re-points the recipients within the pool (two may coincide).
    function setRecipients(uint256 seed) external {
        vm.prank(timelock);
        feeRouter.setRecipients(
            IFeeRouter.Recipients(
                recipientPool[seed % 6],
                recipientPool[(seed >> 8) % 6],
                recipientPool[(seed >> 16) % 6],
                recipientPool[(seed >> 24) % 6]
            )
        );
        _afterAction();
    }

    function distributed() public view returns (uint256 total) {
        for (uint256 i; i < 6; ++i) {
            total += masa.balanceOf(recipientPool[i]);
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
        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = FeeRouterHandler.payMasa.selector;
        selectors[1] = FeeRouterHandler.payStablecoin.selector;
        selectors[2] = FeeRouterHandler.payViaWrappedNative.selector;
        selectors[3] = FeeRouterHandler.payNative.selector;
        selectors[4] = FeeRouterHandler.trade.selector;
        selectors[5] = FeeRouterHandler.setShares.selector;
        selectors[6] = FeeRouterHandler.setRecipients.selector;
        selectors[7] = FeeRouterHandler.payMasa.selector; // MASA fees twice as likely
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Fees in (as MASA) == burned + distributed + carried dust.
    function invariant_EveryFeeWeiIsAccountedFor() public view {
        uint256 burned = genesisSupply - handler.masa().totalSupply();
        assertEq(handler.ghostMasaIn(), burned + handler.distributed() + handler.feeRouter().dust());
    }

    /// Only fees burn MASA here, and what they burned is what the supply lost.
    function invariant_BurnsAreTheFeesBurns() public view {
        assertEq(genesisSupply - handler.masa().totalSupply(), handler.ghostBurnedByFees());
    }

    /// The router holds exactly its carried dust in MASA, and nothing of any other fee token.
    function invariant_RouterHoldsOnlyDust() public view {
        FeeRouter feeRouter = handler.feeRouter();
        assertEq(handler.masa().balanceOf(address(feeRouter)), feeRouter.dust());
        assertEq(handler.usdc().balanceOf(address(feeRouter)), 0);
        assertEq(handler.dai().balanceOf(address(feeRouter)), 0);
        assertEq(IERC20(feeRouter.wrappedNative()).balanceOf(address(feeRouter)), 0);
        assertEq(address(feeRouter).balance, 0);
        assertLt(feeRouter.dust(), 5);
    }

    /// Every swapped fee became exactly the router's quote for its block (none was skimmed).
    function invariant_SwapsPayTheQuote() public view {
        assertFalse(handler.ghostSwapOffQuote());
    }

    /// MASA's total supply never goes up.
    function invariant_SupplyNeverIncreases() public view {
        assertFalse(handler.ghostSupplyIncreased());
        assertLe(handler.masa().totalSupply(), genesisSupply);
    }
}
