// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDeliveryVerifier} from "./IDeliveryVerifier.sol";
import {IZkSBT} from "./IZkSBT.sol";

/// @title IAccessPasses
/// @notice Verifiable access passes: the owner of a zkSBT record grants one developer access to
/// that one record under terms it sets (price, validity, number of uses, purpose, optional
/// programmable terms), and is paid for it.
///
/// - **Offer and accept.** The owner signs an EIP-712 {Offer} off-chain (no gas; an ERC-1271
///   wallet signs as its code says, so ERC-4337 accounts work); the offer names the developer,
///   the record, the delivery key and the terms, and carries a nonce and a deadline. The named
///   developer alone accepts it ({accept}), paying the upfront price and escrowing the per-use
///   price for every use. A signature is good for one pass: its nonce is then used. The owner
///   cancels an unaccepted offer by its nonce ({cancelNonce}), or every offer below a nonce at
///   once ({raiseNonceFloor}).
/// - **The owner is paid**, less the protocol fee (`feeBps` of each payment, fixed per pass at
///   accept; at most {MAX_FEE_BPS}): the upfront price at accept, one per-use price per use.
///   Fees in MASA go to the fee router at once (its burn share, then its split); fees in another
///   token the router accepts are held here ({pendingFees}) until governance converts them with a
///   quoted minimum ({forwardFees}): a pass never swaps at a price someone else can set.
/// - **A use** has two on-chain steps the owner and the developer can both audit: the developer
///   asks ({requestUse}; the terms contract, if any, is consulted then), and the owner delivers
///   ({deliver}) the record encrypted to the pass's delivery key with a proof of the delivery
///   circuit (circuits/delivery.md) that the ciphertext is the encryption of the very record
///   the pass is for; the delivery releases one per-use price from escrow to the owner and emits
///   the ciphertext ({UseDelivered}). So only the developer spends its escrow (the owner cannot
///   deliver uses nobody asked for), and it pays only for deliveries made.
/// - **Ending.** The owner revokes any time ({revoke}); validity ends by itself at `validUntil`
///   (no transaction). Requests stop at `validUntil`; a request made in time may be delivered
///   until `validUntil + DELIVERY_GRACE`. The unused escrow goes back to the developer through
///   {close}, which anyone may call once the pass is revoked or that grace is over (a revoke
///   itself moves no token, so no token or account can stop an owner from revoking), and the
///   developer at any time no use waits for its delivery (it stops buying uses: no use follows).
///   So an owner who stops delivering, a terms contract that refuses every use, or a burned
///   record never lock the escrow of uses not yet asked for.
/// - **The record must outlive the pass**: at accept it is in a tree (not revoked or burned) and
///   does not expire before the last delivery (`validUntil + DELIVERY_GRACE`).
/// - **Conservation (per pass).** `upfrontPrice + perUsePrice * maxUses` (what the developer
///   paid) `= ownerPaid + fees + escrow + refunded`; this contract holds, per token, the sum of
///   the passes' `escrow` plus {pendingFees} (plus tokens sent here outside a pass, which belong
///   to nobody and are never read).
/// - **Tokens.** The price token is MASA or a token the fee router accepts (`pathOf` non-empty)
///   at accept. Tokens that deliver less than the amount transferred (fee on transfer) are
///   refused at accept; rebasing tokens are not supported (escrow is counted in units).
interface IAccessPasses {
    /// @notice What an owner offers (the EIP-712 struct it signs; {OFFER_TYPEHASH}).
    /// @param owner The record's owner: the signer, paid for the pass (EOA or ERC-1271 account).
    /// @param tokenId The zkSBT whose record the pass is for (held by `owner` at accept).
    /// @param developer The only account that may accept the offer, and the pass's developer.
    /// @param token The price token: MASA or a token the fee router accepts.
    /// @param upfrontPrice Paid to the owner (less the fee) at accept.
    /// @param perUsePrice Paid to the owner (less the fee) per delivered use; escrowed at accept
    /// for `maxUses` uses.
    /// @param validFrom From when the developer may ask for uses.
    /// @param validUntil Until when (inclusive) it may; after `validUntil + DELIVERY_GRACE` the
    /// unused escrow is refundable.
    /// @param maxUses The most uses (at least 1).
    /// @param purpose What the developer may use the record for (free label, e.g.
    /// `keccak256("research")`), passed to the terms contract.
    /// @param deliveryKeyX The developer's BabyJubJub delivery public key, `x`.
    /// @param deliveryKeyY Its `y`.
    /// @param terms A terms contract consulted on each use, or zero for none.
    /// @param nonce Any of the owner's nonces not used, cancelled, nor below its floor.
    /// @param deadline The last second the offer may be accepted.
    struct Offer {
        address owner;
        uint256 tokenId;
        address developer;
        address token;
        uint128 upfrontPrice;
        uint128 perUsePrice;
        uint64 validFrom;
        uint64 validUntil;
        uint32 maxUses;
        bytes32 purpose;
        uint256 deliveryKeyX;
        uint256 deliveryKeyY;
        address terms;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A pass as stored.
    /// @param owner Who granted it and is paid.
    /// @param validFrom From when uses may be requested.
    /// @param maxUses The most uses.
    /// @param developer Who bought it.
    /// @param validUntil Until when uses may be requested.
    /// @param requested Uses requested so far (the next request's index).
    /// @param token The price token.
    /// @param delivered Uses delivered so far (the next delivery's index; at most `requested`).
    /// @param feeBps The protocol fee on each payment to the owner (the fee at accept).
    /// @param revoked Whether the owner revoked it.
    /// @param terms The terms contract (zero: none).
    /// @param tokenId The record's zkSBT.
    /// @param upfrontPrice Paid at accept.
    /// @param perUsePrice Released per delivered use.
    /// @param ownerPaid Paid to the owner so far.
    /// @param fees Protocol fees so far.
    /// @param escrow Held for uses not yet delivered.
    /// @param refunded Returned to the developer.
    /// @param purpose The granted purpose.
    /// @param deliveryKeyX The developer's delivery key, `x`.
    /// @param deliveryKeyY The developer's delivery key, `y`.
    struct Pass {
        address owner;
        uint64 validFrom;
        uint32 maxUses;
        address developer;
        uint64 validUntil;
        uint32 requested;
        address token;
        uint32 delivered;
        uint16 feeBps;
        bool revoked;
        address terms;
        uint256 tokenId;
        uint128 upfrontPrice;
        uint128 perUsePrice;
        uint128 ownerPaid;
        uint128 fees;
        uint128 escrow;
        uint128 refunded;
        bytes32 purpose;
        uint256 deliveryKeyX;
        uint256 deliveryKeyY;
    }

