//! A stake's arguments from a delivery proof (the disclosure the pool checks and the encrypted
//! record it emits), and the developer's opening of a delivery.

use super::Error;
use crate::zksbt;
use alloy::primitives::{Address, B256, U256};
use masa_bindings::contracts::pools::{IDataPools, IZkSBT};
use masa_prover::{
    DeliveryProof,
    delivery::{CIPHERTEXT, DeliveryError, DeliverySecretKey, Point, VALUES, open_ciphertext},
    field::{to_fr, to_u256},
};

/// `DataPools.stake`'s arguments for `proof`: the disclosure (its public inputs by name, the
/// proof, and the context the registry derives the scope and message hash from; `token` is
/// ignored in anonymous mode) and the delivery (ephemeral key, nonce, ciphertext).
pub fn stake_args(
    proof: &DeliveryProof,
    token: U256,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> (IZkSBT::Disclosure, IDataPools::Delivery) {
    let inputs = &proof.public_inputs;
    let d =
        zksbt::disclosure_of(&inputs.disclosure, proof.proof_calldata(), token, purpose, recipient, message);
    let disclosure = IZkSBT::Disclosure {
        mode: d.mode,
        tokenId: d.tokenId,
        root: d.root,
        schemaId: d.schemaId,
        issuerSet: d.issuerSet,
        fieldIndex: d.fieldIndex,
        operator: d.operator,
        operandA: d.operandA,
        operandB: d.operandB,
        purpose: d.purpose,
        nullifier: d.nullifier,
        recipient: d.recipient,
        message: d.message,
        validUntil: d.validUntil,
        proof: d.proof,
    };
    let delivery = IDataPools::Delivery {
        ephemeralKey: inputs.ephemeral_key.map(to_u256),
        nonce: to_u256(inputs.nonce),
        ciphertext: inputs.ciphertext.map(to_u256),
    };
    (disclosure, delivery)
}

/// The developer's side: the record's 8 values in `delivery` (a `Delivered` event of a pool
/// whose delivery key is `secret`'s). The pool accepted it only with a proof that these are the
/// values of the record the stake disclosed about; the tag and padding are checked again here.
pub fn open(secret: &DeliverySecretKey, delivery: &IDataPools::Delivery) -> Result<[U256; VALUES], Error> {
    let [x, y] = delivery.ephemeralKey;
    let ephemeral =
        Point::checked(to_fr("ephemeralKey[0]", x)?, to_fr("ephemeralKey[1]", y)?, "ephemeral key")?;
    let nonce = u128::try_from(delivery.nonce).map_err(|_| DeliveryError::Nonce(delivery.nonce))?;
    let mut ciphertext = [ark_bn254::Fr::from(0u64); CIPHERTEXT];
    for (slot, &word) in ciphertext.iter_mut().zip(&delivery.ciphertext) {
        *slot = to_fr("ciphertext", word)?;
    }
    Ok(open_ciphertext(secret, &ephemeral, nonce, &ciphertext)?)
}
