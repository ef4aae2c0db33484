//! Deliveries (`circuits/delivery.circom`, `circuits/delivery.md`): a disclosure proof that also
//! proves its public ciphertext is the encryption of the record's 8 values to a pool
//! developer's Baby Jubjub key.
//!
//! - [`babyjubjub`]: the curve in circomlib's coordinates, developer and ephemeral keys, ECDH;
//! - [`cipher`]: the Poseidon width-4 permutation and the duplex encryption;
//! - here: the circuit's 27 public inputs by name ([`DeliveryPublicInputs`]), what a prover is
//!   asked ([`DeliveryRequest`]) and what a developer does with a delivery ([`open_delivery`]).
//!
//! Proofs are made by [`crate::Prover::prove_delivery`].

pub mod babyjubjub;
pub mod cipher;

pub use babyjubjub::{DeliveryPublicKey, DeliverySecretKey, EphemeralSecret, Point, SharedKey};
pub use cipher::{CIPHERTEXT, DecryptError, VALUES, decrypt, encrypt};

use crate::{
    field::{NotInField, to_frs, to_u256},
    inputs::{PublicInputs, PublicSignals},
};
use alloy::primitives::U256;
use ark_bn254::Fr;

/// What can be wrong with a delivery's keys or ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// A public key that is not a point of the prime-order subgroup other than the identity.
    #[error("the {what} ({:#x}, {:#x}) is {reason}", .point[0], .point[1])]
    InvalidPoint {
        /// Which key.
        what: &'static str,
        /// Its (x, y), boxed: every error of the prover carries this variant's size.
        point: Box<[U256; 2]>,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A Baby Jubjub secret outside [1, l).
    #[error("a Baby Jubjub secret key must be in [1, l), l the subgroup order")]
    SecretOutOfRange,
    /// A coordinate or input that is not a field element.
    #[error(transparent)]
    NotInField(#[from] NotInField),
    /// The delivery is encrypted to another developer key than the secret's.
    #[error("the delivery is encrypted to the key ({to_x:#x}, {to_y:#x}), not to this secret's key")]
    WrongKey {
        /// The delivery's key, x.
        to_x: U256,
        /// The delivery's key, y.
        to_y: U256,
    },
    /// A nonce that is not below 2^128 (the circuit refuses it).
    #[error("the delivery's nonce {0:#x} is not below 2^128")]
    Nonce(U256),
    /// The ciphertext does not decrypt.
    #[error(transparent)]
    Decrypt(#[from] DecryptError),
}

/// A delivery to prove: the pool developer's key and the nonce (a fresh ephemeral secret is
/// drawn for every proof, so a constant nonce is safe; see `circuits/delivery.md`, "Limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryRequest {
    /// The pool developer's key (the pool's stored key).
    pub key: DeliveryPublicKey,
    /// The encryption nonce N < 2^128.
    pub nonce: u128,
}

/// The 27 public inputs of `Delivery(8, 20, 64)`, in circuit order (`circuits/delivery.md`):
/// the disclosure's 12, then `deliveryKey[2]`, `ephemeralKey[2]`, `nonce`, `ciphertext[10]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DeliveryPublicInputs {
    /// Inputs 0–11: the disclosure statement, as [`PublicInputs`].
    pub disclosure: PublicInputs,
    /// Inputs 12, 13: P, the developer's key.
    pub delivery_key: [Fr; 2],
    /// Inputs 14, 15: E, the sender's ephemeral key.
    pub ephemeral_key: [Fr; 2],
    /// Input 16: N.
    pub nonce: Fr,
    /// Inputs 17–26: the 9 released elements and the tag.
    pub ciphertext: [Fr; CIPHERTEXT],
}

impl DeliveryPublicInputs {
    /// Number of public inputs.
    pub const COUNT: usize = PublicInputs::COUNT + 2 + 2 + 1 + CIPHERTEXT;