    /// @notice A delivery: the record's 8 values encrypted to the pass's delivery key, with the
    /// inputs of its proof (circuits/delivery.md; the same layout as `IDataPools.Delivery`). The
    /// developer derives the key `p·ephemeralKey` with its secret `p` and decrypts `ciphertext`.
    /// @param ephemeralKey The owner's ephemeral BabyJubJub public key `E = e·Base8`.
    /// @param nonce The encryption nonce: {deliveryNonceOf} for this pass and use.
    /// @param ciphertext The 8 values and a padding zero, encrypted, then the authentication tag.
    struct Delivery {
        uint256[2] ephemeralKey;
        uint256 nonce;
        uint256[10] ciphertext;
    }

    /// @notice A developer accepted an offer: pass `passId` exists and is paid for.
    /// @param passId The new pass.
    /// @param owner The record's owner.
    /// @param developer The developer.
    /// @param offer The offer as signed.
    /// @param ownerAmount Paid to the owner now (the upfront price less the fee).
    /// @param fee The fee on the upfront price.
    /// @param escrow Escrowed for the uses (`perUsePrice * maxUses`).
    event PassAccepted(
        uint256 indexed passId,
        address indexed owner,
        address indexed developer,
        Offer offer,
        uint256 ownerAmount,
        uint256 fee,
        uint256 escrow
    );

