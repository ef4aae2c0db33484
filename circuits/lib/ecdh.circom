pragma circom 2.1.0;

// Ephemeral-static Diffie-Hellman on Baby Jubjub (circomlib's twisted Edwards form
// a = 168700, d = 168696, over the BN254 scalar field), for encrypting to a public key.
//
// Inputs: the sender's ephemeral secret e and the recipient's public key P, with a private
// witness P8 = (8^-1 mod l) * P. Outputs: the ephemeral public key E = e * Base8 and the
// shared point S = e * P. The recipient, holding p with P = p * Base8, gets the same point
// as p * E = p * e * Base8 = e * P.
//
// Constraints (every one below is part of the relation; circuits/delivery.md argues them):
//   e in [1, 2^E_BITS) up to multiples of l: e is decomposed into E_BITS bits (Num2Bits,
//     unique since 2^E_BITS < p) and E != identity (E.x != 0), i.e. e mod l != 0;
//   P on the curve, P = 8 * P8 with P8 on the curve: P is in the prime-order subgroup
//     (multiplication by the cofactor 8 kills the 8-torsion), and P.x != 0: P != identity.
//     So neither small-subgroup points nor the identity (for which circomlib's
//     EscalarMulAny returns the identity, whatever e) can be a delivery key;
//   E = e * Base8 (circomlib EscalarMulFix, the BabyPbk construction) and S = e * P
//     (circomlib EscalarMulAny, sharing e's bits). With P of prime order l, P != identity,
//     no Montgomery addition inside EscalarMulAny adds a point to itself or to its
//     negation (each 148-bit segment adds 2^i Q to k Q with 1 <= k < 2^i, 2^i + k < l), so
//     every `<--` hint in it is pinned by its constraint and S is the unique value.
//
// l = 2736030358979909402780800718157159386076813972158567259200215660948447373041 < 2^251.

include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/escalarmulany.circom";
include "circomlib/circuits/escalarmulfix.circom";

// P is a point of the prime-order subgroup other than the identity. P8 is a private witness
// with P = 8 * P8 (computed as (8^-1 mod l) * P for a subgroup point; no other point of the
// curve has one).
template SubgroupPoint() {
    signal input point[2];
    signal input div8[2];

    BabyCheck()(div8[0], div8[1]);
    component dbl[3];
    for (var i = 0; i < 3; i++) {
        dbl[i] = BabyDbl();
        if (i == 0) {
            dbl[i].x <== div8[0];
            dbl[i].y <== div8[1];
        } else {
            dbl[i].x <== dbl[i - 1].xout;
            dbl[i].y <== dbl[i - 1].yout;
        }
    }
    point[0] === dbl[2].xout;
    point[1] === dbl[2].yout;
    // Implied by the doublings (BabyAdd is complete on Baby Jubjub and keeps a curve point
    // on the curve), checked anyway for three constraints.
    BabyCheck()(point[0], point[1]);
    // In the prime-order subgroup, x = 0 only at the identity (0, 1).
    signal isIdentity <== IsZero()(point[0]);
    isIdentity === 0;
}

template EphemeralDH(E_BITS) {
    assert(E_BITS >= 251 && E_BITS <= 253); // covers every residue mod l; no wrap mod p
    signal input ephemeralSecret;
    signal input publicKey[2];
    signal input publicKeyDiv8[2];
    signal output ephemeralKey[2];
    signal output sharedKey[2];

    var BASE8[2] = [
        5299619240641551281634865583518297030282874472190772894086521144482721001553,
        16950150798460657717958625567821834550301663161624707787222815936182638968203
    ];

    SubgroupPoint()(publicKey, publicKeyDiv8);

    component bits = Num2Bits(E_BITS);
    bits.in <== ephemeralSecret;

    component mulFix = EscalarMulFix(E_BITS, BASE8);
    mulFix.e <== bits.out;
    ephemeralKey <== mulFix.out;
    // E != identity, so e mod l != 0 and S = e * P != identity.
    signal ephemeralIsIdentity <== IsZero()(ephemeralKey[0]);
    ephemeralIsIdentity === 0;

    component mulAny = EscalarMulAny(E_BITS);
    mulAny.e <== bits.out;
    mulAny.p <== publicKey;
    sharedKey <== mulAny.out;
}
