// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDeliveryVerifier} from "./IDeliveryVerifier.sol";
import {IZkSBT} from "./IZkSBT.sol";

/// @title IDataPools
/// @notice Data staking pools: a developer funds a pool with a MASA reward budget and states which
/// data it wants (a zkSBT schema and a statement about one of its fields, optionally restricted to
/// a set of issuers); people who hold such a record stake into the pool with a zero-knowledge
/// disclosure of exactly that statement and earn the budget pro rata to time staked, until they
/// unstake or the pool ends.
///
/// - **One stake per person per pool.** A stake is a disclosure under the scope
///   `IZkSBT.scopeOf(pools, purposeOf(poolId))`, so its nullifier is unique per wallet (or per
///   attested person, for an issuer set whose issuers attest one wallet per person) and pool, in
///   direct and anonymous mode alike. This contract records every nullifier it accepted (only it
///   can make disclosures of its scope count), so a person who unstaked cannot stake into the same
///   pool again.
/// - **Delivery that cannot lie.** With the stake comes the record's 8 values encrypted to the
///   developer's BabyJubJub key (ECDH + Poseidon duplex), and the stake's proof (the delivery
///   circuit, circuits/delivery.md) shows that this ciphertext is the encryption of the very
///   record the disclosure is about: a stake with a ciphertext of anything else is refused. The
///   ciphertext is emitted ({Delivered}); after an unstake the developer keeps what it decrypted.
/// - **Who is paid.** The stake is recorded under its nullifier; the disclosure's `recipient`,
///   bound into the proof, receives the rewards and alone may claim and unstake. Whoever submits
///   the stake (a relayer, a watcher copying the transaction) changes nothing.
/// - **Rewards** stream per second over `[start, end]`: at every change the pool streams
///   `remaining * elapsed / (end - lastUpdate)` (rate = remaining budget / remaining time, exact at
///   `end`), shared equally by the stakers of that moment (weight 1 each). Time with no staker
///   streams into `unallocated`, which is the developer's ({refund}), never lost.
/// - **Fees.** Funding (creation and top-ups) pays `amount * createFeeBps / 10_000` to the fee
///   router (burn share, then the split); the rest is the pool's reward budget.
interface IDataPools {
    /// @notice A part of a pool's eligibility statement (in {DataPools__StatementMismatch} and
    /// {DataPools__InvalidStatement}).
    enum StatementField {
        Schema,
        IssuerSet,
        FieldIndex,
        Operator,
        OperandA,
        OperandB
    }

    /// @notice The statement a staker must prove, exactly as `IZkSBT.Disclosure` states it.
    /// @param schemaId The record's schema.
    /// @param issuerSet 0 (any attestation class) or `IZkSBT.issuerSetOf(members)`.
    /// @param fieldIndex The field the predicate is about (0-7).
    /// @param operator 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=, 6 in [operandA, operandB].
    /// @param operandA First operand.
    /// @param operandB Second operand (for the range operator).
    struct Statement {
        uint256 schemaId;
        uint256 issuerSet;
        uint8 fieldIndex;
        uint8 operator;
        uint64 operandA;
        uint64 operandB;
    }

    /// @notice What a developer chooses when creating a pool.
    /// @param start When rewards start and staking opens (at or after the creation time, at most
    /// {MAX_START_DELAY} later).
    /// @param end When rewards stop and staking closes (after `start`, at most {MAX_DURATION}
    /// after it).
    /// @param maxStakers The most stakers staked at once (0: no cap).
    /// @param statement What a staker must prove.
    /// @param metadataURI Where the pool is described (free text for dapps).
    /// @param deliveryKeyX The developer's data-delivery public key: a BabyJubJub point, `x`.
    /// @param deliveryKeyY Its `y` (stored and emitted; the encrypted delivery comes later).
    struct PoolConfig {
        uint64 start;
        uint64 end;
        uint32 maxStakers;
        Statement statement;
        string metadataURI;
        uint256 deliveryKeyX;
        uint256 deliveryKeyY;
    }