    /// @notice The developer asked for use `useIndex` of `passId` (the owner's cue to deliver).
    /// @param passId The pass.
    /// @param useIndex The use (0 for the first).
    event UseRequested(uint256 indexed passId, uint256 indexed useIndex);

    /// @notice The owner delivered use `useIndex`: the record encrypted to the pass's key, proven
    /// to be the encryption of the pass's record; one per-use price was released.
    /// @param passId The pass.
    /// @param useIndex The use delivered.
    /// @param ownerAmount Paid to the owner (the per-use price less the fee).
    /// @param fee The fee on the per-use price.
    /// @param delivery The ciphertext and what decrypting it needs.
    event UseDelivered(
        uint256 indexed passId, uint256 indexed useIndex, uint256 ownerAmount, uint256 fee, Delivery delivery
    );

    /// @notice The owner revoked `passId`: no more requests nor deliveries.
    /// @param passId The pass.
    /// @param refundable The escrow now refundable to the developer ({close}).
    event PassRevoked(uint256 indexed passId, uint256 refundable);

    /// @notice The unused escrow of `passId` went back to its developer.
    /// @param passId The pass.
    /// @param developer Who received it.
    /// @param amount How much.
    event PassClosed(uint256 indexed passId, address indexed developer, uint256 amount);

    /// @notice `owner` cancelled offer nonce `nonce`.
    event NonceCancelled(address indexed owner, uint256 nonce);

    /// @notice `owner` raised its nonce floor: every offer with a nonce below `floor` is void.
    event NonceFloorRaised(address indexed owner, uint256 floor);

    /// @notice The owner (governance) set the protocol fee (also emitted at construction).
    /// @param bps The fee, in basis points of each payment to a record's owner.
    event FeeSet(uint16 bps);

    /// @notice Held fees in `token` were paid to the fee router (converted to MASA there).
    /// @param token The fee token.
    /// @param amount The fees paid, in `token`.
    /// @param masaAmount The MASA they became.
    event FeesForwarded(address indexed token, uint256 amount, uint256 masaAmount);

