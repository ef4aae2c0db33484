pragma circom 2.1.0;

// Range checks and range-checked comparators.
//
// circomlib's LessThan(n) is only correct when both inputs are already known to be
// < 2^n: it decomposes in[0] + 2^n - in[1] into n+1 bits, and a field element that
// wraps (e.g. p - 1, "minus one") makes that difference meaningless. The templates here
// range-check their own inputs with Num2Bits first, so they are sound by construction.

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// Constrains `in` to the integers [0, 2^n). Num2Bits(n) constrains every bit to be
// boolean and their weighted sum to equal `in`; for n <= 252 the sum cannot wrap, so no
// field element >= 2^n has a satisfying bit assignment.
template RangeCheck(n) {
    assert(n >= 1 && n <= 252); // compile-time check on the template parameter
    signal input in;

    // The bits are not used: only the decomposition constraints matter. (Kept as the
    // component's outputs rather than an intermediate signal array, which circomspect
    // would rightly flag as used in a single constraint.)
    component bits = Num2Bits(n);
    bits.in <== in;
}

// out = 1 if in[0] < in[1] else 0, for inputs constrained here to [0, 2^n).
template BoundedLessThan(n) {
    assert(n >= 1 && n <= 252);
    signal input in[2];
    signal output out;

    RangeCheck(n)(in[0]);
    RangeCheck(n)(in[1]);
    out <== LessThan(n)(in);
}

// out = 1 if in[0] <= in[1] else 0, for inputs constrained here to [0, 2^n).
// Written as 1 - (in[1] < in[0]) so no input is incremented past 2^n - 1.
template BoundedLessEqThan(n) {
    assert(n >= 1 && n <= 252);
    signal input in[2];
    signal output out;

    signal gt <== BoundedLessThan(n)([in[1], in[0]]);
    out <== 1 - gt;
}
