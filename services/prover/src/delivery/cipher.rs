//! The Poseidon duplex encryption of `circuits/delivery.md` ("PoseidonEncrypt(K, N, m)",
//! Khovratovich's construction as zk-kit's poseidon-cipher and MACI implement it, with the
//! padding always checked), for 8 values: 3 blocks of 3 rate elements and a tag, 10 elements.

use super::babyjubjub::SharedKey;
use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use light_poseidon::{PoseidonParameters, parameters::bn254_x5};
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// Width of the permutation: 1 capacity element and 3 rate elements.
pub const WIDTH: usize = 4;
/// Number of values a delivery carries (the record's fields).
pub const VALUES: usize = crate::poseidon::FIELDS;
/// Rate elements per block.
const RATE: usize = WIDTH - 1;
/// Blocks: `ceil(VALUES / RATE)`.
const BLOCKS: usize = VALUES.div_ceil(RATE);
/// Elements of a ciphertext: the padded blocks and the tag.
pub const CIPHERTEXT: usize = BLOCKS * RATE + 1;

/// Why a ciphertext does not decrypt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    /// The tag is not the one the key and nonce give: another key, nonce or a tampered element.
    #[error("the delivery's tag does not match: wrong key or nonce, or a tampered ciphertext")]
    Tag,
    /// The tag matches but the padding element is not zero (a ciphertext no honest sender makes).
    #[error("the delivery's padding element is not zero")]
    Padding,
}

/// circomlib's width-4 Poseidon parameters (8 full rounds, 56 partial rounds), from
/// light-poseidon.
fn parameters() -> &'static PoseidonParameters<Fr> {
    static PARAMS: OnceLock<PoseidonParameters<Fr>> = OnceLock::new();
    PARAMS.get_or_init(|| {
        bn254_x5::get_poseidon_parameters::<Fr>(WIDTH as u8).expect("light-poseidon has width 4")
    })
}

/// The Poseidon permutation π of width 4 with circomlib's constants, on the whole state:
/// `Poseidon_3(a, b, c) = π(0, a, b, c)[0]`.
///
/// Written here (a short loop over light-poseidon's parameters, the same rounds as its
/// `Poseidon::hash`) because light-poseidon only returns `state[0]` of the permuted state and
/// the duplex reads the rate elements.
pub fn permute(state: &mut [Fr; WIDTH]) {
    let p = parameters();
    let half = p.full_rounds / 2;
    for round in 0..p.full_rounds + p.partial_rounds {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.ark[round * WIDTH + i];
        }
        let sbox = |x: Fr| x.square().square() * x; // x^5
        if round < half || round >= half + p.partial_rounds {
            for s in state.iter_mut() {
                *s = sbox(*s);
            }
        } else {
            state[0] = sbox(state[0]);
        }
        let s = *state;
        for (i, out) in state.iter_mut().enumerate() {
            *out = s.iter().zip(&p.mds[i]).map(|(a, m)| *a * m).sum();
        }
    }
}

/// The initial state `(0, k0, k1, N + L·2^128)`.
fn initial_state(key: &SharedKey, nonce: u128) -> [Fr; WIDTH] {
    let two_128 = Fr::from(2u64).pow([128]);
    let [k0, k1] = key.elements();
    [Fr::zero(), k0, k1, Fr::from(nonce) + Fr::from(VALUES as u64) * two_128]
}

/// `PoseidonEncrypt(K, N, values)`: the 9 released elements (8 values + 1 padding zero) and
/// the tag.
pub fn encrypt(key: &SharedKey, nonce: u128, values: &[Fr; VALUES]) -> [Fr; CIPHERTEXT] {
    // the state holds the key and, like `padded`, the plaintext: wiped when dropped
    let mut padded = Zeroizing::new([Fr::zero(); BLOCKS * RATE]);
    padded[..VALUES].copy_from_slice(values);
    let mut state = Zeroizing::new(initial_state(key, nonce));
    let mut c = [Fr::zero(); CIPHERTEXT];
    for i in 0..BLOCKS {
        permute(&mut state);
        for j in 0..RATE {
            state[1 + j] += padded[RATE * i + j];
            c[RATE * i + j] = state[1 + j];
        }
    }
    permute(&mut state);
    c[BLOCKS * RATE] = state[1];
    c
}