    /// @notice A constructor address was zero (or the fee router has no MASA).
    error AccessPasses__ZeroAddress();
    /// @notice The owner cannot renounce: the fee could never change, held fees never move.
    error AccessPasses__RenounceDisabled();
    /// @notice The fee `bps` is above `max` basis points.
    error AccessPasses__FeeTooHigh(uint256 bps, uint256 max);
    /// @notice The offer's `deadline` has passed (`timestamp > deadline`).
    error AccessPasses__OfferExpired(uint256 deadline, uint256 timestamp);
    /// @notice Only the offer's `developer` may accept it.
    error AccessPasses__NotOfferedDeveloper(address caller, address developer);
    /// @notice `owner` already used or cancelled `nonce`.
    error AccessPasses__NonceUsed(address owner, uint256 nonce);
    /// @notice `nonce` is below `owner`'s nonce `floor`.
    error AccessPasses__NonceBelowFloor(address owner, uint256 nonce, uint256 floor);
    /// @notice A new nonce floor must be above the current one.
    error AccessPasses__InvalidNonceFloor(uint256 floor, uint256 newFloor);
    /// @notice The signature is not `owner`'s for this offer.
    error AccessPasses__InvalidSignature(address owner);
    /// @notice Token `tokenId` is held by `holder` (zero: no such token), not by the offer's `owner`.
    error AccessPasses__NotTokenOwner(uint256 tokenId, address owner, address holder);
    /// @notice The offer's validity is empty or over: `validUntil` must be after `validFrom` and
    /// after `timestamp`.
    error AccessPasses__InvalidValidity(uint256 validFrom, uint256 validUntil, uint256 timestamp);
    /// @notice An offer of no use.
    error AccessPasses__ZeroMaxUses();
    /// @notice The pass would cost `amount`, above `max` (amounts are stored in 128 bits).
    error AccessPasses__AmountTooLarge(uint256 amount, uint256 max);
    /// @notice `token` is neither MASA nor accepted by the fee router.
    error AccessPasses__TokenNotAccepted(address token);
    /// @notice The delivery key is not a BabyJubJub point other than the identity.
    error AccessPasses__InvalidDeliveryKey(uint256 x, uint256 y);
    /// @notice The terms contract has no code.
    error AccessPasses__InvalidTerms(address terms);
    /// @notice `token` delivered `received` where `expected` was transferred (fee on transfer).
    error AccessPasses__TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// @notice No pass has id `passId`.
    error AccessPasses__UnknownPass(uint256 passId);
    /// @notice Only the pass's developer may do this.
    error AccessPasses__NotDeveloper(uint256 passId, address caller, address developer);
    /// @notice Only the pass's owner may do this.
    error AccessPasses__NotOwner(uint256 passId, address caller, address owner);
    /// @notice The owner revoked `passId`.
    error AccessPasses__Revoked(uint256 passId);
    /// @notice `passId` is valid from `validFrom`, after `timestamp`.
    error AccessPasses__NotStarted(uint256 passId, uint256 validFrom, uint256 timestamp);
    /// @notice `passId` was valid until `validUntil`, before `timestamp`.
    error AccessPasses__Expired(uint256 passId, uint256 validUntil, uint256 timestamp);
    /// @notice All `maxUses` uses of `passId` were requested.
    error AccessPasses__UsesExhausted(uint256 passId, uint256 maxUses);
    /// @notice Every requested use of `passId` was delivered (`requested` of them).
    error AccessPasses__NoPendingUse(uint256 passId, uint256 requested);
    /// @notice Deliveries of `passId` ended at `deadline` (`validUntil + DELIVERY_GRACE`), before
    /// `timestamp`.
    error AccessPasses__DeliveryWindowClosed(uint256 passId, uint256 deadline, uint256 timestamp);
    /// @notice The disclosure must be direct (mode 0) about the pass's token; it has `mode` and
    /// `tokenId`.
    error AccessPasses__NotPassRecord(uint256 passId, uint256 mode, uint256 tokenId);
    /// @notice The disclosure's purpose is `actual`, not the pass's ({purposeOf}).
    error AccessPasses__PurposeMismatch(bytes32 expected, bytes32 actual);
    /// @notice The disclosure's recipient is `actual`, not the pass's owner.
    error AccessPasses__RecipientMismatch(address expected, address actual);
    /// @notice The disclosure's message is `actual`, not this use's ({useMessageOf}).
    error AccessPasses__MessageMismatch(bytes32 expected, bytes32 actual);
    /// @notice The delivery's nonce is `actual`, not this use's ({deliveryNonceOf}).
    error AccessPasses__NonceMismatch(uint256 expected, uint256 actual);
    /// @notice The delivery proof is not valid for the disclosure, the pass's key and the delivery.
    error AccessPasses__InvalidDeliveryProof(uint256 passId, uint256 useIndex);
    /// @notice `passId` is neither revoked nor past `closableAt` (`validUntil + DELIVERY_GRACE`),
    /// and the caller is not its developer.
    error AccessPasses__NotClosable(uint256 passId, uint256 closableAt, uint256 timestamp);
    /// @notice `passId` has no escrow left.
    error AccessPasses__NothingToRefund(uint256 passId);
    /// @notice The developer closes `passId` early while a use waits for its delivery (`delivered`
    /// of the uses asked for are).
    error AccessPasses__UsePending(uint256 passId, uint256 delivered);
    /// @notice `passId` was closed (its escrow refunded): no further use.
    error AccessPasses__Closed(uint256 passId);
    /// @notice An offer's record cannot be delivered for the whole pass: it is not in a tree
    /// (revoked or burned), or it expires at `expiry`, not after the pass's last delivery.
    error AccessPasses__RecordUndeliverable(
        uint256 tokenId, bool inTree, uint64 expiry, uint256 lastDelivery
    );
    /// @notice No fees in `token` are held.
    error AccessPasses__NothingToForward(address token);

