//! What the zkSBT flow hands from one party to another as files: the owner's record draft (for an
//! issuer to attest, then to mint), the issuer's attestation, and the disclosure a consumer
//! submits.

use super::Error;
use alloy::{
    primitives::{Address, B256, Bytes, U256},
    signers::local::PrivateKeySigner,
};
use masa_bindings::contracts::IZkSBT;
use masa_prover::{encryption::OwnerKeys, field::to_u256, poseidon::FIELDS, record::Record};
use serde::{Deserialize, Serialize};
use std::{fs, io::Write, os::unix::fs::OpenOptionsExt, path::Path};

/// A record draft, as `masa sbt record` writes it and `masa sbt mint --record` reads it. It
/// holds the values in clear but never the wallet's owner secret (re-derived from the wallet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordDraft {
    /// The wallet the record is for (the owner an issuer attests it for).
    pub owner: Address,
    /// Schema id.
    pub schema_id: U256,
    /// The fields (the full path: serde's derive shadows `FIELDS`).
    pub values: [u64; masa_prover::poseidon::FIELDS],
    /// The record's random salt.
    pub salt: U256,
    /// The record's commitment (what the issuer attests).
    pub commitment: U256,
    /// The wallet's identity commitment `Poseidon_1(ownerSecret)` (in the mint's consent).
    pub identity: U256,
}

impl RecordDraft {
    /// A new record of `wallet` (fresh salt) and its draft.
    pub fn new(wallet: &PrivateKeySigner, schema_id: U256, values: &[u64]) -> Result<(Record, Self), Error> {
        let keys = owner_keys(wallet);
        let record = keys.new_record(schema_id, record_values(values)?);
        let draft = Self {
            owner: wallet.address(),
            schema_id: record.schema_id,
            values: record.values,
            salt: record.salt,
            commitment: to_u256(record.commitment()?),
            identity: keys.identity()?,
        };
        Ok((record, draft))
    }

    /// Writes the draft to a new file readable by its owner only (mode 0600), refusing to
    /// replace an existing file.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let json = serde_json::to_string_pretty(self).expect("a draft serializes");
        write_private(path, json.as_bytes())
    }

    /// Reads the draft at `path` and turns it back into the wallet's record (the owner secret
    /// re-derived from `wallet`). A draft of another wallet, an edited one, or an old one holding
    /// the owner secret is refused.
    pub fn read(path: &Path, wallet: &PrivateKeySigner) -> Result<Record, Error> {
        let text = read_text(path)?;
        let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Format {
            path: path.to_owned(),
            what: "record draft",
            reason: e.to_string(),
        })?;
        if json.get("ownerSecret").is_some() {
            return Err(Error::DraftWithSecret { path: path.to_owned() });
        }
        let draft: Self = serde_json::from_value(json).map_err(|e| Error::Format {
            path: path.to_owned(),
            what: "record draft",
            reason: e.to_string(),
        })?;
        if draft.owner != wallet.address() {
            return Err(Error::DraftOwner {
                path: path.to_owned(),
                owner: draft.owner,
                wallet: wallet.address(),
            });
        }
        let mut record = owner_keys(wallet).new_record(draft.schema_id, draft.values);
        record.salt = draft.salt;
        if to_u256(record.commitment()?) != draft.commitment {
            return Err(Error::DraftEdited { path: path.to_owned(), commitment: draft.commitment });
        }
        Ok(record)
    }
}

/// An issuer's attestation, as `masa sbt attest` writes it and `masa sbt mint --attestation`
/// reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttestationFile {
    /// The issuer.
    pub issuer: Address,
    /// The attested commitment.
    pub commitment: U256,
    /// Expiry of the record.
    pub expiry: u64,
    /// The issuer's attestation nonce (random: nonces are unordered; `cancelAttestationNonce`
    /// withdraws an attestation not yet used).
    pub nonce: U256,
    /// Last valid second.
    pub deadline: U256,
    /// 65-byte signature.
    pub signature: Bytes,
}

impl AttestationFile {
    /// Writes the attestation (it holds no secret: a plain file).
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let json = serde_json::to_string_pretty(self).expect("an attestation serializes");
        fs::write(path, json).map_err(|source| Error::File { action: "write", path: path.to_owned(), source })
    }

    /// Reads an attestation.
    pub fn read(path: &Path) -> Result<Self, Error> {
        serde_json::from_str(&read_text(path)?).map_err(|e| Error::Format {
            path: path.to_owned(),
            what: "attestation",
            reason: e.to_string(),
        })
    }
}

