pragma circom 2.1.0;

// Binary Poseidon Merkle inclusion with a private, bounded depth.
//
// Node hash: parent = Poseidon(2)([left, right]) (circomlib Poseidon over BN254).
// At level i the current node is the left child when pathIndices[i] = 0 and the right
// child when pathIndices[i] = 1; pathElements[i] is its sibling.
//
// The root is the node reached after `depth` levels, 0 <= depth <= MAX_DEPTH; levels at
// and above `depth` are still computed (a circuit has a fixed shape) but do not affect
// the output, so their path elements and bits are don't-cares. This is the
// construction of Semaphore v4's BinaryMerkleRoot and matches @zk-kit/lean-imt, whose
// proofs omit the levels where a node has no sibling (such a node is carried up
// unhashed). A fixed-depth zero-padded tree is the special case depth = MAX_DEPTH, and
// depth = 0 makes the root the leaf itself.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/mux1.circom";
include "select.circom";

template BinaryMerkleRoot(MAX_DEPTH) {
    signal input leaf;
    signal input depth;
    signal input pathIndices[MAX_DEPTH];
    signal input pathElements[MAX_DEPTH];
    signal output root;

    // isDepth[d] = 1 iff depth == d; exactly one is 1, which forces depth in [0, MAX_DEPTH].
    // (Without that sum check a depth > MAX_DEPTH would make the root 0.)
    signal isDepth[MAX_DEPTH + 1] <== OneHot(MAX_DEPTH + 1)(depth);

    signal nodes[MAX_DEPTH + 1];
    signal left[MAX_DEPTH];
    signal right[MAX_DEPTH];
    signal picked[MAX_DEPTH + 1];

    nodes[0] <== leaf;
    var acc = 0;
    for (var i = 0; i < MAX_DEPTH; i++) {
        // Path bits are booleans (Mux1 alone does not enforce this).
        pathIndices[i] * (pathIndices[i] - 1) === 0;

        left[i] <== Mux1()([nodes[i], pathElements[i]], pathIndices[i]);
        // With a boolean selector, {left, right} = {node, sibling}: right is linear.
        right[i] <== nodes[i] + pathElements[i] - left[i];
        nodes[i + 1] <== Poseidon(2)([left[i], right[i]]);

        picked[i] <== isDepth[i] * nodes[i];
        acc += picked[i];
    }
    picked[MAX_DEPTH] <== isDepth[MAX_DEPTH] * nodes[MAX_DEPTH];
    acc += picked[MAX_DEPTH];
    root <== acc;
}
