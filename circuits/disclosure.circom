pragma circom 2.1.0;

// zkSBT selective disclosure: proves a predicate about one field of a committed record,
// either against the record's registry leaf (direct mode) or against the root of the
// registry's Poseidon Merkle tree of leaves (anonymous mode), and emits a scope-bound
// nullifier. The leaf binds what the registry checked at mint (schema, issuer, expiry,
// the owner wallet's identity), so an anonymous proof claims exactly that.
// The template is in lib/disclosure.circom; public signals, formulas and the soundness
// argument: circuits/disclosure.md.

include "lib/disclosure.circom";

component main {public [mode, root, schemaId, issuerSet, fieldIndex, operator, operandA, operandB, scope, nullifier, messageHash, validUntil]} = Disclosure(8, 20, 64);
