// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {StoredLeanIMT, StoredLeanIMTData} from "../../src/identity/StoredLeanIMT.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {Test} from "../utils/Test.sol";
import {LeanIMTModel} from "./utils/LeanIMTModel.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";
import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";

/// @notice Runs {StoredLeanIMT} and zk-kit's {InternalLeanIMT} side by side.
contract StoredLeanIMTHarness {
    using StoredLeanIMT for StoredLeanIMTData;
    using InternalLeanIMT for LeanIMTData;

    StoredLeanIMTData internal _stored;
    LeanIMTData internal _zk;

    function insert(uint256 leaf) external returns (uint256 index, uint256 newRoot) {
        (index, newRoot) = _stored._insert(leaf);
    }

    function update(uint256 index, uint256 newLeaf) external returns (uint256 oldLeaf, uint256 newRoot) {
        (oldLeaf, newRoot) = _stored._update(index, newLeaf);
    }

    function zkInsert(uint256 leaf) external returns (uint256) {
        return _zk._insert(leaf);
    }

    function zkUpdate(uint256 oldLeaf, uint256 newLeaf, uint256[] calldata siblings)
        external
        returns (uint256)
    {
        return _zk._update(oldLeaf, newLeaf, siblings);
    }

    function zkRoot() external view returns (uint256) {
        return _zk._root();
    }

    function root() external view returns (uint256) {
        return _stored._root();
    }

    function depth() external view returns (uint256) {
        return _stored._depth();
    }

    function size() external view returns (uint256) {
        return _stored.size;
    }

    function leafAt(uint256 index) external view returns (uint256) {
        return _stored._leaf(index);
    }

    function nodeAt(uint256 level, uint256 index) external view returns (uint256) {
        return _stored._nodeAt(level, index);
    }
}

