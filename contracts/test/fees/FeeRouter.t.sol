// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IWrappedNative} from "../../src/interfaces/IWrappedNative.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {FeeOnTransferERC20, TestERC20} from "../utils/TestERC20.sol";
import {UniswapV2Fixture} from "./UniswapV2Fixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @dev Shared set-up: MASA, a 6-decimal stablecoin, the real Uniswap V2 with MASA/USDC and
/// WETH/MASA pools, and a fee router owned by a stand-in for the DAO timelock.
abstract contract FeeRouterSetUp is UniswapV2Fixture {
    uint256 internal constant START = 1_750_000_000;
    bytes32 internal constant DATA_USE = keccak256("data-use");

    MasaToken internal masa;
    TestERC20 internal usdc;
    FeeRouter internal feeRouter;

    address internal timelock = makeAddr("timelock");
    address internal payer = makeAddr("payer");
    address internal oracleRewards = makeAddr("oracleRewards");
    address internal validatorRewards = makeAddr("validatorRewards");
    address internal contributorRewards = makeAddr("contributorRewards");
    address internal treasury = makeAddr("treasury");

    function setUp() public virtual {
        vm.warp(START);
        masa = new MasaToken(address(this));
        usdc = new TestERC20("USD Coin", "USDC", 6);
        _deployUniswap();

        usdc.mint(address(this), 1_000_000e6);
        _seedPair(address(masa), address(usdc), 10_000_000e18, 1_000_000e6); // 1 MASA = 0.10 USDC
        vm.deal(address(this), 1_000 ether);
        IWrappedNative(weth).deposit{value: 1_000 ether}();
        _seedPair(weth, address(masa), 1_000 ether, 10_000_000e18); // 1 ETH = 10,000 MASA

        feeRouter =
            new FeeRouter(address(masa), address(router), weth, timelock, _shares(2_000), _recipients());
        vm.startPrank(timelock);
        feeRouter.acceptToken(address(usdc), _path(address(usdc)));
        feeRouter.acceptToken(weth, _path(weth));
        vm.stopPrank();

        assertTrue(masa.transfer(payer, 1_000_000e18));
        usdc.mint(payer, 1_000_000e6);
        vm.deal(payer, 100 ether);
        vm.startPrank(payer);
        masa.approve(address(feeRouter), type(uint256).max);
        usdc.approve(address(feeRouter), type(uint256).max);
        vm.stopPrank();
    }

    /// burn `burnBps`, the rest 3/8 oracle, 1/8 validators, 3/8 contributors, 1/8 treasury.
    function _shares(uint16 burnBps) internal pure returns (IFeeRouter.Shares memory s) {
        uint16 rest = 10_000 - burnBps;
        s = IFeeRouter.Shares({
            burnBps: burnBps,
            oracleBps: rest * 3 / 8,
            validatorBps: rest / 8,
            contributorBps: rest * 3 / 8,
            treasuryBps: 0
        });
        s.treasuryBps = rest - s.oracleBps - s.validatorBps - s.contributorBps;
    }

    function _recipients() internal view returns (IFeeRouter.Recipients memory) {
        return IFeeRouter.Recipients({
            oracleRewards: oracleRewards,
            validatorRewards: validatorRewards,
            contributorRewards: contributorRewards,
            treasury: treasury
        });
    }

    function _path(address token) internal view returns (address[] memory path) {
        path = new address[](2);
        path[0] = token;
        path[1] = address(masa);
    }

    function _distributed() internal view returns (uint256) {
        return masa.balanceOf(oracleRewards) + masa.balanceOf(validatorRewards)
            + masa.balanceOf(contributorRewards) + masa.balanceOf(treasury);
    }
}