/// The inverse of [`encrypt`]: the values, if the tag is the key's and the padding is zero.
pub fn decrypt(
    key: &SharedKey,
    nonce: u128,
    ciphertext: &[Fr; CIPHERTEXT],
) -> Result<[Fr; VALUES], DecryptError> {
    let mut state = Zeroizing::new(initial_state(key, nonce));
    let mut padded = Zeroizing::new([Fr::zero(); BLOCKS * RATE]);
    for i in 0..BLOCKS {
        permute(&mut state);
        for j in 0..RATE {
            let c = ciphertext[RATE * i + j];
            padded[RATE * i + j] = c - state[1 + j];
            state[1 + j] = c;
        }
    }
    permute(&mut state);
    if ciphertext[BLOCKS * RATE] != state[1] {
        return Err(DecryptError::Tag);
    }
    if padded[VALUES..].iter().any(|m| !m.is_zero()) {
        return Err(DecryptError::Padding);
    }
    Ok(padded[..VALUES].try_into().expect("VALUES elements"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{
        delivery::babyjubjub::{DeliverySecretKey, EphemeralSecret},
        field::{to_fr, to_u256},
    };
    use alloy::primitives::U256;
    use light_poseidon::{Poseidon, PoseidonHasher};

    fn fr(hex: &str) -> Fr {
        to_fr("x", hex.parse::<U256>().unwrap()).unwrap()
    }

    /// The record of circuits/delivery.md's vectors.
    pub(crate) fn record_values() -> [Fr; VALUES] {
        [720, 400, 1_700_000_000, 3, 0, u64::MAX, 42, 99_999].map(Fr::from)
    }

    /// `c` of circuits/delivery.md.
    pub(crate) const VECTOR_C: [&str; CIPHERTEXT] = [
        "0x055572f5ca568ed0cf66927a88635b7b6fedaaecdad228a9e4c768b3a00fed91",
        "0x1d705ffd91f0122b779f080e9aeee1fbc30cb58f8af97d9cf70c06828b518dba",
        "0x1b4bd72b7483252c9211e3e35d440bc86a7ed8d94d41b10cdbddac19f079291b",
        "0x300174d2f08719b0f2405ae2c092449778226bcfc630918c08e99331e1651514",
        "0x178cc73685dafa443671dfaa5a8c4771c80fb083e5a95572fa2c0d3390492d5b",
        "0x1dea6eee4dffaee27a0ff3c3dd536ec458d75a82a186c538e14888e9020e8ba9",
        "0x1f9f7d8028ab22d6f6526f0424f51e30e1cc04edc70481f7a83209848741467f",
        "0x2d1015fb8843a35f70754023fd9927c5616d88843e92d2ae64cd70cceb8201a3",
        "0x304762780f1ff4bd1660aa45b660dcfd8a47fdfafb449893222b824899a2f63b",
        "0x03f719bdb6b4ee883c1cade96c42ce5e216512352037bf48d96b587fc36ef88e",
    ];
    /// N of circuits/delivery.md.
    pub(crate) const VECTOR_N: u128 = 0x5eed_0000_0000_0000_0000_0000_0000_0001;
    /// p and e of circuits/delivery.md.
    pub(crate) const VECTOR_P: &str = "0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d";
    pub(crate) const VECTOR_E: &str = "0x03e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d";

    #[test]
    fn the_permutation_is_circomlibs() {
        let mut state = [0u64, 1, 2, 3].map(Fr::from);
        permute(&mut state);
        assert_eq!(state[0], fr("0x0e7732d89e6939c0ff03d5e58dab6302f3230e269dc5b968f725df34ab36d732"));
        let hash = Poseidon::<Fr>::new_circom(3).unwrap().hash(&[1u64, 2, 3].map(Fr::from)).unwrap();
        assert_eq!(state[0], hash, "π(0, 1, 2, 3)[0] = Poseidon_3(1, 2, 3)");
        let p = parameters();
        assert_eq!((p.full_rounds, p.partial_rounds, p.width, p.alpha), (8, 56, 4, 5));
    }

    /// The ciphertext of circuits/delivery.md, bit for bit, and back.
    #[test]
    fn the_vectors_of_delivery_md() {
        let p = DeliverySecretKey::from_u256(VECTOR_P.parse().unwrap()).unwrap();
        let e = EphemeralSecret::from_u256(VECTOR_E.parse().unwrap()).unwrap();
        let key = e.shared_key(&p.public_key());
        let c = encrypt(&key, VECTOR_N, &record_values());
        assert_eq!(c.map(|x| format!("{:#066x}", to_u256(x))), VECTOR_C);
        let developer = p.shared_key(&e.public_key()).unwrap();
        assert_eq!(decrypt(&developer, VECTOR_N, &c), Ok(record_values()));
    }

    #[test]
    fn decryption_refuses_what_was_not_encrypted_so() {
        let p = DeliverySecretKey::generate();
        let e = EphemeralSecret::generate();
        let key = e.shared_key(&p.public_key());
        let values = record_values();
        let c = encrypt(&key, 7, &values);
        assert_eq!(decrypt(&key, 7, &c), Ok(values));
        // another developer, another nonce
        let other = DeliverySecretKey::generate().shared_key(&e.public_key()).unwrap();
        assert_eq!(decrypt(&other, 7, &c), Err(DecryptError::Tag));
        assert_eq!(decrypt(&key, 8, &c), Err(DecryptError::Tag));
        // any element tampered
        for i in 0..CIPHERTEXT {
            let mut bad = c;
            bad[i] += Fr::from(1u64);
            assert_eq!(decrypt(&key, 7, &bad), Err(DecryptError::Tag), "element {i}");
        }
        // a padding element of 1 with a valid tag (what `encrypt` of 9 values would release)
        let mut state = initial_state(&key, 7);
        let mut forged = [Fr::zero(); CIPHERTEXT];
        let mut padded = [Fr::zero(); BLOCKS * RATE];
        padded[..VALUES].copy_from_slice(&values);
        padded[VALUES] = Fr::from(1u64);
        for i in 0..BLOCKS {
            permute(&mut state);
            for j in 0..RATE {
                state[1 + j] += padded[RATE * i + j];
                forged[RATE * i + j] = state[1 + j];
            }
        }
        permute(&mut state);
        forged[BLOCKS * RATE] = state[1];
        assert_eq!(decrypt(&key, 7, &forged), Err(DecryptError::Padding));
        // the extreme nonces
        for nonce in [0, u128::MAX] {
            assert_eq!(decrypt(&key, nonce, &encrypt(&key, nonce, &values)), Ok(values));
        }
    }
}