    /// @notice Accepts `offer` (the caller must be its developer): checks the owner's signature
    /// (EOA or ERC-1271), nonce and deadline, that the owner holds the token and its record
    /// outlives the pass's last delivery, and the terms; uses
    /// the nonce; pulls `upfrontPrice + perUsePrice * maxUses` of `offer.token` from the caller
    /// (who approved this contract); pays the owner the upfront price less the fee and the fee to
    /// the fee router (MASA) or to {pendingFees} (another token); escrows the rest.
    /// @param offer The offer as signed.
    /// @param signature The owner's EIP-712 signature of `offer` ({hashOffer}).
    /// @return passId The new pass (ids start at 1).
    /// @dev Emits {PassAccepted}. Reverts with {AccessPasses__OfferExpired},
    /// {AccessPasses__NotOfferedDeveloper}, {AccessPasses__NonceBelowFloor},
    /// {AccessPasses__NonceUsed}, {AccessPasses__InvalidSignature}, {AccessPasses__NotTokenOwner},
    /// {AccessPasses__InvalidValidity}, {AccessPasses__RecordUndeliverable},
    /// {AccessPasses__ZeroMaxUses}, {AccessPasses__AmountTooLarge},
    /// {AccessPasses__TokenNotAccepted}, {AccessPasses__InvalidDeliveryKey},
    /// {AccessPasses__InvalidTerms}, {AccessPasses__TransferAmountMismatch}, or the token's errors.
    function accept(Offer calldata offer, bytes calldata signature) external returns (uint256 passId);

    /// @notice Asks for the next use of `passId` (its developer only), between `validFrom` and
    /// `validUntil`, while uses are left; consults the terms contract, if any.
    /// @return useIndex The use asked for (0 for the first).
    /// @dev Emits {UseRequested}. Reverts with {AccessPasses__UnknownPass},
    /// {AccessPasses__NotDeveloper}, {AccessPasses__Revoked}, {AccessPasses__Closed},
    /// {AccessPasses__NotStarted}, {AccessPasses__Expired}, {AccessPasses__UsesExhausted}, or the
    /// terms contract's error.
    function requestUse(uint256 passId) external returns (uint256 useIndex);

    /// @notice Delivers the oldest undelivered requested use of `passId` (anyone may submit it:
    /// only the record's owner can prove it, and the owner is paid). `d` must be a direct
    /// disclosure about the pass's token, for the pass's purpose ({purposeOf}), with the owner as
    /// recipient and this use's message ({useMessageOf}); the delivery's nonce must be this use's
    /// ({deliveryNonceOf}). The registry checks the statement (`IZkSBT.checkStatement`: the live
    /// record, its leaf and schema, the validity); `d.proof` is verified here as a delivery
    /// proof with the disclosure's inputs, the pass's delivery key and `delivery`. Releases one
    /// per-use price: the owner is paid it less the fee.
    /// @dev Emits {UseDelivered}. Reverts with {AccessPasses__UnknownPass},
    /// {AccessPasses__Revoked}, {AccessPasses__NoPendingUse},
    /// {AccessPasses__DeliveryWindowClosed}, {AccessPasses__NotPassRecord},
    /// {AccessPasses__PurposeMismatch}, {AccessPasses__RecipientMismatch},
    /// {AccessPasses__MessageMismatch}, {AccessPasses__NonceMismatch},
    /// {AccessPasses__InvalidDeliveryProof}, or the registry's statement errors.
    function deliver(uint256 passId, IZkSBT.Disclosure calldata d, Delivery calldata delivery) external;

    /// @notice Revokes `passId` (its owner only, any time): no more requests nor deliveries; the
    /// escrow becomes refundable to the developer ({close}). Moves no token.
    /// @dev Emits {PassRevoked}. Reverts with {AccessPasses__UnknownPass},
    /// {AccessPasses__NotOwner} or {AccessPasses__Revoked}.
    function revoke(uint256 passId) external;

    /// @notice Returns the unused escrow of `passId` to its developer: anyone may call once the
    /// pass is revoked or `validUntil + DELIVERY_GRACE` has passed; the developer before that,
    /// when every use it asked for was delivered. A closed pass allows no further use.
    /// @return amount What was returned.
    /// @dev Emits {PassClosed}. Reverts with {AccessPasses__UnknownPass},
    /// {AccessPasses__NothingToRefund}, {AccessPasses__NotClosable} (early, not the developer) or
    /// {AccessPasses__UsePending} (early, a use waits for its delivery).
    function close(uint256 passId) external returns (uint256 amount);

