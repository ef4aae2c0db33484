// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDataPools} from "../../../src/interfaces/IDataPools.sol";
import {IZkSBT} from "../../../src/interfaces/IZkSBT.sol";
import {DataPools} from "../../../src/pools/DataPools.sol";
import {UniswapV2Fixture} from "../../fees/UniswapV2Fixture.sol";
import {ZkSBTFixture} from "../../identity/utils/ZkSBTFixture.sol";
import {InputBoundDeliveryVerifier} from "./InputBoundDeliveryVerifier.sol";

/// @notice The pools contract over the zkSBT fixture's registry and an input-bound delivery
/// verifier double (the real verifier runs on a real proof in DeliveryVerifier.t.sol and in the
/// Rust end-to-end tests), with the fixture's real fee router, re-pointed by governance at the real Uniswap V2 (deployed from the npm
/// artifacts; MASA fees are never swapped, so no pair is seeded). A funded developer, stakers
/// with self-attested records (alice, bob, carol) and an attested one (bob), and helpers that
/// build stake disclosures independently of the contract: the purpose, the scope and the
/// nullifier (standing in for `Poseidon2(ownerSecret, scope)`) are recomputed here.
abstract contract DataPoolsFixture is ZkSBTFixture, UniswapV2Fixture {
    uint16 internal constant FEE_BPS = 500; // 5%
    uint256 internal constant BUDGET = 1_000e18;
    uint64 internal constant DURATION = 1_000;
    /// BabyJubJub's `Base8` (circomlib), a valid delivery key.
    uint256 internal constant KEY_X =
        5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant KEY_Y =
        16950150798460657717958625567821834550301663161624707787222815936182638968203;
    /// Another developer's key: `P` of circuits/delivery.md's vectors.
    uint256 internal constant OTHER_KEY_X =
        0x024076bfed77ac2c86c631b691df89cff2173c843a57b9314f379871864a2d76;
    uint256 internal constant OTHER_KEY_Y =
        0x22e5d922c88cc34dee7e578ad8ebf754af3efd336ec016e88f12edafd3a7fe0b;
    uint8 internal constant AGE_FIELD = 2;
    uint8 internal constant GTE = 5;
    uint64 internal constant ADULT = 18;

    DataPools internal pools;
    InputBoundDeliveryVerifier internal deliveryVerifier;
    address internal developer = makeAddr("developer");
    address internal watcher = makeAddr("watcher");
    uint256 internal carolKey = 0xCA401;
    address internal carol;
    /// Each staker's self-attested record; bob's attested one.
    mapping(address owner => uint256 tokenId) internal selfToken;
    uint256 internal bobAttested;

    function setUp() public virtual override {
        super.setUp();
        carol = vm.addr(carolKey);
        _deployUniswap();
        vm.prank(dao);
        feeRouter.setSwapRouter(address(router));
        deliveryVerifier = new InputBoundDeliveryVerifier();
        pools = new DataPools(sbt, deliveryVerifier, feeRouter, dao, FEE_BPS);
        require(masa.transfer(developer, 100_000_000e18), "funded");
        vm.prank(developer);
        masa.approve(address(pools), type(uint256).max);
        selfToken[alice] = mintSelf(aliceKey, 11);
        selfToken[bob] = mintSelf(bobKey, 21);
        selfToken[carol] = mintSelf(carolKey, 31);
        bobAttested = mintAttested(bobKey, 22);
    }

    // ------------------------------------------------------------------ pools

    /// The default statement: "field 2 (age) >= 18" about a self-attestable record, any issuer.
    function adults() internal pure returns (IDataPools.Statement memory) {
        return IDataPools.Statement({
            schemaId: SELF, issuerSet: 0, fieldIndex: AGE_FIELD, operator: GTE, operandA: ADULT, operandB: 0
        });
    }

    function config(uint64 start, uint64 end) internal pure returns (IDataPools.PoolConfig memory) {
        return IDataPools.PoolConfig({
            start: start,
            end: end,
            maxStakers: 0,
            statement: adults(),
            metadataURI: "ipfs://adults-pool",
            deliveryKeyX: KEY_X,
            deliveryKeyY: KEY_Y
        });
    }

    /// A pool of `budget` (fee included) starting now and running `DURATION` seconds.
    function createPool(uint256 budget) internal returns (uint256) {
        return createPool(budget, uint64(block.timestamp), uint64(block.timestamp) + DURATION);
    }

    function createPool(uint256 budget, uint64 start, uint64 end) internal returns (uint256) {
        return createPool(config(start, end), budget);
    }

    function createPool(IDataPools.PoolConfig memory cfg, uint256 budget) internal returns (uint256) {
        vm.prank(developer);
        return pools.createPool(cfg, budget);
    }

    /// The reward budget a funding of `amount` leaves at the fixture's fee.
    function net(uint256 amount) internal pure returns (uint256) {
        return amount - amount * FEE_BPS / 10_000;
    }

    // ------------------------------------------------------------------ stakes

    function purpose(uint256 poolId) internal pure returns (bytes32) {
        return keccak256(abi.encode("masa.pool", poolId));
    }

    /// The registry's scope of `poolId`'s stakes, recomputed here.
    function scope(uint256 poolId) internal view returns (uint256) {
        return
            uint256(keccak256(abi.encode(block.chainid, address(sbt), address(pools), purpose(poolId)))) >> 8;
    }

    /// `owner`'s nullifier in `poolId`: a function of its identity and the pool's scope only (as
    /// `Poseidon2(ownerSecret, scope)` is), so the same in both modes and for every record.
    function nullifierOf(address owner, uint256 poolId) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(identity(owner), scope(poolId)))) % P;
    }

    /// A disclosure of the pool's statement by `owner` (direct about `tokenId`, or anonymous when
    /// `tokenId` is 0) paying `to`, with a valid proof for the pools contract.
    function stakeDisclosure(uint256 poolId, address owner, uint256 tokenId, address to)
        internal
        view
        returns (IZkSBT.Disclosure memory d)
    {
        IDataPools.Statement memory s = pools.pool(poolId).statement;
        d.mode = tokenId == 0 ? 1 : 0;
        d.tokenId = tokenId;
        d.root = tokenId == 0 ? sbt.root() : expectedLeaf[tokenId];
        d.schemaId = s.schemaId;
        d.issuerSet = s.issuerSet;
        d.fieldIndex = s.fieldIndex;
        d.operator = s.operator;
        d.operandA = s.operandA;
        d.operandB = s.operandB;
        d.purpose = purpose(poolId);
        d.nullifier = nullifierOf(owner, poolId);
        d.recipient = to;
        d.validUntil = uint64(block.timestamp + 1 hours);
        d.proof[0] = deliveryProof(poolId, address(pools), d, deliveryOf(d));
    }

    /// A delivery for `d`: its words stand in for an encryption (the double checks they are the
    /// proven ones; real ciphertexts are the Rust tests').
    function deliveryOf(IZkSBT.Disclosure memory d) internal pure returns (IDataPools.Delivery memory del) {
        del.ephemeralKey = [KEY_X, KEY_Y];
        del.nonce = uint128(d.nullifier);
        for (uint256 i; i < 10; ++i) {
            del.ciphertext[i] = uint256(keccak256(abi.encode(d.nullifier, i))) % P;
        }
    }

    /// The delivery circuit's public inputs for `d` and `del` to `poolId`'s key, as the pool
    /// should compute them with `consumer` as itself (recomputed here: the disclosure's 12 from
    /// the registry fixture, then the pool's key, the ephemeral key, the nonce, the ciphertext).
    function deliveryInputs(
        uint256 poolId,
        address consumer,
        IZkSBT.Disclosure memory d,
        IDataPools.Delivery memory del
    ) internal view returns (uint256[27] memory in_) {
        uint256[12] memory disclosure = inputs(consumer, d);
        for (uint256 i; i < 12; ++i) {
            in_[i] = disclosure[i];
        }
        IDataPools.Pool memory p = pools.pool(poolId);
        in_[12] = p.deliveryKeyX;
        in_[13] = p.deliveryKeyY;
        in_[14] = del.ephemeralKey[0];
        in_[15] = del.ephemeralKey[1];
        in_[16] = del.nonce;
        for (uint256 i; i < 10; ++i) {
            in_[17 + i] = del.ciphertext[i];
        }
    }

    /// The double's valid proof of `d` and `del` for `poolId` with `consumer`'s scope.
    function deliveryProof(
        uint256 poolId,
        address consumer,
        IZkSBT.Disclosure memory d,
        IDataPools.Delivery memory del
    ) internal view returns (uint256) {
        return deliveryVerifier.proofFor(deliveryInputs(poolId, consumer, d, del));
    }

    /// Stakes `d` with its delivery ({deliveryOf}); the caller is whoever the test pranked.
    function stakeWith(uint256 poolId, IZkSBT.Disclosure memory d) internal {
        pools.stake(poolId, d, deliveryOf(d));
    }

    /// `owner` stakes directly (about its self-attested record), paid to itself; returns the stake.
    function stakeDirect(uint256 poolId, address owner) internal returns (uint256 nullifier) {
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, owner, selfToken[owner], owner);
        vm.prank(owner);
        stakeWith(poolId, d);
        return d.nullifier;
    }

    /// `owner` stakes anonymously (against the current root), paid to itself.
    function stakeAnon(uint256 poolId, address owner) internal returns (uint256 nullifier) {
        IZkSBT.Disclosure memory d = stakeDisclosure(poolId, owner, 0, owner);
        vm.prank(owner);
        stakeWith(poolId, d);
        return d.nullifier;
    }

    function claimAs(address who, uint256 poolId, uint256 nullifier) internal returns (uint256) {
        vm.prank(who);
        return pools.claim(poolId, nullifier);
    }

    function unstakeAs(address who, uint256 poolId, uint256 nullifier) internal returns (uint256) {
        vm.prank(who);
        return pools.unstake(poolId, nullifier);
    }

    function warpTo(uint256 t) internal {
        vm.warp(t);
    }

    /// The pool's held MASA by its own accounting: funded - paid - refunded.
    function held(uint256 poolId) internal view returns (uint256) {
        IDataPools.Pool memory p = pools.pool(poolId);
        return uint256(p.funded) - p.paid - p.refunded;
    }
}
