//! Records encrypted to their owner (stored on-chain in the token) and re-encrypted to a data
//! consumer when the owner shares them: libsodium-compatible sealed boxes (X25519 +
//! XSalsa20-Poly1305, RustCrypto `crypto_box`), keys derived with HKDF-SHA256.
//!
//! Plaintext layout (version 1): `0x01 || schemaId (32) || values (8 x 8, big-endian) ||
//! salt (32) || ownerCommitment (32)`. The owner commitment `Poseidon_1(ownerSecret)` lets a
//! consumer recompute the on-chain commitment (and so check what it was given) without
//! learning the owner's secret; the owner's own copy carries it too, for one format.

use crate::{
    ProverError,
    field::{from_random_bytes, to_fr, to_u256},
    poseidon::{self, FIELDS},
    record::Record,
};
use alloy::primitives::U256;
use ark_bn254::Fr;
pub use crypto_box::{PublicKey, SecretKey};
use hkdf::Hkdf;
use rand_core::OsRng;
use sha2::Sha256;

const VERSION: u8 = 1;
const PLAINTEXT_LEN: usize = 1 + 32 + FIELDS * 8 + 32 + 32;
const HKDF_SALT: &[u8] = b"masa zkSBT";

/// An owner's secrets, derived from one 32-byte seed (e.g. the wallet's private key).
#[derive(Clone)]
pub struct OwnerKeys {
    /// The owner secret of the circuit (commitments, nullifiers).
    pub owner_secret: U256,
    /// The X25519 key records are encrypted to.
    pub encryption: SecretKey,
}

impl std::fmt::Debug for OwnerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnerKeys").field("public_key", &self.public_key()).finish_non_exhaustive()
    }
}

impl OwnerKeys {
    /// Derives the owner secret and the encryption key from `seed` with HKDF-SHA256 and
    /// distinct labels. The owner secret takes 64 bytes reduced modulo p (negligible bias).
    pub fn derive(seed: &[u8; 32]) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(HKDF_SALT), seed);
        let mut wide = [0u8; 64];
        hk.expand(b"masa zkSBT owner secret v1", &mut wide).expect("64 bytes is a valid HKDF length");
        let owner_secret = to_u256(<Fr as ark_ff::PrimeField>::from_be_bytes_mod_order(&wide));
        let mut x25519 = [0u8; 32];
        hk.expand(b"masa zkSBT x25519 v1", &mut x25519).expect("32 bytes is a valid HKDF length");
        Self { owner_secret, encryption: SecretKey::from_bytes(x25519) }
    }

    /// The public key others encrypt to.
    pub fn public_key(&self) -> PublicKey {
        self.encryption.public_key()
    }

    /// A new record for this owner with a fresh random salt.
    pub fn new_record(&self, schema_id: U256, values: [u64; FIELDS]) -> Record {
        let mut salt = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
        Record {
            schema_id,
            values,
            salt: to_u256(from_random_bytes(&salt)),
            owner_secret: self.owner_secret,
            expiry: 0,
        }
    }

    /// Decrypts a record sealed to this owner, restoring its owner secret. The expiry is not
    /// sealed (the issuer sets it at mint): pass the on-chain record's, which is in its tree leaf.
    pub fn open_record(&self, ciphertext: &[u8], expiry: u64) -> Result<Record, ProverError> {
        let shared = open(&self.encryption, ciphertext)?;
        let record = Record {
            schema_id: shared.schema_id,
            values: shared.values,
            salt: shared.salt,
            owner_secret: self.owner_secret,
            expiry,
        };
        let owner_commitment = poseidon::hash(&[to_fr("ownerSecret", self.owner_secret)?]);
        if to_u256(owner_commitment) != shared.owner_commitment {
            return Err(ProverError::Decrypt("the record belongs to another owner secret".into()));
        }
        Ok(record)
    }
}

/// A record as a consumer sees it: everything but the owner's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRecord {
    /// Schema id.
    pub schema_id: U256,
    /// The fields.
    pub values: [u64; FIELDS],
    /// The record's salt.
    pub salt: U256,
    /// `Poseidon_1(ownerSecret)`.
    pub owner_commitment: U256,
}

impl SharedRecord {
    /// The on-chain commitment these contents correspond to: compare it with the token's.
    pub fn commitment(&self) -> Result<U256, ProverError> {
        let values: Vec<Fr> = self.values.iter().map(|&v| Fr::from(v)).collect();
        Ok(to_u256(poseidon::hash(&[
            to_fr("schemaId", self.schema_id)?,
            poseidon::hash(&values),
            to_fr("salt", self.salt)?,
            to_fr("ownerCommitment", self.owner_commitment)?,
        ])))
    }
}

