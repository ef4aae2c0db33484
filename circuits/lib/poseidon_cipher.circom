pragma circom 2.1.0;

// Poseidon duplex-sponge encryption (the construction of Khovratovich, "Encryption with
// Poseidon", 2021, as in zk-kit's poseidon-cipher), checked in the decrypt direction.
//
// pi = the Poseidon permutation of width 4 over BN254 (circomlib PoseidonEx(3, 4): the
// permutation behind Poseidon(3); state[0] is the capacity, state[1..3] the rate).
// Key K = (k0, k1), nonce N < 2^128, message m[0..L), n = ceil(L / 3) blocks, m padded with
// zeros to 3n elements:
//   S = (0, k0, k1, N + L * 2^128)
//   for i in [0, n): S = pi(S); c[3i+j] = S[1+j] + m[3i+j]; S[1+j] = c[3i+j]   (j = 0, 1, 2)
//   S = pi(S); c[3n] = S[1]                                                    (the tag)
// ciphertext = c[0 .. 3n], 3n + 1 elements.
//
// PoseidonDecrypt(L) runs the same duplex over the public ciphertext: the permutation
// inputs after block i are (S[0], c[3i], c[3i+1], c[3i+2]) in both directions, so
// m[k] = c[k] - S[1 + k mod 3] is the unique plaintext, and it constrains the padding
// m[L..3n) to zero and the tag c[3n] to S[1]. Hence: these constraints hold iff
// ciphertext == Encrypt(K, N, plaintext) with plaintext = the output.

include "circomlib/circuits/poseidon.circom";
include "range.circom";

template PoseidonDecrypt(L) {
    assert(L >= 1);
    var BLOCKS = (L + 2) \ 3;
    var C = 3 * BLOCKS + 1;
    var TWO128 = 340282366920938463463374607431768211456;

    signal input key[2];
    signal input nonce;
    signal input ciphertext[C];
    signal output plaintext[L];

    // The nonce and the length share one field element: N + L * 2^128 is injective only for
    // N < 2^128.
    RangeCheck(128)(nonce);

    component perm[BLOCKS + 1];
    signal padded[3 * BLOCKS];
    for (var i = 0; i <= BLOCKS; i++) {
        perm[i] = PoseidonEx(3, 4);
        if (i == 0) {
            perm[i].initialState <== 0;
            perm[i].inputs[0] <== key[0];
            perm[i].inputs[1] <== key[1];
            perm[i].inputs[2] <== nonce + L * TWO128;
        } else {
            perm[i].initialState <== perm[i - 1].out[0];
            for (var j = 0; j < 3; j++) {
                perm[i].inputs[j] <== ciphertext[3 * (i - 1) + j];
            }
        }
        if (i < BLOCKS) {
            for (var j = 0; j < 3; j++) {
                padded[3 * i + j] <== ciphertext[3 * i + j] - perm[i].out[1 + j];
            }
        }
    }
    // The tag: the first rate element after the last permutation.
    ciphertext[C - 1] === perm[BLOCKS].out[1];

    for (var k = 0; k < 3 * BLOCKS; k++) {
        if (k < L) {
            plaintext[k] <== padded[k];
        } else {
            padded[k] === 0;
        }
    }
}