    /// @notice A pool's state (as stored: {earned} and {refundable} add what accrued since
    /// `lastUpdate`).
    /// @param developer Who created and funded it; receives refunds and alone controls it.
    /// @param start When rewards start.
    /// @param maxStakers The cap on stakers at once (0: none).
    /// @param remaining Budget not yet streamed.
    /// @param lastUpdate Until when rewards have been streamed.
    /// @param end When rewards stop.
    /// @param rewardPerShare Accumulated reward per stake, scaled by {REWARD_PRECISION}.
    /// @param unallocated Streamed while nobody was staked, returned early (end) or left as dust by
    /// the last staker leaving: the developer's, paid by {refund}.
    /// @param stakers Stakes staked now (the total weight).
    /// @param carry Remainder of the last accumulator division (below `stakers`), carried forward.
    /// @param totalStakes Stakes ever made.
    /// @param funded Reward budget funded, net of fees.
    /// @param paid Rewards paid to stakers.
    /// @param refunded Budget returned to the developer.
    /// @param fees Fees paid to the fee router on its funding.
    /// @param statement What a staker must prove.
    /// @param deliveryKeyX The developer's delivery key, `x`.
    /// @param deliveryKeyY The developer's delivery key, `y`.
    /// @param metadataURI The pool's description.
    struct Pool {
        address developer;
        uint64 start;
        uint32 maxStakers;
        uint128 remaining;
        uint64 lastUpdate;
        uint64 end;
        uint256 rewardPerShare;
        uint128 unallocated;
        uint32 stakers;
        uint32 carry;
        uint64 totalStakes;
        uint128 funded;
        uint128 paid;
        uint128 refunded;
        uint128 fees;
        Statement statement;
        uint256 deliveryKeyX;
        uint256 deliveryKeyY;
        string metadataURI;
    }

    /// @notice A staker's record, encrypted to the pool's delivery key, with the inputs of its
    /// proof (circuits/delivery.md): the developer derives the key `p·ephemeralKey` with its secret
    /// `p` and decrypts `ciphertext` into the record's 8 values.
    /// @param ephemeralKey The staker's ephemeral BabyJubJub public key `E = e·Base8`.
    /// @param nonce The encryption nonce (below 2^128).
    /// @param ciphertext The 8 values and a padding zero, encrypted, then the authentication tag.
    struct Delivery {
        uint256[2] ephemeralKey;
        uint256 nonce;
        uint256[10] ciphertext;
    }

    /// @notice A stake, recorded under its nullifier.
    /// @param recipient Receives its rewards; alone may claim and unstake (zero: no such stake).
    /// @param stakedAt When it was made.
    /// @param unstakedAt When it was withdrawn (0: still staked).
    /// @param rewardPerSharePaid The pool's `rewardPerShare` up to which it has been paid
    /// (advanced by whole wei only, so no fraction is lost between claims).
    struct Stake {
        address recipient;
        uint48 stakedAt;
        uint48 unstakedAt;
        uint256 rewardPerSharePaid;
    }

    /// @notice A pool was created and funded.
    /// @param poolId The new pool.
    /// @param developer Its developer (the caller).
    /// @param schemaId The schema it accepts (also in `config`).
    /// @param config Everything the developer chose.
    /// @param rewardBudget The reward budget (funding net of the fee).
    /// @param fee The fee paid to the fee router.
    event PoolCreated(
        uint256 indexed poolId,
        address indexed developer,
        uint256 indexed schemaId,
        PoolConfig config,
        uint256 rewardBudget,
        uint256 fee
    );

    /// @notice A person staked: `nullifier` is their stake in `poolId`, paid to `recipient`.
    /// @param poolId The pool.
    /// @param nullifier The disclosure's nullifier (unique per person and pool).
    /// @param recipient Receives the rewards and controls the stake.
    event Staked(uint256 indexed poolId, uint256 indexed nullifier, address indexed recipient);

    /// @notice The record behind stake `nullifier`, encrypted to the pool's delivery key; the
    /// proof checked that it is the encryption of the very record the stake disclosed about.
    /// @param poolId The pool.
    /// @param nullifier The stake.
    /// @param delivery The ciphertext and what decrypting it needs.
    event Delivered(uint256 indexed poolId, uint256 indexed nullifier, Delivery delivery);

