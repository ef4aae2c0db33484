//! A zkSBT record: what the owner keeps (encrypted on-chain) and proves statements about.

use crate::{
    field::{NotInField, to_fr},
    poseidon,
};
use alloy::primitives::U256;
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};

/// A record: its schema, eight unsigned 64-bit fields, a random salt that hides low-entropy
/// values, and the owner's secret (which also derives the owner's nullifiers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Record {
    /// Schema id, as registered on-chain.
    pub schema_id: U256,
    /// The fields; a schema gives them meaning (e.g. field 0 = credit score).
    pub values: [u64; crate::poseidon::FIELDS],
    /// Uniformly random field element.
    pub salt: U256,
    /// The owner's secret field element.
    pub owner_secret: U256,
    /// Unix time the record expires, as minted (0: never). Not part of the commitment: the
    /// issuer sets it at attestation, and the registry's tree leaf binds it
    /// ([`Record::leaf`]).
    #[serde(default)]
    pub expiry: u64,
}

/// The record's numbers as field elements, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordFields {
    pub(crate) schema_id: Fr,
    pub(crate) salt: Fr,
    pub(crate) owner_secret: Fr,
}

impl Record {
    pub(crate) fn fields(&self) -> Result<RecordFields, NotInField> {
        Ok(RecordFields {
            schema_id: to_fr("schemaId", self.schema_id)?,
            salt: to_fr("salt", self.salt)?,
            owner_secret: to_fr("ownerSecret", self.owner_secret)?,
        })
    }

    /// The on-chain commitment of this record (circuits/disclosure.md).
    pub fn commitment(&self) -> Result<Fr, NotInField> {
        let f = self.fields()?;
        Ok(poseidon::commitment(f.schema_id, &self.values, f.salt, f.owner_secret))
    }

    /// The record's leaf in the registry's tree: `Poseidon_2(commitment, expiry)`.
    pub fn leaf(&self) -> Result<Fr, NotInField> {
        Ok(poseidon::leaf(self.commitment()?, self.expiry))
    }
}
