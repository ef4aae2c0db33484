//! A stake's (or a pass delivery's) arguments from a delivery proof (the disclosure the contract
//! checks and the encrypted record it emits), and the developer's opening of a delivery.

use super::Error;
use crate::zksbt;
use alloy::{
    primitives::{Address, B256, U256},
    sol_types::{SolType, SolValue},
};
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
    delivery_args(proof, token, purpose, recipient, message)
}

/// [`stake_args`] as the `Disclosure` and `Delivery` structs of any binding that takes them
/// (`DataPools.stake`, `AccessPasses.deliver`).
pub fn delivery_args<D: Rebind, V: Rebind>(
    proof: &DeliveryProof,
    token: U256,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> (D, V) {
    let inputs = &proof.public_inputs;
    let d =
        zksbt::disclosure_of(&inputs.disclosure, proof.proof_calldata(), token, purpose, recipient, message);
    let delivery = IDataPools::Delivery {
        ephemeralKey: inputs.ephemeral_key.map(to_u256),
        nonce: to_u256(inputs.nonce),
        ciphertext: inputs.ciphertext.map(to_u256),
    };
    (rebind(&d), rebind(&delivery))
}

/// A struct of a binding: decodable from its own ABI encoding.
pub trait Rebind: SolValue + From<<<Self as SolValue>::SolType as SolType>::RustType> {}

impl<T: SolValue + From<<<T as SolValue>::SolType as SolType>::RustType>> Rebind for T {}

/// `value` as the same Solidity struct bound in another `sol!` module (each binding declares its
/// own copy of the interfaces its ABI uses): ABI-encoded, then decoded, so that no struct's
/// field list is written out twice.
pub(crate) fn rebind<A: SolValue, B: Rebind>(value: &A) -> B {
    B::abi_decode(&value.abi_encode()).expect("one struct, bound twice: the same ABI encoding")
}

/// The developer's side: the record's 8 values in `delivery` (a pool's `Delivered` event, or a
/// pass's `UseDelivered`, for `secret`'s delivery key). The contract accepted it only with a
/// proof that these are the values of the record the disclosure is about; the tag and padding
/// are checked again here.
pub fn open(secret: &DeliverySecretKey, delivery: &impl SolValue) -> Result<[U256; VALUES], Error> {
    let delivery: IDataPools::Delivery = rebind(delivery);
    let [x, y] = delivery.ephemeralKey;
    // checked (on the curve, in the subgroup, not the identity) where the shared key is derived
    let ephemeral = Point { x: to_fr("ephemeralKey[0]", x)?, y: to_fr("ephemeralKey[1]", y)? };
    let nonce = u128::try_from(delivery.nonce).map_err(|_| DeliveryError::Nonce(delivery.nonce))?;
    let mut ciphertext = [ark_bn254::Fr::from(0u64); CIPHERTEXT];
    for (slot, &word) in ciphertext.iter_mut().zip(&delivery.ciphertext) {
        *slot = to_fr("ciphertext", word)?;
    }
    Ok(open_ciphertext(secret, &ephemeral, nonce, &ciphertext)?)
}
