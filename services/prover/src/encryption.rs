//! Records encrypted to their owner (stored on-chain in the token) and re-encrypted to a data
//! consumer when the owner shares them: libsodium-compatible sealed boxes (X25519 +
//! XSalsa20-Poly1305, RustCrypto `crypto_box`), keys derived with HKDF-SHA256.
//!
//! Plaintext layout (version 1): `0x01 || schemaId (32) || values (8 x 8, big-endian) ||
//! salt (32) || ownerCommitment (32)`. The owner commitment `Poseidon_1(ownerSecret)` (the
//! wallet's identity) lets a consumer recompute the on-chain commitment (and so check what it
//! was given) without learning the owner's secret; the owner's own copy carries it too, for one
//! format. The owner secret itself is never sealed.
//!
//! The ciphertext is only what its minter wrote: what the registry checked at mint (the schema
//! the issuer registry allowed, the issuer, the expiry) is the token's on-chain record
//! ([`OnChain`]). Whoever turns a ciphertext into a record takes those facts from the chain and
//! refuses a ciphertext that says another schema ([`OwnerKeys::open_record`], [`open_shared`]).

use crate::{
    ProverError,
    field::{from_random_bytes, to_fr, to_u256},
    poseidon::{self, FIELDS},
    record::Record,
};
use alloy::primitives::{Address, U256};
use ark_bn254::Fr;
pub use crypto_box::{PublicKey, SecretKey};
use hkdf::Hkdf;
use rand_core::OsRng;
use sha2::Sha256;

const VERSION: u8 = 1;
const PLAINTEXT_LEN: usize = 1 + 32 + FIELDS * 8 + 32 + 32;
pub(crate) const HKDF_SALT: &[u8] = b"masa zkSBT";

/// What the registry holds about a token beside its ciphertext and checked at mint (from
/// `ZkSBT.record(tokenId)`): the facts a record is reported and proven with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnChain {
    /// The token's schema.
    pub schema_id: U256,
    /// The issuer whose attestation the registry verified (zero: self-attested).
    pub issuer: Address,
    /// The record's expiry (0: never).
    pub expiry: u64,
}

impl OnChain {
    /// Refuses sealed contents that claim another schema than the token's.
    fn check_schema(&self, sealed: U256) -> Result<(), ProverError> {
        if sealed != self.schema_id {
            return Err(ProverError::SchemaMismatch { sealed, on_chain: self.schema_id });
        }
        Ok(())
    }
}

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

    /// The wallet's identity commitment `Poseidon_1(ownerSecret)` (`MintRequest.identity`).
    pub fn identity(&self) -> Result<U256, ProverError> {
        Ok(to_u256(poseidon::identity(to_fr("ownerSecret", self.owner_secret)?)))
    }

    /// A new self-attested, never-expiring record for this owner with a fresh random salt
    /// (set `issuer` and `expiry` to what the mint will carry).
    pub fn new_record(&self, schema_id: U256, values: [u64; FIELDS]) -> Record {
        let mut salt = [0u8; 32];
        rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
        Record {
            schema_id,
            values,
            salt: to_u256(from_random_bytes(&salt)),
            owner_secret: self.owner_secret,
            issuer: Address::ZERO,
            expiry: 0,
        }
    }

    /// Decrypts a record sealed to this owner and checks it is this owner's (its identity).
    fn open_own(&self, ciphertext: &[u8]) -> Result<SharedRecord, ProverError> {
        let sealed = open(&self.encryption, ciphertext)?;
        if sealed.owner_commitment != self.identity()? {
            return Err(ProverError::Decrypt("the record belongs to another owner secret".into()));
        }
        Ok(sealed)
    }

    /// Decrypts the record of a token sealed to this owner, restoring its owner secret, with
    /// the token's on-chain issuer and expiry (they are not sealed). Refuses a ciphertext whose
    /// schema is not the token's ([`ProverError::SchemaMismatch`]): the registry checked the
    /// on-chain one, and the leaf binds it.
    pub fn open_record(&self, ciphertext: &[u8], on_chain: &OnChain) -> Result<Record, ProverError> {
        let sealed = self.open_own(ciphertext)?;
        on_chain.check_schema(sealed.schema_id)?;
        Ok(Record {
            schema_id: on_chain.schema_id,
            values: sealed.values,
            salt: sealed.salt,
            owner_secret: self.owner_secret,
            issuer: on_chain.issuer,
            expiry: on_chain.expiry,
        })
    }
}

/// A record as a consumer sees it: everything but the owner's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRecord {
    /// Schema id, as sealed (compare with the token's: [`open_shared`] does).
    pub schema_id: U256,
    /// The fields.
    pub values: [u64; FIELDS],
    /// The record's salt.
    pub salt: U256,
    /// `Poseidon_1(ownerSecret)`: the owner wallet's identity.
    pub owner_commitment: U256,
}

