pragma circom 2.1.0;

// Constrained one-hot selectors over a public or private index.

include "circomlib/circuits/comparators.circom";

// sel[i] = 1 iff index == i, for i in [0, n). The sum of the indicators is constrained
// to be exactly 1, so an index outside [0, n) (including any wrapped field element)
// has no satisfying assignment: this is the bound check `index < n`.
template OneHot(n) {
    signal input index;
    signal output sel[n];

    var sum = 0;
    for (var i = 0; i < n; i++) {
        // IsEqual constrains sel[i] to {0, 1} and to (index == i).
        sel[i] <== IsEqual()([index, i]);
        sum += sel[i];
    }
    sum === 1;
}

// out = in[index], with index constrained to [0, n) by OneHot.
template Select(n) {
    signal input in[n];
    signal input index;
    signal output out;

    signal sel[n] <== OneHot(n)(index);
    signal terms[n];
    var acc = 0;
    for (var i = 0; i < n; i++) {
        terms[i] <== sel[i] * in[i];
        acc += terms[i];
    }
    out <== acc;
}