    /// @notice Rewards were paid to a stake's recipient.
    /// @param poolId The pool.
    /// @param nullifier The stake.
    /// @param recipient Who received them.
    /// @param amount MASA paid.
    event Claimed(
        uint256 indexed poolId, uint256 indexed nullifier, address indexed recipient, uint256 amount
    );

    /// @notice A stake was withdrawn (the developer's access to this person's data ends).
    /// @param poolId The pool.
    /// @param nullifier The stake.
    /// @param recipient Its recipient.
    event Unstaked(uint256 indexed poolId, uint256 indexed nullifier, address indexed recipient);

    /// @notice The developer added budget.
    /// @param poolId The pool.
    /// @param rewardAmount Added to the reward budget (net of the fee).
    /// @param fee Paid to the fee router.
    event ToppedUp(uint256 indexed poolId, uint256 rewardAmount, uint256 fee);

    /// @notice The developer moved the end later.
    /// @param poolId The pool.
    /// @param oldEnd The previous end.
    /// @param newEnd The new end.
    event Extended(uint256 indexed poolId, uint64 oldEnd, uint64 newEnd);

    /// @notice The developer ended the pool early (its unstreamed budget became refundable).
    /// @param poolId The pool.
    /// @param endedAt Its new end (the time of the call).
    event PoolEnded(uint256 indexed poolId, uint64 endedAt);

    /// @notice Unallocated budget was returned to the developer.
    /// @param poolId The pool.
    /// @param developer Who received it.
    /// @param amount MASA returned.
    event Refunded(uint256 indexed poolId, address indexed developer, uint256 amount);

    /// @notice The owner set the funding fee (also emitted at construction).
    /// @param bps The fee, in basis points of each funding.
    event CreateFeeSet(uint16 bps);

    /// @notice A constructor address was zero (or the fee router has no MASA).
    error DataPools__ZeroAddress();
    /// @notice The owner cannot renounce: the funding fee could never change again.
    error DataPools__RenounceDisabled();
    /// @notice The funding fee `bps` is above `max` basis points.
    error DataPools__FeeTooHigh(uint256 bps, uint256 max);
    /// @notice A funding of zero.
    error DataPools__ZeroAmount();
    /// @notice A funding of `amount` is above `max` (amounts are stored in 128 bits).
    error DataPools__AmountTooLarge(uint256 amount, uint256 max);
    /// @notice `start` is before `timestamp` or more than {MAX_START_DELAY} after it, or `end` is
    /// not after `start`, or more than {MAX_DURATION} after it.
    error DataPools__InvalidSchedule(uint256 start, uint256 end, uint256 timestamp);
    /// @notice A statement part is out of the range any disclosure can have (field index above 7,
    /// operator above 6, issuer set not a field element, `operandB` not 0 for an operator other
    /// than the range, or below `operandA` for the range).
    error DataPools__InvalidStatement(StatementField field, uint256 value);
    /// @notice The delivery key is not a BabyJubJub point other than the identity.
    error DataPools__InvalidDeliveryKey(uint256 x, uint256 y);
    /// @notice No pool has id `poolId`.
    error DataPools__UnknownPool(uint256 poolId);
    /// @notice Only the pool's developer may do this.
    error DataPools__NotDeveloper(uint256 poolId, address caller, address developer);
    /// @notice The disclosure states `actual` where the pool asks for `expected` in `field`.
    error DataPools__StatementMismatch(StatementField field, uint256 expected, uint256 actual);
    /// @notice The disclosure's purpose is `actual`, not the pool's ({purposeOf}).
    error DataPools__PurposeMismatch(bytes32 expected, bytes32 actual);
    /// @notice The pool opens at `start`, after `timestamp`.
    error DataPools__NotStarted(uint256 poolId, uint256 start, uint256 timestamp);
    /// @notice The pool ended at `end` (`timestamp` is at or after it).
    error DataPools__AlreadyEnded(uint256 poolId, uint256 end, uint256 timestamp);
    /// @notice The pool already has `maxStakers` stakers.
    error DataPools__PoolFull(uint256 poolId, uint256 maxStakers);
    /// @notice The disclosure's recipient is zero (nobody could claim).
    error DataPools__ZeroRecipient();
    /// @notice The person behind `nullifier` has already staked in `poolId` (one stake per person
    /// and pool, even after unstaking).
    error DataPools__NullifierUsed(uint256 poolId, uint256 nullifier);
    /// @notice The delivery proof is not valid for the disclosure, the pool's delivery key and the
    /// delivery (a ciphertext of anything but the disclosed record has no valid proof).
    error DataPools__InvalidDeliveryProof(uint256 poolId, uint256 nullifier);
    /// @notice No stake `nullifier` is staked in `poolId` (never made, or withdrawn).
    error DataPools__NotStaked(uint256 poolId, uint256 nullifier);
    /// @notice Only the stake's recipient may claim or unstake.
    error DataPools__NotRecipient(address caller, address recipient);
    /// @notice `newEnd` is not after the pool's `end`, or after `maxEnd` (start + {MAX_DURATION}).
    error DataPools__InvalidExtension(uint256 poolId, uint256 end, uint256 newEnd, uint256 maxEnd);
    /// @notice The pool has nothing unallocated to refund.
    error DataPools__NothingToRefund(uint256 poolId);

