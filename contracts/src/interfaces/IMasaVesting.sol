// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IMasaVesting
/// @notice One MASA vesting schedule held by one wallet (an EIP-1167 clone of {MasaVestingWallet},
/// created and funded by the genesis distributor).
///
/// Schedule, with `lockEnd = start + lockup` and `end = lockEnd + linearDuration`:
/// - before `lockEnd` nothing is vested;
/// - at `lockEnd` exactly `allocation * unlockAtLockEndBps / 10_000` is vested;
/// - the rest vests linearly over `linearDuration` seconds;
/// - from `end` on the whole `allocation` is vested (rounding dust of the linear part goes out
///   with the last release).
/// `start` is the reference event of the schedule (public sale, exchange listing or the oracle
/// network's launch). Every duration is in seconds; the Masa data files and tests count a month as
/// 30 days and a year as 365 days.
///
/// Locked tokens carry votes, by design: the wallet holds the MASA itself, and its beneficiary
/// can delegate the votes of the whole balance, locked or not ({delegate}). Team and investors take
/// part in governance from genesis rather than only as their tokens unlock.
interface IMasaVesting {
    /// @notice The shape of a schedule (amounts aside).
    /// @param start The reference timestamp (unix seconds) the lock-up counts from.
    /// @param lockup Seconds from `start` during which nothing vests.
    /// @param unlockAtLockEndBps Share of the allocation that vests when the lock-up ends, in basis
    /// points (10_000 = all of it).
    /// @param linearDuration Seconds over which the rest vests linearly after the lock-up. Zero if and
    /// only if `unlockAtLockEndBps == 10_000` (everything vests at the end of the lock-up).
    /// @param revocable Whether the revoker may stop the schedule (team and advisor schedules only).
    struct Schedule {
        uint64 start;
        uint64 lockup;
        uint16 unlockAtLockEndBps;
        uint64 linearDuration;
        bool revocable;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Emitted once, when the wallet is initialized with its schedule.
    /// @param token The vested token (MASA).
    /// @param beneficiary The first beneficiary.
    /// @param allocation The amount the schedule vests, in token wei.
    /// @param schedule The schedule's start, lock-up, unlock share, linear duration and revocability.
    /// @param revoker Who may revoke (zero for an irrevocable schedule).
    /// @param revokeTo Where the unvested rest goes on revocation (zero for an irrevocable schedule).
    event VestingInitialized(
        address indexed token,
        address indexed beneficiary,
        uint256 allocation,
        Schedule schedule,
        address revoker,
        address revokeTo
    );

    /// @notice Emitted when vested tokens are paid out.
    /// @param beneficiary The beneficiary that received them.
    /// @param amount The amount paid, in token wei.
    event Released(address indexed beneficiary, uint256 amount);

    /// @notice Emitted when the beneficiary proposes a successor (step one of two).
    /// @param beneficiary The current beneficiary.
    /// @param proposed The proposed successor, who must call {acceptBeneficiary}.
    event BeneficiaryProposed(address indexed beneficiary, address indexed proposed);

    /// @notice Emitted when a proposed successor accepts and becomes the beneficiary.
    /// @param previous The beneficiary before the change.
    /// @param beneficiary The new beneficiary.
    event BeneficiaryChanged(address indexed previous, address indexed beneficiary);

    /// @notice Emitted when the revoker stops the schedule.
    /// @param revokeTo The address that received the unvested rest.
    /// @param vested The amount vested at revocation (all of it has been paid to the beneficiary).
    /// @param unvested The unvested amount returned to `revokeTo`.
    event Revoked(address indexed revokeTo, uint256 vested, uint256 unvested);