    /// @notice Cancels the caller's offer nonce `nonce`: an offer signed with it can no longer be
    /// accepted.
    /// @dev Emits {NonceCancelled}. Reverts with {AccessPasses__NonceUsed} if already used or
    /// cancelled.
    function cancelNonce(uint256 nonce) external;

    /// @notice Voids every offer of the caller with a nonce below `floor` (above the current floor).
    /// @dev Emits {NonceFloorRaised}. Reverts with {AccessPasses__InvalidNonceFloor}.
    function raiseNonceFloor(uint256 floor) external;

    /// @notice Sets the protocol fee, at most {MAX_FEE_BPS} (owner only: the DAO timelock); passes
    /// accepted from now on pay it, passes accepted before keep theirs.
    /// @dev Emits {FeeSet}. Reverts with {AccessPasses__FeeTooHigh}.
    function setFee(uint16 bps) external;

    /// @notice Pays the held fees in `token` (not MASA: those are paid at once) to the fee router,
    /// which swaps them to MASA for at least `minMasaOut` by `deadline`, burns its share and
    /// distributes the rest (owner only: the quote is governance's).
    /// @return masaAmount The MASA they became.
    /// @dev Emits {FeesForwarded}. Reverts with {AccessPasses__NothingToForward} or the fee
    /// router's errors.
    function forwardFees(address token, uint256 minMasaOut, uint256 deadline)
        external
        returns (uint256 masaAmount);

    /// @notice The pass `passId` as stored. Reverts with {AccessPasses__UnknownPass}.
    function pass(uint256 passId) external view returns (Pass memory);

    /// @notice Passes accepted so far (the last pass's id).
    function passCount() external view returns (uint256);

    /// @notice The EIP-712 digest the owner signs for `offer`.
    function hashOffer(Offer calldata offer) external view returns (bytes32);

    /// @notice Whether `owner`'s offer nonce `nonce` can no longer be used (used, cancelled or
    /// below its floor).
    function nonceUsed(address owner, uint256 nonce) external view returns (bool);

    /// @notice `owner`'s nonce floor (offers with a lower nonce are void).
    function nonceFloor(address owner) external view returns (uint256);

    /// @notice The disclosure purpose of `passId`'s deliveries:
    /// `keccak256(abi.encode("masa.pass", passId))`.
    function purposeOf(uint256 passId) external pure returns (bytes32);

    /// @notice The registry's nullifier scope of `passId`'s deliveries (what a prover needs):
    /// `IZkSBT.scopeOf(this contract, purposeOf(passId))`.
    function scopeOf(uint256 passId) external view returns (uint256);

    /// @notice The message a delivery of use `useIndex` of `passId` binds into its proof:
    /// `keccak256(abi.encode("masa.pass.use", passId, useIndex))`.
    function useMessageOf(uint256 passId, uint256 useIndex) external pure returns (bytes32);

    /// @notice The encryption nonce of use `useIndex` of `passId` (below 2^128): the low 128 bits
    /// of `keccak256(abi.encode(this contract, passId, useIndex))`, so no two deliveries to a
    /// key share a (key, nonce) pair even if an owner's client reuses its ephemeral key.
    function deliveryNonceOf(uint256 passId, uint256 useIndex) external view returns (uint256);

    /// @notice Fees in `token` held for {forwardFees}.
    function pendingFees(address token) external view returns (uint256);

    /// @notice The protocol fee, in basis points, for passes accepted now.
    function feeBps() external view returns (uint16);

    /// @notice The zkSBT registry deliveries are disclosed to.
    function zkSBT() external view returns (IZkSBT);

    /// @notice The Groth16 verifier of the delivery circuit.
    function deliveryVerifier() external view returns (IDeliveryVerifier);

    /// @notice The fee router.
    function feeRouter() external view returns (address);

    /// @notice MASA (the fee router's).
    function masa() external view returns (address);
}