    /// @notice Creates a pool funded with `budget` MASA pulled from the caller (who approved this
    /// contract), of which the fee (`budget * createFeeBps / 10_000`, rounded down) goes to the fee
    /// router and the rest is the reward budget. The caller is the pool's developer.
    /// @param config Schedule, cap, statement, metadata and delivery key.
    /// @param budget MASA to fund the pool with, fee included.
    /// @return poolId The new pool (ids start at 1).
    /// @dev Emits {PoolCreated} (and the router's `FeePaid`). Reverts with {DataPools__ZeroAmount},
    /// {DataPools__AmountTooLarge}, {DataPools__InvalidSchedule}, {DataPools__InvalidStatement},
    /// {DataPools__InvalidDeliveryKey}, or MASA's `ERC20InsufficientAllowance` /
    /// `ERC20InsufficientBalance`.
    function createPool(PoolConfig calldata config, uint256 budget) external returns (uint256 poolId);

    /// @notice Stakes into `poolId` with the disclosure `d` and the delivery of its record
    /// (anyone may submit it: the stake is `d.nullifier`'s and pays `d.recipient`). The disclosure
    /// must state exactly the pool's statement, for the pool's purpose ({purposeOf}); the pool must
    /// be open (started, not ended) and below its cap. The zkSBT registry checks the statement
    /// (`IZkSBT.checkStatement`: root or live token, schema, validity); `d.proof` is a proof of the
    /// delivery circuit, verified here with the disclosure's inputs (scope and message hash as the
    /// registry computes them for this contract), the pool's delivery key and `delivery`; this
    /// contract keeps the nullifiers of its scope (one stake per person and pool).
    /// @dev Emits {Staked} and {Delivered}. Reverts with {DataPools__UnknownPool},
    /// {DataPools__StatementMismatch}, {DataPools__PurposeMismatch}, {DataPools__NotStarted},
    /// {DataPools__AlreadyEnded}, {DataPools__PoolFull}, {DataPools__ZeroRecipient},
    /// {DataPools__NullifierUsed}, {DataPools__InvalidDeliveryProof}, or the registry's statement
    /// errors (`ZkSBT__UnknownRoot`, `ZkSBT__RecordNotUsable`, `ZkSBT__DisclosureExpired`, ...).
    function stake(uint256 poolId, IZkSBT.Disclosure calldata d, Delivery calldata delivery) external;

    /// @notice Pays the stake's rewards so far to its recipient (the caller).
    /// @return amount MASA paid (0: nothing yet; no transfer).
    /// @dev Emits {Claimed} when `amount` is not 0. Reverts with {DataPools__UnknownPool},
    /// {DataPools__NotStaked} or {DataPools__NotRecipient}.
    function claim(uint256 poolId, uint256 nullifier) external returns (uint256 amount);

    /// @notice Withdraws the stake (any time): pays its rewards so far to its recipient (the
    /// caller) and stops its share. The nullifier stays used: the same person cannot stake into
    /// this pool again.
    /// @return amount MASA paid.
    /// @dev Emits {Claimed} (when `amount` is not 0) and {Unstaked}. Reverts as {claim}.
    function unstake(uint256 poolId, uint256 nullifier) external returns (uint256 amount);

