pragma circom 2.1.0;

// Test helper (not a production circuit): the width-4 Poseidon permutation (circomlib
// PoseidonEx(3, 4): state[0] the capacity, state[1..3] the rate), so the delivery tests can
// run their own JS implementation of the Poseidon duplex encryption (circomlibjs is not
// installed).

include "circomlib/circuits/poseidon.circom";

template PoseidonPermHelper() {
    signal input state[4];
    signal output out[4] <== PoseidonEx(3, 4)([state[1], state[2], state[3]], state[0]);
}

component main = PoseidonPermHelper();