    /// The circuit's signal names, in order (as the `.sym` file names them, without `main.`).
    pub const NAMES: [&'static str; Self::COUNT] = [
        "mode",
        "root",
        "schemaId",
        "issuerSet",
        "fieldIndex",
        "operator",
        "operandA",
        "operandB",
        "scope",
        "nullifier",
        "messageHash",
        "validUntil",
        "deliveryKey[0]",
        "deliveryKey[1]",
        "ephemeralKey[0]",
        "ephemeralKey[1]",
        "nonce",
        "ciphertext[0]",
        "ciphertext[1]",
        "ciphertext[2]",
        "ciphertext[3]",
        "ciphertext[4]",
        "ciphertext[5]",
        "ciphertext[6]",
        "ciphertext[7]",
        "ciphertext[8]",
        "ciphertext[9]",
    ];

    /// The inputs in circuit order.
    pub fn to_array(&self) -> [Fr; Self::COUNT] {
        let mut out = [Fr::from(0u64); Self::COUNT];
        let tail = self.delivery_key.into_iter().chain(self.ephemeral_key).chain([self.nonce]);
        for (slot, v) in
            out.iter_mut().zip(self.disclosure.to_array().into_iter().chain(tail).chain(self.ciphertext))
        {
            *slot = v;
        }
        out
    }

    /// The inputs from an array in circuit order.
    pub fn from_array(a: [Fr; Self::COUNT]) -> Self {
        let n = PublicInputs::COUNT;
        Self {
            disclosure: PublicInputs::from_array(a[..n].try_into().expect("12 inputs")),
            delivery_key: [a[n], a[n + 1]],
            ephemeral_key: [a[n + 2], a[n + 3]],
            nonce: a[n + 4],
            ciphertext: a[n + 5..].try_into().expect("10 inputs"),
        }
    }

    /// `(name, value)` pairs in circuit order.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, Fr)> {
        Self::NAMES.into_iter().zip(self.to_array())
    }

    /// The inputs as the verifier's `uint256[27]`.
    pub fn to_words(&self) -> [U256; Self::COUNT] {
        self.to_array().map(to_u256)
    }

    /// The inputs from `uint256[27]`, refusing any word `>= p` (the verifier would too).
    pub fn from_words(words: &[U256; Self::COUNT]) -> Result<Self, NotInField> {
        Ok(Self::from_array(to_frs(&Self::NAMES, words)?))
    }

    /// E as a point (unchecked: [`DeliverySecretKey::shared_key`] checks it).
    pub fn ephemeral_point(&self) -> Point {
        Point { x: self.ephemeral_key[0], y: self.ephemeral_key[1] }
    }

    /// N as an integer, refused when it is not below 2^128.
    pub fn nonce_u128(&self) -> Result<u128, DeliveryError> {
        let n = to_u256(self.nonce);
        u128::try_from(n).map_err(|_| DeliveryError::Nonce(n))
    }
}

impl PublicSignals for DeliveryPublicInputs {
    const COUNT: usize = Self::COUNT;
    type Words = [U256; Self::COUNT];

    fn signals(&self) -> Vec<Fr> {
        self.to_array().to_vec()
    }

    fn words(&self) -> Self::Words {
        self.to_words()
    }

    fn parse_words(words: &Self::Words) -> Result<Self, NotInField> {
        Self::from_words(words)
    }
}

/// The developer's side: the 8 values of a delivery made to `secret`'s key. Refuses a delivery
/// to another key, an ephemeral key outside the subgroup, a nonce `>= 2^128` and a ciphertext
/// whose tag or padding is wrong. A verified delivery proof guarantees these are the values of
/// the record the disclosure is about.
pub fn open_delivery(
    secret: &DeliverySecretKey,
    inputs: &DeliveryPublicInputs,
) -> Result<[U256; VALUES], DeliveryError> {
    let ours = secret.public_key();
    if inputs.delivery_key != [ours.x(), ours.y()] {
        let [to_x, to_y] = inputs.delivery_key.map(to_u256);
        return Err(DeliveryError::WrongKey { to_x, to_y });
    }
    open_ciphertext(secret, &inputs.ephemeral_point(), inputs.nonce_u128()?, &inputs.ciphertext)
}