/// Seals `record` to `recipient` (its owner's key for storage, a consumer's key to share).
pub fn seal(record: &Record, recipient: &PublicKey) -> Result<Vec<u8>, ProverError> {
    let owner_commitment = to_u256(poseidon::hash(&[to_fr("ownerSecret", record.owner_secret)?]));
    let mut plain = Vec::with_capacity(PLAINTEXT_LEN);
    plain.push(VERSION);
    plain.extend_from_slice(&record.schema_id.to_be_bytes::<32>());
    for v in record.values {
        plain.extend_from_slice(&v.to_be_bytes());
    }
    plain.extend_from_slice(&record.salt.to_be_bytes::<32>());
    plain.extend_from_slice(&owner_commitment.to_be_bytes::<32>());
    recipient.seal(&mut OsRng, &plain).map_err(|_| ProverError::Decrypt("sealing failed".into()))
}

/// Opens a sealed record with `key` (a consumer's, for a shared record).
pub fn open(key: &SecretKey, ciphertext: &[u8]) -> Result<SharedRecord, ProverError> {
    let plain = key.unseal(ciphertext).map_err(|_| {
        ProverError::Decrypt("cannot decrypt: not sealed to this key, or the ciphertext was altered".into())
    })?;
    if plain.len() != PLAINTEXT_LEN || plain[0] != VERSION {
        return Err(ProverError::Decrypt(format!("unknown record format (version {})", plain[0])));
    }
    let word = |at: usize| U256::from_be_slice(&plain[at..at + 32]);
    let mut values = [0u64; FIELDS];
    for (i, v) in values.iter_mut().enumerate() {
        let at = 33 + 8 * i;
        *v = u64::from_be_bytes(plain[at..at + 8].try_into().expect("8 bytes"));
    }
    let after_values = 33 + 8 * FIELDS;
    Ok(SharedRecord {
        schema_id: word(1),
        values,
        salt: word(after_values),
        owner_commitment: word(after_values + 32),
    })
}

/// Re-encrypts a record the owner holds (sealed to them) to a consumer's public key.
pub fn share(owner: &OwnerKeys, ciphertext: &[u8], consumer: &PublicKey) -> Result<Vec<u8>, ProverError> {
    // the expiry is not sealed, so any value does here
    let record = owner.open_record(ciphertext, 0)?;
    seal(&record, consumer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_u256;

    fn owner(n: u8) -> OwnerKeys {
        OwnerKeys::derive(&[n; 32])
    }

    #[test]
    fn derivation_is_deterministic_and_separated() {
        let (a, b) = (owner(1), owner(2));
        assert_eq!(a.owner_secret, owner(1).owner_secret);
        assert_eq!(a.public_key(), owner(1).public_key());
        assert_ne!(a.owner_secret, b.owner_secret);
        assert_ne!(a.encryption.to_bytes().as_slice(), &a.owner_secret.to_be_bytes::<32>()[..]);
        assert!(a.owner_secret < crate::field::MODULUS);
    }

    #[test]
    fn owner_roundtrip_and_consumer_share() {
        let alice = owner(1);
        let record = alice.new_record(U256::from(3), [720, 1, 2, 3, 4, 5, 6, u64::MAX]);
        let sealed = seal(&record, &alice.public_key()).unwrap();
        assert_eq!(sealed.len(), PLAINTEXT_LEN + 48);
        assert_eq!(alice.open_record(&sealed, record.expiry).unwrap(), record);

        let consumer = SecretKey::from_bytes([9; 32]);
        let shared = share(&alice, &sealed, &consumer.public_key()).unwrap();
        let seen = open(&consumer, &shared).unwrap();
        assert_eq!(seen.values, record.values);
        assert_eq!(seen.commitment().unwrap(), to_u256(record.commitment().unwrap()));
    }

    #[test]
    fn wrong_key_and_tampering_fail() {
        let alice = owner(1);
        let record = alice.new_record(U256::from(3), [1; FIELDS]);
        let mut sealed = seal(&record, &alice.public_key()).unwrap();
        assert!(matches!(owner(2).open_record(&sealed, 0), Err(ProverError::Decrypt(_))));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(alice.open_record(&sealed, 0), Err(ProverError::Decrypt(_))));
        // sealed to alice's key but with another owner secret inside
        let bob_record = owner(2).new_record(U256::from(3), [1; FIELDS]);
        let foreign = seal(&bob_record, &alice.public_key()).unwrap();
        assert!(alice.open_record(&foreign, 0).is_err());
    }
}