impl SharedRecord {
    /// The on-chain commitment these contents correspond to: compare it with the token's.
    pub fn commitment(&self) -> Result<U256, ProverError> {
        Ok(to_u256(poseidon::commitment_of_identity(
            to_fr("schemaId", self.schema_id)?,
            &self.values,
            to_fr("salt", self.salt)?,
            to_fr("ownerCommitment", self.owner_commitment)?,
        )))
    }

    /// The token's leaf these contents correspond to, with its on-chain facts.
    pub fn leaf(&self, on_chain: &OnChain) -> Result<U256, ProverError> {
        Ok(to_u256(poseidon::leaf(
            to_fr("commitment", self.commitment()?)?,
            to_fr("schemaId", on_chain.schema_id)?,
            on_chain.issuer,
            on_chain.expiry,
            to_fr("ownerCommitment", self.owner_commitment)?,
        )))
    }
}

/// Seals `record` to `recipient` (its owner's key for storage, a consumer's key to share).
/// The owner secret is not sealed, only its commitment.
pub fn seal(record: &Record, recipient: &PublicKey) -> Result<Vec<u8>, ProverError> {
    let contents = SharedRecord {
        schema_id: record.schema_id,
        values: record.values,
        salt: record.salt,
        owner_commitment: to_u256(record.identity()?),
    };
    seal_shared(&contents, recipient)
}

/// Seals a record's contents (no secret needed) to `recipient`.
fn seal_shared(contents: &SharedRecord, recipient: &PublicKey) -> Result<Vec<u8>, ProverError> {
    let mut plain = Vec::with_capacity(PLAINTEXT_LEN);
    plain.push(VERSION);
    plain.extend_from_slice(&contents.schema_id.to_be_bytes::<32>());
    for v in contents.values {
        plain.extend_from_slice(&v.to_be_bytes());
    }
    plain.extend_from_slice(&contents.salt.to_be_bytes::<32>());
    plain.extend_from_slice(&contents.owner_commitment.to_be_bytes::<32>());
    recipient.seal(&mut OsRng, &plain).map_err(|_| ProverError::Decrypt("sealing failed".into()))
}

