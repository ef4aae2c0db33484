// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaVesting} from "../interfaces/IMasaVesting.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title MasaVestingWallet
/// @notice Holds one MASA allocation and releases it to its beneficiary on one schedule: nothing
/// until the lock-up ends, a share at the end of the lock-up, the rest linearly (see {IMasaVesting}).
/// The beneficiary can delegate the votes of the held tokens, locked or not: locked tokens carry
/// votes, by design.
/// @dev Deployed once as an implementation and used through EIP-1167 clones (OpenZeppelin `Clones`)
/// that the genesis distributor creates, initializes and funds in one transaction. The
/// implementation marks itself initialized in its constructor, so it can never be initialized.
/// A one-byte flag packed with other fields replaces OpenZeppelin `Initializable` (which keeps its
/// own slot) to save a storage write per wallet.
///
/// Accounting uses the recorded `allocation`, never `balanceOf`: tokens sent to the wallet beyond
/// what the schedule still owes are "excess", outside the schedule, and anyone can pay them to the
/// current beneficiary with {sweepExcess}. Nothing else can move the wallet's tokens, and nobody
/// but the beneficiary can redirect them.
contract MasaVestingWallet is IMasaVesting, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;

    // Packed so that `release` reads four slots (0, 1, 2, 4) and writes one (4), and so that an
    // irrevocable wallet leaves slot 3 empty (one storage write less at genesis).
    // slot 0
    address private _token;
    uint64 private _start;
    uint16 private _unlockBps;
    bool private _initialized;
    bool private _revoked;
    // slot 1
    address private _beneficiary;
    uint64 private _lockup;
    // slot 2
    address private _revoker;
    uint64 private _linearDuration;
    // slot 3
    address private _revokeTo;
    uint64 private _revokedAt;
    bool private _revocable;
    // slot 4
    uint128 private _allocation;
    uint128 private _released;
    // slot 5
    address private _pendingBeneficiary;

    /// @notice Locks the implementation: only clones can be initialized.
    constructor() {
        _initialized = true;
    }

    modifier onlyBeneficiary() {
        if (msg.sender != _beneficiary) revert MasaVesting__NotBeneficiary(msg.sender, _beneficiary);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              INITIALIZATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMasaVesting
    function initialize(
        address token_,
        address beneficiary_,
        uint256 allocation_,
        Schedule calldata schedule_,
        address revoker_,
        address revokeTo_
    ) external {
        if (_initialized) revert MasaVesting__AlreadyInitialized();
        if (token_ == address(0)) revert MasaVesting__ZeroToken();
        if (beneficiary_ == address(0)) revert MasaVesting__ZeroBeneficiary();
        if (allocation_ == 0 || allocation_ > type(uint128).max) {
            revert MasaVesting__InvalidAllocation(allocation_);
        }
        if (schedule_.unlockAtLockEndBps > BPS) {
            revert MasaVesting__InvalidUnlockBps(schedule_.unlockAtLockEndBps);
        }
        if ((schedule_.unlockAtLockEndBps == BPS) != (schedule_.linearDuration == 0)) {
            revert MasaVesting__InconsistentSchedule(schedule_.unlockAtLockEndBps, schedule_.linearDuration);
        }
        uint256 end_ = uint256(schedule_.start) + schedule_.lockup + schedule_.linearDuration;
        if (end_ > type(uint64).max) revert MasaVesting__EndTooLate(end_);
        bool revocationSet = revoker_ != address(0) && revokeTo_ != address(0);
        bool revocationUnset = revoker_ == address(0) && revokeTo_ == address(0);
        if (schedule_.revocable ? !revocationSet : !revocationUnset) {
            revert MasaVesting__InvalidRevocationSetup(schedule_.revocable, revoker_, revokeTo_);
        }

        _initialized = true;
        _token = token_;
        _start = schedule_.start;
        _unlockBps = schedule_.unlockAtLockEndBps;
        _revocable = schedule_.revocable;
        _beneficiary = beneficiary_;
        _lockup = schedule_.lockup;
        _revoker = revoker_;
        _linearDuration = schedule_.linearDuration;
        _revokeTo = revokeTo_;
        // casting to 'uint128' is safe because allocation_ <= type(uint128).max is checked above
        // forge-lint: disable-next-line(unsafe-typecast)
        _allocation = uint128(allocation_);

        emit VestingInitialized(token_, beneficiary_, allocation_, schedule_, revoker_, revokeTo_);
    }

    /*//////////////////////////////////////////////////////////////
                                RELEASING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMasaVesting
    function release() external nonReentrant returns (uint256 amount) {
        amount = _releasable();
        if (amount == 0) revert MasaVesting__NothingToRelease(_released, block.timestamp);
        address beneficiary_ = _beneficiary;
        // casting to 'uint128' is safe because amount <= allocation - released and allocation < 2^128
        // (so the sum fits too)
        // forge-lint: disable-next-line(unsafe-typecast)
        _released += uint128(amount);
        emit Released(beneficiary_, amount);
        IERC20(_token).safeTransfer(beneficiary_, amount);
    }

    /// @inheritdoc IMasaVesting
    function sweepExcess() external nonReentrant returns (uint256 amount) {
        amount = _excess();
        if (amount == 0) {
            // the two values {_excess} compared, read again only on this path
            revert MasaVesting__NoExcess(
                IERC20(_token).balanceOf(address(this)), _revoked ? 0 : _allocation - _released
            );
        }
        address beneficiary_ = _beneficiary;
        emit ExcessSwept(beneficiary_, amount);
        IERC20(_token).safeTransfer(beneficiary_, amount);
    }

    /*//////////////////////////////////////////////////////////////
                               BENEFICIARY
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMasaVesting
    function proposeBeneficiary(address proposed) external onlyBeneficiary {
        if (proposed == address(0)) revert MasaVesting__ZeroBeneficiary();
        _pendingBeneficiary = proposed;
        emit BeneficiaryProposed(msg.sender, proposed);
    }

    /// @inheritdoc IMasaVesting
    function acceptBeneficiary() external {
        address pending = _pendingBeneficiary;
        // msg.sender is never zero, so a missing proposal (pending == 0) fails here too.
        if (msg.sender != pending) revert MasaVesting__NotPendingBeneficiary(msg.sender, pending);
        address previous = _beneficiary;
        _beneficiary = pending;
        delete _pendingBeneficiary;
        emit BeneficiaryChanged(previous, pending);
    }

    /// @inheritdoc IMasaVesting
    function delegate(address delegatee) external onlyBeneficiary {
        IVotes(_token).delegate(delegatee);
    }

    /*//////////////////////////////////////////////////////////////
                                REVOCATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMasaVesting
    function revoke() external nonReentrant returns (uint256 vested, uint256 unvested) {
        if (!_revocable) revert MasaVesting__NotRevocable();
        if (msg.sender != _revoker) revert MasaVesting__NotRevoker(msg.sender, _revoker);
        if (_revoked) revert MasaVesting__AlreadyRevoked(_revokedAt);

        uint64 now_ = uint64(block.timestamp);
        vested = _vestedAt(now_);
        uint256 toBeneficiary = vested - _released;
        unvested = _allocation - vested;

        _revoked = true;
        _revokedAt = now_;
        // casting to 'uint128' is safe because vested <= allocation < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        _released = uint128(vested);

        address beneficiary_ = _beneficiary;
        address revokeTo_ = _revokeTo;
        if (toBeneficiary != 0) emit Released(beneficiary_, toBeneficiary);
        emit Revoked(revokeTo_, vested, unvested);

        IERC20 token_ = IERC20(_token);
        if (toBeneficiary != 0) token_.safeTransfer(beneficiary_, toBeneficiary);
        if (unvested != 0) token_.safeTransfer(revokeTo_, unvested);
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IMasaVesting
    function vestedAmount(uint64 timestamp) external view returns (uint256) {
        return _vestedAt(timestamp);
    }

    /// @inheritdoc IMasaVesting
    function releasable() external view returns (uint256) {
        return _releasable();
    }

    /// @inheritdoc IMasaVesting
    function excess() external view returns (uint256) {
        return _excess();
    }

    /// @inheritdoc IMasaVesting
    function token() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IMasaVesting
    function beneficiary() external view returns (address) {
        return _beneficiary;
    }

    /// @inheritdoc IMasaVesting
    function pendingBeneficiary() external view returns (address) {
        return _pendingBeneficiary;
    }

    /// @inheritdoc IMasaVesting
    function revoker() external view returns (address) {
        return _revoker;
    }

    /// @inheritdoc IMasaVesting
    function revokeTo() external view returns (address) {
        return _revokeTo;
    }

    /// @inheritdoc IMasaVesting
    function allocation() external view returns (uint256) {
        return _allocation;
    }

    /// @inheritdoc IMasaVesting
    function released() external view returns (uint256) {
        return _released;
    }

    /// @inheritdoc IMasaVesting
    function schedule() external view returns (Schedule memory) {
        return Schedule({
            start: _start,
            lockup: _lockup,
            unlockAtLockEndBps: _unlockBps,
            linearDuration: _linearDuration,
            revocable: _revocable
        });
    }

    /// @inheritdoc IMasaVesting
    function end() external view returns (uint64) {
        // Checked at initialization: start + lockup + linearDuration <= type(uint64).max.
        return _start + _lockup + _linearDuration;
    }

    /// @inheritdoc IMasaVesting
    function revoked() external view returns (bool) {
        return _revoked;
    }

    /// @inheritdoc IMasaVesting
    function revokedAt() external view returns (uint64) {
        return _revokedAt;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev Vested now minus released. After revocation vested is frozen and fully released: 0.
    function _releasable() private view returns (uint256) {
        return _vestedAt(block.timestamp) - _released;
    }

    /// @dev The schedule at `timestamp`, frozen at the revocation time once revoked. Integer math:
    /// the lock-end share rounds down, the linear part rounds down, and at `end` the result is the
    /// whole allocation, so the rounding dust is paid with the last release.
    function _vestedAt(uint256 timestamp) private view returns (uint256) {
        if (_revoked && timestamp > _revokedAt) timestamp = _revokedAt;
        uint256 lockEnd = uint256(_start) + _lockup;
        if (timestamp < lockEnd) return 0;
        uint256 allocation_ = _allocation;
        uint256 linearDuration_ = _linearDuration;
        uint256 elapsed = timestamp - lockEnd;
        // Also covers linearDuration == 0: everything vests at the end of the lock-up.
        if (elapsed >= linearDuration_) return allocation_;
        // allocation < 2^128, unlockBps <= 10_000 and elapsed < linearDuration < 2^64: every product
        // is below 2^192, and atLockEnd <= allocation, so nothing here can overflow or underflow.
        unchecked {
            uint256 atLockEnd = allocation_ * _unlockBps / BPS;
            return atLockEnd + (allocation_ - atLockEnd) * elapsed / linearDuration_;
        }
    }

    /// @dev The balance beyond what the schedule still owes (allocation - released, or nothing once
    /// revoked, since revocation pays out everything).
    function _excess() private view returns (uint256) {
        uint256 balance = IERC20(_token).balanceOf(address(this));
        uint256 owed = _revoked ? 0 : _allocation - _released;
        return balance > owed ? balance - owed : 0;
    }
}