    /// @notice Emitted when tokens held beyond what the schedule still owes are paid out.
    /// @param beneficiary The beneficiary that received them.
    /// @param amount The excess paid, in token wei.
    event ExcessSwept(address indexed beneficiary, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice {initialize} was called on an initialized wallet or on the implementation.
    error MasaVesting__AlreadyInitialized();

    /// @notice The token passed to {initialize} was the zero address.
    error MasaVesting__ZeroToken();

    /// @notice A beneficiary (initial or proposed) was the zero address.
    error MasaVesting__ZeroBeneficiary();

    /// @notice The allocation is zero or does not fit in 128 bits.
    /// @param allocation The rejected allocation.
    error MasaVesting__InvalidAllocation(uint256 allocation);

    /// @notice The unlock share is above 10_000 basis points.
    /// @param unlockAtLockEndBps The rejected share.
    error MasaVesting__InvalidUnlockBps(uint256 unlockAtLockEndBps);

    /// @notice A schedule must have a linear part exactly when it does not unlock everything at the
    /// end of the lock-up: `linearDuration == 0` if and only if `unlockAtLockEndBps == 10_000`. This
    /// catches a forgotten duration (which would otherwise unlock everything at once).
    /// @param unlockAtLockEndBps The schedule's unlock share.
    /// @param linearDuration The schedule's linear duration.
    error MasaVesting__InconsistentSchedule(uint256 unlockAtLockEndBps, uint256 linearDuration);

    /// @notice The schedule would end after the largest 64-bit timestamp.
    /// @param end `start + lockup + linearDuration`.
    error MasaVesting__EndTooLate(uint256 end);

    /// @notice A revocable schedule needs a revoker and a `revokeTo`; an irrevocable one takes neither.
    /// @param revocable The schedule's revocability.
    /// @param revoker The revoker given.
    /// @param revokeTo The `revokeTo` given.
    error MasaVesting__InvalidRevocationSetup(bool revocable, address revoker, address revokeTo);

    /// @notice The caller is not the beneficiary.
    /// @param caller The caller.
    /// @param beneficiary The current beneficiary.
    error MasaVesting__NotBeneficiary(address caller, address beneficiary);

    /// @notice The caller is not the proposed beneficiary (or none is proposed: `pending` is zero).
    /// @param caller The caller.
    /// @param pending The proposed beneficiary.
    error MasaVesting__NotPendingBeneficiary(address caller, address pending);

    /// @notice Nothing is releasable now: all that has vested by `timestamp` is already released.
    /// @param released The amount released so far (equal to the amount vested by `timestamp`).
    /// @param timestamp The current time.
    error MasaVesting__NothingToRelease(uint256 released, uint256 timestamp);

    /// @notice The schedule is irrevocable.
    error MasaVesting__NotRevocable();

    /// @notice The caller is not the revoker.
    /// @param caller The caller.
    /// @param revoker The revoker.
    error MasaVesting__NotRevoker(address caller, address revoker);

    /// @notice The schedule has already been revoked.
    /// @param revokedAt When it was revoked.
    error MasaVesting__AlreadyRevoked(uint64 revokedAt);

    /// @notice The wallet holds nothing beyond what the schedule still owes.
    /// @param balance The wallet's token balance.
    /// @param owed What the schedule still owes (0 once revoked).
    error MasaVesting__NoExcess(uint256 balance, uint256 owed);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the wallet's schedule; callable once, by whoever creates the clone (the genesis
    /// distributor does it in the transaction that creates it). The creator must then transfer
    /// exactly `allocation` tokens to the wallet.
    /// @param token The vested token: an ERC-20 with ERC-5805 votes (MASA).
    /// @param beneficiary Receives the vested tokens.
    /// @param allocation The amount the schedule vests, in token wei (non-zero, below 2^128).
    /// @param schedule Start, lock-up, unlock share, linear duration and revocability.
    /// @param revoker Who may revoke (the governance timelock); zero if not revocable.
    /// @param revokeTo Receives the unvested rest on revocation (the treasury); zero if not revocable.
    /// @dev Emits {VestingInitialized}. Reverts with {MasaVesting__AlreadyInitialized},
    /// {MasaVesting__ZeroToken}, {MasaVesting__ZeroBeneficiary}, {MasaVesting__InvalidAllocation},
    /// {MasaVesting__InvalidUnlockBps}, {MasaVesting__InconsistentSchedule},
    /// {MasaVesting__EndTooLate} or {MasaVesting__InvalidRevocationSetup}.
    function initialize(
        address token,
        address beneficiary,
        uint256 allocation,
        Schedule calldata schedule,
        address revoker,
        address revokeTo
    ) external;

    /// @notice Pays everything vested and not yet released to the current beneficiary; anyone may
    /// call it (tokens only ever go to the beneficiary).
    /// @return amount The amount paid.
    /// @dev Emits {Released}. Reverts with {MasaVesting__NothingToRelease}.
    function release() external returns (uint256 amount);

    /// @notice Pays the tokens held beyond what the schedule still owes (tokens sent to the wallet
    /// by mistake or as a top-up) to the current beneficiary; anyone may call it. Such tokens are not
    /// part of the schedule: they were never locked by it and are not counted by {vestedAmount}.
    /// @return amount The excess paid.
    /// @dev Emits {ExcessSwept}. Reverts with {MasaVesting__NoExcess}.
    function sweepExcess() external returns (uint256 amount);

    /// @notice Proposes `proposed` as the next beneficiary; only the current beneficiary may call it.
    /// A later proposal replaces an earlier one (propose your own address to withdraw one).
    /// @param proposed The successor, who must call {acceptBeneficiary}.
    /// @dev Emits {BeneficiaryProposed}. Reverts with {MasaVesting__NotBeneficiary} or
    /// {MasaVesting__ZeroBeneficiary}.
    function proposeBeneficiary(address proposed) external;

    /// @notice Makes the caller the beneficiary; only the proposed beneficiary may call it. Tokens
    /// vested but not yet released go to the new beneficiary (the old one can {release} first), and
    /// the votes stay with the current delegate until the new beneficiary calls {delegate}.
    /// @dev Emits {BeneficiaryChanged}. Reverts with {MasaVesting__NotPendingBeneficiary}.
    function acceptBeneficiary() external;

    /// @notice Stops a revocable schedule; only the revoker (the governance timelock) may call it, once.
    /// Whatever has vested by now is paid to the beneficiary, the unvested rest goes to `revokeTo`
    /// (the treasury), and vesting stops: {vestedAmount} stays at its value at revocation forever.
    /// Core-team (and partner/advisor) schedules are revocable so that governance can take back the
    /// unvested tokens of a member who leaves or an advisor who stops advising; private-round,
    /// CoinList, community and pool schedules are not: buyers and the community keep theirs.
    /// @return vested The amount vested at revocation (all of it now paid to the beneficiary).
    /// @return unvested The amount returned to `revokeTo`.
    /// @dev Emits {Released} (if anything was releasable) and {Revoked}. Reverts with
    /// {MasaVesting__NotRevocable}, {MasaVesting__NotRevoker} or {MasaVesting__AlreadyRevoked}.
    function revoke() external returns (uint256 vested, uint256 unvested);

    /// @notice Delegates the votes of every MASA the wallet holds (locked or not) to `delegatee`;
    /// only the beneficiary may call it. Locked tokens carry votes by design.
    /// @param delegatee Who receives the votes (the beneficiary itself, or anyone).
    /// @dev The token emits `DelegateChanged` / `DelegateVotesChanged`. Reverts with
    /// {MasaVesting__NotBeneficiary}.
    function delegate(address delegatee) external;

    /// @notice The amount vested at time `timestamp` (0 before the lock-up ends, `allocation` from
    /// the end of the schedule on; frozen at its value at revocation once revoked). Monotone in
    /// `timestamp` and never above the allocation.
    /// @param timestamp A unix timestamp.
    /// @return The vested amount, in token wei.
    function vestedAmount(uint64 timestamp) external view returns (uint256);

    /// @notice What {release} would pay now: vested now minus released.
    /// @return The releasable amount, in token wei.
    function releasable() external view returns (uint256);

    /// @notice What {sweepExcess} would pay now: the balance beyond what the schedule still owes.
    /// @return The excess, in token wei.
    function excess() external view returns (uint256);

    /// @notice The vested token.
    /// @return The token address.
    function token() external view returns (address);

    /// @notice The current beneficiary.
    /// @return The beneficiary address.
    function beneficiary() external view returns (address);

    /// @notice The proposed next beneficiary (zero if none).
    /// @return The proposed address.
    function pendingBeneficiary() external view returns (address);

    /// @notice Who may revoke (zero for an irrevocable schedule).
    /// @return The revoker address.
    function revoker() external view returns (address);

    /// @notice Where the unvested rest goes on revocation (zero for an irrevocable schedule).
    /// @return The `revokeTo` address.
    function revokeTo() external view returns (address);

    /// @notice The amount the schedule vests in total (fixed at initialization).
    /// @return The allocation, in token wei.
    function allocation() external view returns (uint256);

    /// @notice The amount released to beneficiaries so far (including at revocation).
    /// @return The released amount, in token wei.
    function released() external view returns (uint256);

    /// @notice The schedule.
    /// @return The start, lock-up, unlock share, linear duration and revocability.
    function schedule() external view returns (Schedule memory);

    /// @notice When the schedule is fully vested: `start + lockup + linearDuration`.
    /// @return The end timestamp.
    function end() external view returns (uint64);

    /// @notice Whether the schedule has been revoked.
    /// @return True once {revoke} has run.
    function revoked() external view returns (bool);

    /// @notice When the schedule was revoked (zero if it was not).
    /// @return The revocation timestamp.
    function revokedAt() external view returns (uint64);
}
