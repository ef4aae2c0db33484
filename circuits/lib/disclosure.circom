pragma circom 2.1.0;

// The zkSBT selective-disclosure statement as a reusable template: the main circuit
// circuits/disclosure.circom instantiates it alone, circuits/delivery.circom together with
// the encrypted delivery of the record. Public signals, formulas and the soundness
// argument: circuits/disclosure.md.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "range.circom";
include "select.circom";
include "merkle.circom";
include "predicate.circom";

// N_FIELDS: number of record fields (each an unsigned VALUE_BITS-bit integer).
// MAX_DEPTH: maximum Merkle depth.
template Disclosure(N_FIELDS, MAX_DEPTH, VALUE_BITS) {
    var N_ISSUERS = 4; // issuer-set size (1..4 members, padded by repeating the first)

    // ---- public inputs (this declaration order is the public-signal order) ----
    signal input mode;        // 0 direct (root is the token's leaf), 1 anonymous (tree root)
    signal input root;        // the leaf (mode 0) or a Merkle root (mode 1)
    signal input schemaId;
    signal input issuerSet;   // 0: any issuer; else Poseidon4(issuers) and issuer is a member
    signal input fieldIndex;  // in [0, N_FIELDS)
    signal input operator;    // in [0, 6], see lib/predicate.circom
    signal input operandA;    // in [0, 2^VALUE_BITS)
    signal input operandB;    // in [0, 2^VALUE_BITS); must be 0 unless operator == 6
    signal input scope;
    signal input nullifier;   // Poseidon(ownerSecret, scope)
    signal input messageHash; // bound message / recipient (e.g. keccak(recipient,...) mod p)
    signal input validUntil;  // in [0, 2^64): the record does not expire before this time

    // ---- private inputs ----
    signal input value[N_FIELDS];
    signal input salt;
    signal input ownerSecret;
    signal input issuer;                    // uint160 of the issuer's address, 0 = self-attested
    signal input expiry;                    // in [0, 2^64): the record's expiry, 0 = never
    signal input issuers[N_ISSUERS];        // the issuer set's members (don't-care if issuerSet = 0)
    signal input merkleDepth;               // in [0, MAX_DEPTH]; 0 in direct mode
    signal input pathIndices[MAX_DEPTH];    // bits
    signal input pathElements[MAX_DEPTH];

    // Record fields are VALUE_BITS-bit unsigned integers.
    for (var i = 0; i < N_FIELDS; i++) {
        RangeCheck(VALUE_BITS)(value[i]);
    }

    // commitment = Poseidon4(schemaId, Poseidon8(value[0..8]), salt, Poseidon1(ownerSecret))
    signal ownerCommitment <== Poseidon(1)([ownerSecret]);
    signal valuesHash <== Poseidon(N_FIELDS)(value);
    signal commitment <== Poseidon(4)([schemaId, valuesHash, salt, ownerCommitment]);

    // The registry's leaf: Poseidon5(commitment, schemaId, issuer, expiry, identity), with
    // the values the registry checked at mint. The identity is the owner wallet's
    // registered identity, which must be Poseidon1(ownerSecret) of this witness: the
    // nullifier below is then the wallet's one nullifier per scope. No range check of
    // issuer or expiry is needed for the binding: whatever field element the witness
    // claims, the leaf (and so the root) only matches the one the registry inserted.
    signal leaf <== Poseidon(5)([commitment, schemaId, issuer, expiry, ownerCommitment]);

    // Mode: boolean; direct mode forces depth 0, so root == leaf (the contract checks that
    // the root is the token's stored leaf); anonymous mode proves the leaf is in the tree
    // whose root is public. The leaf is the Merkle start in both modes.
    mode * (mode - 1) === 0;
    (1 - mode) * merkleDepth === 0;
    signal computedRoot <== BinaryMerkleRoot(MAX_DEPTH)(leaf, merkleDepth, pathIndices, pathElements);
    root === computedRoot;

    // Issuer set. issuerSet != 0: the private members hash to it (so they are the members
    // the consumer named, by collision resistance) and the leaf's issuer is one of them
    // (a product of field elements is 0 iff a factor is 0). issuerSet == 0: both
    // constraints are trivially 0 === 0, any issuer is accepted and the members are
    // don't-cares (the schema is still bound by the leaf).
    signal setHash <== Poseidon(N_ISSUERS)(issuers);
    issuerSet * (setHash - issuerSet) === 0;
    signal prod[N_ISSUERS];
    prod[0] <== issuer - issuers[0];
    for (var i = 1; i < N_ISSUERS; i++) {
        prod[i] <== prod[i - 1] * (issuer - issuers[i]);
    }
    issuerSet * prod[N_ISSUERS - 1] === 0;

    // Not expired at validUntil: expiry == 0 or validUntil < expiry (BoundedLessThan
    // range-checks both to 64 bits, whichever way the disjunction goes).
    signal neverExpires <== IsZero()(expiry);
    signal alive <== BoundedLessThan(64)([validUntil, expiry]);
    (1 - neverExpires) * (1 - alive) === 0;

    // Nullifier: one per (owner, scope).
    signal computedNullifier <== Poseidon(2)([ownerSecret, scope]);
    nullifier === computedNullifier;

    // The disclosed predicate must hold. Select bounds fieldIndex to [0, N_FIELDS) and
    // returns one of the value[i], each range-checked above, so `selected` is in
    // [0, 2^VALUE_BITS) already: PredicateRangedX skips its range check (it still bounds
    // operator to [0, 6] and range-checks operandA and operandB).
    signal selected <== Select(N_FIELDS)(value, fieldIndex);
    signal holds <== PredicateRangedX(VALUE_BITS)(selected, operator, operandA, operandB);
    holds === 1;

    // operandB is only meaningful for the range operator: pin it to 0 otherwise, so a
    // statement has a single public encoding.
    signal isRange <== IsEqual()([operator, 6]);
    (1 - isRange) * operandB === 0;

    // Bind messageHash into the constraint system (as Semaphore does): without a
    // constraint touching it, a public input may be left out of the R1CS by an optimiser.
    signal messageHashSquare <== messageHash * messageHash;
}
