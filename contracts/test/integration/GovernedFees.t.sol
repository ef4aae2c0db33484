// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {MasaGovernor} from "../../src/governance/MasaGovernor.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {UniswapV2Fixture} from "../fees/UniswapV2Fixture.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @dev The DAO changes the burn share of the fee router: delegate, propose, vote, queue, wait,
/// execute, and the next fee is split the new way.
contract GovernedFeesTest is UniswapV2Fixture {
    MasaToken internal masa;
    TimelockController internal timelock;
    MasaGovernor internal governor;
    FeeRouter internal feeRouter;
    address internal voter = makeAddr("voter");
    address internal payer = makeAddr("payer");
    address internal treasury = makeAddr("treasury");

    function setUp() public {
        vm.warp(1_750_000_000);
        masa = new MasaToken(address(this));
        _deployUniswap();
        timelock = new TimelockController(2 days, new address[](0), new address[](1), address(this));
        governor =
            new MasaGovernor(masa, timelock, MasaGovernor.Config(1 days, 7 days, 1_000_000e18, 4, 1 days));
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));
        feeRouter = new FeeRouter(
            address(masa),
            address(router),
            weth,
            address(timelock),
            IFeeRouter.Shares(1_000, 3_000, 2_000, 3_000, 1_000),
            IFeeRouter.Recipients(
                makeAddr("oracle"), makeAddr("validators"), makeAddr("contributors"), treasury
            )
        );
        assertTrue(masa.transfer(voter, 200_000_000e18));
        assertTrue(masa.transfer(payer, 1_000_000e18));
        vm.prank(voter);
        masa.delegate(voter);
        vm.prank(payer);
        masa.approve(address(feeRouter), type(uint256).max);
        vm.warp(block.timestamp + 1);
    }

    function _payAndMeasureBurn(uint256 fee) internal returns (uint256 burned) {
        uint256 supply = masa.totalSupply();
        vm.prank(payer);
        feeRouter.payFee(address(masa), fee, 0, block.timestamp, "data-use");
        burned = supply - masa.totalSupply();
    }

    function test_DaoRaisesTheBurnShare() public {
        assertEq(_payAndMeasureBurn(1_000e18), 100e18, "10% burned before");

        address[] memory targets = new address[](1);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        targets[0] = address(feeRouter);
        calldatas[0] =
            abi.encodeCall(FeeRouter.setShares, (IFeeRouter.Shares(5_000, 2_000, 1_000, 1_000, 1_000)));
        string memory description = "Burn half of every fee";
        bytes32 descriptionHash = keccak256(bytes(description));

        vm.prank(voter);
        uint256 id = governor.propose(targets, values, calldatas, description);
        vm.warp(block.timestamp + 1 days + 1);
        vm.prank(voter);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        governor.queue(targets, values, calldatas, descriptionHash);
        assertEq(_payAndMeasureBurn(1_000e18), 100e18, "unchanged while queued");
        vm.warp(block.timestamp + 2 days);
        governor.execute(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Executed));

        assertEq(feeRouter.shares().burnBps, 5_000);
        assertEq(_payAndMeasureBurn(1_000e18), 500e18, "50% burned after");
        assertEq(masa.balanceOf(treasury), 100e18 + 100e18 + 100e18);
    }
}
