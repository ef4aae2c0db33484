// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DeliveryInputs} from "../identity/DeliveryInputs.sol";
import {IAccessPasses} from "../interfaces/IAccessPasses.sol";
import {IAccessTerms} from "../interfaces/IAccessTerms.sol";
import {IDeliveryVerifier} from "../interfaces/IDeliveryVerifier.sol";
import {IFeeRouter} from "../interfaces/IFeeRouter.sol";
import {IZkSBT} from "../interfaces/IZkSBT.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title AccessPasses
/// @notice Verifiable access passes to one zkSBT record for one developer, paid to the record's
/// owner. See {IAccessPasses}.
/// @dev
/// - **Conservation (per pass).** `paid = ownerPaid + fees + escrow + refunded`, where `paid` is
///   `upfrontPrice + perUsePrice * maxUses`, pulled from the developer at accept (and measured:
///   a token that delivers less is refused). At accept `escrow = perUsePrice * maxUses` and the
///   upfront price is split into `ownerPaid` and `fees`; each delivery moves one `perUsePrice`
///   from `escrow` into `ownerPaid + fees`; {close} moves the rest of `escrow` to `refunded`.
///   Per token, this contract's balance = Σ escrow of the token's passes + `pendingFees[token]`
///   (+ tokens sent here outside a pass, never read: every amount comes from this accounting).
/// - **Who may move the escrow.** Only a delivery (one per request, which only the developer
///   makes) pays the owner; only {close} (after a revoke or the delivery grace) refunds the
///   developer. A revoke moves no token, so a token that refuses transfers to the developer
///   cannot stop it; and the developer cannot end a pass early, so it cannot front-run a
///   delivery it saw in the mempool (its ciphertext in hand) to take its escrow back.
/// - **Replays.** A signature is good for one pass (its nonce, in a bitmap per owner, is used at
///   accept); the domain binds chain and contract. A delivery's proof binds the pass (the scope
///   of its purpose), the owner (recipient) and the use (message); the use index moves on after
///   each delivery, so a proof is good for one delivery. All deliveries of a pass share the owner's
///   nullifier of the pass's scope (it is a function of the owner's secret and the scope only),
///   so nullifiers are not what makes them one-time: the message is.
/// - **Interactions**: reads of the registry, verifier and fee router (view calls) come first; the
///   terms contract is called after the request is counted; tokens move after the state is
///   written; every entry point that calls out is `nonReentrant`.
contract AccessPasses is IAccessPasses, EIP712, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Highest protocol fee the owner may set (10%).
    uint16 public constant MAX_FEE_BPS = 1_000;

    /// @notice How long after `validUntil` a use requested in time may still be delivered (and the
    /// unused escrow is not yet refundable).
    uint256 public constant DELIVERY_GRACE = 1 days;

    /// @notice The EIP-712 type of {IAccessPasses-Offer}.
    bytes32 public constant OFFER_TYPEHASH = keccak256(
        "Offer(address owner,uint256 tokenId,address developer,address token,uint128 upfrontPrice,"
        "uint128 perUsePrice,uint64 validFrom,uint64 validUntil,uint32 maxUses,bytes32 purpose,"
        "uint256 deliveryKeyX,uint256 deliveryKeyY,address terms,uint256 nonce,uint256 deadline)"
    );

    /// @notice The fee router's `feeKind` of fees on upfront prices.
    bytes32 public constant PASS_ACCEPT_FEE_KIND = keccak256("pass-accept");

    /// @notice The fee router's `feeKind` of fees on per-use prices.
    bytes32 public constant PASS_USE_FEE_KIND = keccak256("pass-use");

    /// @notice The fee router's `feeKind` of held fees in other tokens ({forwardFees}).
    bytes32 public constant PASS_FORWARD_FEE_KIND = keccak256("pass-forward");

    uint256 private constant _BPS = 10_000;

    IZkSBT private immutable _zkSBT;
    IDeliveryVerifier private immutable _deliveryVerifier;
    IFeeRouter private immutable _feeRouter;
    IERC20 private immutable _masa;

    uint16 private _feeBps;
    uint256 private _passCount;
    mapping(uint256 passId => Pass) private _passes;
    mapping(address token => uint256) private _pendingFees;
    mapping(address owner => uint256) private _nonceFloors;
    /// @dev Used or cancelled offer nonces: bit `nonce & 255` of word `nonce >> 8`.
    mapping(address owner => mapping(uint256 word => uint256 bits)) private _nonceBits;

    /// @notice Creates the passes contract.
    /// @param zkSBT_ The zkSBT registry deliveries are disclosed to.
    /// @param deliveryVerifier_ The generated verifier of the delivery circuit.
    /// @param feeRouter_ The fee router (its MASA is paid at once; other tokens are held).
    /// @param owner_ The DAO timelock (sets the fee, forwards held fees).
    /// @param feeBps_ The initial fee (at most {MAX_FEE_BPS}).
    constructor(
        IZkSBT zkSBT_,
        IDeliveryVerifier deliveryVerifier_,
        IFeeRouter feeRouter_,
        address owner_,
        uint16 feeBps_
    ) EIP712("Masa AccessPasses", "1") Ownable(owner_) {
        if (
            address(zkSBT_) == address(0) || address(deliveryVerifier_) == address(0)
                || address(feeRouter_) == address(0)
        ) {
            revert AccessPasses__ZeroAddress();
        }
        address masa_ = feeRouter_.masa();
        if (masa_ == address(0)) revert AccessPasses__ZeroAddress();
        _zkSBT = zkSBT_;
        _deliveryVerifier = deliveryVerifier_;
        _feeRouter = feeRouter_;
        _masa = IERC20(masa_);
        _setFee(feeBps_);
    }

    // ---------------------------------------------------------------- developers

    /// @inheritdoc IAccessPasses
    function accept(Offer calldata offer, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 passId)
    {
        _checkOffer(offer, signature);
        uint256 escrow = uint256(offer.perUsePrice) * offer.maxUses; // < 2^160
        uint256 total = offer.upfrontPrice + escrow; // < 2^161
        if (total > type(uint128).max) revert AccessPasses__AmountTooLarge(total, type(uint128).max);
        uint16 bps = _feeBps;
        uint256 fee = uint256(offer.upfrontPrice) * bps / _BPS;
        uint256 ownerAmount = offer.upfrontPrice - fee;

        passId = ++_passCount;
        Pass storage p = _passes[passId];
        p.owner = offer.owner;
        p.validFrom = offer.validFrom;
        p.maxUses = offer.maxUses;
        p.developer = msg.sender;
        p.validUntil = offer.validUntil;
        p.token = offer.token;
        p.feeBps = bps;
        p.terms = offer.terms;
        p.tokenId = offer.tokenId;
        p.upfrontPrice = offer.upfrontPrice;
        p.perUsePrice = offer.perUsePrice;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.ownerPaid = uint128(ownerAmount); // <= upfrontPrice, a uint128
        // forge-lint: disable-next-line(unsafe-typecast)
        p.fees = uint128(fee); // <= upfrontPrice
        // forge-lint: disable-next-line(unsafe-typecast)
        p.escrow = uint128(escrow); // <= total < 2^128
        p.purpose = offer.purpose;
        p.deliveryKeyX = offer.deliveryKeyX;
        p.deliveryKeyY = offer.deliveryKeyY;
        emit PassAccepted(passId, offer.owner, msg.sender, offer, ownerAmount, fee, escrow);

        IERC20 token = IERC20(offer.token);
        if (total != 0) _pull(token, total);
        if (ownerAmount != 0) token.safeTransfer(offer.owner, ownerAmount);
        _payFee(token, fee, PASS_ACCEPT_FEE_KIND);
    }

    /// @inheritdoc IAccessPasses
    function requestUse(uint256 passId) external nonReentrant returns (uint256 useIndex) {
        Pass storage p = _existingPass(passId);
        address developer = p.developer;
        if (msg.sender != developer) revert AccessPasses__NotDeveloper(passId, msg.sender, developer);
        if (p.revoked) revert AccessPasses__Revoked(passId);
        // a close is the only refund, and it refunds a non-zero escrow
        if (p.refunded != 0) revert AccessPasses__Closed(passId);
        // timestamps are the validity by definition (validators shift them by seconds)
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < p.validFrom) {
            revert AccessPasses__NotStarted(passId, p.validFrom, block.timestamp);
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > p.validUntil) {
            revert AccessPasses__Expired(passId, p.validUntil, block.timestamp);
        }
        useIndex = p.requested;
        if (useIndex >= p.maxUses) revert AccessPasses__UsesExhausted(passId, p.maxUses);
        // forge-lint: disable-next-line(unsafe-typecast)
        p.requested = uint32(useIndex + 1); // <= maxUses, a uint32
        emit UseRequested(passId, useIndex);

        address terms = p.terms;
        if (terms != address(0)) {
            IAccessTerms(terms).checkUse(passId, developer, p.owner, useIndex, p.purpose);
        }
    }

    // ---------------------------------------------------------------- owners

    /// @inheritdoc IAccessPasses
    function deliver(uint256 passId, IZkSBT.Disclosure calldata d, Delivery calldata delivery)
        external
        nonReentrant
    {
        Pass storage p = _existingPass(passId);
        if (p.revoked) revert AccessPasses__Revoked(passId);
        uint256 useIndex = p.delivered;
        if (useIndex >= p.requested) revert AccessPasses__NoPendingUse(passId, p.requested);
        uint256 lastDelivery = uint256(p.validUntil) + DELIVERY_GRACE;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > lastDelivery) {
            revert AccessPasses__DeliveryWindowClosed(passId, lastDelivery, block.timestamp);
        }
        _checkDisclosure(passId, p, useIndex, d, delivery.nonce);
        // the registry: ranges, validity, the token's live record, its leaf and schema
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
            revert AccessPasses__InvalidDeliveryProof(passId, useIndex);
        }

        // forge-lint: disable-next-line(unsafe-typecast)
        p.delivered = uint32(useIndex + 1); // <= requested, a uint32
        uint256 amount = p.perUsePrice;
        uint256 fee = amount * p.feeBps / _BPS;
        uint256 ownerAmount = amount - fee;
        if (amount != 0) {
            // one of the maxUses prices escrowed at accept: escrow >= amount; the sums stay
            // below `paid`, a uint128
            // forge-lint: disable-next-line(unsafe-typecast)
            p.escrow -= uint128(amount);
            // forge-lint: disable-next-line(unsafe-typecast)
            p.ownerPaid += uint128(ownerAmount);
            // forge-lint: disable-next-line(unsafe-typecast)
            p.fees += uint128(fee);
        }
        emit UseDelivered(passId, useIndex, ownerAmount, fee, delivery);

        IERC20 token = IERC20(p.token);
        if (ownerAmount != 0) token.safeTransfer(p.owner, ownerAmount);
        _payFee(token, fee, PASS_USE_FEE_KIND);
    }

    /// @inheritdoc IAccessPasses
    function revoke(uint256 passId) external {
        Pass storage p = _existingPass(passId);
        address owner_ = p.owner;
        if (msg.sender != owner_) revert AccessPasses__NotOwner(passId, msg.sender, owner_);
        if (p.revoked) revert AccessPasses__Revoked(passId);
        p.revoked = true;
        emit PassRevoked(passId, p.escrow);
    }

    /// @inheritdoc IAccessPasses
    function close(uint256 passId) external nonReentrant returns (uint256 amount) {
        Pass storage p = _existingPass(passId);
        amount = p.escrow;
        if (amount == 0) revert AccessPasses__NothingToRefund(passId);
        address developer = p.developer;
        uint256 closableAt = uint256(p.validUntil) + DELIVERY_GRACE;
        // forge-lint: disable-next-line(block-timestamp)
        if (!p.revoked && block.timestamp <= closableAt) {
            // early, only the developer, and only with no use waiting for its delivery (closing
            // then would let it take a delivery it no longer pays for); {requestUse} refuses a
            // closed pass, so no use follows
            if (msg.sender != developer) {
                revert AccessPasses__NotClosable(passId, closableAt, block.timestamp);
            }
            if (p.delivered != p.requested) revert AccessPasses__UsePending(passId, p.delivered);
        }
        p.escrow = 0;
        // forge-lint: disable-next-line(unsafe-typecast)
        p.refunded += uint128(amount); // escrow + refunded <= paid < 2^128
        emit PassClosed(passId, developer, amount);
        IERC20(p.token).safeTransfer(developer, amount);
    }

    /// @inheritdoc IAccessPasses
    function cancelNonce(uint256 nonce) external {
        _useNonce(msg.sender, nonce);
        emit NonceCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IAccessPasses
    function raiseNonceFloor(uint256 floor) external {
        uint256 current = _nonceFloors[msg.sender];
        if (floor <= current) revert AccessPasses__InvalidNonceFloor(current, floor);
        _nonceFloors[msg.sender] = floor;
        emit NonceFloorRaised(msg.sender, floor);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IAccessPasses
    function setFee(uint16 bps) external onlyOwner {
        _setFee(bps);
    }

    /// @inheritdoc IAccessPasses
    function forwardFees(address token, uint256 minMasaOut, uint256 deadline)
        external
        onlyOwner
        nonReentrant
        returns (uint256 masaAmount)
    {
        uint256 amount = _pendingFees[token];
        if (amount == 0) revert AccessPasses__NothingToForward(token);
        _pendingFees[token] = 0;
        IERC20(token).forceApprove(address(_feeRouter), amount);
        masaAmount = _feeRouter.payFee(token, amount, minMasaOut, deadline, PASS_FORWARD_FEE_KIND);
        emit FeesForwarded(token, amount, masaAmount);
    }

    /// @notice Always reverts: without an owner the fee could never change, nor held fees move.
    /// @dev Only the owner reaches the revert; others get `OwnableUnauthorizedAccount`.
    function renounceOwnership() public view override onlyOwner {
        revert AccessPasses__RenounceDisabled();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAccessPasses
    function pass(uint256 passId) external view returns (Pass memory) {
        return _existingPass(passId);
    }

    /// @inheritdoc IAccessPasses
    function passCount() external view returns (uint256) {
        return _passCount;
    }

    /// @inheritdoc IAccessPasses
    function hashOffer(Offer calldata offer) public view returns (bytes32) {
        // every field is a static value: abi.encode lays them out as EIP-712's encodeData does
        return _hashTypedDataV4(keccak256(abi.encode(OFFER_TYPEHASH, offer)));
    }

    /// @inheritdoc IAccessPasses
    function nonceUsed(address owner_, uint256 nonce) public view returns (bool) {
        if (nonce < _nonceFloors[owner_]) return true;
        // forge-lint: disable-next-line(incorrect-shift)
        return _nonceBits[owner_][nonce >> 8] & (1 << (nonce & 0xff)) != 0; // bit mask
    }

    /// @inheritdoc IAccessPasses
    function nonceFloor(address owner_) external view returns (uint256) {
        return _nonceFloors[owner_];
    }

    /// @inheritdoc IAccessPasses
    function purposeOf(uint256 passId) public pure returns (bytes32) {
        return keccak256(abi.encode("masa.pass", passId));
    }

    /// @inheritdoc IAccessPasses
    function scopeOf(uint256 passId) external view returns (uint256) {
        return _zkSBT.scopeOf(address(this), purposeOf(passId));
    }

    /// @inheritdoc IAccessPasses
    function useMessageOf(uint256 passId, uint256 useIndex) public pure returns (bytes32) {
        return keccak256(abi.encode("masa.pass.use", passId, useIndex));
    }

    /// @inheritdoc IAccessPasses
    function deliveryNonceOf(uint256 passId, uint256 useIndex) public view returns (uint256) {
        return uint128(uint256(keccak256(abi.encode(address(this), passId, useIndex))));
    }

    /// @inheritdoc IAccessPasses
    function pendingFees(address token) external view returns (uint256) {
        return _pendingFees[token];
    }

    /// @inheritdoc IAccessPasses
    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    /// @inheritdoc IAccessPasses
    function zkSBT() external view returns (IZkSBT) {
        return _zkSBT;
    }

    /// @inheritdoc IAccessPasses
    function deliveryVerifier() external view returns (IDeliveryVerifier) {
        return _deliveryVerifier;
    }

    /// @inheritdoc IAccessPasses
    function feeRouter() external view returns (address) {
        return address(_feeRouter);
    }

    /// @inheritdoc IAccessPasses
    function masa() external view returns (address) {
        return address(_masa);
    }

    /// @notice The EIP-712 domain separator (name "Masa AccessPasses", version "1").
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- internals

    /// @dev Everything about an offer but its price (the caller, deadline, nonce, signature,
    /// the token's holder, validity, uses, token, key, terms); uses the nonce.
    function _checkOffer(Offer calldata offer, bytes calldata signature) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > offer.deadline) {
            revert AccessPasses__OfferExpired(offer.deadline, block.timestamp);
        }
        if (msg.sender != offer.developer) {
            revert AccessPasses__NotOfferedDeveloper(msg.sender, offer.developer);
        }
        address owner_ = offer.owner;
        _useNonce(owner_, offer.nonce);
        if (!SignatureChecker.isValidSignatureNow(owner_, hashOffer(offer), signature)) {
            revert AccessPasses__InvalidSignature(owner_);
        }
        address holder;
        try IERC721(address(_zkSBT)).ownerOf(offer.tokenId) returns (address h) {
            holder = h;
        } catch {} // no such token: holder stays zero
        if (holder != owner_) revert AccessPasses__NotTokenOwner(offer.tokenId, owner_, holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (offer.validUntil <= offer.validFrom || offer.validUntil <= block.timestamp) {
            revert AccessPasses__InvalidValidity(offer.validFrom, offer.validUntil, block.timestamp);
        }
        // every use the pass allows must be deliverable: the record is in a tree (not revoked)
        // and outlives the last delivery
        (bool inTree, uint64 expiry) = _zkSBT.recordState(offer.tokenId);
        uint256 lastDelivery = uint256(offer.validUntil) + DELIVERY_GRACE;
        if (!inTree || (expiry != 0 && expiry <= lastDelivery)) {
            revert AccessPasses__RecordUndeliverable(offer.tokenId, inTree, expiry, lastDelivery);
        }
        if (offer.maxUses == 0) revert AccessPasses__ZeroMaxUses();
        address token = offer.token;
        if (token != address(_masa) && (token == address(0) || _feeRouter.pathOf(token).length == 0)) {
            revert AccessPasses__TokenNotAccepted(token);
        }
        if (!DeliveryInputs.isKey(offer.deliveryKeyX, offer.deliveryKeyY)) {
            revert AccessPasses__InvalidDeliveryKey(offer.deliveryKeyX, offer.deliveryKeyY);
        }
        address terms = offer.terms;
        if (terms != address(0) && terms.code.length == 0) revert AccessPasses__InvalidTerms(terms);
    }

    /// @dev Marks `owner_`'s `nonce` used, unless it already is (or is below the floor).
    function _useNonce(address owner_, uint256 nonce) private {
        uint256 floor = _nonceFloors[owner_];
        if (nonce < floor) revert AccessPasses__NonceBelowFloor(owner_, nonce, floor);
        // forge-lint: disable-next-line(incorrect-shift)
        uint256 bit = 1 << (nonce & 0xff); // bit mask
        mapping(uint256 => uint256) storage bits = _nonceBits[owner_];
        uint256 word = bits[nonce >> 8];
        if (word & bit != 0) revert AccessPasses__NonceUsed(owner_, nonce);
        bits[nonce >> 8] = word | bit;
    }

    /// @dev Pulls `amount` of `token` from the caller, refusing a token that delivers less.
    function _pull(IERC20 token, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) {
            revert AccessPasses__TransferAmountMismatch(address(token), amount, received);
        }
    }

    /// @dev Pays `fee` of `token` to the fee router (MASA), or holds it for {forwardFees}.
    function _payFee(IERC20 token, uint256 fee, bytes32 kind) private {
        if (fee == 0) return;
        if (token == _masa) {
            // an exact allowance, used up by the router's pull (MASA needs no swap, so the
            // minimum output is ignored)
            token.forceApprove(address(_feeRouter), fee);
            _feeRouter.payFee(address(token), fee, 0, block.timestamp, kind);
        } else {
            // held fees stay below the token's supply: they were pulled here
            _pendingFees[address(token)] += fee;
        }
    }

    function _setFee(uint16 bps) private {
        if (bps > MAX_FEE_BPS) revert AccessPasses__FeeTooHigh(bps, MAX_FEE_BPS);
        _feeBps = bps;
        emit FeeSet(bps);
    }

    function _existingPass(uint256 passId) private view returns (Pass storage p) {
        p = _passes[passId];
        if (p.developer == address(0)) revert AccessPasses__UnknownPass(passId);
    }

    /// @dev `d` is a direct disclosure about the pass's record, for its purpose, paying its
    /// owner, bound to use `useIndex`; `nonce` is that use's delivery nonce.
    function _checkDisclosure(
        uint256 passId,
        Pass storage p,
        uint256 useIndex,
        IZkSBT.Disclosure calldata d,
        uint256 nonce
    ) private view {
        if (d.mode != 0 || d.tokenId != p.tokenId) {
            revert AccessPasses__NotPassRecord(passId, d.mode, d.tokenId);
        }
        bytes32 expected = purposeOf(passId);
        if (d.purpose != expected) revert AccessPasses__PurposeMismatch(expected, d.purpose);
        address owner_ = p.owner;
        if (d.recipient != owner_) revert AccessPasses__RecipientMismatch(owner_, d.recipient);
        expected = useMessageOf(passId, useIndex);
        if (d.message != expected) revert AccessPasses__MessageMismatch(expected, d.message);
        uint256 expectedNonce = deliveryNonceOf(passId, useIndex);
        if (nonce != expectedNonce) revert AccessPasses__NonceMismatch(expectedNonce, nonce);
    }
}