contract FeeRouterTest is FeeRouterSetUp {
    function test_RouterExpectsTheNpmPairBytecode() public view {
        assertEq(keccak256(vm.getCode("external/uniswap-v2/UniswapV2Pair.json")), PAIR_INIT_CODE_HASH);
    }

    function test_Configuration() public view {
        assertEq(feeRouter.owner(), timelock);
        assertEq(feeRouter.masa(), address(masa));
        assertEq(feeRouter.swapRouter(), address(router));
        assertEq(feeRouter.wrappedNative(), weth);
        assertEq(feeRouter.shares().burnBps, 2_000);
        assertEq(feeRouter.recipients().treasury, treasury);
        assertEq(feeRouter.pathOf(address(usdc))[1], address(masa));
    }

    function test_MasaFeeIsBurnedAndSplitExactly() public {
        uint256 supply = masa.totalSupply();
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(payer, address(masa), DATA_USE, 1_000e18, 1_000e18);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeeDistributed(200e18, 300e18, 100e18, 300e18, 100e18, 0);
        vm.prank(payer);
        uint256 routed = feeRouter.payFee(address(masa), 1_000e18, 0, block.timestamp, DATA_USE);
        assertEq(routed, 1_000e18);
        assertEq(masa.totalSupply(), supply - 200e18, "20% burned");
        assertEq(masa.balanceOf(oracleRewards), 300e18);
        assertEq(masa.balanceOf(validatorRewards), 100e18);
        assertEq(masa.balanceOf(contributorRewards), 300e18);
        assertEq(masa.balanceOf(treasury), 100e18);
        assertEq(masa.balanceOf(address(feeRouter)), 0);
    }

    function test_StablecoinFeeSwapsThroughTheRealRouter() public {
        uint256 fee = 50e6; // 50 USDC
        uint256 quoted = router.getAmountsOut(fee, _path(address(usdc)))[1]; // off-chain quote
        uint256 supply = masa.totalSupply();
        vm.prank(payer);
        uint256 routed = feeRouter.payFee(address(usdc), fee, quoted, block.timestamp + 60, DATA_USE);
        assertEq(routed, quoted, "the pool paid exactly the quote");
        assertGt(routed, 490e18, "about 500 MASA less the 0.3% pool fee and impact");
        uint256 burned = supply - masa.totalSupply();
        assertEq(burned, routed * 2_000 / 10_000);
        assertEq(burned + _distributed() + feeRouter.dust(), routed);
        assertEq(usdc.balanceOf(address(feeRouter)), 0);
    }

    function test_NativeFeeIsWrappedAndSwapped() public {
        uint256 quoted = router.getAmountsOut(0.01 ether, _path(weth))[1];
        vm.prank(payer);
        uint256 routed = feeRouter.payFeeNative{value: 0.01 ether}(quoted, block.timestamp, DATA_USE);
        assertEq(routed, quoted);
        assertEq(payer.balance, 100 ether - 0.01 ether);
        assertEq(address(feeRouter).balance, 0);
    }

    function test_RevertWhen_SlippageExceedsTheMinimum() public {
        uint256 quoted = router.getAmountsOut(50e6, _path(address(usdc)))[1];
        vm.prank(payer);
        vm.expectRevert(bytes("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"));
        feeRouter.payFee(address(usdc), 50e6, quoted + 1, block.timestamp, DATA_USE);
    }

    function test_RevertWhen_SandwichedPriceMovesBelowTheMinimum() public {
        uint256 quoted = router.getAmountsOut(50e6, _path(address(usdc)))[1];
        // an attacker front-runs with a large USDC -> MASA buy
        address attacker = makeAddr("attacker");
        usdc.mint(attacker, 200_000e6);
        vm.startPrank(attacker);
        usdc.approve(address(router), type(uint256).max);
        router.swapExactTokensForTokens(200_000e6, 0, _path(address(usdc)), attacker, block.timestamp);
        vm.stopPrank();
        vm.prank(payer);
        vm.expectRevert(bytes("UniswapV2Router: INSUFFICIENT_OUTPUT_AMOUNT"));
        feeRouter.payFee(address(usdc), 50e6, quoted * 995 / 1000, block.timestamp, DATA_USE);
    }

    function test_RevertWhen_DeadlineExpired() public {
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFeeRouter.FeeRouter__DeadlineExpired.selector, block.timestamp - 1, block.timestamp
            )
        );
        feeRouter.payFee(address(masa), 1e18, 0, block.timestamp - 1, DATA_USE);
    }

    function test_RevertWhen_TokenNotAccepted() public {
        TestERC20 other = new TestERC20("Other", "OTH", 18);
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(IFeeRouter.FeeRouter__TokenNotAccepted.selector, address(other))
        );
        feeRouter.payFee(address(other), 1e18, 0, block.timestamp, DATA_USE);
    }

    function test_RevertWhen_ZeroFee() public {
        vm.prank(payer);
        vm.expectRevert(IFeeRouter.FeeRouter__ZeroAmount.selector);
        feeRouter.payFee(address(masa), 0, 0, block.timestamp, DATA_USE);
    }

    function test_RevertWhen_FeeOnTransferToken() public {
        FeeOnTransferERC20 taxed = new FeeOnTransferERC20();
        vm.prank(timelock);
        feeRouter.acceptToken(address(taxed), _path(address(taxed)));
        taxed.mint(payer, 100e18);
        vm.startPrank(payer);
        taxed.approve(address(feeRouter), type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFeeRouter.FeeRouter__TransferAmountMismatch.selector, address(taxed), 100e18, 99e18
            )
        );
        feeRouter.payFee(address(taxed), 100e18, 0, block.timestamp, DATA_USE);
        vm.stopPrank();
    }

    function test_RevertWhen_NativeNotAccepted() public {
        FeeRouter onMasaChain = new FeeRouter(
            address(masa), address(router), address(0), timelock, _shares(2_000), _recipients()
        );
        vm.prank(payer);
        vm.expectRevert(IFeeRouter.FeeRouter__NativeNotAccepted.selector);
        onMasaChain.payFeeNative{value: 1 ether}(0, block.timestamp, DATA_USE);
    }

    function test_RevertWhen_SharesDoNotSum() public {
        IFeeRouter.Shares memory s = _shares(2_000);
        s.treasuryBps += 1;
        vm.prank(timelock);
        vm.expectRevert(abi.encodeWithSelector(IFeeRouter.FeeRouter__SharesDoNotSum.selector, 10_001));
        feeRouter.setShares(s);
    }

    function test_RevertWhen_InvalidPath() public {
        address[] memory wrongEnd = new address[](2);
        wrongEnd[0] = address(usdc);
        wrongEnd[1] = weth;
        vm.startPrank(timelock);
        vm.expectRevert(abi.encodeWithSelector(IFeeRouter.FeeRouter__InvalidPath.selector, address(usdc)));
        feeRouter.acceptToken(address(usdc), wrongEnd);
        vm.expectRevert(abi.encodeWithSelector(IFeeRouter.FeeRouter__InvalidPath.selector, address(masa)));
        feeRouter.acceptToken(address(masa), _path(address(masa)));
        vm.stopPrank();
    }

    function test_RevertWhen_NotTheOwner() public {
        bytes memory unauthorized = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, payer);
        vm.startPrank(payer);
        vm.expectRevert(unauthorized);
        feeRouter.setShares(_shares(10_000));
        vm.expectRevert(unauthorized);
        feeRouter.setRecipients(_recipients());
        vm.expectRevert(unauthorized);
        feeRouter.acceptToken(address(usdc), _path(address(usdc)));
        vm.expectRevert(unauthorized);
        feeRouter.removeToken(address(usdc));
        vm.expectRevert(unauthorized);
        feeRouter.setSwapRouter(payer);
        vm.stopPrank();
    }

    function test_RemovedTokenIsRefused() public {
        vm.prank(timelock);
        feeRouter.removeToken(address(usdc));
        vm.prank(payer);
        vm.expectRevert(
            abi.encodeWithSelector(IFeeRouter.FeeRouter__TokenNotAccepted.selector, address(usdc))
        );
        feeRouter.payFee(address(usdc), 1e6, 0, block.timestamp, DATA_USE);
    }

    function test_DustIsCarriedToTheNextFee() public {
        // 7 wei at 20/30/10/30/10 %: 1 + 2 + 0 + 2 + 0 = 5 routed, 2 carried
        vm.prank(payer);
        feeRouter.payFee(address(masa), 7, 0, block.timestamp, DATA_USE);
        assertEq(feeRouter.dust(), 2);
        assertEq(masa.balanceOf(address(feeRouter)), 2);
        // 13 more: 15 in total, all of it divides (3 + 4 + 1 + 4 + 1 = 13) except 2
        vm.prank(payer);
        feeRouter.payFee(address(masa), 13, 0, block.timestamp, DATA_USE);
        assertEq(feeRouter.dust(), 2);
        assertEq(_distributed() + (1_588_866_523e18 - masa.totalSupply()) + feeRouter.dust(), 20);
    }

    function testFuzz_EveryWeiIsBurnedDistributedOrCarried(uint96 fee, uint16 burnBps) public {
        uint256 amount = bound(fee, 1, 1_000_000e18);
        vm.prank(timelock);
        feeRouter.setShares(_shares(uint16(bound(burnBps, 0, 10_000))));
        uint256 supply = masa.totalSupply();
        vm.prank(payer);
        feeRouter.payFee(address(masa), amount, 0, block.timestamp, DATA_USE);
        uint256 burned = supply - masa.totalSupply();
        assertEq(burned + _distributed() + feeRouter.dust(), amount);
        assertLt(feeRouter.dust(), 5, "at most one wei per share is carried");
        assertEq(masa.balanceOf(address(feeRouter)), feeRouter.dust());
    }
}