/// The values of the ciphertext `ciphertext` sent with ephemeral key `ephemeral` and `nonce` to
/// `secret`'s key (the checks of [`open_delivery`] but the key's).
pub fn open_ciphertext(
    secret: &DeliverySecretKey,
    ephemeral: &Point,
    nonce: u128,
    ciphertext: &[Fr; CIPHERTEXT],
) -> Result<[U256; VALUES], DeliveryError> {
    let key = secret.shared_key(ephemeral)?;
    Ok(decrypt(&key, nonce, ciphertext)?.map(to_u256))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_the_circuits() {
        assert_eq!(DeliveryPublicInputs::COUNT, 27);
        assert_eq!(DeliveryPublicInputs::NAMES[..12], PublicInputs::NAMES);
        let array: [Fr; 27] = std::array::from_fn(|i| Fr::from(i as u64 + 100));
        let inputs = DeliveryPublicInputs::from_array(array);
        assert_eq!(inputs.to_array(), array);
        assert_eq!(inputs.disclosure.valid_until, Fr::from(111u64));
        assert_eq!(inputs.delivery_key, [Fr::from(112u64), Fr::from(113u64)]);
        assert_eq!(inputs.ephemeral_key, [Fr::from(114u64), Fr::from(115u64)]);
        assert_eq!(inputs.nonce, Fr::from(116u64));
        assert_eq!(inputs.ciphertext[0], Fr::from(117u64));
        assert_eq!(inputs.ciphertext[9], Fr::from(126u64));
        let words = inputs.to_words();
        assert_eq!(DeliveryPublicInputs::from_words(&words).unwrap(), inputs);
        let mut too_big = words;
        too_big[20] = crate::field::MODULUS;
        assert_eq!(DeliveryPublicInputs::from_words(&too_big).unwrap_err().what, "ciphertext[3]");
        assert_eq!(inputs.named().nth(16), Some(("nonce", Fr::from(116u64))));
        assert_eq!(inputs.nonce_u128().unwrap(), 116);
        let big = DeliveryPublicInputs { nonce: -Fr::from(1u64), ..inputs };
        assert!(matches!(big.nonce_u128(), Err(DeliveryError::Nonce(_))));
    }

    /// The names are the circuit's public signals, wires 1..=27 of `circuits/build/delivery.sym`.
    #[test]
    fn names_are_the_sym_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let text =
            std::fs::read_to_string(root.join(crate::paths::DELIVERY_SYM)).expect("make circuits first");
        let wires: std::collections::HashMap<&str, i64> = text
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(4, ',');
                let (_, wire, _, name) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
                Some((name, wire.parse().ok()?))
            })
            .collect();
        for (i, name) in DeliveryPublicInputs::NAMES.iter().enumerate() {
            assert_eq!(wires.get(format!("main.{name}").as_str()), Some(&(i as i64 + 1)), "{name}");
        }
    }

    #[test]
    fn a_developer_opens_only_its_deliveries() {
        let secret = DeliverySecretKey::generate();
        let e = EphemeralSecret::generate();
        let values = cipher::tests::record_values();
        let inputs = DeliveryPublicInputs {
            delivery_key: [secret.public_key().x(), secret.public_key().y()],
            ephemeral_key: [e.public_key().x, e.public_key().y],
            nonce: Fr::from(5u64),
            ciphertext: encrypt(&e.shared_key(&secret.public_key()), 5, &values),
            ..DeliveryPublicInputs::default()
        };
        assert_eq!(open_delivery(&secret, &inputs).unwrap(), values.map(to_u256));
        let other = DeliverySecretKey::generate();
        assert!(matches!(open_delivery(&other, &inputs), Err(DeliveryError::WrongKey { .. })));
        let wrong_key =
            DeliveryPublicInputs { delivery_key: [other.public_key().x(), other.public_key().y()], ..inputs };
        let err = open_delivery(&other, &wrong_key).unwrap_err();
        assert_eq!(err, DeliveryError::Decrypt(DecryptError::Tag));
        let mut tampered = inputs;
        tampered.ciphertext[4] += Fr::from(1u64);
        assert_eq!(open_delivery(&secret, &tampered), Err(DeliveryError::Decrypt(DecryptError::Tag)));
        let bad_e = DeliveryPublicInputs { ephemeral_key: [Fr::from(0u64), -Fr::from(1u64)], ..inputs };
        assert!(matches!(open_delivery(&secret, &bad_e), Err(DeliveryError::InvalidPoint { .. })));
    }
}
