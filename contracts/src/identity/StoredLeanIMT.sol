// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @notice A lean incremental Merkle tree with every node in storage.
/// @param size Number of leaves (removed leaves stay, as zeros).
/// @param nodes Node `index` of level `level` (level 0: the leaves) at key `level << 128 | index`.
struct StoredLeanIMTData {
    uint256 size;
    mapping(uint256 key => uint256 node) nodes;
}

/// @title StoredLeanIMT
/// @notice A LeanIMT (zk-kit's lean incremental Merkle tree: Poseidon parents
/// `PoseidonT3(left, right)`, no zero padding, a node without a right sibling carried up
/// unhashed, depth `ceil(log2(size))`) that stores every node, so any leaf can be updated or
/// removed without a witness.
/// @dev Same roots as `@zk-kit/lean-imt.sol`'s `InternalLeanIMT` for the same insertions and
/// updates (`_insert` and `_update` follow its rules level by level; the tests check both against
/// an independent model and against zk-kit's library itself). Why not zk-kit's library: it keeps
/// only the side nodes (the last left node of each level), so every update or removal needs the
/// caller to supply the leaf's sibling nodes, checked against the current root; any insertion or
/// removal landing first changes those siblings and makes the call revert. A watcher could delay
/// a burn or revocation at will by front-running it with a cheap mint. Here the contract reads
/// the siblings from its own storage, so an update cannot be made to fail by anyone.
/// It also indexes leaves by position, not by value (zk-kit maps each value to its index and
/// refuses duplicates): two records may have equal leaves.
///
/// Storage: a node with a right sibling, and every leaf, is stored where it is; a node without a
/// right sibling *is* its left child (LeanIMT carries it up unhashed), so it is stored once, at
/// the lowest level of that chain, and read from there ({_node}). An insertion thus writes the
/// leaf and one parent per level where the new leaf's index has a 1 bit (as many as the hashes it
/// computes); the root is the stored node at (depth, 0) (the leaf itself for a one-leaf tree).
library StoredLeanIMT {
    /// @dev The BN254 scalar field: leaves are field elements.
    uint256 private constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice A leaf is zero (inserted leaves must be nonzero) or not a field element.
    error StoredLeanIMT__InvalidLeaf(uint256 leaf);
    /// @notice There is no leaf at `index` (the tree has `size` leaves).
    error StoredLeanIMT__IndexOutOfRange(uint256 index, uint256 size);

    /// @dev Appends `leaf` (nonzero, below the field modulus).
    /// @return index The new leaf's index.
    /// @return root The new root.
    function _insert(StoredLeanIMTData storage self, uint256 leaf)
        internal
        returns (uint256 index, uint256 root)
    {
        if (leaf == 0 || leaf >= SNARK_SCALAR_FIELD) revert StoredLeanIMT__InvalidLeaf(leaf);
        index = self.size;
        uint256 depth = _depthOf(index + 1);
        self.nodes[_key(0, index)] = leaf;
        uint256 node = leaf;
        for (uint256 level; level < depth; ++level) {
            uint256 position = index >> level;
            // The new leaf is the last one, so its ancestor at each level is the last node there:
            // with an odd position it has a left sibling and is hashed with it (InternalLeanIMT
            // hashes `sideNodes[level]`, the same node); with an even one it has no right sibling
            // and is carried up unhashed (nothing to store: it is the node below).
            if (position & 1 == 1) {
                node = PoseidonT3.hash([self.nodes[_key(level, position - 1)], node]);
                self.nodes[_key(level + 1, position >> 1)] = node;
            }
        }
        self.size = index + 1;
        root = node;
    }

    /// @dev Sets leaf `index` to `newLeaf` (0 removes it) and recomputes its path to the root
    /// from the stored siblings.
    /// @return oldLeaf The leaf's previous value.
    /// @return root The new root.
    function _update(StoredLeanIMTData storage self, uint256 index, uint256 newLeaf)
        internal
        returns (uint256 oldLeaf, uint256 root)
    {
        uint256 size = self.size;
        if (index >= size) revert StoredLeanIMT__IndexOutOfRange(index, size);
        if (newLeaf >= SNARK_SCALAR_FIELD) revert StoredLeanIMT__InvalidLeaf(newLeaf);
        uint256 leafKey = _key(0, index);
        oldLeaf = self.nodes[leafKey];
        self.nodes[leafKey] = newLeaf;
        uint256 depth = _depthOf(size);
        uint256 node = newLeaf;
        for (uint256 level; level < depth; ++level) {
            uint256 position = index >> level;
            if (position & 1 == 1) {
                node = PoseidonT3.hash([self.nodes[_key(level, position - 1)], node]);
            } else if (position + 1 < _levelSize(size, level)) {
                node = PoseidonT3.hash([node, _node(self, size, level, position + 1)]);
            } else {
                // no right sibling: carried up unhashed (InternalLeanIMT's `index >> level ==
                // lastIndex >> level` case); the parent is this node, stored below
                continue;
            }
            self.nodes[_key(level + 1, position >> 1)] = node;
        }
        root = node;
    }

    /// @dev The current root (0 for an empty tree).
    function _root(StoredLeanIMTData storage self) internal view returns (uint256) {
        uint256 size = self.size;
        if (size == 0) return 0;
        // (depth, 0) always has a right sibling below it once size >= 2, so it is stored
        return self.nodes[_key(_depthOf(size), 0)];
    }

    /// @dev The tree's depth: `ceil(log2(size))` (0 for zero or one leaf).
    function _depth(StoredLeanIMTData storage self) internal view returns (uint256) {
        return _depthOf(self.size);
    }

    /// @dev Leaf `index` (0 if removed or beyond the size).
    function _leaf(StoredLeanIMTData storage self, uint256 index) internal view returns (uint256) {
        return index < self.size ? self.nodes[_key(0, index)] : 0;
    }

    /// @dev Node `index` of `level` (0 if it does not exist).
    function _nodeAt(StoredLeanIMTData storage self, uint256 level, uint256 index)
        internal
        view
        returns (uint256)
    {
        uint256 size = self.size;
        if (size == 0 || level > _depthOf(size) || index >= _levelSize(size, level)) return 0;
        return _node(self, size, level, index);
    }

    /// @dev Node `index` of `level` in a tree of `size` leaves, the node existing: a node
    /// without a right child is its left child, read from the lowest level of that chain.
    function _node(StoredLeanIMTData storage self, uint256 size, uint256 level, uint256 index)
        private
        view
        returns (uint256)
    {
        while (level != 0 && 2 * index + 1 >= _levelSize(size, level - 1)) {
            --level;
            index <<= 1;
        }
        return self.nodes[_key(level, index)];
    }

    /// @dev Number of nodes at `level` of a tree of `size` >= 1 leaves: `ceil(size / 2^level)`.
    function _levelSize(uint256 size, uint256 level) private pure returns (uint256) {
        return ((size - 1) >> level) + 1;
    }

    /// @dev `ceil(log2(size))`, 0 for `size <= 1`.
    function _depthOf(uint256 size) private pure returns (uint256) {
        return size <= 1 ? 0 : Math.log2(size - 1) + 1;
    }

    function _key(uint256 level, uint256 index) private pure returns (uint256) {
        return level << 128 | index;
    }
}