/// @notice The stored LeanIMT against the independent model (every node, the root, the depth)
/// and against zk-kit's LeanIMT (the root), under random insertions and updates of any index.
contract StoredLeanIMTTest is Test, LeanIMTModel {
    uint256 internal constant P =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    StoredLeanIMTHarness internal tree;
    uint256[] internal leaves;
    uint256 internal fresh; // distinct nonzero values (zk-kit refuses duplicates)

    function setUp() public {
        tree = new StoredLeanIMTHarness();
    }

    function nextValue() internal returns (uint256) {
        return uint256(keccak256(abi.encode("value", ++fresh))) % (P - 1) + 1;
    }

    /// Every node of every level, the root, the depth and the size equal the model's; the root
    /// equals zk-kit's; nodes past the end of a level read 0.
    function checkAgainstTheModel() internal view {
        assertEq(tree.size(), leaves.length, "size");
        if (leaves.length == 0) {
            assertEq(tree.root(), 0);
            return;
        }
        uint256[][] memory levels = modelLevels(leaves);
        assertEq(tree.depth(), levels.length - 1, "depth");
        for (uint256 l; l < levels.length; ++l) {
            for (uint256 i; i < levels[l].length; ++i) {
                assertEq(tree.nodeAt(l, i), levels[l][i], "node");
            }
            assertEq(tree.nodeAt(l, levels[l].length), 0, "past the level");
        }
        assertEq(tree.nodeAt(levels.length, 0), 0, "above the root");
        uint256 root = levels[levels.length - 1][0];
        assertEq(tree.root(), root, "root");
        if (withZkKit) assertEq(tree.zkRoot(), root, "zk-kit root");
    }

    function insert() internal {
        uint256 value = nextValue();
        leaves.push(value);
        (uint256 index, uint256 root) = tree.insert(value);
        if (withZkKit) assertEq(tree.zkInsert(value), root, "zk-kit insert root");
        assertEq(index, leaves.length - 1);
    }

    /// Whether zk-kit's tree is compared (it cannot update a zero leaf: once a removed leaf is
    /// set again, only the model is).
    bool internal withZkKit = true;

    /// Sets leaf `index` to a fresh value or to 0 (a removal), with no siblings; zk-kit gets the
    /// siblings from the model.
    function update(uint256 index, bool remove) internal {
        uint256 old = leaves[index];
        uint256 value = remove ? 0 : nextValue();
        if (old == 0 && value != 0) withZkKit = false;
        uint256[] memory siblings = modelSiblings(leaves, index);
        leaves[index] = value;
        (uint256 returnedOld, uint256 root) = tree.update(index, value);
        assertEq(returnedOld, old, "old leaf");
        assertEq(root, modelRoot(leaves), "returned root");
        if (withZkKit && old != 0) assertEq(tree.zkUpdate(old, value, siblings), root, "zk-kit update root");
    }

    function test_EmptyTree() public view {
        assertEq(tree.root(), 0);
        assertEq(tree.depth(), 0);
        assertEq(tree.nodeAt(0, 0), 0);
        assertEq(tree.leafAt(0), 0);
    }

    function test_FirstNineLeaves_EveryNodeMatches() public {
        for (uint256 i; i < 9; ++i) {
            insert();
            checkAgainstTheModel();
        }
    }

    /// Random insertions and updates (new values and removals) at any index, in any order.
    /// Without `reviveRemoved` a removed leaf is only ever "removed" again (zk-kit is compared
    /// all along); with it, a removed leaf may get a new value (the model alone from then on).
    function testFuzz_RandomInsertsAndUpdates_MatchTheModelAndZkKit(
        uint256 seed,
        uint8 steps,
        bool reviveRemoved
    ) public {
        steps = uint8(bound(steps, 1, 24));
        insert();
        for (uint256 s; s < steps; ++s) {
            uint256 r = uint256(keccak256(abi.encode(seed, s)));
            if (r % 3 == 0) {
                insert();
            } else {
                uint256 index = (r >> 8) % leaves.length;
                update(index, (r >> 128) % 2 == 0 || (leaves[index] == 0 && !reviveRemoved));
            }
            checkAgainstTheModel();
        }
    }

    /// Updating the last leaf, carried up unhashed through several levels (size 2^k + 1).
    function test_UpdateOfACarriedLeaf() public {
        for (uint256 i; i < 9; ++i) {
            insert();
        }
        update(8, false);
        checkAgainstTheModel();
        update(8, true);
        checkAgainstTheModel();
        insert(); // a new right sibling of the zeroed leaf
        checkAgainstTheModel();
    }

    function test_RevertWhen_LeafZeroOutsideTheFieldOrIndexOutOfRange() public {
        vm.expectRevert(abi.encodeWithSelector(StoredLeanIMT.StoredLeanIMT__InvalidLeaf.selector, 0));
        tree.insert(0);
        vm.expectRevert(abi.encodeWithSelector(StoredLeanIMT.StoredLeanIMT__InvalidLeaf.selector, P));
        tree.insert(P);
        vm.expectRevert(abi.encodeWithSelector(StoredLeanIMT.StoredLeanIMT__IndexOutOfRange.selector, 0, 0));
        tree.update(0, 1);
        insert();
        vm.expectRevert(abi.encodeWithSelector(StoredLeanIMT.StoredLeanIMT__InvalidLeaf.selector, P));
        tree.update(0, P);
        vm.expectRevert(abi.encodeWithSelector(StoredLeanIMT.StoredLeanIMT__IndexOutOfRange.selector, 1, 1));
        tree.update(1, 1);
    }
}

