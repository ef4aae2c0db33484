pragma circom 2.1.0;

// Delivery that cannot lie (issue 14): one proof of the zkSBT disclosure statement
// (circuits/disclosure.circom) and of "the public ciphertext is the Poseidon duplex
// encryption, under the ECDH key of an ephemeral key and the pool developer's Baby Jubjub
// key, of exactly that record's 8 values". The template is in lib/delivery.circom; public
// signals, construction and soundness argument: circuits/delivery.md.

include "lib/delivery.circom";

component main {public [mode, root, schemaId, issuerSet, fieldIndex, operator, operandA, operandB, scope, nullifier, messageHash, validUntil, deliveryKey, ephemeralKey, nonce, ciphertext]} = Delivery(8, 20, 64);
