// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessPasses} from "../../../src/access/AccessPasses.sol";
import {IAccessPasses} from "../../../src/interfaces/IAccessPasses.sol";
import {IZkSBT} from "../../../src/interfaces/IZkSBT.sol";
import {UniswapV2Fixture} from "../../fees/UniswapV2Fixture.sol";
import {ZkSBTFixture} from "../../identity/utils/ZkSBTFixture.sol";
import {InputBoundDeliveryVerifier} from "../../pools/utils/InputBoundDeliveryVerifier.sol";
import {TestERC20} from "../../utils/TestERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice The passes contract over the zkSBT fixture's registry, the input-bound delivery
/// verifier double (a real proof runs in AccessPassesRealProof.t.sol) and the fixture's real fee
/// router, re-pointed by governance at the real Uniswap V2 with a seeded MASA/USDC pair, USDC
/// accepted. Record owners alice, bob (self-attested records) and carol; a funded developer; and
/// helpers that sign offers and build deliveries independently of the contract: the EIP-712
/// digest, the purpose, scope, message, nonce and nullifier are recomputed here.
abstract contract AccessPassesFixture is ZkSBTFixture, UniswapV2Fixture {
    uint16 internal constant FEE_BPS = 500; // 5%
    uint128 internal constant UPFRONT = 10e18;
    uint128 internal constant PER_USE = 2e18;
    uint32 internal constant USES = 5;
    uint64 internal constant VALIDITY = 30 days;
    uint256 internal constant GRACE = 1 days;
    bytes32 internal constant RESEARCH = keccak256("research");
    /// BabyJubJub's `Base8` (circomlib), a valid delivery key.
    uint256 internal constant KEY_X =
        5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant KEY_Y =
        16950150798460657717958625567821834550301663161624707787222815936182638968203;
    bytes32 internal constant OFFER_TYPEHASH = keccak256(
        "Offer(address owner,uint256 tokenId,address developer,address token,uint128 upfrontPrice,"
        "uint128 perUsePrice,uint64 validFrom,uint64 validUntil,uint32 maxUses,bytes32 purpose,"
        "uint256 deliveryKeyX,uint256 deliveryKeyY,address terms,uint256 nonce,uint256 deadline)"
    );

    AccessPasses internal passes;
    InputBoundDeliveryVerifier internal deliveryVerifier;
    TestERC20 internal usdc;
    address internal developer = makeAddr("developer");
    address internal watcher = makeAddr("watcher");
    uint256 internal carolKey = 0xCA401;
    address internal carol;
    mapping(address owner => uint256 tokenId) internal selfToken;
    mapping(address owner => uint256 key) internal keyOf;

    function setUp() public virtual override {
        super.setUp();
        carol = vm.addr(carolKey);
        _deployUniswap();
        vm.prank(dao);
        feeRouter.setSwapRouter(address(router));
        usdc = new TestERC20("USD Coin", "USDC", 6);
        usdc.mint(address(this), 1_000_000e6);
        _seedPair(address(masa), address(usdc), 10_000_000e18, 1_000_000e6); // 1 MASA = 0.10 USDC
        address[] memory path = new address[](2);
        (path[0], path[1]) = (address(usdc), address(masa));
        vm.prank(dao);
        feeRouter.acceptToken(address(usdc), path);

        deliveryVerifier = new InputBoundDeliveryVerifier();
        passes = new AccessPasses(sbt, deliveryVerifier, feeRouter, dao, FEE_BPS);
        require(masa.transfer(developer, 100_000_000e18), "funded");
        usdc.mint(developer, 1_000_000e6);
        vm.startPrank(developer);
        masa.approve(address(passes), type(uint256).max);
        usdc.approve(address(passes), type(uint256).max);
        vm.stopPrank();
        (keyOf[alice], keyOf[bob], keyOf[carol]) = (aliceKey, bobKey, carolKey);
        selfToken[alice] = mintSelf(aliceKey, 11);
        selfToken[bob] = mintSelf(bobKey, 21);
        selfToken[carol] = mintSelf(carolKey, 31);
    }

    // ------------------------------------------------------------------ offers

    /// `owner`'s default offer of its self-attested record to the developer: MASA, 10 upfront,
    /// 2 per use, 5 uses, valid 30 days from now, for research, no terms, nonce 0, one hour to
    /// accept.
    function offerOf(address owner) internal view returns (IAccessPasses.Offer memory o) {
        o.owner = owner;
        o.tokenId = selfToken[owner];
        o.developer = developer;
        o.token = address(masa);
        o.upfrontPrice = UPFRONT;
        o.perUsePrice = PER_USE;
        o.validFrom = uint64(block.timestamp);
        o.validUntil = uint64(block.timestamp) + VALIDITY;
        o.maxUses = USES;
        o.purpose = RESEARCH;
        o.deliveryKeyX = KEY_X;
        o.deliveryKeyY = KEY_Y;
        o.nonce = 0;
        o.deadline = block.timestamp + 1 hours;
    }

    /// The EIP-712 digest of `o`, computed here: the domain from its parts, the struct field by
    /// field (in two halves: every field is static, so the halves concatenate to the whole).
    function digestOf(IAccessPasses.Offer memory o) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Masa AccessPasses"),
                keccak256("1"),
                block.chainid,
                address(passes)
            )
        );
        bytes memory head = abi.encode(
            OFFER_TYPEHASH,
            o.owner,
            o.tokenId,
            o.developer,
            o.token,
            o.upfrontPrice,
            o.perUsePrice,
            o.validFrom,
            o.validUntil
        );
        bytes memory tail =
            abi.encode(o.maxUses, o.purpose, o.deliveryKeyX, o.deliveryKeyY, o.terms, o.nonce, o.deadline);
        return keccak256(abi.encodePacked("\x19\x01", domain, keccak256(bytes.concat(head, tail))));
    }

    /// `o` signed with `key`.
    function signOffer(uint256 key, IAccessPasses.Offer memory o) internal view returns (bytes memory) {
        return sign(key, digestOf(o));
    }

    /// The developer accepts `o`, signed by its owner's key.
    function acceptOffer(IAccessPasses.Offer memory o) internal returns (uint256 passId) {
        bytes memory signature = signOffer(keyOf[o.owner], o);
        vm.prank(o.developer);
        return passes.accept(o, signature);
    }

    /// `owner`'s default pass, accepted.
    function passOf(address owner) internal returns (uint256) {
        return acceptOffer(offerOf(owner));
    }

    function requestAs(address who, uint256 passId) internal returns (uint256) {
        vm.prank(who);
        return passes.requestUse(passId);
    }

    // ------------------------------------------------------------------ deliveries

    function purpose(uint256 passId) internal pure returns (bytes32) {
        return keccak256(abi.encode("masa.pass", passId));
    }

    function scope(uint256 passId) internal view returns (uint256) {
        return
            uint256(keccak256(abi.encode(block.chainid, address(sbt), address(passes), purpose(passId)))) >> 8;
    }

    function useMessage(uint256 passId, uint256 useIndex) internal pure returns (bytes32) {
        return keccak256(abi.encode("masa.pass.use", passId, useIndex));
    }

    function useNonce(uint256 passId, uint256 useIndex) internal view returns (uint256) {
        return uint128(uint256(keccak256(abi.encode(address(passes), passId, useIndex))));
    }

    /// `owner`'s nullifier in `passId`'s scope: a function of its identity and the scope only (as
    /// `Poseidon2(ownerSecret, scope)` is), so the same for every use of the pass.
    function nullifierOf(address owner, uint256 passId) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(identity(owner), scope(passId)))) % P;
    }

    /// `owner`'s direct disclosure about `tokenId` for use `useIndex` of `passId` (statement:
    /// field 0 >= 0, true of every record), with a valid double proof for its delivery.
    function useDisclosure(uint256 passId, address owner, uint256 tokenId, uint256 useIndex)
        internal
        view
        returns (IZkSBT.Disclosure memory d)
    {
        d.mode = 0;
        d.tokenId = tokenId;
        d.root = expectedLeaf[tokenId];
        d.schemaId = SELF;
        d.operator = 5;
        d.purpose = purpose(passId);
        d.nullifier = nullifierOf(owner, passId);
        d.recipient = owner;
        d.message = useMessage(passId, useIndex);
        d.validUntil = uint64(block.timestamp + 1 hours);
        d.proof[0] = proofFor(passId, d, deliveryFor(passId, useIndex));
    }

    /// The delivery of use `useIndex` of `passId`: its words stand in for an encryption (the
    /// double checks they are the proven ones; real ciphertexts are AccessPassesRealProof's).
    function deliveryFor(uint256 passId, uint256 useIndex)
        internal
        view
        returns (IAccessPasses.Delivery memory del)
    {
        del.ephemeralKey = [KEY_X, KEY_Y];
        del.nonce = useNonce(passId, useIndex);
        for (uint256 i; i < 10; ++i) {
            del.ciphertext[i] = uint256(keccak256(abi.encode(passId, useIndex, i))) % P;
        }
    }

    /// The delivery circuit's public inputs, recomputed here (the disclosure's 12 as the registry
    /// fixture computes them for the passes contract, the pass's key, then the delivery).
    function deliveryInputs(uint256 passId, IZkSBT.Disclosure memory d, IAccessPasses.Delivery memory del)
        internal
        view
        returns (uint256[27] memory in_)
    {
        uint256[12] memory disclosure = inputs(address(passes), d);
        for (uint256 i; i < 12; ++i) {
            in_[i] = disclosure[i];
        }
        IAccessPasses.Pass memory p = passes.pass(passId);
        in_[12] = p.deliveryKeyX;
        in_[13] = p.deliveryKeyY;
        in_[14] = del.ephemeralKey[0];
        in_[15] = del.ephemeralKey[1];
        in_[16] = del.nonce;
        for (uint256 i; i < 10; ++i) {
            in_[17 + i] = del.ciphertext[i];
        }
    }

    function proofFor(uint256 passId, IZkSBT.Disclosure memory d, IAccessPasses.Delivery memory del)
        internal
        view
        returns (uint256)
    {
        return deliveryVerifier.proofFor(deliveryInputs(passId, d, del));
    }

    /// The pass's owner delivers its next use (a valid disclosure and delivery).
    function deliverNext(uint256 passId) internal {
        IAccessPasses.Pass memory p = passes.pass(passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, p.owner, p.tokenId, p.delivered);
        IAccessPasses.Delivery memory del = deliveryFor(passId, p.delivered);
        vm.prank(p.owner);
        passes.deliver(passId, d, del);
    }

    /// What the developer paid for `passId` by its own accounting: the conservation law's left.
    function paidFor(uint256 passId) internal view returns (uint256) {
        IAccessPasses.Pass memory p = passes.pass(passId);
        return uint256(p.upfrontPrice) + uint256(p.perUsePrice) * p.maxUses;
    }

    /// The conservation law of one pass.
    /// The developer's request fails with `requestError`, and the owner's delivery of use
    /// `useIndex` with `deliverError`.
    function expectNoFurtherUse(
        uint256 passId,
        uint256 useIndex,
        bytes memory requestError,
        bytes memory deliverError
    ) internal {
        vm.expectRevert(requestError);
        requestAs(developer, passId);
        IAccessPasses.Pass memory p = passes.pass(passId);
        IZkSBT.Disclosure memory d = useDisclosure(passId, p.owner, p.tokenId, useIndex);
        IAccessPasses.Delivery memory del = deliveryFor(passId, useIndex);
        vm.prank(p.owner);
        vm.expectRevert(deliverError);
        passes.deliver(passId, d, del);
    }

    /// `caller` closes `passId`: `refundable` goes back to the developer, announced, and the pass
    /// records it (no escrow left, the law holds).
    function closeAs(address caller, uint256 passId, uint256 refundable) internal {
        uint256 before = IERC20(passes.pass(passId).token).balanceOf(developer);
        vm.expectEmit(address(passes));
        emit IAccessPasses.PassClosed(passId, developer, refundable);
        vm.prank(caller);
        assertEq(passes.close(passId), refundable);
        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(IERC20(p.token).balanceOf(developer) - before, refundable);
        assertEq(p.escrow, 0);
        assertEq(p.refunded, refundable);
        assertConserved(passId);
    }

    function assertConserved(uint256 passId) internal view {
        IAccessPasses.Pass memory p = passes.pass(passId);
        assertEq(
            paidFor(passId),
            uint256(p.ownerPaid) + p.fees + p.escrow + p.refunded,
            "paid = ownerPaid + fees + escrow + refunded"
        );
    }
}
