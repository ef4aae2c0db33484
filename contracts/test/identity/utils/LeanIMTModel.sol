// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @notice An independent LeanIMT model: the tree recomputed level by level from its leaves
/// (Poseidon parents, a node without a right sibling carried up unhashed).
abstract contract LeanIMTModel {
    function modelLevels(uint256[] memory leaves) internal pure returns (uint256[][] memory levels) {
        uint256 n = leaves.length;
        uint256 depth;
        while ((uint256(1) << depth) < n) ++depth;
        levels = new uint256[][](depth + 1);
        levels[0] = leaves;
        for (uint256 l; l < depth; ++l) {
            uint256[] memory below = levels[l];
            uint256[] memory up = new uint256[]((below.length + 1) / 2);
            for (uint256 i; i < up.length; ++i) {
                up[i] = 2 * i + 1 < below.length
                    ? PoseidonT3.hash([below[2 * i], below[2 * i + 1]])
                    : below[2 * i];
            }
            levels[l + 1] = up;
        }
    }

    function modelRoot(uint256[] memory leaves) internal pure returns (uint256) {
        if (leaves.length == 0) return 0;
        uint256[][] memory levels = modelLevels(leaves);
        return levels[levels.length - 1][0];
    }

    /// The siblings zk-kit's LeanIMT expects for an update: one per level where the node has a
    /// sibling, bottom up.
    function modelSiblings(uint256[] memory leaves, uint256 index)
        internal
        pure
        returns (uint256[] memory s)
    {
        uint256[][] memory levels = modelLevels(leaves);
        s = new uint256[](levels.length);
        uint256 k;
        for (uint256 l; l + 1 < levels.length; ++l) {
            uint256 sibling = index ^ 1;
            if (sibling < levels[l].length) s[k++] = levels[l][sibling];
            index >>= 1;
        }
        assembly ("memory-safe") {
            mstore(s, k)
        }
    }
}