/// A disclosure as JSON, in the field names of `IZkSBT.Disclosure` (the `consumeDisclosure`
/// argument a consumer submits).
pub fn disclosure_json(d: &IZkSBT::Disclosure) -> serde_json::Value {
    serde_json::json!({
        "mode": d.mode, "tokenId": d.tokenId, "root": d.root, "schemaId": d.schemaId,
        "issuerSet": d.issuerSet, "fieldIndex": d.fieldIndex, "operator": d.operator,
        "operandA": d.operandA, "operandB": d.operandB, "purpose": d.purpose,
        "nullifier": d.nullifier, "recipient": d.recipient, "message": d.message,
        "validUntil": d.validUntil, "proof": d.proof,
    })
}

/// The owner's secrets of `wallet`: derived from its private key, so the wallet alone recovers
/// every record, and no file ever holds them.
pub fn owner_keys(wallet: &PrivateKeySigner) -> OwnerKeys {
    OwnerKeys::derive(&wallet.to_bytes().0)
}

/// Up to [`FIELDS`] values as a record's fields (missing fields are 0).
pub fn record_values(values: &[u64]) -> Result<[u64; FIELDS], Error> {
    if values.len() > FIELDS {
        return Err(Error::TooManyValues { fields: FIELDS, got: values.len() });
    }
    let mut out = [0u64; FIELDS];
    out[..values.len()].copy_from_slice(values);
    Ok(out)
}

/// keccak256 of `text`, or zero for an empty text (no message bound).
pub(crate) fn hash_or_zero(text: &str) -> B256 {
    if text.is_empty() { B256::ZERO } else { alloy::primitives::keccak256(text.as_bytes()) }
}

fn read_text(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|source| Error::File { action: "read", path: path.to_owned(), source })
}

/// Writes `contents` to a new file readable by its owner only (mode 0600), refusing to replace
/// an existing file (whose permissions could be wider: the mode applies at creation only).
pub fn write_private(path: &Path, contents: &[u8]) -> Result<(), Error> {
    let mut file =
        fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists { path: path.to_owned() }
            } else {
                Error::File { action: "create", path: path.to_owned(), source }
            }
        })?;
    file.write_all(contents).map_err(|source| Error::File { action: "write", path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_private_never_overwritten_and_hold_no_owner_secret() {
        let dir = tempfile::tempdir().unwrap();
        let signer = PrivateKeySigner::from_bytes(&B256::repeat_byte(7)).unwrap();
        let keys = owner_keys(&signer);
        let (record, draft) = RecordDraft::new(&signer, U256::from(2), &[742, 1, 2, 3, 4, 5, 6, 7]).unwrap();
        let path = dir.path().join("r.json");
        draft.write(&path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let err = draft.write(&path).unwrap_err();
        assert!(err.to_string().contains("refusing to overwrite"), "{err}");
        let secret = format!("{:x}", keys.owner_secret);
        assert!(!fs::read_to_string(&path).unwrap().contains(&secret), "the owner secret is not written");

        // mint re-derives the owner secret from the wallet
        let back = RecordDraft::read(&path, &signer).unwrap();
        assert_eq!((back.schema_id, back.values, back.salt), (record.schema_id, record.values, record.salt));
        assert_eq!(back.owner_secret, keys.owner_secret);
        // another wallet's draft, an edited draft, an old file with the secret: refused
        let other = PrivateKeySigner::from_bytes(&B256::repeat_byte(8)).unwrap();
        let err = RecordDraft::read(&path, &other).unwrap_err();
        assert!(err.to_string().contains("not for the wallet"), "{err}");
        let edited = dir.path().join("edited.json");
        let mut changed = draft;
        changed.values[0] = 850;
        fs::write(&edited, serde_json::to_string(&changed).unwrap()).unwrap();
        let err = RecordDraft::read(&edited, &signer).unwrap_err();
        assert!(err.to_string().contains("edited"), "{err}");
        let old = dir.path().join("old.json");
        fs::write(&old, serde_json::to_string(&record).unwrap()).unwrap();
        let err = RecordDraft::read(&old, &signer).unwrap_err();
        assert!(err.to_string().contains("owner secret"), "{err}");
    }

    #[test]
    fn values_fill_missing_fields_with_zero() {
        assert_eq!(record_values(&[1, 2]).unwrap(), [1, 2, 0, 0, 0, 0, 0, 0]);
        let err = record_values(&[0; 9]).unwrap_err();
        assert_eq!(err.to_string(), "a record has 8 fields, got 9 values");
    }
}
