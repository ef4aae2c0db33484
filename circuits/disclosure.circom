pragma circom 2.1.0;

// zkSBT selective disclosure: proves a predicate about one field of a committed record,
// either against the record's commitment (direct mode) or against the root of a Poseidon
// Merkle tree of commitments (anonymous mode), and emits a scope-bound nullifier.
// Public signals, formulas and the soundness argument: circuits/disclosure.md.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "lib/range.circom";
include "lib/select.circom";
include "lib/merkle.circom";
include "lib/predicate.circom";

// N_FIELDS: number of record fields (each an unsigned VALUE_BITS-bit integer).
// MAX_DEPTH: maximum Merkle depth.
template Disclosure(N_FIELDS, MAX_DEPTH, VALUE_BITS) {
    // ---- public inputs (this declaration order is the public-signal order) ----
    signal input mode;        // 0 direct (root is the commitment), 1 anonymous (tree root)
    signal input root;        // commitment (mode 0) or Merkle root (mode 1)
    signal input schemaId;
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
    signal input expiry;                    // in [0, 2^64): the record's expiry, 0 = never
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

    // The tree's leaf binds the record's expiry: leaf = Poseidon2(commitment, expiry).
    signal leaf <== Poseidon(2)([commitment, expiry]);

    // Mode: boolean; direct mode forces depth 0 and the commitment as the leaf, i.e.
    // root == commitment (the contract checks the stored record, expiry included); anonymous
    // mode proves the tree leaf, so the expiry below is the one the record was minted with.
    mode * (mode - 1) === 0;
    (1 - mode) * merkleDepth === 0;
    signal merkleLeaf <== commitment + mode * (leaf - commitment);
    signal computedRoot <== BinaryMerkleRoot(MAX_DEPTH)(merkleLeaf, merkleDepth, pathIndices, pathElements);
    root === computedRoot;

    // Not expired at validUntil: expiry == 0 or validUntil < expiry (BoundedLessThan
    // range-checks both to 64 bits, whichever way the disjunction goes).
    signal neverExpires <== IsZero()(expiry);
    signal alive <== BoundedLessThan(64)([validUntil, expiry]);
    (1 - neverExpires) * (1 - alive) === 0;

    // Nullifier: one per (owner, scope).
    signal computedNullifier <== Poseidon(2)([ownerSecret, scope]);
    nullifier === computedNullifier;

    // The disclosed predicate must hold. Select bounds fieldIndex to [0, N_FIELDS);
    // Predicate bounds operator to [0, 6] and range-checks value, operandA, operandB.
    signal selected <== Select(N_FIELDS)(value, fieldIndex);
    signal holds <== Predicate(VALUE_BITS)(selected, operator, operandA, operandB);
    holds === 1;

    // operandB is only meaningful for the range operator: pin it to 0 otherwise, so a
    // statement has a single public encoding.
    signal isRange <== IsEqual()([operator, 6]);
    (1 - isRange) * operandB === 0;

    // Bind messageHash into the constraint system (as Semaphore does): without a
    // constraint touching it, a public input may be left out of the R1CS by an optimiser.
    signal messageHashSquare <== messageHash * messageHash;
}

component main {public [mode, root, schemaId, fieldIndex, operator, operandA, operandB, scope, nullifier, messageHash, validUntil]} = Disclosure(8, 20, 64);
