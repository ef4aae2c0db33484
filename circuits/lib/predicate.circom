pragma circom 2.1.0;

// Comparison predicates over n-bit unsigned integers, with a constrained operator.
//
// operator: 0 x == a, 1 x != a, 2 x < a, 3 x <= a, 4 x > a, 5 x >= a,
//           6 a <= x <= b (inclusive range; empty, hence never true, when a > b).
// out is 1 when the predicate holds, 0 otherwise. An operator outside [0, 6] has no
// satisfying assignment (OneHot). x, a and b are range-checked to [0, 2^n), so the
// comparisons are integer comparisons and no wrapped field element can pass.
//
// Two entry points:
//   Predicate(n)          range-checks x, a and b itself (self-contained);
//   PredicateRangedX(n)   range-checks a and b only: the CALLER must already constrain x to
//                         [0, 2^n). Disclosure uses it: its x is a one-hot selection
//                         (Select: sel[i] boolean, sum sel[i] = 1, x = sum sel[i] * value[i])
//                         of record values that are each range-checked to [0, 2^n), so x is
//                         one of those values and a second Num2Bits(n) of it adds n
//                         constraints (at --O2) and no soundness.

include "circomlib/circuits/comparators.circom";
include "range.circom";
include "select.circom";

template Predicate(n) {
    assert(n >= 1 && n <= 252);
    signal input x;
    signal input operator;
    signal input a;
    signal input b;
    signal output out;

    RangeCheck(n)(x);
    out <== PredicateRangedX(n)(x, operator, a, b);
}

// As Predicate(n), without the range check of x: x MUST be constrained to [0, 2^n) by the
// caller (see the header), otherwise LessThan's comparisons are meaningless for it.
template PredicateRangedX(n) {
    assert(n >= 1 && n <= 252);
    var N_OPERATORS = 7;

    signal input x;
    signal input operator;
    signal input a;
    signal input b;
    signal output out;

    // Range checks of the operands, once each; the comparators below rely on them (and on
    // the caller's range check of x).
    RangeCheck(n)(a);
    RangeCheck(n)(b);

    signal ltA <== LessThan(n)([x, a]); // x < a
    signal gtA <== LessThan(n)([a, x]); // x > a
    signal gtB <== LessThan(n)([b, x]); // x > b

    // For integers exactly one of x < a, x == a, x > a holds, so x == a is linear in
    // ltA and gtA (both constrained boolean by LessThan, and never both 1).
    signal inRange <== (1 - ltA) * (1 - gtB); // a <= x && x <= b

    signal holds[N_OPERATORS];
    holds[0] <== 1 - ltA - gtA; // ==
    holds[1] <== ltA + gtA;     // !=
    holds[2] <== ltA;           // <
    holds[3] <== 1 - gtA;       // <=
    holds[4] <== gtA;           // >
    holds[5] <== 1 - ltA;       // >=
    holds[6] <== inRange;       // in [a, b]

    out <== Select(N_OPERATORS)(holds, operator);
}
