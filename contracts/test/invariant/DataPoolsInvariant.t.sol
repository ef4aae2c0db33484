// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FeeRouter} from "../../src/fees/FeeRouter.sol";
import {IssuerRegistry} from "../../src/identity/IssuerRegistry.sol";
import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IDataPools} from "../../src/interfaces/IDataPools.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IFeeRouter} from "../../src/interfaces/IFeeRouter.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {DataPools} from "../../src/pools/DataPools.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {UniswapV2Fixture} from "../fees/UniswapV2Fixture.sol";
import {InputBoundVerifier} from "../identity/utils/InputBoundVerifier.sol";
import {ZkSBTDigests} from "../identity/utils/ZkSBTDigests.sol";
import {InputBoundDeliveryVerifier} from "../pools/utils/InputBoundDeliveryVerifier.sol";
import {InvariantTest} from "../utils/InvariantTest.sol";
import {Test} from "../utils/Test.sol";

/// @dev Drives random valid actions on the pools contract, wired to a zkSBT registry (verifier
/// double) and the real fee router over the real Uniswap V2: two developers create pools (tiny
/// and large budgets, with and without a cap, self-attested or issuer-set statements), six people
/// stake (direct or anonymous, paid to themselves or to another wallet), claim and unstake;
/// developers top up, extend, end and refund; time moves; MASA is donated; governance changes
/// the fee. Every action is one the contract must accept: a revert is counted as unexpected.
///
/// Beside the contract, the handler keeps its own model of every pool (the streaming rule of the
/// specification: at each action `remaining * elapsed / (end - lastUpdate)`, to the stakers of
/// that moment or, with none, to the developer) and of each stake's accrued reward, at 1e36
/// precision; ghosts total what was funded, paid, refunded, donated and paid in fees.
contract DataPoolsHandler is UniswapV2Fixture {
    uint256 internal constant P =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant SELF = 1;
    uint256 internal constant ATTESTED = 2;
    uint256 internal constant ISSUER_KEY = 0x155;
    uint256 internal constant USERS = 6;
    uint256 internal constant MAX_POOLS = 24; // in all
    uint256 internal constant MAX_LIVE_POOLS = 4; // not ended at once
    uint256 internal constant MODEL = 1e36; // the model's precision
    uint256 internal constant KEY_X =
        5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant KEY_Y =
        16950150798460657717958625567821834550301663161624707787222815936182638968203;

    /// The handler's model of a pool.
    struct Model {
        uint256 remaining; // not yet streamed
        uint256 toDeveloper; // streamed to nobody, and the remainder at an early end
        uint256 start;
        uint256 end;
        uint256 last;
        uint256 stakers;
        uint256 periods; // accruals with stakers (each may give a staker up to 1e-18 wei extra)
        uint256 unstakes;
    }

    /// The handler's record of a person's stake in a pool.
    struct StakeGhost {
        bool ever; // staked once (the nullifier is used for good)
        bool staked;
        uint256 nullifier;
        address recipient;
        uint256 received; // what claim and unstake returned
        uint256 accrued; // the model's accrual, scaled by MODEL
    }

    MasaToken public masa;
    FeeRouter public feeRouter;
    ZkSBT public sbt;
    DataPools public pools;
    InputBoundVerifier internal verifier;
    InputBoundDeliveryVerifier internal deliveryVerifier;
    address public timelock = makeAddr("timelock");
    address public issuer = vm.addr(ISSUER_KEY);
    address[4] public recipients = [
        makeAddr("oracleRewards"),
        makeAddr("validatorRewards"),
        makeAddr("contributorRewards"),
        makeAddr("treasury")
    ];
    address[2] public developers = [makeAddr("developer0"), makeAddr("developer1")];
    address[USERS] public users;
    address[USERS] public wallets; // each person's second wallet, a possible recipient
    mapping(uint256 user => uint256 tokenId) internal selfToken;
    mapping(uint256 user => uint256 tokenId) internal attestedToken;
    mapping(uint256 tokenId => uint256 leaf) internal leafOf;
    uint256 public attestedIssuerSet;

    uint256[] public poolIds;
    mapping(uint256 poolId => Model) internal models;
    mapping(uint256 poolId => mapping(uint256 user => StakeGhost)) internal stakes;

    // ghosts
    mapping(uint256 poolId => uint256) public ghostFunded; // net of fees
    mapping(uint256 poolId => uint256) public ghostPaid;
    mapping(uint256 poolId => uint256) public ghostRefunded;
    uint256 public ghostFees;
    uint256 public ghostDonated;
    uint256 public ghostUnexpectedReverts;
    bytes public ghostLastRevert;
    bool public ghostTransferMismatch; // a payout moved other than what the call returned
    bool public ghostUnderpaid; // a withdrawn stake got less than the model accrued (beyond rounding)
    mapping(bytes32 action => uint256) public calls; // accepted actions, by kind
    mapping(bytes32 action => uint256) public skipped; // no valid target at that moment

    constructor() {
        masa = new MasaToken(address(this));
        _deployUniswap();
        feeRouter = new FeeRouter(
            address(masa),
            address(router),
            weth,
            timelock,
            IFeeRouter.Shares(2_000, 3_000, 1_000, 3_000, 1_000),
            IFeeRouter.Recipients(recipients[0], recipients[1], recipients[2], recipients[3])
        );
        IIssuerRegistry.SchemaInit[] memory schemas = new IIssuerRegistry.SchemaInit[](2);
        schemas[0] = IIssuerRegistry.SchemaInit(SELF, IIssuerRegistry.Schema("ipfs://self", true, true));
        schemas[1] =
            IIssuerRegistry.SchemaInit(ATTESTED, IIssuerRegistry.Schema("ipfs://credit", false, true));
        IIssuerRegistry.IssuerInit[] memory issuers = new IIssuerRegistry.IssuerInit[](1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = ATTESTED;
        issuers[0] = IIssuerRegistry.IssuerInit(issuer, "Credit bureau", ids);
        verifier = new InputBoundVerifier();
        // no mint fees: the fee router sees the pools' fees only
        sbt = new ZkSBT(
            IDisclosureVerifier(address(verifier)),
            new IssuerRegistry(
                timelock, schemas, issuers, IIssuerRegistry.OracleInit(address(0), new uint256[](0))
            ),
            feeRouter,
            timelock,
            IZkSBT.Config(10, 1 hours, 0, 0)
        );
        deliveryVerifier = new InputBoundDeliveryVerifier();
        pools = new DataPools(sbt, deliveryVerifier, feeRouter, timelock, 333); // an odd fee: rounding in every split
        for (uint256 i; i < 2; ++i) {
            require(masa.transfer(developers[i], 100_000_000e18), "funded");
            vm.prank(developers[i]);
            masa.approve(address(pools), type(uint256).max);
        }
        for (uint256 u; u < USERS; ++u) {
            users[u] = vm.addr(0x2000 + u);
            wallets[u] = makeAddr(string(abi.encodePacked("wallet", u)));
            selfToken[u] = _mint(u, SELF);
            attestedToken[u] = _mint(u, ATTESTED);
        }
        address[] memory members = new address[](1);
        members[0] = issuer;
        attestedIssuerSet = sbt.issuerSetOf(members);
    }

    // ------------------------------------------------------------------ developers

    function createPool(uint256 devSeed, uint256 budget, uint256 delay, uint256 duration, uint256 shape)
        external
    {
        if (poolIds.length == MAX_POOLS || _livePools() >= MAX_LIVE_POOLS) return _skip("createPool");
        address developer = developers[devSeed % 2];
        // a third of the pools are tiny (wei), the others up to a million MASA
        budget = shape % 3 == 0 ? bound(budget, 1, 10_000) : bound(budget, 1e15, 1_000_000e18);
        // a quarter of the pools start later (up to 2 days), the others at once
        uint64 start = uint64(block.timestamp + ((shape >> 32) % 4 == 0 ? bound(delay, 1, 2 days) : 0));
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 finish = start + uint64(bound(duration, 1, 30 days)); // <= 30 days
        IDataPools.PoolConfig memory cfg;
        cfg.start = start;
        cfg.end = finish;
        // forge-lint: disable-next-line(unsafe-typecast)
        cfg.maxStakers = (shape >> 8) % 2 == 0 ? 0 : uint32(1 + (shape >> 16) % 4); // 1..4
        bool attested = (shape >> 24) % 2 == 1;
        cfg.statement = IDataPools.Statement({
            schemaId: attested ? ATTESTED : SELF,
            issuerSet: attested ? attestedIssuerSet : 0,
            fieldIndex: 2,
            operator: 5,
            operandA: 18,
            operandB: 0
        });
        cfg.metadataURI = "ipfs://pool";
        (cfg.deliveryKeyX, cfg.deliveryKeyY) = (KEY_X, KEY_Y);
        uint256 fee = budget * pools.createFeeBps() / 10_000;
        uint256 paidBefore = masa.balanceOf(developer);
        vm.prank(developer);
        try pools.createPool(cfg, budget) returns (uint256 poolId) {
            poolIds.push(poolId);
            models[poolId] = Model({
                remaining: budget - fee,
                toDeveloper: 0,
                start: start,
                end: finish,
                last: start,
                stakers: 0,
                periods: 0,
                unstakes: 0
            });
            ghostFunded[poolId] += budget - fee;
            ghostFees += fee;
            if (paidBefore - masa.balanceOf(developer) != budget) ghostTransferMismatch = true;
            ++calls["createPool"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function topUp(uint256 poolSeed, uint256 amount) external {
        (bool found, uint256 poolId) = _pool(poolSeed, true);
        if (!found) return _skip("topUp");
        amount = bound(amount, 1, 100_000e18);
        uint256 fee = amount * pools.createFeeBps() / 10_000;
        _modelAccrue(poolId);
        vm.prank(_developer(poolId));
        try pools.topUp(poolId, amount) returns (uint256 reward) {
            if (reward != amount - fee) ghostTransferMismatch = true;
            models[poolId].remaining += reward;
            ghostFunded[poolId] += reward;
            ghostFees += fee;
            ++calls["topUp"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function extend(uint256 poolSeed, uint256 extra) external {
        (bool found, uint256 poolId) = _pool(poolSeed, true);
        if (!found) return _skip("extend");
        Model storage m = models[poolId];
        uint256 maxEnd = m.start + pools.MAX_DURATION();
        if (m.end >= maxEnd) return _skip("extend");
        uint256 newEnd = m.end + bound(extra, 1, 10 days);
        if (newEnd > maxEnd) newEnd = maxEnd;
        _modelAccrue(poolId);
        vm.prank(_developer(poolId));
        // forge-lint: disable-next-line(unsafe-typecast)
        try pools.extend(poolId, uint64(newEnd)) {
            m.end = newEnd;
            ++calls["extend"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function end(uint256 poolSeed) external {
        (bool found, uint256 poolId) = _pool(poolSeed, true);
        if (!found) return _skip("end");
        Model storage m = models[poolId];
        _modelAccrue(poolId);
        address developer = _developer(poolId);
        uint256 before = masa.balanceOf(developer);
        vm.prank(developer);
        try pools.end(poolId) returns (uint256 refunded) {
            m.toDeveloper += m.remaining;
            m.remaining = 0;
            m.end = block.timestamp;
            m.last = block.timestamp;
            if (m.start > _now()) m.start = _now();
            ghostRefunded[poolId] += refunded;
            if (masa.balanceOf(developer) - before != refunded) ghostTransferMismatch = true;
            ++calls["end"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function refund(uint256 poolSeed) external {
        (bool found, uint256 poolId) = _pool(poolSeed, false);
        if (!found || pools.refundable(poolId) == 0) return _skip("refund");
        _refund(poolId);
    }

    // ------------------------------------------------------------------ stakers

    /// The first person (from `userSeed`) who never staked into the first open pool (from
    /// `poolSeed`) stakes, in either mode, paid to themselves or to their other wallet.
    function stake(uint256 poolSeed, uint256 userSeed, bool anon, bool toWallet) external {
        (bool found, uint256 poolId) = _openPool(poolSeed);
        if (!found) return _skip("stake");
        uint256 u = USERS;
        for (uint256 k; k < USERS; ++k) {
            uint256 candidate = (userSeed % USERS + k) % USERS;
            if (!stakes[poolId][candidate].ever) {
                u = candidate;
                break;
            }
        }
        if (u == USERS) return _skip("stake");
        address to = toWallet ? wallets[u] : users[u];
        (IZkSBT.Disclosure memory d, IDataPools.Delivery memory del) = _disclosure(poolId, u, anon, to);
        _modelAccrue(poolId);
        vm.prank(users[u]);
        try pools.stake(poolId, d, del) {
            StakeGhost storage s = stakes[poolId][u];
            (s.ever, s.staked, s.nullifier, s.recipient) = (true, true, d.nullifier, to);
            ++models[poolId].stakers;
            if (anon) ++calls["stakeAnonymous"];
            else ++calls["stakeDirect"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function claim(uint256 poolSeed, uint256 userSeed) external {
        (bool found, uint256 poolId, uint256 u) = _stake(poolSeed, userSeed);
        if (!found) return _skip("claim");
        _modelAccrue(poolId);
        StakeGhost storage s = stakes[poolId][u];
        uint256 before = masa.balanceOf(s.recipient);
        vm.prank(s.recipient);
        try pools.claim(poolId, s.nullifier) returns (uint256 amount) {
            _paid(poolId, s, amount, before);
            ++calls["claim"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function unstake(uint256 poolSeed, uint256 userSeed) external {
        (bool found, uint256 poolId, uint256 u) = _stake(poolSeed, userSeed);
        if (!found) return _skip("unstake");
        _modelAccrue(poolId);
        StakeGhost storage s = stakes[poolId][u];
        uint256 before = masa.balanceOf(s.recipient);
        vm.prank(s.recipient);
        try pools.unstake(poolId, s.nullifier) returns (uint256 amount) {
            _paid(poolId, s, amount, before);
            s.staked = false;
            Model storage m = models[poolId];
            --m.stakers;
            ++m.unstakes;
            // withdrawn: paid everything accrued, up to rounding (the final floor, and at most
            // 1e-18 wei a period from the accumulator's division)
            if ((s.received + 1) * MODEL + m.periods * (1e18 + 1) < s.accrued) ghostUnderpaid = true;
            ++calls["unstake"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    // ------------------------------------------------------------------ others

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 1, 3 days));
        ++calls["warp"];
    }

    /// MASA sent straight to the pools contract: it belongs to no pool.
    function donate(uint256 amount) external {
        amount = bound(amount, 1, 10_000e18);
        require(masa.transfer(address(pools), amount), "donated");
        ghostDonated += amount;
        ++calls["donate"];
    }

    function setCreateFee(uint256 bps) external {
        vm.prank(timelock);
        // forge-lint: disable-next-line(unsafe-typecast)
        try pools.setCreateFee(uint16(bound(bps, 0, 1_000))) {
            ++calls["setCreateFee"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    /// Closes everything: past every end, every stake withdrawn, every pool refunded.
    function closeAll() external {
        uint256 last;
        for (uint256 i; i < poolIds.length; ++i) {
            if (models[poolIds[i]].end > last) last = models[poolIds[i]].end;
        }
        if (last >= _now()) vm.warp(last + 1);
        for (uint256 i; i < poolIds.length; ++i) {
            uint256 poolId = poolIds[i];
            for (uint256 u; u < USERS; ++u) {
                if (stakes[poolId][u].staked) this.unstake(i, u);
            }
            if (pools.refundable(poolId) != 0) _refund(poolId);
        }
    }

    // ------------------------------------------------------------------ views for the invariants

    function poolCount() external view returns (uint256) {
        return poolIds.length;
    }

    function model(uint256 poolId) external view returns (Model memory) {
        return models[poolId];
    }

    function stakeGhost(uint256 poolId, uint256 u) external view returns (StakeGhost memory) {
        return stakes[poolId][u];
    }

    function distributed() external view returns (uint256 total) {
        for (uint256 i; i < 4; ++i) {
            total += masa.balanceOf(recipients[i]);
        }
    }

    // ------------------------------------------------------------------ internals

    function _refund(uint256 poolId) internal {
        _modelAccrue(poolId);
        address developer = _developer(poolId);
        uint256 before = masa.balanceOf(developer);
        vm.prank(developer);
        try pools.refund(poolId) returns (uint256 amount) {
            ghostRefunded[poolId] += amount;
            if (masa.balanceOf(developer) - before != amount) ghostTransferMismatch = true;
            ++calls["refund"];
        } catch (bytes memory err) {
            _unexpected(err);
        }
    }

    function _paid(uint256 poolId, StakeGhost storage s, uint256 amount, uint256 before) internal {
        s.received += amount;
        ghostPaid[poolId] += amount;
        if (masa.balanceOf(s.recipient) - before != amount) ghostTransferMismatch = true;
    }

    /// The specification's streaming, at the moment of an action (before it changes anything).
    function _modelAccrue(uint256 poolId) internal {
        Model storage m = models[poolId];
        uint256 until = _now() < m.end ? _now() : m.end;
        if (until <= m.last) return;
        uint256 amount = m.remaining * (until - m.last) / (m.end - m.last);
        m.remaining -= amount;
        m.last = until;
        if (amount == 0) return;
        if (m.stakers == 0) {
            m.toDeveloper += amount;
            return;
        }
        ++m.periods;
        uint256 share = amount * MODEL / m.stakers;
        for (uint256 u; u < USERS; ++u) {
            if (stakes[poolId][u].staked) stakes[poolId][u].accrued += share;
        }
    }

    function _livePools() internal view returns (uint256 live) {
        for (uint256 i; i < poolIds.length; ++i) {
            if (_now() < models[poolIds[i]].end) ++live;
        }
    }

    function _developer(uint256 poolId) internal view returns (address) {
        return pools.pool(poolId).developer;
    }

    /// The first pool from `seed` (optionally: not ended).
    function _pool(uint256 seed, bool unended) internal view returns (bool, uint256) {
        uint256 n = poolIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 poolId = poolIds[(seed % n + k) % n];
            if (!unended || _now() < models[poolId].end) return (true, poolId);
        }
        return (false, 0);
    }

    /// The first pool from `seed` open for a stake: started, not ended, below its cap.
    function _openPool(uint256 seed) internal view returns (bool, uint256) {
        uint256 n = poolIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 poolId = poolIds[(seed % n + k) % n];
            Model storage m = models[poolId];
            uint256 cap = pools.pool(poolId).maxStakers;
            if (_now() >= m.start && _now() < m.end && (cap == 0 || m.stakers < cap)) return (true, poolId);
        }
        return (false, 0);
    }

    /// The first staked stake from (`poolSeed`, `userSeed`).
    function _stake(uint256 poolSeed, uint256 userSeed) internal view returns (bool, uint256, uint256) {
        uint256 n = poolIds.length;
        for (uint256 k; k < n; ++k) {
            uint256 poolId = poolIds[(poolSeed % n + k) % n];
            for (uint256 j; j < USERS; ++j) {
                uint256 u = (userSeed % USERS + j) % USERS;
                if (stakes[poolId][u].staked) return (true, poolId, u);
            }
        }
        return (false, 0, 0);
    }

    /// A stake's disclosure and delivery, with the input-bound double's proof of both.
    function _disclosure(uint256 poolId, uint256 u, bool anon, address to)
        internal
        view
        returns (IZkSBT.Disclosure memory d, IDataPools.Delivery memory del)
    {
        IDataPools.Statement memory s = pools.pool(poolId).statement;
        uint256 tokenId = s.schemaId == SELF ? selfToken[u] : attestedToken[u];
        d.mode = anon ? 1 : 0;
        d.tokenId = anon ? 0 : tokenId;
        d.root = anon ? sbt.root() : leafOf[tokenId];
        d.schemaId = s.schemaId;
        d.issuerSet = s.issuerSet;
        d.fieldIndex = s.fieldIndex;
        d.operator = s.operator;
        d.operandA = s.operandA;
        d.operandB = s.operandB;
        d.purpose = pools.purposeOf(poolId);
        // stands in for Poseidon2(ownerSecret, scope): one per person and pool
        d.nullifier = uint256(keccak256(abi.encode(_identity(u), pools.scopeOf(poolId)))) % P;
        d.recipient = to;
        d.validUntil = uint64(block.timestamp + 1 hours);
        IDataPools.Pool memory p = pools.pool(poolId);
        del.ephemeralKey = [p.deliveryKeyX, p.deliveryKeyY];
        del.nonce = u;
        for (uint256 i; i < 10; ++i) {
            del.ciphertext[i] = uint256(keccak256(abi.encode(d.nullifier, i))) % P;
        }
        uint256[27] memory input = [
            d.mode,
            d.root,
            d.schemaId,
            d.issuerSet,
            d.fieldIndex,
            d.operator,
            d.operandA,
            d.operandB,
            sbt.scopeOf(address(pools), d.purpose),
            d.nullifier,
            sbt.messageHashOf(d.recipient, d.message),
            d.validUntil,
            p.deliveryKeyX,
            p.deliveryKeyY,
            del.ephemeralKey[0],
            del.ephemeralKey[1],
            del.nonce,
            del.ciphertext[0],
            del.ciphertext[1],
            del.ciphertext[2],
            del.ciphertext[3],
            del.ciphertext[4],
            del.ciphertext[5],
            del.ciphertext[6],
            del.ciphertext[7],
            del.ciphertext[8],
            del.ciphertext[9]
        ];
        d.proof[0] = deliveryVerifier.proofFor(input);
    }

    function _identity(uint256 u) internal view returns (uint256) {
        return uint256(keccak256(abi.encode("identity", users[u]))) >> 8;
    }

    function _mint(uint256 u, uint256 schemaId) internal returns (uint256 tokenId) {
        uint256 ownerKey = 0x2000 + u;
        address owner = users[u];
        bool attested = schemaId == ATTESTED;
        IZkSBT.MintRequest memory req = IZkSBT.MintRequest({
            owner: owner,
            identity: _identity(u),
            schemaId: schemaId,
            commitment: 1_000 + 2 * u + (attested ? 1 : 0),
            ciphertext: "sealed",
            issuer: attested ? issuer : address(0),
            expiry: 0,
            consentNonce: sbt.consentNonce(owner),
            consentDeadline: block.timestamp,
            attestationNonce: u,
            attestationDeadline: block.timestamp
        });
        bytes memory consent = _sign(ownerKey, ZkSBTDigests.consent(sbt, req));
        bytes memory att = attested ? _sign(ISSUER_KEY, ZkSBTDigests.attestation(sbt, req)) : bytes("");
        tokenId = sbt.mint(req, consent, att);
        IZkSBT.Record memory r = sbt.record(tokenId);
        leafOf[tokenId] = sbt.leafAt(r.treeId, r.leafIndex);
    }

    /// The current time (a test reads it; no validator can shift a test's clock).
    function _now() internal view returns (uint256) {
        return block.timestamp;
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function _skip(bytes32 action) internal {
        ++skipped[action];
    }

    function _unexpected(bytes memory err) internal {
        ++ghostUnexpectedReverts;
        ghostLastRevert = err;
    }
}

/// @notice Conservation of the pools contract's MASA and of each pool's budget.
/// Law (per pool): funded (net of fees) = paid + refunded + remaining + unallocated + held for the
/// stakers (their claimable rewards and rounding dust); once every pool has ended, every stake is
/// withdrawn and every pool refunded: paid + refunded = funded, exactly. Contract-wide: MASA held
/// = Σ (funded - paid - refunded) + donations. Fees: every pool fee reached the fee router,
/// which burned or distributed it (or carries it as dust).
contract DataPoolsInvariantTest is Test, InvariantTest {
    DataPoolsHandler internal handler;
    DataPools internal pools;
    uint256 internal genesisSupply;

    function setUp() public {
        vm.warp(1_750_000_000);
        handler = new DataPoolsHandler();
        pools = handler.pools();
        genesisSupply = handler.masa().totalSupply();
        bytes4[] memory selectors = new bytes4[](14);
        selectors[0] = DataPoolsHandler.createPool.selector;
        selectors[1] = DataPoolsHandler.createPool.selector;
        selectors[2] = DataPoolsHandler.stake.selector;
        selectors[3] = DataPoolsHandler.stake.selector;
        selectors[4] = DataPoolsHandler.stake.selector;
        selectors[5] = DataPoolsHandler.claim.selector;
        selectors[6] = DataPoolsHandler.unstake.selector;
        selectors[7] = DataPoolsHandler.topUp.selector;
        selectors[8] = DataPoolsHandler.extend.selector;
        selectors[9] = DataPoolsHandler.end.selector;
        selectors[10] = DataPoolsHandler.refund.selector;
        selectors[11] = DataPoolsHandler.warp.selector;
        selectors[12] = DataPoolsHandler.donate.selector;
        selectors[13] = DataPoolsHandler.setCreateFee.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Per pool: the stored totals are the ghosts', and funded = paid + refunded + what is still
    /// held (remaining + unallocated + the stakers' share).
    function invariant_PoolBudgetIsConserved() public view {
        for (uint256 i; i < handler.poolCount(); ++i) {
            uint256 poolId = handler.poolIds(i);
            IDataPools.Pool memory p = pools.pool(poolId);
            assertEq(p.funded, handler.ghostFunded(poolId), "funded");
            assertEq(p.paid, handler.ghostPaid(poolId), "paid");
            assertEq(p.refunded, handler.ghostRefunded(poolId), "refunded");
            assertGe(p.funded, uint256(p.paid) + p.refunded + p.remaining + p.unallocated, "held >= 0");
        }
    }

    /// The contract holds exactly every pool's unpaid budget plus the donations, and that covers
    /// everything claimable, refundable and not yet streamed, with at most rounding dust (below a
    /// wei per stake) to spare in each pool.
    function invariant_MasaBalanceCoversEveryPool() public view {
        uint256 owedEverywhere;
        uint256 heldEverywhere;
        for (uint256 i; i < handler.poolCount(); ++i) {
            uint256 poolId = handler.poolIds(i);
            IDataPools.Pool memory p = pools.pool(poolId);
            uint256 held = uint256(p.funded) - p.paid - p.refunded;
            uint256 owed = pools.refundable(poolId) + _unstreamed(p);
            for (uint256 u; u < 6; ++u) {
                owed += pools.earned(poolId, handler.stakeGhost(poolId, u).nullifier);
            }
            assertLe(owed, held, "owed within held");
            assertLe(held - owed, uint256(p.totalStakes) + 1, "only dust beyond what is owed");
            owedEverywhere += owed;
            heldEverywhere += held;
        }
        uint256 balance = handler.masa().balanceOf(address(pools));
        assertEq(balance, heldEverywhere + handler.ghostDonated(), "balance = held + donations");
        assertGe(balance, owedEverywhere);
    }

    /// The contract streams exactly as the specification (the handler's model): same remaining
    /// budget; the developer gets what streamed with nobody staked plus the early-end remainder,
    /// and at most a wei of dust per withdrawn stake beyond.
    function invariant_StreamingFollowsTheModel() public view {
        for (uint256 i; i < handler.poolCount(); ++i) {
            uint256 poolId = handler.poolIds(i);
            IDataPools.Pool memory p = pools.pool(poolId);
            DataPoolsHandler.Model memory m = handler.model(poolId);
            assertEq(p.remaining, m.remaining, "remaining");
            assertEq(p.lastUpdate, m.last, "lastUpdate");
            assertEq(p.end, m.end, "end");
            assertEq(p.stakers, m.stakers, "stakers");
            uint256 developerShare = uint256(p.refunded) + p.unallocated;
            assertGe(developerShare, m.toDeveloper, "the developer's share");
            assertLe(developerShare, m.toDeveloper + 2 * m.unstakes, "plus dust only");
        }
    }

    /// Nobody receives more than the model accrued to their stake (beyond 1e-18 wei a period from
    /// the accumulator's carried division); a withdrawn stake got all of it, to the rounding.
    function invariant_NobodyReceivesMoreThanAccrued() public view {
        for (uint256 i; i < handler.poolCount(); ++i) {
            uint256 poolId = handler.poolIds(i);
            // per period the carried remainder (below the previous staker count, at most 6) can
            // give a staker up to 6e-18 wei beyond its exact share; the model floors at 1e-36
            uint256 slack = handler.model(poolId).periods * (6e18 + 1);
            for (uint256 u; u < 6; ++u) {
                DataPoolsHandler.StakeGhost memory s = handler.stakeGhost(poolId, u);
                assertLe(s.received * 1e36, s.accrued + slack, "received <= accrued");
            }
        }
        assertFalse(handler.ghostUnderpaid(), "a withdrawn stake was underpaid");
        assertFalse(handler.ghostTransferMismatch(), "a transfer moved other than the amount returned");
    }

    /// Every pool fee reached the fee router, which burned or distributed all of it (or carries
    /// it as dust); the stored fees add up to the ghost.
    function invariant_FeesRoutedAreTheCreateFees() public view {
        uint256 fees;
        for (uint256 i; i < handler.poolCount(); ++i) {
            fees += pools.pool(handler.poolIds(i)).fees;
        }
        assertEq(fees, handler.ghostFees());
        uint256 burned = genesisSupply - handler.masa().totalSupply();
        assertEq(burned + handler.distributed() + handler.feeRouter().dust(), fees);
    }

    /// Every action the handler found valid was accepted.
    function invariant_NoValidActionReverts() public view {
        assertEq(handler.ghostUnexpectedReverts(), 0, _lastRevert());
    }

    /// After each run: past every end, with every stake withdrawn and every pool refunded,
    /// paid + refunded = funded exactly, and only donations stay.
    function afterInvariant() public {
        handler.closeAll();
        assertEq(handler.ghostUnexpectedReverts(), 0, _lastRevert());
        for (uint256 i; i < handler.poolCount(); ++i) {
            IDataPools.Pool memory p = pools.pool(handler.poolIds(i));
            assertEq(p.stakers, 0);
            assertEq(uint256(p.paid) + p.refunded, p.funded, "paid + refunded = funded");
        }
        assertEq(handler.masa().balanceOf(address(pools)), handler.ghostDonated(), "only donations stay");
        assertFalse(handler.ghostUnderpaid(), "a withdrawn stake was underpaid");
    }

    /// The current time (a test reads it; no validator can shift a test's clock).
    function _now() internal view returns (uint256) {
        return block.timestamp;
    }

    /// The last unexpected revert's data, in hex (its first 4 bytes are the error's selector).
    function _lastRevert() internal view returns (string memory) {
        bytes memory data = handler.ghostLastRevert();
        bytes memory digits = "0123456789abcdef";
        bytes memory out = new bytes(2 + 2 * data.length);
        (out[0], out[1]) = ("0", "x");
        for (uint256 i; i < data.length; ++i) {
            out[2 + 2 * i] = digits[uint8(data[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(data[i]) & 15];
        }
        return string.concat("unexpected revert ", string(out));
    }

    /// The budget not yet streamed now: the stored remaining minus what streams since the last
    /// update (as {IDataPools-earned} and {IDataPools-refundable} count it).
    function _unstreamed(IDataPools.Pool memory p) internal view returns (uint256) {
        uint256 until = _now() < p.end ? _now() : p.end;
        if (until <= p.lastUpdate) return p.remaining;
        return p.remaining - uint256(p.remaining) * (until - p.lastUpdate) / (p.end - p.lastUpdate);
    }
}