/// @notice The registry's successive trees against the model (what an off-chain client rebuilds
/// from `LeafInserted` / `LeafRemoved`), and erasure at the storage level.
contract ZkSBTTreeTest is ZkSBTFixture, LeanIMTModel {
    /// @dev Storage slots of `ZkSBT` (`forge inspect ZkSBT storageLayout`); the tests check the
    /// layout first (a moved slot fails loudly instead of passing vacuously).
    uint256 internal constant TREES_SLOT = 10;
    uint256 internal constant RECORDS_SLOT = 15;

    uint8 internal constant SMALL_DEPTH = 2; // 4 leaves per tree

    /// the model: every tree's leaves (0 once removed), and the token of each
    mapping(uint256 treeId => uint256[]) internal model;
    mapping(uint256 treeId => uint256[]) internal tokenAt;
    uint256 internal modelTrees;

    // ------------------------------------------------------------------ the model

    function capacity() internal view returns (uint256) {
        return uint256(1) << sbt.treeDepth();
    }

    /// A self-attested or attested record expiring at `expiry` (0: never), minted by alice or
    /// bob; the model places it (a new tree when the current one is full) and the registry must
    /// emit exactly the leaf and root the model computes.
    function insert(uint256 commitment, bool attested, uint64 expiry, bool byBob)
        internal
        returns (uint256 id)
    {
        if (modelTrees == 0 || model[modelTrees - 1].length == capacity()) ++modelTrees;
        uint256 treeId = modelTrees - 1;
        address owner = byBob ? bob : alice;
        uint256 expectedLeaf_ = leaf(
            commitment, attested ? ATTESTED : SELF, attested ? issuer : address(0), expiry, identity(owner)
        );
        model[treeId].push(expectedLeaf_);
        uint256 expectedRoot = modelRoot(model[treeId]);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(treeId, model[treeId].length - 1, expectedLeaf_, expectedRoot);
        uint256 key = byBob ? bobKey : aliceKey;
        id = attested
            ? mintAttestedExpiring(key, commitment, expiry)
            : mintSelfExpiring(key, commitment, expiry);
        tokenAt[treeId].push(id);
        IZkSBT.Record memory rec = sbt.record(id);
        assertEq(rec.treeId, treeId, "record: tree");
        assertEq(rec.leafIndex, model[treeId].length - 1, "record: leaf index");
        assertEq(sbt.currentTree(), treeId);
    }

    /// Removes leaf `index` of tree `treeId` by burning (self-attested) or revoking (attested)
    /// it, or, with `viaExpire` and an expiring record, by expiring it (warping to its expiry if
    /// needed). No siblings: the registry must emit the model's leaf and root.
    function remove(uint256 treeId, uint256 index, bool viaExpire) internal {
        uint256 id = tokenAt[treeId][index];
        uint64 expiry = sbt.record(id).expiry;
        viaExpire = viaExpire && expiry != 0;
        // forge-lint: disable-next-line(block-timestamp)
        if (viaExpire && block.timestamp < expiry) vm.warp(expiry);
        uint256 removed = model[treeId][index];
        model[treeId][index] = 0;
        uint256 expectedRoot = modelRoot(model[treeId]);
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(treeId, index, removed, expectedRoot);
        if (viaExpire) {
            sbt.expire(id);
            assertFalse(sbt.record(id).inTree);
        } else if (sbt.record(id).issuer == address(0)) {
            vm.prank(sbt.ownerOf(id));
            sbt.burn(id);
        } else {
            vm.prank(issuer);
            sbt.revoke(id);
            assertFalse(sbt.record(id).inTree);
        }
        assertEq(sbt.treeRoot(treeId), expectedRoot, "root after removal");
    }

    /// Every tree's root, size, depth and leaves equal the model's, and its current root is known.
    function checkAllTrees() internal view {
        for (uint256 t; t < modelTrees; ++t) {
            uint256 root = modelRoot(model[t]);
            assertEq(sbt.treeRoot(t), root, "tree root");
            assertEq(sbt.treeSize(t), model[t].length, "tree size");
            uint256 depth;
            while ((uint256(1) << depth) < model[t].length) ++depth;
            assertEq(sbt.treeDepthOf(t), depth, "tree depth");
            for (uint256 i; i < model[t].length; ++i) {
                assertEq(sbt.leafAt(t, i), model[t][i], "leaf");
            }
            assertEq(sbt.isKnownRoot(root), root != 0, "every tree's current root is valid");
        }
        assertEq(sbt.root(), modelRoot(model[modelTrees - 1]), "root() is the current tree's");
    }

    // ------------------------------------------------------------------ trees

    function test_RootAndDepth_MatchTheModel_ForOneToNineLeaves() public {
        assertEq(sbt.root(), 0, "empty tree");
        for (uint256 i; i < 9; ++i) {
            insert(uint256(keccak256(abi.encode("leaf", i))) % P, i % 2 == 1, 0, i % 3 == 0);
            checkAllTrees();
        }
    }

    /// Random mints (self-attested and attested, by two owners, half of them expiring) and
    /// removals (burn, revoke, expire) of any leaf of any tree, on 4-leaf trees so that several
    /// fill up: every emitted leaf and root is the model's, and so is every tree afterwards.
    function testFuzz_MintsAndRemovals_AcrossTrees_MatchTheModel(uint256 seed, uint8 steps) public {
        sbt = deploy(SMALL_DEPTH);
        steps = uint8(bound(steps, 1, 24));
        uint256 minted;
        for (uint256 s; s < steps; ++s) {
            uint256 r = uint256(keccak256(abi.encode(seed, s)));
            if (minted == 0 || r % 5 < 3) {
                uint256 kind = (r >> 8) % 4; // self forever, attested forever, self expiring, attested expiring
                // forge-lint: disable-next-line(unsafe-typecast)
                uint64 expiry = kind < 2 ? 0 : uint64(block.timestamp + 1 days + s); // s < 24
                insert(1000 + s, kind % 2 == 1, expiry, (r >> 16) % 2 == 0);
                ++minted;
            } else {
                uint256 treeId = (r >> 24) % modelTrees;
                uint256 index = (r >> 64) % model[treeId].length;
                if (model[treeId][index] == 0) continue;
                remove(treeId, index, (r >> 128) % 2 == 1);
            }
            checkAllTrees();
        }
    }

    /// Each way out of the tree (burn, revoke, expire) takes the record's own leaf, for records
    /// with and without expiry, and the root follows the model.
    function test_EveryRemovalPath_RemovesTheModelLeaf() public {
        uint64 t = uint64(block.timestamp);
        insert(11, false, 0, false);
        insert(12, false, t + 1 days, true);
        insert(21, true, 0, false);
        insert(22, true, t + 2 days, true);
        insert(13, false, t + 3 days, false);
        insert(14, false, 0, true);
        remove(0, 1, false); // burn, expiring
        remove(0, 3, false); // revoke, expiring
        remove(0, 4, true); // expire (warps 3 days)
        remove(0, 0, false); // burn, never expiring
        remove(0, 2, false); // revoke, never expiring
        assertEq(sbt.record(tokenAt[0][4]).commitment, 13, "expiry keeps the record");
        insert(15, true, t + 4 days, false);
        remove(0, 5, false); // burn, never expiring: only leaf 6 is left
        remove(0, 6, true); // expire an attested record (warps a day)
        assertEq(sbt.treeSize(0), 7);
        for (uint256 i; i < 7; ++i) {
            assertEq(model[0][i], 0, "every leaf removed");
            assertEq(sbt.leafAt(0, i), 0);
        }
        checkAllTrees();
    }

    /// The production depth: tree 0 holds 2^20 leaves. Its size is set in storage (a million
    /// mints is beyond a unit test): the last leaf goes into tree 0, the next mint starts tree 1,
    /// and tree 0's root stays current.
    function test_ProductionDepth_LastLeafThenNextTree() public {
        insert(11, false, 0, false);
        bytes32 sizeSlot = keccak256(abi.encode(uint256(0), TREES_SLOT));
        assertEq(uint256(vm.load(address(sbt), sizeSlot)), 1, "storage layout: _trees[0].size");
        // pretend 2^20 - 2 more leaves were inserted (their nodes read as zero): only the last
        // leaf's own insertion and the switch to the next tree are checked here
        vm.store(address(sbt), sizeSlot, bytes32(uint256(1 << 20) - 1));
        uint256 last = mintSelf(bobKey, 12);
        assertEq(sbt.record(last).treeId, 0);
        assertEq(sbt.record(last).leafIndex, (1 << 20) - 1);
        assertEq(sbt.treeSize(0), 1 << 20);
        assertEq(sbt.treeDepthOf(0), 20);
        uint256 fullRoot = sbt.treeRoot(0);
        uint256 next = mintSelf(aliceKey, 13);
        assertEq(sbt.record(next).treeId, 1);
        assertEq(sbt.record(next).leafIndex, 0);
        assertEq(sbt.currentTree(), 1);
        assertEq(sbt.root(), expectedLeaf[next]);
        assertEq(sbt.treeRoot(0), fullRoot, "the full tree is untouched");
        assertTrue(sbt.isKnownRoot(fullRoot), "and its root stays current");
        assertEq(sbt.rootDeadline(fullRoot), type(uint64).max);
    }

    // ------------------------------------------------------------------ erasure in storage

    function recordSlot(uint256 tokenId, uint256 offset) internal pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode(tokenId, RECORDS_SLOT))) + offset);
    }

    function leafSlot(uint256 treeId, uint256 index) internal pure returns (bytes32) {
        uint256 nodes = uint256(keccak256(abi.encode(treeId, TREES_SLOT))) + 1;
        return keccak256(abi.encode(index, nodes)); // level 0: key == index
    }

    function load(uint256 slot) internal view returns (uint256) {
        return uint256(vm.load(address(sbt), bytes32(slot)));
    }

    function mintWithLongCiphertext(uint256 commitment, address issuer_) internal returns (uint256 id) {
        IZkSBT.MintRequest memory req =
            request(alice, issuer_ == address(0) ? SELF : ATTESTED, commitment, issuer_);
        req.ciphertext = new bytes(100);
        for (uint256 i; i < 100; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast)
            req.ciphertext[i] = bytes1(uint8(i + 1)); // i + 1 <= 100
        }
        id = mintRequest(aliceKey, req);
    }

    /// The record's 5 slots, the ciphertext's 4 data slots and its leaf in the tree.
    function recordStorage(uint256 id) internal view returns (uint256[10] memory words) {
        for (uint256 i; i < 5; ++i) {
            words[i] = uint256(vm.load(address(sbt), recordSlot(id, i)));
        }
        uint256 data = uint256(keccak256(abi.encode(recordSlot(id, 4))));
        for (uint256 i; i < 4; ++i) {
            words[5 + i] = load(data + i);
        }
        words[9] = uint256(vm.load(address(sbt), leafSlot(0, 0)));
    }

    function test_Burn_ZeroesEveryStorageWordOfTheRecordAndItsLeaf() public {
        uint256 id = mintWithLongCiphertext(77, address(0));
        uint256[10] memory before = recordStorage(id);
        assertEq(before[0], SELF, "layout: schemaId");
        assertEq(before[1], 77, "layout: commitment");
        assertEq(before[4], 100 * 2 + 1, "layout: long bytes length word");
        assertEq(before[5] >> 248, 1, "layout: first ciphertext byte");
        assertEq(before[9], expectedLeaf[id], "layout: the leaf");
        vm.prank(alice);
        sbt.burn(id);
        uint256[10] memory afterBurn = recordStorage(id);
        for (uint256 i; i < 10; ++i) {
            assertEq(afterBurn[i], 0, "erased");
        }
    }

    function test_Revoke_ZeroesCommitmentCiphertextAndLeafInStorage() public {
        uint256 id = mintWithLongCiphertext(77, issuer);
        assertEq(recordStorage(id)[9], expectedLeaf[id], "layout: the leaf");
        vm.prank(issuer);
        sbt.revoke(id);
        uint256[10] memory words = recordStorage(id);
        assertEq(words[0], ATTESTED, "the schema stays");
        assertEq(words[1], 0, "commitment erased");
        for (uint256 i = 4; i < 10; ++i) {
            assertEq(words[i], 0, "ciphertext and leaf erased");
        }
    }
}
