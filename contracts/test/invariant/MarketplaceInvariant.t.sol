// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessPasses} from "../../src/interfaces/IAccessPasses.sol";
import {IDataPools} from "../../src/interfaces/IDataPools.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {DataPools} from "../../src/pools/DataPools.sol";
import {AccessPassesFixture} from "../access/utils/AccessPassesFixture.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";

/// @dev The whole data marketplace in one world: the pools and the passes over one registry, one
/// delivery verifier (the input-bound double) and one fee router, all in MASA. Two developers
/// create pools (any budget from 0.001 MASA, some starting later), end them early and take back
/// what nobody earned, and accept offers (any prices from zero, 1 to 4 uses) from the three
/// people, ask for uses and close passes; the people stake their one record into several pools
/// at once, claim, unstake, deliver uses and revoke; time moves. Every party's MASA balance is
/// measured around every action (ghosts), and an action is taken only when the contracts must
/// accept it: a revert is counted as unexpected. The single-contract suites
/// (DataPoolsInvariant, AccessPassesInvariant) check each contract's own rules in depth; this
/// one checks that the two, sharing a token, a registry and a router, account for every wei
/// together.
contract MarketplaceHandler is AccessPassesFixture {
    uint256 internal constant MAX_POOLS = 10;
    uint256 internal constant MAX_PASSES = 16;
    uint16 internal constant POOL_FEE_BPS = 250;

    DataPools public pools;
    address public developer2 = makeAddr("developer2");
    address[2] internal developers;
    address[3] internal people;
    mapping(address owner => uint256) internal nextNonce;

    uint256[] public poolIds;
    uint256[] public passIds;
    mapping(uint256 poolId => mapping(uint256 person => bool)) internal everStaked;
    mapping(uint256 poolId => mapping(uint256 person => bool)) internal staked;

    // ghosts: MASA as the balances moved
    uint256 public ghostDevelopersPaid; // out of the developers' wallets
    uint256 public ghostDevelopersRefunded; // back into them
    uint256 public ghostPeopleReceived; // into the people's wallets
    uint256 public ghostUnexpectedReverts;
    bytes public ghostLastRevert;
    mapping(bytes32 action => uint256) public calls;
    // the fee router's outflows before the handler's first action (the registry's mint fees)
    uint256 public routedBefore;
    uint256 public supplyBefore;

    constructor() {
        setUp();
        pools = new DataPools(sbt, deliveryVerifier, feeRouter, dao, POOL_FEE_BPS);
        developers = [developer, developer2];
        people = [alice, bob, carol];
        require(masa.transfer(developer2, 100_000_000e18), "funded");
        for (uint256 i; i < 2; ++i) {
            vm.startPrank(developers[i]);
            masa.approve(address(pools), type(uint256).max);
            masa.approve(address(passes), type(uint256).max);
            vm.stopPrank();
        }
        supplyBefore = masa.totalSupply();
        routedBefore = routed();
    }

    // ------------------------------------------------------------------ pools

    function createPool(uint256 seed, uint256 budget, uint256 duration) external {
        if (poolIds.length == MAX_POOLS) return;
        address dev = developers[seed % 2];
        IDataPools.PoolConfig memory cfg;
        cfg.start = uint64(block.timestamp + ((seed >> 8) % 3 == 0 ? bound(seed >> 16, 1, 1 days) : 0));
        // forge-lint: disable-next-line(unsafe-typecast)
        cfg.end = cfg.start + uint64(bound(duration, 1 hours, 10 days));
        cfg.statement = IDataPools.Statement({
            schemaId: SELF, issuerSet: 0, fieldIndex: 0, operator: 5, operandA: 0, operandB: 0
        });
        cfg.metadataURI = "ipfs://market";
        (cfg.deliveryKeyX, cfg.deliveryKeyY) = (KEY_X, KEY_Y);
        budget = bound(budget, 1e15, 1_000_000e18);
        uint256 before = masa.balanceOf(dev);
        vm.prank(dev);
        try pools.createPool(cfg, budget) returns (uint256 poolId) {
            poolIds.push(poolId);
            ghostDevelopersPaid += before - masa.balanceOf(dev);
            ++calls["createPool"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function stake(uint256 poolSeed, uint256 personSeed) external {
        (bool found, uint256 poolId) = _pool(poolSeed, true);
        if (!found) return;
        uint256 u = personSeed % 3;
        if (everStaked[poolId][u]) return;
        (IZkSBT.Disclosure memory d, IDataPools.Delivery memory del) = _stakeArgs(poolId, u);
        vm.prank(people[u]);
        try pools.stake(poolId, d, del) {
            (everStaked[poolId][u], staked[poolId][u]) = (true, true);
            ++calls["stake"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function claim(uint256 poolSeed, uint256 personSeed, bool leave) external {
        (bool found, uint256 poolId, uint256 u) = _stake(poolSeed, personSeed);
        if (!found) return;
        address person = people[u];
        uint256 nullifier = _nullifier(poolId, u);
        uint256 before = masa.balanceOf(person);
        bytes memory call = leave
            ? abi.encodeCall(pools.unstake, (poolId, nullifier))
            : abi.encodeCall(pools.claim, (poolId, nullifier));
        vm.prank(person);
        (bool ok, bytes memory ret) = address(pools).call(call);
        if (!ok) return _unexpected(ret);
        uint256 received = masa.balanceOf(person) - before;
        if (received != abi.decode(ret, (uint256))) _unexpected("a payout other than the amount returned");
        ghostPeopleReceived += received;
        if (leave) staked[poolId][u] = false;
        if (leave) ++calls["unstake"];
        else ++calls["claim"];
    }

    function endPool(uint256 poolSeed) external {
        (bool found, uint256 poolId) = _pool(poolSeed, false);
        if (!found) return;
        address dev = pools.pool(poolId).developer;
        uint256 before = masa.balanceOf(dev);
        vm.prank(dev);
        try pools.end(poolId) {
            ghostDevelopersRefunded += masa.balanceOf(dev) - before;
            ++calls["end"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function refund(uint256 poolSeed) external {
        if (poolIds.length == 0) return;
        uint256 poolId = poolIds[poolSeed % poolIds.length];
        if (pools.refundable(poolId) == 0) return;
        _refund(poolId);
    }

    // ------------------------------------------------------------------ passes

    function accept(uint256 seed, uint128 upfront, uint128 perUse, uint256 uses) external {
        if (passIds.length == MAX_PASSES) return;
        address owner = people[seed % 3];
        IAccessPasses.Offer memory o = offerOf(owner);
        o.developer = developers[(seed >> 8) % 2];
        o.upfrontPrice = (seed >> 16) % 4 == 0 ? 0 : uint128(bound(upfront, 1, 1_000e18));
        o.perUsePrice = (seed >> 24) % 4 == 0 ? 0 : uint128(bound(perUse, 1, 1_000e18));
        o.maxUses = uint32(bound(uses, 1, 4));
        o.validUntil = o.validFrom + uint64(bound(seed >> 32, 1 hours, 5 days));
        o.nonce = nextNonce[owner]++;
        uint256 devBefore = masa.balanceOf(o.developer);
        uint256 ownerBefore = masa.balanceOf(owner);
        bytes memory signature = signOffer(keyOf[owner], o);
        vm.prank(o.developer);
        try passes.accept(o, signature) returns (uint256 passId) {
            passIds.push(passId);
            ghostDevelopersPaid += devBefore - masa.balanceOf(o.developer);
            ghostPeopleReceived += masa.balanceOf(owner) - ownerBefore;
            ++calls["accept"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function request(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pass(seed);
        // forge-lint: disable-next-line(block-timestamp)
        bool expired = block.timestamp > p.validUntil;
        if (!found || p.revoked || p.refunded != 0 || expired || p.requested >= p.maxUses) return;
        vm.prank(p.developer);
        try passes.requestUse(passId) {
            ++calls["request"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function deliver(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pass(seed);
        if (!found || p.revoked || p.delivered >= p.requested) return;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > uint256(p.validUntil) + GRACE) return;
        IZkSBT.Disclosure memory d = useDisclosure(passId, p.owner, p.tokenId, p.delivered);
        IAccessPasses.Delivery memory del = deliveryFor(passId, p.delivered);
        uint256 before = masa.balanceOf(p.owner);
        vm.prank(p.owner);
        try passes.deliver(passId, d, del) {
            ghostPeopleReceived += masa.balanceOf(p.owner) - before;
            ++calls["deliver"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function revoke(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pass(seed);
        if (!found || p.revoked) return;
        vm.prank(p.owner);
        try passes.revoke(passId) {
            ++calls["revoke"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// Anyone once the pass is revoked or past its grace; before, its developer when no use waits
    /// for its delivery.
    function close(uint256 seed) external {
        (bool found, uint256 passId, IAccessPasses.Pass memory p) = _pass(seed);
        if (!found || p.escrow == 0) return;
        // forge-lint: disable-next-line(block-timestamp)
        bool ended = p.revoked || block.timestamp > uint256(p.validUntil) + GRACE;
        if (ended || p.delivered == p.requested) {
            _close(passId, p.developer, ended ? address(this) : p.developer);
        }
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 2 days));
        ++calls["warp"];
    }

    /// After a run: every pool over and left, every refund taken, every pass past its grace and
    /// closed.
    function settleAll() external {
        vm.warp(block.timestamp + 11 days + GRACE);
        for (uint256 i; i < poolIds.length; ++i) {
            for (uint256 u; u < 3; ++u) {
                if (staked[poolIds[i]][u]) this.claim(i, u, true);
            }
            if (pools.refundable(poolIds[i]) != 0) _refund(poolIds[i]);
        }
        for (uint256 i; i < passIds.length; ++i) {
            IAccessPasses.Pass memory p = passes.pass(passIds[i]);
            if (p.escrow != 0) _close(passIds[i], p.developer, address(this));
        }
    }

    // ------------------------------------------------------------------ views

    function poolCount() external view returns (uint256) {
        return poolIds.length;
    }

    function passCount() external view returns (uint256) {
        return passIds.length;
    }

    function masaAddress() external view returns (address) {
        return address(masa);
    }

    function passesAddress() external view returns (address) {
        return address(passes);
    }

    /// What the fee router burned or paid out so far, and what it holds.
    function routed() public view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(feeRecipients[i]);
        }
        total += masa.balanceOf(address(feeRouter));
    }

    // ------------------------------------------------------------------ internals

    /// The first pool from `seed`: open for a stake (started, not ended) or merely not ended.
    function _pool(uint256 seed, bool open) internal view returns (bool, uint256) {
        uint256 n = poolIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 poolId = poolIds[(seed % n + k) % n];
            IDataPools.Pool memory p = pools.pool(poolId);
            // forge-lint: disable-next-line(block-timestamp)
            if (block.timestamp < p.end && (!open || block.timestamp >= p.start)) return (true, poolId);
        }
        return (false, 0);
    }

    /// The first live stake from (`poolSeed`, `personSeed`).
    function _stake(uint256 poolSeed, uint256 personSeed) internal view returns (bool, uint256, uint256) {
        uint256 n = poolIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 poolId = poolIds[(poolSeed % n + k) % n];
            for (uint256 j; j < 3; ++j) {
                uint256 u = (personSeed % 3 + j) % 3;
                if (staked[poolId][u]) return (true, poolId, u);
            }
        }
        return (false, 0, 0);
    }

    function _pass(uint256 seed) internal view returns (bool, uint256, IAccessPasses.Pass memory p) {
        if (passIds.length == 0) return (false, 0, p);
        uint256 passId = passIds[seed % passIds.length];
        return (true, passId, passes.pass(passId));
    }

    /// Person `u`'s nullifier in `poolId`'s scope (a stand-in for Poseidon2(ownerSecret, scope)).
    function _nullifier(uint256 poolId, uint256 u) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(identity(people[u]), pools.scopeOf(poolId)))) % P;
    }

    /// Person `u`'s direct stake of its record into `poolId`, with the double's proof.
    function _stakeArgs(uint256 poolId, uint256 u)
        internal
        view
        returns (IZkSBT.Disclosure memory d, IDataPools.Delivery memory del)
    {
        uint256 tokenId = selfToken[people[u]];
        d.tokenId = tokenId;
        d.root = expectedLeaf[tokenId];
        d.schemaId = SELF;
        d.operator = 5;
        d.purpose = pools.purposeOf(poolId);
        d.nullifier = _nullifier(poolId, u);
        d.recipient = people[u];
        d.validUntil = uint64(block.timestamp + 1 hours);
        del.ephemeralKey = [KEY_X, KEY_Y];
        del.nonce = u;
        for (uint256 i; i < 10; ++i) {
            del.ciphertext[i] = uint256(keccak256(abi.encode(poolId, u, i))) % P;
        }
        uint256[12] memory disclosure = inputs(address(pools), d);
        uint256[27] memory in_;
        for (uint256 i; i < 12; ++i) {
            in_[i] = disclosure[i];
        }
        (in_[12], in_[13], in_[14], in_[15], in_[16]) = (KEY_X, KEY_Y, KEY_X, KEY_Y, del.nonce);
        for (uint256 i; i < 10; ++i) {
            in_[17 + i] = del.ciphertext[i];
        }
        d.proof[0] = deliveryVerifier.proofFor(in_);
    }

    function _refund(uint256 poolId) internal {
        address dev = pools.pool(poolId).developer;
        uint256 before = masa.balanceOf(dev);
        vm.prank(dev);
        try pools.refund(poolId) {
            ghostDevelopersRefunded += masa.balanceOf(dev) - before;
            ++calls["refund"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function _close(uint256 passId, address dev, address caller) internal {
        uint256 before = masa.balanceOf(dev);
        vm.prank(caller);
        try passes.close(passId) {
            ghostDevelopersRefunded += masa.balanceOf(dev) - before;
            ++calls["close"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function _unexpected(bytes memory err) internal {
        ++ghostUnexpectedReverts;
        ghostLastRevert = err;
    }
}

interface IMasaLike {
    function balanceOf(address account) external view returns (uint256);
    function totalSupply() external view returns (uint256);
}

/// @notice The marketplace's money path across both contracts, under random interleavings.
///
/// The conservation law, in MASA, measured on the parties' balances:
///   paid by the developers − refunded to them
///     = received by the people + protocol fees + held by the pools + held by the passes,
/// where the pools hold exactly every pool's funded − paid − refunded (its unstreamed budget,
/// unclaimed rewards and rounding dust) and the passes exactly their escrows; the people received
/// exactly what the contracts record as paid to them (pools' `paid`, passes' `ownerPaid`); and
/// the fees the contracts record (pools' and passes' `fees`) all reached the fee router, which
/// burned or distributed them (or holds them as dust). After a run, once everything is settled,
/// both contracts hold nothing.
contract MarketplaceInvariantTest is Test, InvariantTest {
    MarketplaceHandler internal handler;
    DataPools internal pools;
    IAccessPassesView internal passes;
    IMasaLike internal masa;

    function setUp() public {
        handler = new MarketplaceHandler();
        pools = handler.pools();
        passes = IAccessPassesView(handler.passesAddress());
        masa = IMasaLike(handler.masaAddress());
        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = MarketplaceHandler.createPool.selector;
        selectors[1] = MarketplaceHandler.stake.selector;
        selectors[2] = MarketplaceHandler.stake.selector;
        selectors[3] = MarketplaceHandler.claim.selector;
        selectors[4] = MarketplaceHandler.endPool.selector;
        selectors[5] = MarketplaceHandler.refund.selector;
        selectors[6] = MarketplaceHandler.accept.selector;
        selectors[7] = MarketplaceHandler.request.selector;
        selectors[8] = MarketplaceHandler.deliver.selector;
        selectors[9] = MarketplaceHandler.revoke.selector;
        selectors[10] = MarketplaceHandler.close.selector;
        selectors[11] = MarketplaceHandler.warp.selector;
        selectors[12] = MarketplaceHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// The contracts' own totals: paid to the people, fees, and held (pools, then passes).
    function totals()
        internal
        view
        returns (uint256 paid, uint256 fees, uint256 heldPools, uint256 heldPasses)
    {
        for (uint256 i; i < handler.poolCount(); ++i) {
            IDataPools.Pool memory p = pools.pool(handler.poolIds(i));
            assertLe(uint256(p.paid) + p.refunded, p.funded, "a pool pays out at most its funding");
            paid += p.paid;
            fees += p.fees;
            heldPools += uint256(p.funded) - p.paid - p.refunded;
        }
        for (uint256 i; i < handler.passCount(); ++i) {
            IAccessPasses.Pass memory p = passes.pass(handler.passIds(i));
            assertEq(
                uint256(p.upfrontPrice) + uint256(p.perUsePrice) * p.maxUses,
                uint256(p.ownerPaid) + p.fees + p.escrow + p.refunded,
                "a pass's price = owner paid + fees + escrow + refunded"
            );
            paid += p.ownerPaid;
            fees += p.fees;
            heldPasses += p.escrow;
        }
    }

    /// in = out + held (+ the pools' dust, part of what they hold).
    function invariant_EveryWeiIsAccountedFor() public view {
        (uint256 paid, uint256 fees, uint256 heldPools, uint256 heldPasses) = totals();
        assertEq(masa.balanceOf(address(pools)), heldPools, "the pools hold their pools' balances");
        assertEq(masa.balanceOf(address(passes)), heldPasses, "the passes hold their escrows");
        assertEq(handler.ghostPeopleReceived(), paid, "the people received what the contracts paid them");
        assertEq(
            handler.ghostDevelopersPaid() - handler.ghostDevelopersRefunded(),
            handler.ghostPeopleReceived() + fees + heldPools + heldPasses,
            "developers' net spending = people's income + fees + held"
        );
    }

    /// Every fee either contract recorded was burned, distributed, or is held by the router.
    function invariant_FeesReachTheRouter() public view {
        (, uint256 fees,,) = totals();
        uint256 burned = handler.supplyBefore() - masa.totalSupply();
        assertEq(burned + handler.routed() - handler.routedBefore(), fees);
    }

    /// Every action of the handler is taken for real at least once in a plain story (so none is
    /// silently skipped by its own preconditions), and the laws hold along the way.
    function test_EveryActionIsTakenAndEveryWeiAccountedFor() public {
        handler.createPool(1 << 8, 1_000e18, 2 days); // developer 0, starts now
        handler.createPool(1 | (1 << 8), 500e18, 1 days); // developer 1, starts now
        handler.createPool(0, 100e18, 1 hours); // developer 0, starts a second later: nobody stakes
        for (uint256 u; u < 3; ++u) {
            handler.stake(0, u);
            handler.stake(1, u);
        }
        handler.warp(1 hours);
        handler.claim(0, 0, false);
        handler.claim(1, 1, true);
        handler.accept(2 | (1 << 16) | (1 << 24), 5e18, 2e18, 3); // carol to developer 0, paid both ways
        handler.request(0);
        handler.deliver(0);
        handler.revoke(0);
        handler.close(0);
        handler.endPool(1);
        handler.warp(3 days);
        handler.refund(2);
        invariant_EveryWeiIsAccountedFor();
        invariant_FeesReachTheRouter();
        bytes32[11] memory actions = [
            // forge-lint: disable-next-line(unsafe-typecast)
            bytes32("createPool"),
            "stake",
            "claim",
            "unstake",
            "end",
            "refund",
            "accept",
            "request",
            "deliver",
            "revoke",
            "close"
        ];
        for (uint256 i; i < actions.length; ++i) {
            assertGt(handler.calls(actions[i]), 0, string(abi.encodePacked(actions[i])));
        }
        afterInvariant();
    }

    function invariant_NoValidActionReverts() public view {
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
    }

    /// Settled: everyone left, every refund taken, every pass closed: the contracts hold nothing
    /// and the developers' net spending is exactly the people's income and the fees.
    function afterInvariant() public {
        handler.settleAll();
        assertEq(handler.ghostUnexpectedReverts(), 0, string(handler.ghostLastRevert()));
        (, uint256 fees,,) = totals();
        assertEq(masa.balanceOf(address(pools)), 0, "the pools hold nothing");
        assertEq(masa.balanceOf(address(passes)), 0, "the passes hold nothing");
        assertEq(
            handler.ghostDevelopersPaid() - handler.ghostDevelopersRefunded(),
            handler.ghostPeopleReceived() + fees
        );
    }
}

interface IAccessPassesView {
    function pass(uint256 passId) external view returns (IAccessPasses.Pass memory);
}
