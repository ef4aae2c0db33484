// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeliveryInputs} from "../identity/DeliveryInputs.sol";
import {IDataPools} from "../interfaces/IDataPools.sol";
import {IDeliveryVerifier} from "../interfaces/IDeliveryVerifier.sol";
import {IFeeRouter} from "../interfaces/IFeeRouter.sol";
import {IZkSBT} from "../interfaces/IZkSBT.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title DataPools
/// @notice Data staking pools, many in one contract. See {IDataPools}.
/// @dev
/// - **Conservation (per pool).** At all times
///   `funded = paid + refunded + remaining + unallocated + held`, where `funded` is every funding
///   net of its fee, `paid` the rewards claimed, `refunded` what went back to the developer,
///   `remaining` the budget not yet streamed, `unallocated` what is refundable, and `held` what
///   was streamed to stakers and not yet paid: their claimable rewards plus rounding dust below
///   one wei per stake withdrawn (and the accumulator's carried remainder, below one wei). When
///   the last staker leaves, the dust moves to `unallocated`; so once a pool has ended, every
///   stake is withdrawn and the developer has called {refund}: `paid + refunded = funded`,
///   exactly. Over the whole contract: MASA balance = Σ (funded - paid - refunded) + MASA sent here
///   outside a funding (which belongs to no pool and stays here). The MASA balance is never read:
///   every amount comes from this accounting, so a donation changes nothing.
/// - **No reward is lost with nobody staked** (Synthetix's `StakingRewards` loses it): an interval
///   with no staker streams into `unallocated`.
/// - **No rate truncation** (Synthetix stores `reward / duration` rounded down, so 1,000 wei over
///   899 s pays 899): nothing stores a rate. Each update streams
///   `remaining * elapsed / (end - lastUpdate)` and keeps the rounded-off part in `remaining`;
///   at `end` everything remaining is streamed.
/// - **No lost fractions in the accumulator**: `rewardPerShare` grows by
///   `(amount * REWARD_PRECISION + carry) / stakers` and carries the remainder; a claim advances
///   the stake's `rewardPerSharePaid` by the whole wei it pays only, keeping the fraction for the
///   next claim. Weights are 1 per stake, so no first (or tiny) staker can skew the shares.
/// - **Interactions**: a stake reads the immutable registry and delivery verifier (view calls)
///   before writing; MASA (a plain OpenZeppelin ERC-20) and the fee router are called after the
///   state is written; every entry point that moves tokens is `nonReentrant`.
contract DataPools is IDataPools, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Scale of `rewardPerShare`.
    uint256 public constant REWARD_PRECISION = 1e18;

    /// @notice Highest funding fee the owner may set (10%).
    uint16 public constant MAX_CREATE_FEE_BPS = 1_000;

    /// @notice Longest a pool may run from its start (extensions included).
    uint256 public constant MAX_DURATION = 4 * 365 days;

    /// @notice Latest a pool may start, after its creation.
    uint256 public constant MAX_START_DELAY = 365 days;

    /// @notice The fee router's `feeKind` of creation fees.
    bytes32 public constant POOL_CREATE_FEE_KIND = keccak256("pool-create");

    /// @notice The fee router's `feeKind` of top-up fees.
    bytes32 public constant POOL_TOP_UP_FEE_KIND = keccak256("pool-top-up");

    uint256 private constant _BPS = 10_000;

    IZkSBT private immutable _zkSBT;
    IDeliveryVerifier private immutable _deliveryVerifier;
    IFeeRouter private immutable _feeRouter;
    IERC20 private immutable _masa;

    uint16 private _createFeeBps;
    uint256 private _poolCount;
    mapping(uint256 poolId => Pool) private _pools;
    mapping(uint256 poolId => mapping(uint256 nullifier => Stake)) private _stakes;

    /// @notice Creates the pools contract.
    /// @param zkSBT_ The zkSBT registry stakes are disclosed to.
    /// @param deliveryVerifier_ The generated verifier of the delivery circuit.
    /// @param feeRouter_ The fee router (its MASA is the reward token).
    /// @param owner_ The DAO timelock (sets the funding fee).
    /// @param createFeeBps_ The initial funding fee (at most {MAX_CREATE_FEE_BPS}).
    constructor(
        IZkSBT zkSBT_,
        IDeliveryVerifier deliveryVerifier_,
        IFeeRouter feeRouter_,
        address owner_,
        uint16 createFeeBps_
    ) Ownable(owner_) {
        if (
            address(zkSBT_) == address(0) || address(deliveryVerifier_) == address(0)
                || address(feeRouter_) == address(0)
        ) {
            revert DataPools__ZeroAddress();
        }
        address masa_ = feeRouter_.masa();
        if (masa_ == address(0)) revert DataPools__ZeroAddress();
        _zkSBT = zkSBT_;
        _deliveryVerifier = deliveryVerifier_;
        _feeRouter = feeRouter_;
        _masa = IERC20(masa_);
        _setCreateFee(createFeeBps_);
    }

    // ---------------------------------------------------------------- developers

    /// @inheritdoc IDataPools
    function createPool(PoolConfig calldata config, uint256 budget)
        external
        nonReentrant
        returns (uint256 poolId)
    {
        _checkAmount(budget);
        _checkSchedule(config.start, config.end);
        _checkStatement(config.statement);
        if (!DeliveryInputs.isKey(config.deliveryKeyX, config.deliveryKeyY)) {
            revert DataPools__InvalidDeliveryKey(config.deliveryKeyX, config.deliveryKeyY);
        }
        (uint128 reward, uint128 fee) = _split(budget);

        poolId = ++_poolCount;
        Pool storage p = _pools[poolId];
        p.developer = msg.sender;
        p.start = config.start;
        p.maxStakers = config.maxStakers;
        p.remaining = reward;
        p.lastUpdate = config.start;
        p.end = config.end;
        p.funded = reward;
        p.fees = fee;
        p.statement = config.statement;
        p.deliveryKeyX = config.deliveryKeyX;
        p.deliveryKeyY = config.deliveryKeyY;
        p.metadataURI = config.metadataURI;
        emit PoolCreated(poolId, msg.sender, config.statement.schemaId, config, reward, fee);

        _fund(budget, fee, POOL_CREATE_FEE_KIND);
    }

    /// @inheritdoc IDataPools
    function topUp(uint256 poolId, uint256 amount) external nonReentrant returns (uint256 rewardAmount) {
        Pool storage p = _developerPool(poolId);
        _checkNotEnded(poolId, p);
        _checkAmount(amount);
        (uint128 reward, uint128 fee) = _split(amount);
        _accrue(p);
        // the sums stay below MASA's supply: every funding is held here or was paid out
        p.remaining += reward;
        p.funded += reward;
        p.fees += fee;
        rewardAmount = reward;
        emit ToppedUp(poolId, reward, fee);

        _fund(amount, fee, POOL_TOP_UP_FEE_KIND);
    }

    /// @inheritdoc IDataPools
    function extend(uint256 poolId, uint64 newEnd) external {
        Pool storage p = _developerPool(poolId);
        _checkNotEnded(poolId, p);
        uint256 oldEnd = p.end;
        uint256 maxEnd = uint256(p.start) + MAX_DURATION;
        if (newEnd <= oldEnd || newEnd > maxEnd) {
            revert DataPools__InvalidExtension(poolId, oldEnd, newEnd, maxEnd);
        }
        _accrue(p);
        p.end = newEnd;
        // forge-lint: disable-next-line(unsafe-typecast)
        emit Extended(poolId, uint64(oldEnd), newEnd); // it was a uint64
    }

    /// @inheritdoc IDataPools
    function end(uint256 poolId) external nonReentrant returns (uint256 refunded) {
        Pool storage p = _developerPool(poolId);
        _checkNotEnded(poolId, p);
        _accrue(p);
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 now_ = uint64(block.timestamp); // < 2^64 for eons
        // the unstreamed budget becomes the developer's; what was streamed stays the stakers'
        p.unallocated += p.remaining;
        p.remaining = 0;
        p.end = now_;
        p.lastUpdate = now_;
        if (p.start > now_) p.start = now_; // ended before it started
        emit PoolEnded(poolId, now_);
        refunded = _refund(poolId, p);
    }

    /// @inheritdoc IDataPools
    function refund(uint256 poolId) external nonReentrant returns (uint256 amount) {
        Pool storage p = _developerPool(poolId);
        _accrue(p);
        amount = _refund(poolId, p);
        if (amount == 0) revert DataPools__NothingToRefund(poolId);
    }

    // ---------------------------------------------------------------- stakers

    /// @inheritdoc IDataPools
    function stake(uint256 poolId, IZkSBT.Disclosure calldata d, Delivery calldata delivery)
        external
        nonReentrant
    {
        Pool storage p = _existingPool(poolId);
        _checkDisclosure(poolId, p.statement, d);
        // timestamps are the schedule by definition (validators shift them by seconds)
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < p.start) revert DataPools__NotStarted(poolId, p.start, block.timestamp);
        _checkNotEnded(poolId, p);
        uint256 stakers = p.stakers;
        uint256 cap = p.maxStakers;
        if (cap != 0 && stakers >= cap) revert DataPools__PoolFull(poolId, cap);
        if (d.recipient == address(0)) revert DataPools__ZeroRecipient();
        Stake storage s = _stakes[poolId][d.nullifier];
        // only this contract consumes disclosures of its scope: its stakes are the used nullifiers
        if (s.stakedAt != 0) revert DataPools__NullifierUsed(poolId, d.nullifier);
        // the registry: mode and ranges, validity, root (anonymous) or live token and schema
        _zkSBT.checkStatement(d);
        try _deliveryVerifier.verifyProof(
            d.proof,
            DeliveryInputs.publicInputs(
                _zkSBT,
                d,
                p.deliveryKeyX,
                p.deliveryKeyY,
                delivery.ephemeralKey,
                delivery.nonce,
                delivery.ciphertext
            )
        ) {}
        catch {
            revert DataPools__InvalidDeliveryProof(poolId, d.nullifier);
        }

        // stream the time before this stake to the stakers before it (or to `unallocated`)
        _accrue(p);
        // forge-lint: disable-next-line(unsafe-typecast)
        p.stakers = uint32(stakers + 1); // < cap, or < 2^32: one nullifier per wallet
        ++p.totalStakes;
        s.recipient = d.recipient;
        // forge-lint: disable-next-line(unsafe-typecast)
        s.stakedAt = uint48(block.timestamp); // < 2^48 for millennia, and never 0
        s.rewardPerSharePaid = p.rewardPerShare;
        emit Staked(poolId, d.nullifier, d.recipient);
        emit Delivered(poolId, d.nullifier, delivery);
    }

    /// @inheritdoc IDataPools
    function claim(uint256 poolId, uint256 nullifier) external nonReentrant returns (uint256 amount) {
        (Pool storage p, Stake storage s) = _recipientStake(poolId, nullifier);
        _accrue(p);
        amount = _settle(p, s);
        if (amount != 0) {
            emit Claimed(poolId, nullifier, msg.sender, amount);
            _masa.safeTransfer(msg.sender, amount);
        }
    }

    /// @inheritdoc IDataPools
    function unstake(uint256 poolId, uint256 nullifier) external nonReentrant returns (uint256 amount) {
        (Pool storage p, Stake storage s) = _recipientStake(poolId, nullifier);
        _accrue(p);
        amount = _settle(p, s);
        // forge-lint: disable-next-line(unsafe-typecast)
        s.unstakedAt = uint48(block.timestamp); // < 2^48 for millennia
        uint256 stakers = p.stakers - 1; // >= 1: this stake was staked
        // forge-lint: disable-next-line(unsafe-typecast)
        p.stakers = uint32(stakers); // it was a uint32
        if (stakers == 0) {
            // the last staker is paid: what the stakers' share still holds is rounding dust
            // (below a wei per stake withdrawn), nobody's; it becomes the developer's
            p.unallocated += p.funded - p.paid - p.refunded - p.remaining - p.unallocated;
            p.carry = 0;
        }
        if (amount != 0) emit Claimed(poolId, nullifier, msg.sender, amount);
        emit Unstaked(poolId, nullifier, msg.sender);
        if (amount != 0) _masa.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IDataPools
    function setCreateFee(uint16 bps) external onlyOwner {
        _setCreateFee(bps);
    }

    /// @notice Always reverts: without an owner the funding fee could never change.
    /// @dev Only the owner reaches the revert; others get `OwnableUnauthorizedAccount`.
    function renounceOwnership() public view override onlyOwner {
        revert DataPools__RenounceDisabled();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IDataPools
    function pool(uint256 poolId) external view returns (Pool memory) {
        return _existingPool(poolId);
    }

    /// @inheritdoc IDataPools
    function stakeOf(uint256 poolId, uint256 nullifier) external view returns (Stake memory) {
        return _stakes[poolId][nullifier];
    }

    /// @inheritdoc IDataPools
    function earned(uint256 poolId, uint256 nullifier) external view returns (uint256) {
        Stake storage s = _stakes[poolId][nullifier];
        if (s.recipient == address(0) || s.unstakedAt != 0) return 0;
        Pool storage p = _pools[poolId];
        uint256 rewardPerShare = p.rewardPerShare;
        uint256 stakers = p.stakers;
        (, uint256 amount) = _streamed(p);
        // a staked stake: stakers >= 1
        rewardPerShare += (amount * REWARD_PRECISION + p.carry) / stakers;
        return (rewardPerShare - s.rewardPerSharePaid) / REWARD_PRECISION;
    }

    /// @inheritdoc IDataPools
    function refundable(uint256 poolId) external view returns (uint256) {
        Pool storage p = _pools[poolId];
        (, uint256 amount) = _streamed(p);
        return p.stakers == 0 ? p.unallocated + amount : p.unallocated;
    }

    /// @inheritdoc IDataPools
    function purposeOf(uint256 poolId) public pure returns (bytes32) {
        return keccak256(abi.encode("masa.pool", poolId));
    }

    /// @inheritdoc IDataPools
    function scopeOf(uint256 poolId) external view returns (uint256) {
        return _zkSBT.scopeOf(address(this), purposeOf(poolId));
    }

    /// @inheritdoc IDataPools
    function poolCount() external view returns (uint256) {
        return _poolCount;
    }

    /// @inheritdoc IDataPools
    function createFeeBps() external view returns (uint16) {
        return _createFeeBps;
    }

    /// @inheritdoc IDataPools
    function zkSBT() external view returns (IZkSBT) {
        return _zkSBT;
    }

    /// @inheritdoc IDataPools
    function deliveryVerifier() external view returns (IDeliveryVerifier) {
        return _deliveryVerifier;
    }

    /// @inheritdoc IDataPools
    function feeRouter() external view returns (address) {
        return address(_feeRouter);
    }

    /// @inheritdoc IDataPools
    function masa() external view returns (address) {
        return address(_masa);
    }

    // ---------------------------------------------------------------- internals

    /// @dev How far rewards stream now (`until`: now, capped at the end) and how much of the
    /// remaining budget streams in `(lastUpdate, until]`: the remaining budget over the remaining
    /// time, rounded down; the rounded-off part stays remaining, and all of it streams at the end.
    function _streamed(Pool storage p) private view returns (uint256 until, uint256 amount) {
        uint256 last = p.lastUpdate;
        uint256 end_ = p.end;
        // forge-lint: disable-next-line(block-timestamp)
        until = block.timestamp < end_ ? block.timestamp : end_;
        // before the start (`lastUpdate` is the start) or already streamed up to now
        if (until <= last) return (last, 0);
        // last < until <= end_; remaining < 2^128 and the interval < 2^64: no overflow
        amount = uint256(p.remaining) * (until - last) / (end_ - last);
    }

    /// @dev Streams the pool up to now: to the stakers' accumulator, or to `unallocated` when
    /// nobody is staked.
    function _accrue(Pool storage p) private {
        (uint256 until, uint256 amount) = _streamed(p);
        if (until == p.lastUpdate) return;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.lastUpdate = uint64(until); // <= end, a uint64
        if (amount == 0) return;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.remaining -= uint128(amount); // amount <= remaining
        uint256 stakers = p.stakers;
        if (stakers == 0) {
            // forge-lint: disable-next-line(unsafe-typecast)
            p.unallocated += uint128(amount); // <= remaining
        } else {
            // amount < 2^128, so the product < 2^188; the carry < stakers
            uint256 scaled = amount * REWARD_PRECISION + p.carry;
            p.rewardPerShare += scaled / stakers;
            // forge-lint: disable-next-line(unsafe-typecast)
            p.carry = uint32(scaled % stakers); // < stakers, a uint32
        }
    }

    /// @dev Settles a staked stake (after {_accrue}): the whole wei it has earned, which its
    /// `rewardPerSharePaid` advances by (the fraction stays for the next claim).
    function _settle(Pool storage p, Stake storage s) private returns (uint256 amount) {
        amount = (p.rewardPerShare - s.rewardPerSharePaid) / REWARD_PRECISION;
        if (amount == 0) return 0;
        s.rewardPerSharePaid += amount * REWARD_PRECISION;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.paid += uint128(amount); // <= what was streamed to the stakers, < 2^128
    }

    /// @dev Pays the developer everything unallocated (after {_accrue}).
    function _refund(uint256 poolId, Pool storage p) private returns (uint256 amount) {
        amount = p.unallocated;
        if (amount == 0) return 0;
        p.unallocated = 0;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.refunded += uint128(amount); // it was a uint128
        address developer = p.developer;
        emit Refunded(poolId, developer, amount);
        _masa.safeTransfer(developer, amount);
    }

    /// @dev Pulls `amount` from the caller and pays `fee` of it to the fee router.
    function _fund(uint256 amount, uint256 fee, bytes32 kind) private {
        _masa.safeTransferFrom(msg.sender, address(this), amount);
        if (fee != 0) {
            // an exact allowance, used up by the router's pull (MASA needs no swap, so the minimum
            // output is ignored)
            _masa.forceApprove(address(_feeRouter), fee);
            _feeRouter.payFee(address(_masa), fee, 0, block.timestamp, kind);
        }
    }

    /// @dev The reward budget and the fee of a funding of `amount` (checked: below 2^128).
    function _split(uint256 amount) private view returns (uint128 reward, uint128 fee) {
        // forge-lint: disable-next-line(unsafe-typecast)
        fee = uint128(amount * _createFeeBps / _BPS); // <= amount < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        reward = uint128(amount) - fee; // amount < 2^128
    }

    function _setCreateFee(uint16 bps) private {
        if (bps > MAX_CREATE_FEE_BPS) revert DataPools__FeeTooHigh(bps, MAX_CREATE_FEE_BPS);
        _createFeeBps = bps;
        emit CreateFeeSet(bps);
    }

    function _existingPool(uint256 poolId) private view returns (Pool storage p) {
        p = _pools[poolId];
        if (p.developer == address(0)) revert DataPools__UnknownPool(poolId);
    }

    function _developerPool(uint256 poolId) private view returns (Pool storage p) {
        p = _existingPool(poolId);
        if (msg.sender != p.developer) revert DataPools__NotDeveloper(poolId, msg.sender, p.developer);
    }

    /// @dev The staked stake `nullifier` of `poolId`, whose recipient is the caller.
    function _recipientStake(uint256 poolId, uint256 nullifier)
        private
        view
        returns (Pool storage p, Stake storage s)
    {
        p = _existingPool(poolId);
        s = _stakes[poolId][nullifier];
        address recipient = s.recipient;
        if (recipient == address(0) || s.unstakedAt != 0) revert DataPools__NotStaked(poolId, nullifier);
        if (msg.sender != recipient) revert DataPools__NotRecipient(msg.sender, recipient);
    }

    function _checkNotEnded(uint256 poolId, Pool storage p) private view {
        uint256 end_ = p.end;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp >= end_) revert DataPools__AlreadyEnded(poolId, end_, block.timestamp);
    }

    function _checkAmount(uint256 amount) private pure {
        if (amount == 0) revert DataPools__ZeroAmount();
        if (amount > type(uint128).max) revert DataPools__AmountTooLarge(amount, type(uint128).max);
    }

    function _checkSchedule(uint64 start, uint64 end_) private view {
        uint256 now_ = block.timestamp;
        if (
            start < now_ || start > now_ + MAX_START_DELAY || end_ <= start
                || end_ > uint256(start) + MAX_DURATION
        ) {
            revert DataPools__InvalidSchedule(start, end_, now_);
        }
    }

    /// @dev A statement no disclosure can make would leave the pool unstakable.
    function _checkStatement(Statement calldata s) private pure {
        if (s.issuerSet >= DeliveryInputs.FIELD) {
            revert DataPools__InvalidStatement(StatementField.IssuerSet, s.issuerSet);
        }
        if (s.fieldIndex > 7) revert DataPools__InvalidStatement(StatementField.FieldIndex, s.fieldIndex);
        if (s.operator > 6) revert DataPools__InvalidStatement(StatementField.Operator, s.operator);
        // the circuit pins operandB to 0 but for the range operator (one encoding per statement),
        // and no value is in an empty range
        if (s.operator == 6 ? s.operandB < s.operandA : s.operandB != 0) {
            revert DataPools__InvalidStatement(StatementField.OperandB, s.operandB);
        }
    }

    /// @dev `d` states exactly the pool's statement, for the pool's purpose.
    function _checkDisclosure(uint256 poolId, Statement storage s, IZkSBT.Disclosure calldata d)
        private
        view
    {
        uint256 expected = s.schemaId;
        if (d.schemaId != expected) {
            revert DataPools__StatementMismatch(StatementField.Schema, expected, d.schemaId);
        }
        expected = s.issuerSet;
        if (d.issuerSet != expected) {
            revert DataPools__StatementMismatch(StatementField.IssuerSet, expected, d.issuerSet);
        }
        expected = s.fieldIndex;
        if (d.fieldIndex != expected) {
            revert DataPools__StatementMismatch(StatementField.FieldIndex, expected, d.fieldIndex);
        }
        expected = s.operator;
        if (d.operator != expected) {
            revert DataPools__StatementMismatch(StatementField.Operator, expected, d.operator);
        }
        expected = s.operandA;
        if (d.operandA != expected) {
            revert DataPools__StatementMismatch(StatementField.OperandA, expected, d.operandA);
        }
        expected = s.operandB;
        if (d.operandB != expected) {
            revert DataPools__StatementMismatch(StatementField.OperandB, expected, d.operandB);
        }
        bytes32 purpose = purposeOf(poolId);
        if (d.purpose != purpose) revert DataPools__PurposeMismatch(purpose, d.purpose);
    }
}
