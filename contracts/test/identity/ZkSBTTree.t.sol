// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ZkSBT} from "../../src/identity/ZkSBT.sol";
import {IDisclosureVerifier} from "../../src/interfaces/IDisclosureVerifier.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {ZkSBTFixture} from "./utils/ZkSBTFixture.sol";

/// @notice The anonymity tree against an independent LeanIMT model (what an off-chain client
/// rebuilds from `LeafInserted` / `LeafRemoved`), the root window, and erasure at the storage level.
contract ZkSBTTreeTest is ZkSBTFixture {
    /// @dev Storage slots of `ZkSBT` (`forge inspect ZkSBT storageLayout`); the tests check the
    /// layout first (a moved slot fails loudly instead of passing vacuously).
    uint256 internal constant RECORDS_SLOT = 15;
    uint256 internal constant TOKEN_OF_COMMITMENT_SLOT = 16;
    /// @dev `_tree.size` (LeanIMTData's first word).
    uint256 internal constant TREE_SIZE_SLOT = 8;

    /// the model: every leaf `PoseidonT3(commitment, expiry)` inserted, 0 once removed
    uint256[] internal leaves;
    uint256[] internal tokenAt; // the token of each leaf

    // ------------------------------------------------------------------ the model

    function modelRoot() internal view returns (uint256) {
        uint256 n = leaves.length;
        if (n == 0) return 0;
        uint256[] memory level = leaves;
        while (n > 1) {
            level = parentLevel(level, n);
            n = (n + 1) / 2;
        }
        return level[0];
    }

    /// The siblings LeanIMT expects: one per level where the node has a sibling, bottom up.
    function modelSiblings(uint256 index) internal view returns (uint256[] memory siblings) {
        uint256 n = leaves.length;
        uint256[] memory level = leaves;
        siblings = new uint256[](32);
        uint256 k;
        while (n > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < n) siblings[k++] = level[sibling];
            level = parentLevel(level, n);
            n = (n + 1) / 2;
            index >>= 1;
        }
        assembly ("memory-safe") {
            mstore(siblings, k)
        }
    }

    /// A node without a right sibling is carried up unhashed (LeanIMT).
    function parentLevel(uint256[] memory level, uint256 n) internal pure returns (uint256[] memory up) {
        up = new uint256[]((n + 1) / 2);
        for (uint256 i; i < up.length; ++i) {
            up[i] = 2 * i + 1 < n ? h(level[2 * i], level[2 * i + 1]) : level[2 * i];
        }
    }

    function modelDepth() internal view returns (uint256 depth) {
        while ((uint256(1) << depth) < leaves.length) ++depth;
    }

    function insert(uint256 commitment, bool attested) internal {
        insert(commitment, attested, 0);
    }

    /// A self-attested or attested record expiring at `expiry` (0: never); the model gets the leaf
    /// it computes itself, and the contract must emit exactly that leaf and the model's root.
    function insert(uint256 commitment, bool attested, uint64 expiry) internal {
        uint256 expectedLeaf = leaf(commitment, expiry);
        leaves.push(expectedLeaf);
        uint256 expectedRoot = modelRoot();
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafInserted(leaves.length - 1, expectedLeaf, expectedRoot);
        uint256 id = attested
            ? mintAttestedExpiring(bobKey, commitment, expiry)
            : mintSelfExpiring(aliceKey, commitment, expiry);
        tokenAt.push(id);
    }

    /// Removes leaf `index` by burning (self-attested) or revoking (attested) it, or, with
    /// `viaExpire` and an expiring record, by expiring it (warping to its expiry if needed).
    /// Expects the contract to emit the model's leaf and root.
    function remove(uint256 index, bool viaExpire) internal {
        uint256 id = tokenAt[index];
        uint64 expiry = sbt.record(id).expiry;
        viaExpire = viaExpire && expiry != 0;
        // forge-lint: disable-next-line(block-timestamp)
        if (viaExpire && block.timestamp < expiry) vm.warp(expiry);
        uint256[] memory siblings = modelSiblings(index);
        uint256 removed = leaves[index];
        leaves[index] = 0;
        uint256 expectedRoot = modelRoot();
        vm.expectEmit(address(sbt));
        emit IZkSBT.LeafRemoved(index, removed, expectedRoot);
        if (viaExpire) {
            sbt.expire(id, siblings);
            assertFalse(sbt.record(id).inTree);
        } else if (sbt.record(id).issuer == address(0)) {
            vm.prank(sbt.ownerOf(id));
            sbt.burn(id, siblings);
        } else {
            vm.prank(issuer);
            sbt.revoke(id, siblings);
            assertFalse(sbt.record(id).inTree);
        }
        assertEq(sbt.root(), expectedRoot, "root after removal");
    }

    function remove(uint256 index) internal {
        remove(index, false);
    }

    // ------------------------------------------------------------------ tree

    function test_rootAndDepth_matchTheModel_forOneToNineLeaves() public {
        assertEq(sbt.root(), 0, "empty tree");
        for (uint256 i; i < 9; ++i) {
            uint256 expectedRoot;
            uint256 commitment = uint256(keccak256(abi.encode("leaf", i))) % P;
            uint256 expectedLeaf = leaf(commitment, 0);
            leaves.push(expectedLeaf);
            expectedRoot = modelRoot();
            vm.expectEmit(address(sbt));
            emit IZkSBT.LeafInserted(i, expectedLeaf, expectedRoot);
            tokenAt.push(mintSelf(aliceKey, commitment));
            assertEq(sbt.root(), expectedRoot, "root");
            assertEq(sbt.treeDepth(), modelDepth(), "depth");
            assertEq(sbt.treeSize(), i + 1, "size");
            assertEq(sbt.record(tokenAt[i]).leafIndex, i, "leaf index");
        }
    }

    /// Random mints (self-attested and attested, half of them expiring) and removals (burn,
    /// revoke, expire): every emitted leaf is the model's `PoseidonT3(commitment, expiry)`, the
    /// contract's root always equals the model's, and after every removal each root recorded
    /// before it is rejected while later ones are accepted.
    function testFuzz_mintsAndRemovals_matchTheModel(uint256 count, uint256 seed) public {
        count = bound(count, 1, 10);
        uint256[] memory history = new uint256[](4 * count + 2);
        uint256 recorded;
        uint256 lastRemoval; // index in `history` of the root right after the last removal
        for (uint256 i; i < count; ++i) {
            // i % 4: self never expiring, attested never expiring, self expiring, attested expiring
            // forge-lint: disable-next-line(unsafe-typecast)
            uint64 expiry = i % 4 < 2 ? 0 : uint64(block.timestamp + 1 days + i); // i < 10
            insert(1000 + i, i % 2 == 1, expiry);
            assertEq(sbt.root(), modelRoot());
            history[recorded++] = sbt.root();
        }
        uint256 removals = seed % (count + 1);
        for (uint256 j; j < removals; ++j) {
            uint256 r = uint256(keccak256(abi.encode(seed, j)));
            uint256 index = r % count;
            if (leaves[index] == 0) continue;
            bool viaExpire = (r >> 128) % 2 == 1 && sbt.record(tokenAt[index]).expiry != 0;
            remove(index, viaExpire);
            lastRemoval = recorded;
            history[recorded++] = sbt.root();
            // expiring only takes the leaf out; burn and revoke also free the commitment
            assertEq(sbt.tokenOfCommitment(1000 + index), viaExpire ? tokenAt[index] : 0);
        }
        insert(5000, false); // inserting after removals still matches
        assertEq(sbt.root(), modelRoot(), "root after a later insertion");
        history[recorded++] = sbt.root();
        for (uint256 r; r < recorded; ++r) {
            bool expected = (removals == 0 || r >= lastRemoval) && r + WINDOW >= recorded;
            // a root may repeat (e.g. 0 when the only leaf goes); judge it by its latest occurrence
            bool repeated;
            for (uint256 later = r + 1; later < recorded; ++later) {
                if (history[later] == history[r]) repeated = true;
            }
            if (!repeated) assertEq(sbt.isKnownRoot(history[r]), expected && history[r] != 0, "root window");
        }
        assertEq(sbt.treeSize(), count + 1);
    }

    /// Each way out of the tree (burn, revoke, expire) takes the record's own leaf, for records
    /// with and without expiry, and the root follows the model.
    function test_everyRemovalPath_removesTheModelLeaf() public {
        uint64 t = uint64(block.timestamp);
        insert(11, false, 0);
        insert(12, false, t + 1 days);
        insert(21, true, 0);
        insert(22, true, t + 2 days);
        insert(13, false, t + 3 days);
        insert(14, false, 0);
        remove(1); // burn, expiring
        remove(3); // revoke, expiring
        remove(4, true); // expire (warps 3 days)
        remove(0); // burn, never expiring
        remove(2); // revoke, never expiring
        assertEq(sbt.tokenOfCommitment(13), tokenAt[4], "expiry keeps the record");
        insert(15, true, t + 4 days);
        remove(5); // burn, never expiring: only leaf 6 is left
        remove(6, true); // expire an attested record (warps a day)
        assertEq(sbt.treeSize(), 7);
        for (uint256 i; i < 7; ++i) {
            assertEq(leaves[i], 0, "every leaf removed");
        }
    }

    function test_preRemovalRoots_stayRejected_evenWithinTheWindow() public {
        insert(11, false);
        insert(12, false);
        uint256 beforeRemoval = sbt.root();
        remove(0);
        uint256 afterRemoval = sbt.root();
        insert(13, false);
        assertEq(sbt.rootCount(), 4);
        assertEq(sbt.validRootsFrom(), 3);
        assertFalse(sbt.isKnownRoot(beforeRemoval), "2 roots back, inside the window of 3, but pre-removal");
        assertTrue(sbt.isKnownRoot(afterRemoval));
        assertTrue(sbt.isKnownRoot(sbt.root()));
        expectConsumeRevert(
            dapp, disclosure(1, beforeRemoval, SELF, dapp), IZkSBT.ZkSBT__UnknownRoot.selector
        );
        consumeAs(dapp, disclosure(1, afterRemoval, SELF, dapp));
    }

    function test_removal_wrongSiblings_reverts_andChangesNothing() public {
        insert(11, false);
        insert(12, false);
        insert(13, false);
        uint256 rootBefore = sbt.root();
        uint256[] memory wrong = modelSiblings(0);
        wrong[1] = 14;
        vm.prank(alice);
        vm.expectRevert(); // LeanIMT's WrongSiblingNodes
        sbt.burn(tokenAt[0], wrong);
        assertEq(sbt.root(), rootBefore);
        assertTrue(sbt.isKnownRoot(rootBefore));
    }

    /// The 2^20-leaf cap (the circuit's depth): the size is set in storage, since minting a
    /// million records is beyond a unit test. The last leaf is accepted, the next mint refused.
    function test_mint_treeFull_reverts() public {
        insert(11, false);
        assertEq(load(TREE_SIZE_SLOT), 1, "storage layout: _tree.size");
        vm.store(address(sbt), bytes32(TREE_SIZE_SLOT), bytes32(sbt.MAX_LEAVES() - 1));
        uint256 last = mintSelf(aliceKey, 12);
        assertEq(sbt.record(last).leafIndex, sbt.MAX_LEAVES() - 1);
        assertEq(sbt.treeSize(), sbt.MAX_LEAVES());
        IZkSBT.MintRequest memory req = request(alice, SELF, 13, address(0));
        bytes memory consent = sign(aliceKey, consentDigest(req));
        vm.expectRevert(IZkSBT.ZkSBT__TreeFull.selector);
        sbt.mint(req, consent, "");
    }

    // ------------------------------------------------------------------ root window

    function testFuzz_rootWindow(uint256 window, uint256 n) public {
        window = bound(window, 0, 8);
        n = bound(n, 1, 12);
        sbt = new ZkSBT(IDisclosureVerifier(address(verifier)), registry, window);
        uint256 effective = window == 0 ? 1 : window;
        assertEq(sbt.rootWindow(), effective);
        uint256[] memory roots = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            mintSelf(aliceKey, 100 + i);
            roots[i] = sbt.root();
        }
        for (uint256 i; i < n; ++i) {
            assertEq(sbt.isKnownRoot(roots[i]), n - 1 - i < effective, "the last `window` roots only");
        }
    }

    // ------------------------------------------------------------------ erasure in storage

    function recordSlot(uint256 tokenId, uint256 offset) internal pure returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode(tokenId, RECORDS_SLOT))) + offset);
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
        bytes memory att = issuer_ == address(0) ? bytes("") : sign(issuerKey, attestationDigest(req));
        id = sbt.mint(req, sign(aliceKey, consentDigest(req)), att);
    }

    /// The record's 5 slots, the ciphertext's 4 data slots and the commitment index.
    function recordStorage(uint256 id, uint256 commitment) internal view returns (uint256[10] memory words) {
        for (uint256 i; i < 5; ++i) {
            words[i] = uint256(vm.load(address(sbt), recordSlot(id, i)));
        }
        uint256 data = uint256(keccak256(abi.encode(recordSlot(id, 4))));
        for (uint256 i; i < 4; ++i) {
            words[5 + i] = load(data + i);
        }
        words[9] = load(uint256(keccak256(abi.encode(commitment, TOKEN_OF_COMMITMENT_SLOT))));
    }

    function test_burn_zeroesEveryStorageWordOfTheRecord() public {
        uint256 id = mintWithLongCiphertext(77, address(0));
        uint256[10] memory before = recordStorage(id, 77);
        assertEq(before[0], SELF, "layout: schemaId");
        assertEq(before[1], 77, "layout: commitment");
        assertEq(before[4], 100 * 2 + 1, "layout: long bytes length word");
        assertEq(before[5] >> 248, 1, "layout: first ciphertext byte");
        assertEq(before[9], id, "layout: commitment index");
        vm.prank(alice);
        sbt.burn(id, new uint256[](0));
        uint256[10] memory afterBurn = recordStorage(id, 77);
        for (uint256 i; i < 10; ++i) {
            assertEq(afterBurn[i], 0, "erased");
        }
    }

    function test_revoke_zeroesCommitmentAndCiphertextInStorage() public {
        uint256 id = mintWithLongCiphertext(77, issuer);
        vm.prank(issuer);
        sbt.revoke(id, new uint256[](0));
        uint256[10] memory words = recordStorage(id, 77);
        assertEq(words[0], ATTESTED, "the schema stays");
        assertEq(words[1], 0, "commitment erased");
        for (uint256 i = 4; i < 10; ++i) {
            assertEq(words[i], 0, "ciphertext and commitment index erased");
        }
    }
}