    /// @notice Adds `amount` MASA (pulled from the caller, the developer) to an unended pool; the
    /// funding fee applies, as at creation (otherwise creating small and topping up would avoid it).
    /// From now on the remaining budget streams over the remaining time.
    /// @return rewardAmount Added to the reward budget (net of the fee).
    /// @dev Emits {ToppedUp}. Reverts with {DataPools__UnknownPool}, {DataPools__NotDeveloper},
    /// {DataPools__AlreadyEnded}, {DataPools__ZeroAmount}, {DataPools__AmountTooLarge}, or MASA's
    /// transfer errors.
    function topUp(uint256 poolId, uint256 amount) external returns (uint256 rewardAmount);

    /// @notice Moves an unended pool's end to `newEnd` (later, at most {MAX_DURATION} after its
    /// start; developer only). From now on the remaining budget streams over the longer time.
    /// @dev Emits {Extended}. Reverts with {DataPools__UnknownPool}, {DataPools__NotDeveloper},
    /// {DataPools__AlreadyEnded} or {DataPools__InvalidExtension}.
    function extend(uint256 poolId, uint64 newEnd) external;

    /// @notice Ends an unended pool now (developer only): rewards streamed so far stay the
    /// stakers'; the unstreamed budget and everything unallocated are refunded to the developer.
    /// Stakers keep claiming and unstaking.
    /// @return refunded MASA returned to the developer.
    /// @dev Emits {PoolEnded} and (if not 0) {Refunded}. Reverts with {DataPools__UnknownPool},
    /// {DataPools__NotDeveloper} or {DataPools__AlreadyEnded}.
    function end(uint256 poolId) external returns (uint256 refunded);

    /// @notice Returns the pool's unallocated budget to its developer (the caller), at any time:
    /// rewards of time with no staker, the unstreamed budget of an ended pool, and the rounding
    /// dust left when the last staker leaves.
    /// @return amount MASA returned.
    /// @dev Emits {Refunded}. Reverts with {DataPools__UnknownPool}, {DataPools__NotDeveloper} or
    /// {DataPools__NothingToRefund}.
    function refund(uint256 poolId) external returns (uint256 amount);

    /// @notice Sets the funding fee, at most {MAX_CREATE_FEE_BPS} (owner only: the DAO timelock).
    /// Applies to fundings from now on.
    /// @dev Emits {CreateFeeSet}. Reverts with {DataPools__FeeTooHigh}.
    function setCreateFee(uint16 bps) external;

    /// @notice The pool `poolId` as stored. Reverts with {DataPools__UnknownPool}.
    function pool(uint256 poolId) external view returns (Pool memory);

    /// @notice The stake `nullifier` in `poolId` (all zero if never made).
    function stakeOf(uint256 poolId, uint256 nullifier) external view returns (Stake memory);

    /// @notice What {claim} would pay the stake now (0 if not staked).
    function earned(uint256 poolId, uint256 nullifier) external view returns (uint256);

    /// @notice What {refund} would return now.
    function refundable(uint256 poolId) external view returns (uint256);

    /// @notice The disclosure purpose of `poolId`: `keccak256(abi.encode("masa.pool", poolId))`.
    function purposeOf(uint256 poolId) external pure returns (bytes32);

    /// @notice The registry's nullifier scope of `poolId`'s stakes (what a prover needs):
    /// `IZkSBT.scopeOf(this contract, purposeOf(poolId))`.
    function scopeOf(uint256 poolId) external view returns (uint256);

    /// @notice Pools created so far (the last pool's id).
    function poolCount() external view returns (uint256);

    /// @notice The funding fee in basis points.
    function createFeeBps() external view returns (uint16);

    /// @notice The zkSBT registry stakes are disclosed to.
    function zkSBT() external view returns (IZkSBT);

    /// @notice The Groth16 verifier of the delivery circuit (stake proofs).
    function deliveryVerifier() external view returns (IDeliveryVerifier);

    /// @notice The fee router funding fees are paid to.
    function feeRouter() external view returns (address);

    /// @notice The reward token (the fee router's MASA).
    function masa() external view returns (address);
}
