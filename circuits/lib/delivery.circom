pragma circom 2.1.0;

// Delivery that cannot lie: the disclosure statement about a zkSBT record (lib/disclosure.circom)
// AND the proof that a public ciphertext is the encryption of exactly that record's values
// to a pool developer's Baby Jubjub key. The record's values are one set of signals,
// constrained by both parts. Public signals, construction and soundness:
// circuits/delivery.md.

include "disclosure.circom";
include "ecdh.circom";
include "poseidon_cipher.circom";

template Delivery(N_FIELDS, MAX_DEPTH, VALUE_BITS) {
    var N_ISSUERS = 4;
    var E_BITS = 251;                         // ephemeral secret bits (l < 2^251)
    var C = 3 * ((N_FIELDS + 2) \ 3) + 1;     // ciphertext length (padded blocks + tag)

    // ---- public inputs (this declaration order is the public-signal order) ----
    // The disclosure statement, in Disclosure's order.
    signal input mode;
    signal input root;
    signal input schemaId;
    signal input issuerSet;
    signal input fieldIndex;
    signal input operator;
    signal input operandA;
    signal input operandB;
    signal input scope;
    signal input nullifier;
    signal input messageHash;
    signal input validUntil;
    // The delivery.
    signal input deliveryKey[2];   // P: the pool developer's Baby Jubjub public key
    signal input ephemeralKey[2];  // E = e * Base8
    signal input nonce;            // < 2^128
    signal input ciphertext[C];    // PoseidonEncrypt((e * P).x, (e * P).y, nonce, value)

    // ---- private inputs ----
    signal input value[N_FIELDS];
    signal input salt;
    signal input ownerSecret;
    signal input issuer;
    signal input expiry;
    signal input issuers[N_ISSUERS];
    signal input merkleDepth;
    signal input pathIndices[MAX_DEPTH];
    signal input pathElements[MAX_DEPTH];
    signal input ephemeralSecret;     // e, in [0, 2^251), e mod l != 0
    signal input deliveryKeyDiv8[2];  // (8^-1 mod l) * P: proves P is in the prime-order subgroup

    // The disclosure statement, unchanged.
    component disclosure = Disclosure(N_FIELDS, MAX_DEPTH, VALUE_BITS);
    disclosure.mode <== mode;
    disclosure.root <== root;
    disclosure.schemaId <== schemaId;
    disclosure.issuerSet <== issuerSet;
    disclosure.fieldIndex <== fieldIndex;
    disclosure.operator <== operator;
    disclosure.operandA <== operandA;
    disclosure.operandB <== operandB;
    disclosure.scope <== scope;
    disclosure.nullifier <== nullifier;
    disclosure.messageHash <== messageHash;
    disclosure.validUntil <== validUntil;
    disclosure.value <== value;
    disclosure.salt <== salt;
    disclosure.ownerSecret <== ownerSecret;
    disclosure.issuer <== issuer;
    disclosure.expiry <== expiry;
    disclosure.issuers <== issuers;
    disclosure.merkleDepth <== merkleDepth;
    disclosure.pathIndices <== pathIndices;
    disclosure.pathElements <== pathElements;

    // The key: S = e * P, with E = e * Base8 public (the developer computes p * E = S).
    component dh = EphemeralDH(E_BITS);
    dh.ephemeralSecret <== ephemeralSecret;
    dh.publicKey <== deliveryKey;
    dh.publicKeyDiv8 <== deliveryKeyDiv8;
    ephemeralKey[0] === dh.ephemeralKey[0];
    ephemeralKey[1] === dh.ephemeralKey[1];

    // The ciphertext decrypts, under K = (S.x, S.y) and the nonce, with zero padding and a
    // valid tag, to exactly the record's values (the same signals the disclosure constrains).
    signal plaintext[N_FIELDS] <== PoseidonDecrypt(N_FIELDS)(dh.sharedKey, nonce, ciphertext);
    for (var i = 0; i < N_FIELDS; i++) {
        plaintext[i] === value[i];
    }
}
