pragma circom 2.1.0;

// Test helper (not a production circuit): evaluates circomlib Poseidon with 1, 2, 4, 5
// and 8 inputs, so the tests can compute commitments, nullifiers and Merkle roots from the
// witness of this circuit when circomlibjs is not installed.

include "circomlib/circuits/poseidon.circom";

template PoseidonHelper() {
    signal input in1[1];
    signal input in2[2];
    signal input in4[4];
    signal input in5[5];
    signal input in8[8];
    signal output h1 <== Poseidon(1)(in1);
    signal output h2 <== Poseidon(2)(in2);
    signal output h4 <== Poseidon(4)(in4);
    signal output h5 <== Poseidon(5)(in5);
    signal output h8 <== Poseidon(8)(in8);
}

component main = PoseidonHelper();
