//! A zkSBT record: what the owner keeps (encrypted on-chain) and proves statements about.

use crate::{
    field::{NotInField, to_fr},
    poseidon,
};
use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
use serde::{Deserialize, Serialize};

/// A record: its schema, eight unsigned 64-bit fields, a random salt that hides low-entropy
/// values, and the owner's secret (which also derives the owner's identity and nullifiers);
/// plus the two facts the registry sets at mint and keeps beside the token, `issuer` and
/// `expiry`. Those two are not in the sealed ciphertext: they come from the chain
/// ([`crate::encryption::OwnerKeys::open_record`]), and the tree leaf binds them
/// ([`Record::leaf`]).
///
/// As JSON: `{"schemaId", "values": [u64; 8], "salt", "ownerSecret", "issuer", "expiry"}`,
/// `issuer` and `expiry` optional (zero: self-attested, never expires).
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
    /// The issuer whose attestation the registry checked at mint (zero: self-attested).
    #[serde(default)]
    pub issuer: Address,
    /// Unix time the record expires, as minted (0: never).
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

    /// The owner's identity commitment `Poseidon_1(ownerSecret)` (`MintRequest.identity`; one
    /// per wallet).
    pub fn identity(&self) -> Result<Fr, NotInField> {
        Ok(poseidon::identity(to_fr("ownerSecret", self.owner_secret)?))
    }

    /// The record's leaf in the registry's tree:
    /// `Poseidon_5(commitment, schemaId, issuer, expiry, identity)`. In direct mode it is the
    /// disclosure's `root`.
    pub fn leaf(&self) -> Result<Fr, NotInField> {
        let f = self.fields()?;
        Ok(poseidon::leaf(
            self.commitment()?,
            f.schema_id,
            self.issuer,
            self.expiry,
            poseidon::identity(f.owner_secret),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_and_leaf() {
        let json = r#"{"schemaId":"0x7","values":[1,2,3,4,5,6,7,8],"salt":"0x5","ownerSecret":"0x6"}"#;
        let r: Record = serde_json::from_str(json).unwrap();
        assert_eq!((r.issuer, r.expiry), (Address::ZERO, 0), "absent: self-attested, never expires");
        let issuer = Address::repeat_byte(0x11);
        let attested = Record { issuer, expiry: 9, ..r };
        let text = serde_json::to_string(&attested).unwrap();
        assert!(text.contains(r#""issuer":"0x1111111111111111111111111111111111111111""#), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), attested);

        let (c, id) = (r.commitment().unwrap(), r.identity().unwrap());
        assert_eq!(id, poseidon::hash(&[Fr::from(6u64)]));
        assert_eq!(r.leaf().unwrap(), poseidon::leaf(c, Fr::from(7u64), Address::ZERO, 0, id));
        assert_eq!(attested.leaf().unwrap(), poseidon::leaf(c, Fr::from(7u64), issuer, 9, id));
        assert_eq!(attested.commitment().unwrap(), c, "issuer and expiry are not in the commitment");
        assert!(serde_json::from_str::<Record>(&json.replace("}", r#","ownerCommitment":"0x1"}"#)).is_err());
    }
}