/// Opens a sealed record with `key`, as sealed: nothing is checked against a token (a consumer
/// should use [`open_shared`]).
pub fn open(key: &SecretKey, ciphertext: &[u8]) -> Result<SharedRecord, ProverError> {
    let plain = key.unseal(ciphertext).map_err(|_| {
        ProverError::Decrypt("cannot decrypt: not sealed to this key, or the ciphertext was altered".into())
    })?;
    if plain.len() != PLAINTEXT_LEN || plain.first() != Some(&VERSION) {
        return Err(ProverError::Decrypt(format!(
            "unknown record format (version {:?}, {} bytes)",
            plain.first(),
            plain.len()
        )));
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

/// Opens a record shared with a consumer (`key`) and checks it against its token: the schema
/// must be the on-chain one ([`ProverError::SchemaMismatch`]) and the contents must hash to the
/// token's `commitment` ([`ProverError::CommitmentMismatch`]). What the consumer then knows
/// of the record's attestation is `on_chain` (issuer, expiry), never the ciphertext.
pub fn open_shared(
    key: &SecretKey,
    ciphertext: &[u8],
    on_chain: &OnChain,
    commitment: U256,
) -> Result<SharedRecord, ProverError> {
    let shared = open(key, ciphertext)?;
    on_chain.check_schema(shared.schema_id)?;
    let computed = shared.commitment()?;
    if computed != commitment {
        return Err(ProverError::CommitmentMismatch { shared: computed, on_chain: commitment });
    }
    Ok(shared)
}

/// Re-encrypts a record the owner holds (sealed to them) to a consumer's public key. The
/// consumer gets the sealed contents (schema, values, salt, the owner's identity), never the
/// owner secret.
pub fn share(owner: &OwnerKeys, ciphertext: &[u8], consumer: &PublicKey) -> Result<Vec<u8>, ProverError> {
    seal_shared(&owner.open_own(ciphertext)?, consumer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::to_u256;

    fn owner(n: u8) -> OwnerKeys {
        OwnerKeys::derive(&[n; 32])
    }

    fn on_chain(record: &Record) -> OnChain {
        OnChain { schema_id: record.schema_id, issuer: record.issuer, expiry: record.expiry }
    }

    #[test]
    fn derivation_is_deterministic_and_separated() {
        let (a, b) = (owner(1), owner(2));
        assert_eq!(a.owner_secret, owner(1).owner_secret);
        assert_eq!(a.public_key(), owner(1).public_key());
        assert_ne!(a.owner_secret, b.owner_secret);
        assert_ne!(a.encryption.to_bytes().as_slice(), &a.owner_secret.to_be_bytes::<32>()[..]);
        assert!(a.owner_secret < crate::field::MODULUS);
        let record = a.new_record(U256::from(1), [0; FIELDS]);
        assert_eq!(a.identity().unwrap(), to_u256(record.identity().unwrap()));
        assert_eq!((record.issuer, record.expiry), (Address::ZERO, 0));
    }

    #[test]
    fn the_owner_opens_with_the_on_chain_facts() {
        let alice = owner(1);
        let mut record = alice.new_record(U256::from(3), [720, 1, 2, 3, 4, 5, 6, u64::MAX]);
        record.issuer = Address::repeat_byte(0xb0);
        record.expiry = 2_000_000_000;
        let sealed = seal(&record, &alice.public_key()).unwrap();
        assert_eq!(sealed.len(), PLAINTEXT_LEN + 48);
        assert_eq!(alice.open_record(&sealed, &on_chain(&record)).unwrap(), record);

        // issuer and expiry come from the chain, not from the ciphertext
        let other = OnChain { issuer: Address::repeat_byte(1), expiry: 5, ..on_chain(&record) };
        let opened = alice.open_record(&sealed, &other).unwrap();
        assert_eq!((opened.issuer, opened.expiry), (other.issuer, other.expiry));

        // a ciphertext claiming another schema than the token's is refused, naming both
        let lie = OnChain { schema_id: U256::from(1), ..on_chain(&record) };
        let err = alice.open_record(&sealed, &lie).unwrap_err();
        assert!(
            matches!(err, ProverError::SchemaMismatch { sealed, on_chain } if sealed == U256::from(3) && on_chain == U256::from(1)),
            "{err}"
        );
        let text = err.to_string();
        assert!(text.contains("schema 3") && text.contains("on-chain schema 1"), "{text}");
    }

    #[test]
    fn consumers_get_no_secret_and_check_the_token() {
        let alice = owner(1);
        let mut record = alice.new_record(U256::from(3), [720, 1, 2, 3, 4, 5, 6, u64::MAX]);
        record.issuer = Address::repeat_byte(0xb0);
        let sealed = seal(&record, &alice.public_key()).unwrap();
        let consumer = SecretKey::from_bytes([9; 32]);
        let shared = share(&alice, &sealed, &consumer.public_key()).unwrap();

        // the plaintext the consumer decrypts holds the identity, never the owner secret
        let plain = consumer.unseal(&shared).unwrap();
        let secret = alice.owner_secret.to_be_bytes::<32>();
        assert!(!plain.windows(32).any(|w| w == secret), "the owner secret is in the shared plaintext");
        assert!(plain.windows(32).any(|w| w == alice.identity().unwrap().to_be_bytes::<32>()));

        let commitment = to_u256(record.commitment().unwrap());
        let seen = open_shared(&consumer, &shared, &on_chain(&record), commitment).unwrap();
        assert_eq!(seen.values, record.values);
        assert_eq!(seen.commitment().unwrap(), commitment);
        assert_eq!(seen.leaf(&on_chain(&record)).unwrap(), to_u256(record.leaf().unwrap()));
        let lie = OnChain { schema_id: U256::from(2), ..on_chain(&record) };
        assert!(matches!(
            open_shared(&consumer, &shared, &lie, commitment),
            Err(ProverError::SchemaMismatch { .. })
        ));
        assert!(matches!(
            open_shared(&consumer, &shared, &on_chain(&record), commitment + U256::from(1)),
            Err(ProverError::CommitmentMismatch { .. })
        ));
        // only the owner can share
        assert!(share(&owner(2), &sealed, &consumer.public_key()).is_err());
    }

    #[test]
    fn wrong_key_and_tampering_fail() {
        let alice = owner(1);
        let record = alice.new_record(U256::from(3), [1; FIELDS]);
        let facts = on_chain(&record);
        let mut sealed = seal(&record, &alice.public_key()).unwrap();
        assert!(matches!(owner(2).open_record(&sealed, &facts), Err(ProverError::Decrypt(_))));
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        assert!(matches!(alice.open_record(&sealed, &facts), Err(ProverError::Decrypt(_))));
        // sealed to alice's key but with another owner secret inside
        let bob_record = owner(2).new_record(U256::from(3), [1; FIELDS]);
        let foreign = seal(&bob_record, &alice.public_key()).unwrap();
        assert!(alice.open_record(&foreign, &facts).is_err());
        assert!(share(&alice, &foreign, &alice.public_key()).is_err());
    }
}
