// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDataPools} from "../../src/interfaces/IDataPools.sol";
import {IDeliveryVerifier} from "../../src/interfaces/IDeliveryVerifier.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {DataPools} from "../../src/pools/DataPools.sol";
import {DataPoolsFixture} from "./utils/DataPoolsFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/// @notice Data staking pools (issue 14, first part): creation and its fee through the real fee
/// router, every refusal, stakes in both modes through the real registry, and the reward math to
/// the wei.
/// @dev The cheatcodes this suite needs beyond `test/utils/Test.sol`'s `Vm`.
interface VmMocks {
    function mockCall(address callee, bytes calldata data, bytes calldata returnData) external;
    function clearMockedCalls() external;
}

contract DataPoolsTest is DataPoolsFixture {
    VmMocks internal constant MOCKS = VmMocks(address(vm));
    uint64 internal t0;

    function setUp() public override {
        super.setUp();
        t0 = uint64(block.timestamp);
    }

    // ------------------------------------------------------------------ deployment, governance

    function test_Constructor_WiresTheRegistryRouterAndMasa() public view {
        assertEq(address(pools.zkSBT()), address(sbt));
        assertEq(address(pools.deliveryVerifier()), address(deliveryVerifier));
        assertEq(pools.feeRouter(), address(feeRouter));
        assertEq(pools.masa(), address(masa));
        assertEq(pools.owner(), dao);
        assertEq(pools.createFeeBps(), FEE_BPS);
        assertEq(pools.poolCount(), 0);
    }

    function test_RevertWhen_ConstructorGetsZeroAddresses() public {
        vm.expectRevert(IDataPools.DataPools__ZeroAddress.selector);
        new DataPools(IZkSBT(address(0)), deliveryVerifier, feeRouter, dao, 0);
        vm.expectRevert(IDataPools.DataPools__ZeroAddress.selector);
        new DataPools(sbt, IDeliveryVerifier(address(0)), feeRouter, dao, 0);
        vm.expectRevert(IDataPools.DataPools__ZeroAddress.selector);
        new DataPools(sbt, deliveryVerifier, IFeeRouter(address(0)), dao, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableInvalidOwner.selector, address(0)));
        new DataPools(sbt, deliveryVerifier, feeRouter, address(0), 0);
    }

    function test_RevertWhen_ConstructorFeeTooHigh() public {
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__FeeTooHigh.selector, 1_001, 1_000));
        new DataPools(sbt, deliveryVerifier, feeRouter, dao, 1_001);
    }

    function test_SetCreateFee_ByTheOwner() public {
        vm.expectEmit(address(pools));
        emit IDataPools.CreateFeeSet(1_000);
        vm.prank(dao);
        pools.setCreateFee(1_000);
        assertEq(pools.createFeeBps(), 1_000);
        vm.prank(dao);
        pools.setCreateFee(0);
        assertEq(pools.createFeeBps(), 0);
    }

    function test_RevertWhen_SetCreateFeeNotOwner() public {
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, developer));
        pools.setCreateFee(0);
    }

    function test_RevertWhen_SetCreateFeeTooHigh() public {
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__FeeTooHigh.selector, 1_001, 1_000));
        pools.setCreateFee(1_001);
    }

    function test_RevertWhen_RenouncingOwnership() public {
        vm.prank(dao);
        vm.expectRevert(IDataPools.DataPools__RenounceDisabled.selector);
        pools.renounceOwnership();
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, developer));
        pools.renounceOwnership();
    }

    function test_OwnershipMovesInTwoSteps() public {
        address newDao = makeAddr("newDao");
        vm.prank(dao);
        pools.transferOwnership(newDao);
        assertEq(pools.owner(), dao, "not yet");
        vm.prank(newDao);
        pools.acceptOwnership();
        assertEq(pools.owner(), newDao);
    }

    // ------------------------------------------------------------------ create

    /// Everything the developer chose is stored and emitted; the budget is net of the fee.
    function test_CreatePool_StoresAndEmitsEverything() public {
        IDataPools.PoolConfig memory cfg = config(t0 + 10, t0 + 10 + DURATION);
        cfg.maxStakers = 7;
        cfg.statement.issuerSet = 42;
        cfg.statement.operator = 6;
        cfg.statement.operandB = 65;
        uint256 fee = BUDGET * FEE_BPS / 10_000;
        vm.expectEmit(address(pools));
        emit IDataPools.PoolCreated(1, developer, SELF, cfg, BUDGET - fee, fee);
        uint256 poolId = createPool(cfg, BUDGET);
        assertEq(poolId, 1);
        assertEq(pools.poolCount(), 1);

        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.developer, developer);
        assertEq(p.start, t0 + 10);
        assertEq(p.end, t0 + 10 + DURATION);
        assertEq(p.lastUpdate, t0 + 10);
        assertEq(p.maxStakers, 7);
        assertEq(p.remaining, BUDGET - fee);
        assertEq(p.funded, BUDGET - fee);
        assertEq(p.fees, fee);
        assertEq(p.paid + p.refunded + p.unallocated + p.stakers + p.totalStakes + p.rewardPerShare, 0);
        assertEq(p.statement.schemaId, SELF);
        assertEq(p.statement.issuerSet, 42);
        assertEq(p.statement.fieldIndex, AGE_FIELD);
        assertEq(p.statement.operator, 6);
        assertEq(p.statement.operandA, ADULT);
        assertEq(p.statement.operandB, 65);
        assertEq(p.metadataURI, "ipfs://adults-pool");
        assertEq(p.deliveryKeyX, KEY_X);
        assertEq(p.deliveryKeyY, KEY_Y);
        assertEq(pools.purposeOf(poolId), purpose(poolId));
        assertEq(pools.scopeOf(poolId), scope(poolId));
        assertEq(pools.scopeOf(poolId), sbt.scopeOf(address(pools), purpose(poolId)));
        assertEq(createPool(BUDGET), 2, "ids count up");
    }

    /// The fee goes through the fee router (burn share burned, the rest split); the pools
    /// contract keeps exactly the reward budget and no allowance is left behind.
    function test_CreatePool_FeeIsRoutedAndBurned() public {
        uint256 fee = BUDGET * FEE_BPS / 10_000; // 50 MASA
        uint256 supply = masa.totalSupply();
        uint256 developerBefore = masa.balanceOf(developer);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(address(pools), address(masa), keccak256("pool-create"), fee, fee);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeeDistributed(10e18, 15e18, 5e18, 15e18, 5e18, 0);
        createPool(BUDGET);
        assertEq(masa.balanceOf(developer), developerBefore - BUDGET);
        assertEq(masa.balanceOf(address(pools)), BUDGET - fee, "the reward budget");
        assertEq(supply - masa.totalSupply(), 10e18, "20% of the fee burned");
        assertEq(masa.balanceOf(feeRecipients[0]), 15e18);
        assertEq(masa.balanceOf(feeRecipients[1]), 5e18);
        assertEq(masa.balanceOf(feeRecipients[2]), 15e18);
        assertEq(masa.balanceOf(feeRecipients[3]), 5e18);
        assertEq(masa.allowance(address(pools), address(feeRouter)), 0, "exact approval, used up");
        assertEq(feeRouter.swapRouter(), address(router), "the router runs over the real Uniswap V2");
    }

    /// With a zero fee nothing is paid to the router (which refuses zero fees).
    function test_CreatePool_WithoutFee() public {
        vm.prank(dao);
        pools.setCreateFee(0);
        uint256 supply = masa.totalSupply();
        uint256 poolId = createPool(BUDGET);
        assertEq(pools.pool(poolId).funded, BUDGET);
        assertEq(pools.pool(poolId).fees, 0);
        assertEq(masa.balanceOf(address(pools)), BUDGET);
        assertEq(masa.totalSupply(), supply);
    }

    /// Any budget at any fee: the developer pays the budget, the router gets the rounded-down
    /// fee, the pool the rest; nothing else moves.
    function testFuzz_CreatePool_BudgetNetOfFee(uint256 budget, uint16 bps) public {
        budget = bound(budget, 1, 10_000_000e18);
        bps = uint16(bound(bps, 0, 1_000));
        vm.prank(dao);
        pools.setCreateFee(bps);
        uint256 fee = budget * bps / 10_000;
        uint256 developerBefore = masa.balanceOf(developer);
        uint256 supply = masa.totalSupply();
        uint256 routed = distributed() + masa.balanceOf(address(feeRouter));
        uint256 poolId = createPool(budget);
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.funded, budget - fee);
        assertEq(p.remaining, budget - fee);
        assertEq(p.fees, fee);
        assertEq(developerBefore - masa.balanceOf(developer), budget);
        assertEq(masa.balanceOf(address(pools)), budget - fee);
        uint256 burned = supply - masa.totalSupply();
        assertEq(burned + distributed() + masa.balanceOf(address(feeRouter)) - routed, fee, "fee routed");
    }

    function test_RevertWhen_CreatePoolWithZeroBudget() public {
        vm.expectRevert(IDataPools.DataPools__ZeroAmount.selector);
        createPool(0);
    }

    function test_RevertWhen_CreatePoolBudgetAbove128Bits() public {
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__AmountTooLarge.selector, tooMuch, type(uint128).max)
        );
        createPool(tooMuch);
    }

    function test_RevertWhen_CreatePoolScheduleInvalid() public {
        uint64 now_ = t0;
        uint64[2][6] memory bad = [
            [now_ - 1, now_ + 100], // starts in the past
            [now_ + 365 days + 1, now_ + 400 days], // starts too late
            [now_ + 10, now_ + 10], // no duration
            [now_ + 10, now_ + 9], // ends before it starts
            [now_, now_ + 4 * 365 days + 1], // too long
            [type(uint64).max, type(uint64).max] // far future
        ];
        for (uint256 i; i < bad.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IDataPools.DataPools__InvalidSchedule.selector, bad[i][0], bad[i][1], t0
                )
            );
            createPool(BUDGET, bad[i][0], bad[i][1]);
        }
        // the bounds themselves are accepted
        createPool(BUDGET, now_, now_ + 4 * 365 days);
        createPool(BUDGET, now_ + 365 days, now_ + 365 days + 1);
    }

    /// A statement no disclosure can make is refused (the pool could never be staked into).
    function test_RevertWhen_CreatePoolStatementOutOfRange() public {
        IDataPools.PoolConfig memory cfg = config(t0, t0 + DURATION);
        cfg.statement.fieldIndex = 8;
        expectCreateRevert(cfg, IDataPools.StatementField.FieldIndex, 8);
        cfg = config(t0, t0 + DURATION);
        cfg.statement.operator = 7;
        expectCreateRevert(cfg, IDataPools.StatementField.Operator, 7);
        cfg = config(t0, t0 + DURATION);
        cfg.statement.issuerSet = P;
        expectCreateRevert(cfg, IDataPools.StatementField.IssuerSet, P);
        // operandB is 0 but for the range (the circuit pins it), and a range is not empty
        cfg = config(t0, t0 + DURATION);
        cfg.statement.operator = 5;
        cfg.statement.operandB = 1;
        expectCreateRevert(cfg, IDataPools.StatementField.OperandB, 1);
        cfg.statement.operator = 6;
        cfg.statement.operandA = 2;
        expectCreateRevert(cfg, IDataPools.StatementField.OperandB, 1);
        // a range of one value is a statement
        cfg.statement.operandA = 1;
        createPool(cfg, BUDGET);
    }

    function expectCreateRevert(
        IDataPools.PoolConfig memory cfg,
        IDataPools.StatementField field,
        uint256 value
    ) internal {
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__InvalidStatement.selector, field, value));
        createPool(cfg, BUDGET);
    }

    /// The delivery key must be a BabyJubJub point (not the identity, not of order 2, in range).
    function test_RevertWhen_CreatePoolDeliveryKeyInvalid() public {
        uint256[2][6] memory bad = [
            [uint256(0), uint256(0)],
            [uint256(0), uint256(1)], // the identity
            [uint256(0), P - 1], // order 2
            [KEY_X, KEY_Y + 1], // off the curve
            [KEY_X + P, KEY_Y], // not reduced
            [KEY_X, KEY_Y + P]
        ];
        for (uint256 i; i < bad.length; ++i) {
            IDataPools.PoolConfig memory cfg = config(t0, t0 + DURATION);
            (cfg.deliveryKeyX, cfg.deliveryKeyY) = (bad[i][0], bad[i][1]);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IDataPools.DataPools__InvalidDeliveryKey.selector, bad[i][0], bad[i][1]
                )
            );
            createPool(cfg, BUDGET);
        }
        // -Base8 = (-x, y) is on the curve too
        IDataPools.PoolConfig memory ok = config(t0, t0 + DURATION);
        ok.deliveryKeyX = P - KEY_X;
        createPool(ok, BUDGET);
    }

    function test_RevertWhen_CreatePoolNotFunded() public {
        address poor = makeAddr("poor");
        vm.prank(poor);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(pools), 0, BUDGET
            )
        );
        pools.createPool(config(t0, t0 + DURATION), BUDGET);
    }

    // ------------------------------------------------------------------ stake

    function test_Stake_Direct() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        vm.expectEmit(address(pools));
        emit IDataPools.Staked(poolId, d.nullifier, alice);
        vm.expectEmit(address(pools));
        emit IDataPools.Delivered(poolId, d.nullifier, deliveryOf(d));
        vm.prank(alice);
        stakeWith(poolId, d);
        IDataPools.Stake memory s = pools.stakeOf(poolId, d.nullifier);
        assertEq(s.recipient, alice);
        assertEq(s.stakedAt, t0);
        assertEq(s.unstakedAt, 0);
        assertEq(s.rewardPerSharePaid, 0);
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.stakers, 1);
        assertEq(p.totalStakes, 1);
        // the pool keeps its scope's nullifiers: the registry's stay untouched
        assertFalse(sbt.nullifierUsed(d.nullifier));
        // soulbound: the record stays its owner's, nothing is transferred
        assertEq(sbt.ownerOf(selfToken[alice]), alice);
        assertEq(sbt.balanceOf(address(pools)), 0);
    }

    function test_Stake_Anonymous() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, bob, 0, bob);
        assertEq(d.mode, 1);
        vm.expectEmit(address(pools));
        emit IDataPools.Staked(poolId, d.nullifier, bob);
        vm.prank(bob);
        stakeWith(poolId, d);
        assertEq(pools.stakeOf(poolId, d.nullifier).recipient, bob);
        assertEq(pools.pool(poolId).stakers, 1);
    }

    /// An attested pool: only the issuer set's records, here bob's attested record.
    function test_Stake_IssuerSetPool() public {
        IDataPools.PoolConfig memory cfg = config(t0, t0 + DURATION);
        address[] memory members = new address[](1);
        members[0] = issuer;
        cfg.statement.schemaId = ATTESTED;
        cfg.statement.issuerSet = sbt.issuerSetOf(members);
        uint256 poolId = createPool(cfg, BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, bob, bobAttested, bob);
        assertEq(d.issuerSet, cfg.statement.issuerSet);
        vm.prank(bob);
        stakeWith(poolId, d);
        // alice's self-attested record is not of the pool's schema: the registry refuses it
        d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__SchemaMismatch.selector, ATTESTED, SELF));
        stakeWith(poolId, d);
    }

    /// Anyone may submit a stake (a relayer): the stake pays the proof's recipient, who alone
    /// controls it.
    function test_Stake_RelayedByAnyone_PaysTheRecipient() public {
        uint256 poolId = createPool(BUDGET);
        address wallet = makeAddr("alice's cold wallet");
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, wallet);
        vm.prank(makeAddr("relayer"));
        stakeWith(poolId, d);
        assertEq(pools.stakeOf(poolId, d.nullifier).recipient, wallet);
        warpTo(t0 + DURATION);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotRecipient.selector, alice, wallet));
        claimAs(alice, poolId, d.nullifier);
        assertEq(claimAs(wallet, poolId, d.nullifier), net(BUDGET));
        assertEq(masa.balanceOf(wallet), net(BUDGET));
    }

    /// A watcher copies alice's pending stake and lands first: the stake is alice's (the
    /// recipient is in the proof); alice's own transaction then fails harmlessly. Redirecting the
    /// copy to the watcher breaks the proof.
    function test_Stake_CopiedTransactionLandsFirst() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        IZkSBT.Disclosure memory redirected = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        redirected.recipient = watcher;
        vm.prank(watcher);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__InvalidDeliveryProof.selector, poolId, d.nullifier)
        );
        stakeWith(poolId, redirected);

        vm.prank(watcher);
        stakeWith(poolId, d);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NullifierUsed.selector, poolId, d.nullifier)
        );
        stakeWith(poolId, d);

        assertEq(pools.stakeOf(poolId, d.nullifier).recipient, alice);
        warpTo(t0 + 100);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotRecipient.selector, watcher, alice));
        claimAs(watcher, poolId, d.nullifier);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotRecipient.selector, watcher, alice));
        unstakeAs(watcher, poolId, d.nullifier);
        assertEq(claimAs(alice, poolId, d.nullifier), net(BUDGET) / 10);
        assertEq(masa.balanceOf(watcher), 0);
    }

    /// One stake per person and pool, whichever mode and recipient: the pool refuses the second
    /// use of the nullifier, even after an unstake.
    function test_RevertWhen_SamePersonStakesTwice() public {
        uint256 poolId = createPool(BUDGET);
        uint256 nullifier = stakeDirect(poolId, alice);
        IZkSBT.Disclosure memory again = stakeDisclosure(poolId, alice, 0, makeAddr("another wallet"));
        assertEq(again.nullifier, nullifier);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NullifierUsed.selector, poolId, nullifier)
        );
        stakeWith(poolId, again);

        unstakeAs(alice, poolId, nullifier);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NullifierUsed.selector, poolId, nullifier)
        );
        stakeWith(poolId, again);
        assertEq(pools.pool(poolId).totalStakes, 1);
        // another pool is another scope: alice may stake there
        uint256 other = createPool(BUDGET);
        assertNotEq(nullifierOf(alice, other), nullifier);
        stakeAnon(other, alice);
    }

    /// Each statement part the disclosure gets wrong is named, with both values.
    function test_RevertWhen_StakeStatementMismatch() public {
        uint256 poolId = createPool(BUDGET);
        for (uint256 field; field < 6; ++field) {
            IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
            uint256 expected;
            if (field == 0) (expected, d.schemaId) = (d.schemaId, ATTESTED);
            else if (field == 1) (expected, d.issuerSet) = (d.issuerSet, 99);
            else if (field == 2) (expected, d.fieldIndex) = (d.fieldIndex, 3);
            else if (field == 3) (expected, d.operator) = (d.operator, 4);
            else if (field == 4) (expected, d.operandA) = (d.operandA, 17);
            else (expected, d.operandB) = (d.operandB, 1);
            uint256 actual =
                [d.schemaId, d.issuerSet, d.fieldIndex, d.operator, d.operandA, d.operandB][field];
            vm.expectRevert(
                abi.encodeWithSelector(
                    IDataPools.DataPools__StatementMismatch.selector,
                    IDataPools.StatementField(field),
                    expected,
                    actual
                )
            );
            stakeWith(poolId, d);
        }
    }

    /// A disclosure made for another purpose (another pool's, another consumer's) is refused: its
    /// nullifier would be in another scope.
    function test_RevertWhen_StakePurposeMismatch() public {
        uint256 poolId = createPool(BUDGET);
        uint256 other = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(other, alice, 0, alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__PurposeMismatch.selector, purpose(poolId), purpose(other)
            )
        );
        stakeWith(poolId, d);
        d.purpose = keccak256("credit-check");
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__PurposeMismatch.selector, purpose(poolId), keccak256("credit-check")
            )
        );
        stakeWith(poolId, d);
    }

    /// A proof made for another consumer (the right purpose, another scope) does not verify.
    function test_RevertWhen_StakeProofForAnotherConsumer() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, alice);
        d.proof[0] = deliveryProof(poolId, dapp, d, deliveryOf(d));
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__InvalidDeliveryProof.selector, poolId, d.nullifier)
        );
        stakeWith(poolId, d);
    }

    /// The delivery is part of what the proof is about: another ciphertext, ephemeral key or
    /// nonce than the proven one is refused (the circuit ties the proven ciphertext to the record:
    /// circuits/delivery.md), and so is a proof for another developer key than the pool's.
    function test_RevertWhen_StakeDeliveryIsNotTheProvenOne() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        bytes memory invalid =
            abi.encodeWithSelector(IDataPools.DataPools__InvalidDeliveryProof.selector, poolId, d.nullifier);
        for (uint256 word; word < 13; ++word) {
            IDataPools.Delivery memory del = deliveryOf(d);
            if (word < 10) del.ciphertext[word] += 1;
            else if (word < 12) del.ephemeralKey[word - 10] += 1;
            else del.nonce += 1;
            vm.expectRevert(invalid);
            pools.stake(poolId, d, del);
        }
        // a proof to another key: the pool's key is an input the pool supplies itself
        IDataPools.PoolConfig memory cfg = config(t0, t0 + DURATION);
        cfg.deliveryKeyX = OTHER_KEY_X;
        cfg.deliveryKeyY = OTHER_KEY_Y;
        uint256 otherKeyPool = createPool(cfg, BUDGET);
        IZkSBT.Disclosure memory forOther = stakeDisclosure(otherKeyPool, alice, selfToken[alice], alice);
        forOther.purpose = purpose(poolId);
        forOther.proof[0] = deliveryProof(otherKeyPool, address(pools), forOther, deliveryOf(forOther));
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__InvalidDeliveryProof.selector, poolId, forOther.nullifier
            )
        );
        stakeWith(poolId, forOther);
        stakeWith(poolId, d);
    }

    /// The registry's checks of the statement hold for stakes (`IZkSBT.checkStatement`), each
    /// error with its values: an unknown root, a revoked or burned token, an expired disclosure.
    function test_RevertWhen_StakeStatementNotUsable() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, alice);
        d.root = 12345;
        d.proof[0] = deliveryProof(poolId, address(pools), d, deliveryOf(d));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__UnknownRoot.selector, 12345));
        stakeWith(poolId, d);

        d = stakeDisclosure(poolId, alice, selfToken[alice], alice);
        vm.prank(alice);
        sbt.burn(selfToken[alice]);
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__RecordNotUsable.selector, selfToken[alice]));
        stakeWith(poolId, d);

        d = stakeDisclosure(poolId, bob, 0, bob);
        d.validUntil = t0 + 10;
        d.proof[0] = deliveryProof(poolId, address(pools), d, deliveryOf(d));
        warpTo(t0 + 11);
        vm.expectRevert(
            abi.encodeWithSelector(IZkSBT.ZkSBT__DisclosureExpired.selector, d.validUntil, d.validUntil + 1)
        );
        stakeWith(poolId, d);
        assertEq(pools.pool(poolId).totalStakes, 0);
    }

    function test_RevertWhen_StakeBeforeStart() public {
        uint256 poolId = createPool(BUDGET, t0 + 100, t0 + 100 + DURATION);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NotStarted.selector, poolId, t0 + 100, t0)
        );
        stakeWith(poolId, d);
        warpTo(t0 + 100);
        stakeWith(poolId, d);
    }

    /// The end is exclusive: at `end` the pool is closed.
    function test_RevertWhen_StakeAfterEnd() public {
        uint256 poolId = createPool(BUDGET);
        warpTo(t0 + DURATION);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__AlreadyEnded.selector, poolId, t0 + DURATION, t0 + DURATION
            )
        );
        stakeWith(poolId, d);
    }

    function test_RevertWhen_StakeUnknownPool() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, alice);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__UnknownPool.selector, 2));
        stakeWith(2, d);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__UnknownPool.selector, 0));
        pools.pool(0);
    }

    function test_RevertWhen_StakeToZeroRecipient() public {
        uint256 poolId = createPool(BUDGET);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, alice, 0, address(0));
        vm.expectRevert(IDataPools.DataPools__ZeroRecipient.selector);
        stakeWith(poolId, d);
    }

    /// The cap counts stakers staked at once: an unstake frees a place.
    function test_Stake_CapCountsCurrentStakers() public {
        IDataPools.PoolConfig memory cfg = config(t0, t0 + DURATION);
        cfg.maxStakers = 2;
        uint256 poolId = createPool(cfg, BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        stakeAnon(poolId, bob);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, carol, 0, carol);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__PoolFull.selector, poolId, 2));
        stakeWith(poolId, d);
        unstakeAs(alice, poolId, a);
        stakeWith(poolId, d);
        assertEq(pools.pool(poolId).stakers, 2);
        assertEq(pools.pool(poolId).totalStakes, 3);
    }

    // ------------------------------------------------------------------ rewards

    /// One staker through the whole pool earns the whole reward budget, to the wei.
    function test_Rewards_OneStakerEarnsTheWholeBudget() public {
        uint256 poolId = createPool(BUDGET);
        uint256 n = stakeDirect(poolId, alice);
        warpTo(t0 + DURATION / 4);
        assertEq(pools.earned(poolId, n), net(BUDGET) / 4);
        warpTo(t0 + DURATION + 1 days);
        assertEq(pools.earned(poolId, n), net(BUDGET));
        vm.expectEmit(address(pools));
        emit IDataPools.Claimed(poolId, n, alice, net(BUDGET));
        assertEq(claimAs(alice, poolId, n), net(BUDGET));
        assertEq(masa.balanceOf(alice), net(BUDGET));
        assertEq(pools.earned(poolId, n), 0);
        assertEq(claimAs(alice, poolId, n), 0, "nothing more");
        assertEq(pools.refundable(poolId), 0);
        assertEq(masa.balanceOf(address(pools)), 0);
    }

    /// Alice alone for 500 s, then with bob: 475 + 237.5 and 237.5 MASA (950 over 1,000 s).
    function test_Rewards_TwoStakersSplitExactly() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 500);
        uint256 b = stakeAnon(poolId, bob);
        assertEq(pools.earned(poolId, a), 475e18);
        assertEq(pools.earned(poolId, b), 0);
        warpTo(t0 + DURATION);
        assertEq(pools.earned(poolId, a), 712.5e18);
        assertEq(pools.earned(poolId, b), 237.5e18);
        assertEq(unstakeAs(alice, poolId, a), 712.5e18);
        assertEq(claimAs(bob, poolId, b), 237.5e18);
        assertEq(masa.balanceOf(alice) + masa.balanceOf(bob), net(BUDGET));
    }

    /// Claims at any moments add up to what one claim at the end pays: no fraction is dropped
    /// between claims.
    function test_Rewards_FrequentClaimsLoseNothing() public {
        vm.prank(dao);
        pools.setCreateFee(0);
        uint256 poolId = createPool(1_000, t0, t0 + 997); // 1.003... wei a second
        uint256 a = stakeDirect(poolId, alice);
        uint256 b = stakeAnon(poolId, bob);
        uint256 c = stakeAnon(poolId, carol);
        for (uint256 t = t0 + 7; t < t0 + 997; t += 7) {
            warpTo(t);
            claimAs(alice, poolId, a);
        }
        warpTo(t0 + 997);
        claimAs(alice, poolId, a);
        uint256 paidA = masa.balanceOf(alice);
        uint256 paidB = unstakeAs(bob, poolId, b);
        uint256 paidC = unstakeAs(carol, poolId, c);
        assertEq(paidB, 333);
        assertEq(paidC, 333);
        assertEq(paidA, 333, "a third, rounded down, like the others");
        unstakeAs(alice, poolId, a);
        assertEq(pools.refundable(poolId), 1, "the last wei is dust, returned to the developer");
    }

    /// Regression (Synthetix `StakingRewards`): rewards of time with nobody staked were lost for
    /// good. Here they are the developer's, refundable at once.
    function test_Regression_ZeroStakerTimeIsRefundedNotLost() public {
        uint256 poolId = createPool(BUDGET);
        warpTo(t0 + 400);
        assertEq(pools.refundable(poolId), 380e18);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 600);
        uint256 before = masa.balanceOf(developer);
        vm.expectEmit(address(pools));
        emit IDataPools.Refunded(poolId, developer, 380e18);
        vm.prank(developer);
        assertEq(pools.refund(poolId), 380e18);
        assertEq(masa.balanceOf(developer) - before, 380e18);
        unstakeAs(alice, poolId, a); // 190 for 200 s
        warpTo(t0 + DURATION);
        assertEq(pools.refundable(poolId), 380e18, "the last 400 s");
        vm.prank(developer);
        pools.refund(poolId);
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.paid, 190e18);
        assertEq(p.refunded, 760e18);
        assertEq(p.paid + p.refunded, p.funded);
        assertEq(masa.balanceOf(address(pools)), 0);
    }

    /// Regression: a reward rate stored rounded down (`1,000 / 899 s = 1 wei/s`) pays 899 of 1,000.
    /// Here the one staker of the whole pool is paid all 1,000 wei.
    function test_Regression_RoundingUnderpays_1000Notified899Earned() public {
        vm.prank(dao);
        pools.setCreateFee(0);
        uint256 poolId = createPool(1_000, t0, t0 + 899);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 450);
        uint256 firstHalf = claimAs(alice, poolId, a);
        assertEq(firstHalf, uint256(1_000) * 450 / 899);
        warpTo(t0 + 899);
        assertEq(firstHalf + claimAs(alice, poolId, a), 1_000);
    }

    /// The same for any budget, duration and stake time: one staker gets everything streamed
    /// after its stake, the developer everything before, to the wei.
    function testFuzz_Rewards_OneStaker_PaidPlusRefundedIsFunded(
        uint256 budget,
        uint256 duration,
        uint256 stakeAt,
        uint256 claimAt
    ) public {
        budget = bound(budget, 1, 100_000_000e18);
        duration = bound(duration, 1, 4 * 365 days);
        uint64 end = t0 + uint64(duration); // forge-lint: disable-line(unsafe-typecast)
        stakeAt = bound(stakeAt, 0, duration - 1);
        claimAt = bound(claimAt, stakeAt, duration + 10 days);
        uint256 poolId = createPool(budget, t0, end);
        uint256 funded = pools.pool(poolId).funded;
        warpTo(t0 + stakeAt);
        uint256 a = stakeAnon(poolId, alice);
        uint256 before = funded * stakeAt / duration; // streamed to nobody
        assertEq(pools.refundable(poolId), before);
        warpTo(t0 + claimAt);
        uint256 claimed = claimAs(alice, poolId, a);
        if (claimAt >= duration) assertEq(claimed, funded - before, "everything after the stake");
        else warpTo(t0 + duration);
        claimed += unstakeAs(alice, poolId, a);
        if (pools.refundable(poolId) != 0) {
            vm.prank(developer);
            pools.refund(poolId);
        }
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(claimed, funded - before);
        assertEq(p.paid + p.refunded, p.funded);
        assertEq(masa.balanceOf(address(pools)), 0);
    }

    /// Regression (Vana's share vault, first-depositor games): weights are one per stake, so a
    /// one-wei pool, a first staker and dust change nobody's share, and nothing locks the pool.
    function test_Regression_TinyFirstStakerOrDustLocksNothing() public {
        vm.prank(dao);
        pools.setCreateFee(0);
        uint256 poolId = createPool(1, t0, t0 + DURATION); // one wei
        uint256 a = stakeAnon(poolId, alice);
        warpTo(t0 + 10);
        uint256 b = stakeAnon(poolId, bob);
        uint256 c = stakeAnon(poolId, carol);
        require(masa.transfer(address(pools), 1_000_000e18), "donated");
        warpTo(t0 + DURATION);
        assertEq(
            pools.earned(poolId, a) + pools.earned(poolId, b) + pools.earned(poolId, c), 0, "a third wei"
        );
        unstakeAs(bob, poolId, b);
        unstakeAs(alice, poolId, a);
        unstakeAs(carol, poolId, c);
        assertEq(pools.refundable(poolId), 1, "the wei goes back");
        vm.prank(developer);
        pools.refund(poolId);
        assertEq(pools.pool(poolId).refunded, 1);

        // a big pool after it: equal stakes, equal shares, whatever came first
        uint256 big = createPool(900e18, t0 + DURATION, t0 + 2 * DURATION);
        a = stakeAnon(big, alice);
        b = stakeAnon(big, bob);
        c = stakeAnon(big, carol);
        warpTo(t0 + 2 * DURATION);
        assertEq(unstakeAs(alice, big, a), 300e18);
        assertEq(unstakeAs(bob, big, b), 300e18);
        assertEq(unstakeAs(carol, big, c), 300e18);
    }

    /// Regression: MASA sent straight to the contract (a donation) changes no pool's accounting
    /// and nobody's reward; it belongs to no pool.
    function test_Regression_DonationChangesNoAccounting() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 300);
        IDataPools.Pool memory before = pools.pool(poolId);
        uint256 earnedBefore = pools.earned(poolId, a);
        require(masa.transfer(address(pools), 5_000e18), "donated");
        IDataPools.Pool memory after_ = pools.pool(poolId);
        assertEq(keccak256(abi.encode(after_)), keccak256(abi.encode(before)));
        assertEq(pools.earned(poolId, a), earnedBefore);
        assertEq(pools.refundable(poolId), 0);
        warpTo(t0 + DURATION);
        assertEq(unstakeAs(alice, poolId, a), net(BUDGET), "the budget, not a wei more");
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NothingToRefund.selector, poolId));
        pools.refund(poolId);
        assertEq(masa.balanceOf(address(pools)), 5_000e18, "the donation stays, nobody's");
    }

    /// Regression: the MASA balance is never read as accounting. With `balanceOf(pools)` answering
    /// zero, then a huge amount, the same pool lifecycle pays exactly the same.
    function test_Regression_BalanceIsNeverReadForAccounting() public {
        uint256[2] memory paid;
        for (uint256 run; run < 2; ++run) {
            uint256 start = block.timestamp;
            MOCKS.mockCall(
                address(masa),
                abi.encodeWithSignature("balanceOf(address)", address(pools)),
                abi.encode(run == 0 ? 0 : type(uint128).max)
            );
            uint256 poolId = createPool(BUDGET);
            warpTo(start + 100);
            uint256 a = run == 0 ? stakeDirect(poolId, alice) : stakeAnon(poolId, bob);
            warpTo(start + 700);
            vm.prank(run == 0 ? alice : bob);
            paid[run] += pools.claim(poolId, a);
            vm.prank(developer);
            paid[run] += pools.end(poolId);
            vm.prank(run == 0 ? alice : bob);
            paid[run] += pools.unstake(poolId, a);
            MOCKS.clearMockedCalls();
            assertEq(masa.balanceOf(address(pools)), 0);
        }
        assertEq(paid[0], net(BUDGET));
        assertEq(paid[1], net(BUDGET));
        assertEq(masa.balanceOf(alice), masa.balanceOf(bob));
    }

    // ------------------------------------------------------------------ claim, unstake

    function test_Unstake_PaysAndStopsTheShare() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        uint256 b = stakeAnon(poolId, bob);
        warpTo(t0 + 200);
        vm.expectEmit(address(pools));
        emit IDataPools.Claimed(poolId, a, alice, 95e18);
        vm.expectEmit(address(pools));
        emit IDataPools.Unstaked(poolId, a, alice);
        assertEq(unstakeAs(alice, poolId, a), 95e18);
        IDataPools.Stake memory s = pools.stakeOf(poolId, a);
        assertEq(s.unstakedAt, t0 + 200);
        assertEq(pools.pool(poolId).stakers, 1);
        assertEq(pools.earned(poolId, a), 0);
        warpTo(t0 + DURATION);
        assertEq(claimAs(bob, poolId, b), 95e18 + 760e18, "bob alone after alice left");
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotStaked.selector, poolId, a));
        claimAs(alice, poolId, a);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotStaked.selector, poolId, a));
        unstakeAs(alice, poolId, a);
    }

    /// Unstaking works before any reward, after the end and after an early end.
    function test_Unstake_AnyTime() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        assertEq(unstakeAs(alice, poolId, a), 0, "at once");
        uint256 b = stakeAnon(poolId, bob);
        uint256 c = stakeAnon(poolId, carol);
        warpTo(t0 + 100);
        vm.prank(developer);
        pools.end(poolId);
        warpTo(t0 + 5 * DURATION);
        assertEq(unstakeAs(bob, poolId, b), 47.5e18);
        assertEq(unstakeAs(carol, poolId, c), 47.5e18);
    }

    function test_RevertWhen_ClaimOrUnstakeUnknownStake() public {
        uint256 poolId = createPool(BUDGET);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotStaked.selector, poolId, 5));
        claimAs(alice, poolId, 5);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NotStaked.selector, poolId, 5));
        unstakeAs(alice, poolId, 5);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__UnknownPool.selector, 9));
        claimAs(alice, 9, 5);
    }

    /// The last staker leaving turns the rounding dust into the developer's refund, so
    /// paid + refunded = funded exactly once everyone has left.
    function test_Unstake_LastStakerLeavesTheDustToTheDeveloper() public {
        vm.prank(dao);
        pools.setCreateFee(0);
        uint256 poolId = createPool(1_000, t0, t0 + 1_000);
        uint256 a = stakeAnon(poolId, alice);
        uint256 b = stakeAnon(poolId, bob);
        uint256 c = stakeAnon(poolId, carol);
        warpTo(t0 + 500);
        assertEq(unstakeAs(alice, poolId, a), 166);
        assertEq(unstakeAs(bob, poolId, b), 166);
        assertEq(pools.refundable(poolId), 0, "carol still holds the share");
        warpTo(t0 + 1_000);
        assertEq(unstakeAs(carol, poolId, c), 666);
        assertEq(pools.refundable(poolId), 2);
        vm.prank(developer);
        pools.refund(poolId);
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.paid, 998);
        assertEq(p.refunded, 2);
        assertEq(p.carry, 0);
        assertEq(masa.balanceOf(address(pools)), 0);
    }

    // ------------------------------------------------------------------ developer controls

    /// A top-up pays the same fee; the new remaining budget streams over the remaining time.
    function test_TopUp_AddsNetOfFee() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 500);
        uint256 supply = masa.totalSupply();
        vm.expectEmit(address(pools));
        emit IDataPools.ToppedUp(poolId, 475e18, 25e18);
        vm.expectEmit(address(feeRouter));
        emit IFeeRouter.FeePaid(address(pools), address(masa), keccak256("pool-top-up"), 25e18, 25e18);
        vm.prank(developer);
        assertEq(pools.topUp(poolId, 500e18), 475e18);
        assertEq(supply - masa.totalSupply(), 5e18, "20% of the fee burned");
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.funded, 950e18 + 475e18);
        assertEq(p.fees, 50e18 + 25e18);
        assertEq(p.remaining, 475e18 + 475e18);
        warpTo(t0 + 750);
        assertEq(pools.earned(poolId, a), 475e18 + 475e18);
        warpTo(t0 + DURATION);
        assertEq(unstakeAs(alice, poolId, a), 1_425e18);
    }

    /// Before the start a top-up just adds budget.
    function test_TopUp_BeforeStart() public {
        uint256 poolId = createPool(BUDGET, t0 + 100, t0 + 1_100);
        vm.prank(developer);
        pools.topUp(poolId, BUDGET);
        warpTo(t0 + 100);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 1_100);
        assertEq(claimAs(alice, poolId, a), 2 * net(BUDGET));
    }

    function test_RevertWhen_TopUpInvalid() public {
        uint256 poolId = createPool(BUDGET);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NotDeveloper.selector, poolId, alice, developer)
        );
        pools.topUp(poolId, 1);
        vm.prank(developer);
        vm.expectRevert(IDataPools.DataPools__ZeroAmount.selector);
        pools.topUp(poolId, 0);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__UnknownPool.selector, 3));
        pools.topUp(3, 1);
        warpTo(t0 + DURATION);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__AlreadyEnded.selector, poolId, t0 + DURATION, t0 + DURATION
            )
        );
        pools.topUp(poolId, 1);
    }

    /// Extending spreads what remains over the longer time.
    function test_Extend_SpreadsTheRemainderOverTheLongerTime() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 500);
        vm.expectEmit(address(pools));
        emit IDataPools.Extended(poolId, t0 + DURATION, t0 + 1_500);
        vm.prank(developer);
        pools.extend(poolId, t0 + 1_500);
        assertEq(pools.pool(poolId).end, t0 + 1_500);
        warpTo(t0 + DURATION);
        assertEq(pools.earned(poolId, a), 475e18 + 237.5e18);
        warpTo(t0 + 1_500);
        assertEq(pools.earned(poolId, a), 950e18);
    }

    function test_RevertWhen_ExtendInvalid() public {
        uint256 poolId = createPool(BUDGET);
        uint64 end = t0 + DURATION;
        uint64 maxEnd = t0 + 4 * 365 days;
        vm.startPrank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__InvalidExtension.selector, poolId, end, end, maxEnd)
        );
        pools.extend(poolId, end);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__InvalidExtension.selector, poolId, end, maxEnd + 1, maxEnd
            )
        );
        pools.extend(poolId, maxEnd + 1);
        pools.extend(poolId, maxEnd); // the bound itself
        vm.stopPrank();
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NotDeveloper.selector, poolId, alice, developer)
        );
        pools.extend(poolId, end + 1);
        warpTo(maxEnd);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__AlreadyEnded.selector, poolId, maxEnd, maxEnd)
        );
        pools.extend(poolId, maxEnd + 1);
    }

    /// Ending early: stakers keep what streamed so far, the rest goes back at once.
    function test_End_RefundsTheUnstreamedBudget() public {
        uint256 poolId = createPool(BUDGET);
        uint256 a = stakeDirect(poolId, alice);
        warpTo(t0 + 300);
        uint256 before = masa.balanceOf(developer);
        vm.expectEmit(address(pools));
        emit IDataPools.PoolEnded(poolId, t0 + 300);
        vm.expectEmit(address(pools));
        emit IDataPools.Refunded(poolId, developer, 665e18);
        vm.prank(developer);
        assertEq(pools.end(poolId), 665e18);
        assertEq(masa.balanceOf(developer) - before, 665e18);
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.end, t0 + 300);
        assertEq(p.remaining, 0);
        warpTo(t0 + DURATION);
        assertEq(pools.earned(poolId, a), 285e18, "nothing streams after the end");
        assertEq(unstakeAs(alice, poolId, a), 285e18);
        IDataPools.Pool memory q = pools.pool(poolId);
        assertEq(q.paid + q.refunded, q.funded);
        // closed for stakes and controls
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, bob, 0, bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__AlreadyEnded.selector, poolId, t0 + 300, t0 + DURATION
            )
        );
        stakeWith(poolId, d);
        vm.prank(developer);
        vm.expectRevert(
            abi.encodeWithSelector(
                IDataPools.DataPools__AlreadyEnded.selector, poolId, t0 + 300, t0 + DURATION
            )
        );
        pools.end(poolId);
    }

    /// Ending before the start returns the whole budget; the pool never opens.
    function test_End_BeforeStart() public {
        uint256 poolId = createPool(BUDGET, t0 + 100, t0 + 1_100);
        vm.prank(developer);
        assertEq(pools.end(poolId), net(BUDGET));
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.start, t0);
        assertEq(p.end, t0);
        warpTo(t0 + 100);
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, bob, 0, bob);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__AlreadyEnded.selector, poolId, t0, t0 + 100)
        );
        stakeWith(poolId, d);
        assertEq(masa.balanceOf(address(pools)), 0);
    }

    function test_RevertWhen_EndOrRefundNotDeveloper() public {
        uint256 poolId = createPool(BUDGET);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NotDeveloper.selector, poolId, alice, developer)
        );
        pools.end(poolId);
        warpTo(t0 + 10);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IDataPools.DataPools__NotDeveloper.selector, poolId, alice, developer)
        );
        pools.refund(poolId);
    }

    function test_RevertWhen_NothingToRefund() public {
        uint256 poolId = createPool(BUDGET);
        stakeDirect(poolId, alice);
        warpTo(t0 + 500);
        vm.prank(developer);
        vm.expectRevert(abi.encodeWithSelector(IDataPools.DataPools__NothingToRefund.selector, poolId));
        pools.refund(poolId);
        assertEq(pools.refundable(poolId), 0);
    }

    /// A pool that ran to its end with nobody staked: everything is refundable after the end.
    function test_Refund_AfterAnEndWithoutStakers() public {
        uint256 poolId = createPool(BUDGET);
        warpTo(t0 + DURATION + 1);
        assertEq(pools.refundable(poolId), net(BUDGET));
        vm.prank(developer);
        assertEq(pools.refund(poolId), net(BUDGET));
        IDataPools.Pool memory p = pools.pool(poolId);
        assertEq(p.refunded, p.funded);
        assertEq(p.remaining, 0);
    }

    // ------------------------------------------------------------------ helpers

    function distributed() internal view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(feeRecipients[i]);
        }
    }
}
