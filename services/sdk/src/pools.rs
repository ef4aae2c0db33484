//! The data staking pools' client side: a stake's arguments from a delivery proof (the
//! disclosure the pool checks and the encrypted record it emits), and the developer's opening of
//! a delivery.
//!
//! A stake is one proof of the delivery circuit (`circuits/delivery.md`): the disclosure of the
//! pool's statement about a zkSBT record, and the encryption of that record's 8 values to the
//! pool's delivery key. The pool recomputes the disclosure's scope and message hash and supplies
//! its own key, so the proof only verifies for this pool, this recipient and this ciphertext.
//!
//! ```no_run
//! # fn example(proof: masa_prover::DeliveryProof, secret: masa_prover::delivery::DeliverySecretKey)
//! # -> Result<(), masa_sdk::pools::Error> {
//! use alloy::primitives::{Address, B256, U256};
//! use masa_sdk::pools::{open, stake_args};
//!
//! let (disclosure, delivery) = stake_args(&proof, U256::ZERO, B256::ZERO, Address::ZERO, B256::ZERO);
//! // ... `DataPools.stake(poolId, disclosure, delivery)`; the developer, from the `Delivered` event:
//! let values = open(&secret, &delivery)?;
//! # Ok(()) }
//! ```

use crate::zksbt;
use alloy::primitives::{Address, B256, U256};
use masa_bindings::contracts::pools::{IDataPools, IZkSBT};
use masa_prover::{
    DeliveryProof,
    delivery::{CIPHERTEXT, DeliveryError, DeliverySecretKey, Point, VALUES, open_ciphertext},
    field::{NotInField, to_fr, to_u256},
};

/// Why a delivery could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The ephemeral key, nonce or ciphertext is malformed, or the ciphertext does not decrypt
    /// with this key (another pool's, or not a delivery the pool accepted).
    #[error("the delivery does not open: {0}")]
    Delivery(#[from] DeliveryError),
    /// A word of the delivery is not a field element.
    #[error("the delivery does not open: {0}")]
    NotInField(#[from] NotInField),
}

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
