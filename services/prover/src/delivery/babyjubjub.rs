//! circomlib's Baby Jubjub (ERC-2494) and the delivery's key agreement (ECDH), in circomlib's
//! coordinates: the twisted Edwards curve `a·x² + y² = 1 + d·x²·y²`, a = 168700, d = 168696,
//! over the BN254 scalar field, whose prime-order subgroup (order l, cofactor 8) `Base8`
//! generates.
//!
//! The group law and scalar multiplications are arkworks' (`ark-ed-on-bn254`). That crate
//! writes the same curve in the isomorphic form `x² + y² = 1 + (d/a)·x²·y²` (a = 1, with its
//! own generator), so a point crosses between the two through `φ(x, y) = (x·√a, y)`:
//! `a·x² = (√a·x)²` and `d·x²·y² = (d/a)·(√a·x)²·y²`. φ is a group isomorphism (it maps the
//! identity (0, 1) to itself and the addition law of one form onto the other's), so
//! `φ⁻¹(k·φ(P)) = k·P` for every point and scalar; the tests check Base8 and the vectors of
//! `circuits/delivery.md` through it.

use super::DeliveryError;
use crate::field::{to_fr, to_u256};
use alloy::primitives::U256;
use ark_bn254::Fr;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ed_on_bn254::{EdwardsAffine, Fr as Scalar};
use ark_ff::{AdditiveGroup, BigInteger, Field, MontFp, PrimeField, UniformRand, Zero};
use rand_core::{CryptoRng, OsRng, RngCore};
use zeroize::Zeroize;

/// circomlib's `a`.
pub const A: u64 = 168_700;
/// circomlib's `d`.
pub const D: u64 = 168_696;

/// √a in the BN254 scalar field (the root `Field::sqrt` returns; either root makes φ an
/// isomorphism, and the same one is used both ways). Tested: `SQRT_A² = a`.
const SQRT_A: Fr = MontFp!("7214280148105020021932206872019688659210616427216992810330019057549499971851");
/// `SQRT_A⁻¹` (tested).
const SQRT_A_INV: Fr =
    MontFp!("2957874849018779266517920829765869116077630550401372566248359756137677864698");

/// A point of Baby Jubjub in circomlib's coordinates (what the circuit's signals hold). Any
/// pair of field elements; [`Point::is_on_curve`] and [`Point::is_in_subgroup`] say whether it
/// is a curve point and of the prime-order subgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Point {
    /// x.
    pub x: Fr,
    /// y.
    pub y: Fr,
}

/// circomlib's `Base8` (`babyjub.circom`, ERC-2494's `B`): the generator of the subgroup of
/// order l.
pub const BASE8: Point = Point {
    x: MontFp!("5299619240641551281634865583518297030282874472190772894086521144482721001553"),
    y: MontFp!("16950150798460657717958625567821834550301663161624707787222815936182638968203"),
};

impl Point {
    /// The identity (0, 1).
    pub const IDENTITY: Self = Self { x: Fr::ZERO, y: Fr::ONE };

    /// The point in arkworks' form (unchecked: φ of any pair).
    fn to_ark(self) -> EdwardsAffine {
        EdwardsAffine::new_unchecked(self.x * SQRT_A, self.y)
    }

    /// The point of arkworks' form in circomlib's coordinates.
    fn from_ark(p: EdwardsAffine) -> Self {
        match p.xy() {
            Some((x, y)) => Self { x: x * SQRT_A_INV, y },
            None => Self::IDENTITY,
        }
    }

    /// Whether `a·x² + y² = 1 + d·x²·y²`, checked in circomlib's form (the equation of the
    /// circuit's `BabyCheck`).
    pub fn is_on_curve(&self) -> bool {
        let (x2, y2) = (self.x.square(), self.y.square());
        Fr::from(A) * x2 + y2 == Fr::ONE + Fr::from(D) * x2 * y2
    }

    /// Whether the point, on the curve, is in the subgroup of order l (`l·P = O`).
    pub fn is_in_subgroup(&self) -> bool {
        self.is_on_curve() && self.to_ark().is_in_correct_subgroup_assuming_on_curve()
    }

    /// Whether this is the identity (0, 1).
    pub fn is_identity(&self) -> bool {
        *self == Self::IDENTITY
    }

    /// `k·self` (for a curve point).
    pub fn mul(&self, k: &Scalar) -> Self {
        Self::from_ark((self.to_ark() * k).into_affine())
    }

    /// The coordinates as `uint256`s.
    pub fn to_words(&self) -> [U256; 2] {
        [to_u256(self.x), to_u256(self.y)]
    }

    /// A point that is on the curve, in the prime-order subgroup and not the identity: what a
    /// public key must be (a small-order or mixed-order key would give a guessable or
    /// leaking shared key). `what` names it in the error.
    pub fn checked(x: Fr, y: Fr, what: &'static str) -> Result<Self, DeliveryError> {
        let point = Self { x, y };
        let reason = if !point.is_on_curve() {
            "not on Baby Jubjub"
        } else if !point.is_in_subgroup() {
            "not in the prime-order subgroup (small or mixed order)"
        } else if point.is_identity() {
            "the identity"
        } else {
            return Ok(point);
        };
        Err(DeliveryError::InvalidPoint { what, point: Box::new([to_u256(x), to_u256(y)]), reason })
    }
}

/// The order l of the subgroup `Base8` generates (the scalars' modulus, < 2^251).
pub fn subgroup_order() -> U256 {
    U256::from_be_slice(&Scalar::MODULUS.to_bytes_be())
}

/// A uniformly random scalar in [1, l).
fn random_scalar<R: RngCore + CryptoRng>(rng: &mut R) -> Scalar {
    loop {
        let k = Scalar::rand(rng);
        if !k.is_zero() {
            return k;
        }
    }
}

fn scalar_to_u256(k: &Scalar) -> U256 {
    U256::from_be_slice(&k.into_bigint().to_bytes_be())
}

/// A scalar in [1, l) from its integer, else `None`.
fn scalar_from_u256(value: U256) -> Option<Scalar> {
    if value.is_zero() || value >= subgroup_order() {
        return None;
    }
    Some(Scalar::from_be_bytes_mod_order(&value.to_be_bytes::<32>()))
}

/// A pool developer's secret key p ∈ [1, l): it decrypts the deliveries made to
/// [`DeliverySecretKey::public_key`]. Never printed (`Debug` shows no digit of it), erased from
/// memory when dropped.
pub struct DeliverySecretKey(Scalar);

impl std::fmt::Debug for DeliverySecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeliverySecretKey(<secret>)")
    }
}

impl Drop for DeliverySecretKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl DeliverySecretKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self::random(&mut OsRng)
    }

    /// A fresh key from `rng` (uniform in [1, l)).
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        Self(random_scalar(rng))
    }

    /// The key a wallet derives from its private key `seed`: HKDF-SHA256 with the zkSBT owner
    /// keys' salt and a label of its own, 64 bytes reduced modulo l (negligible bias; 0, with
    /// probability 2⁻²⁵¹, becomes 1). So a developer's wallet alone decrypts its pools'
    /// deliveries, and no file ever holds this key.
    pub fn derive(seed: &[u8; 32]) -> Self {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(crate::encryption::HKDF_SALT), seed);
        let mut wide = [0u8; 64];
        hk.expand(b"masa pool delivery key v1", &mut wide).expect("64 bytes is a valid HKDF length");
        let k = Scalar::from_be_bytes_mod_order(&wide);
        wide.zeroize();
        Self(if k.is_zero() { Scalar::ONE } else { k })
    }

    /// The key whose integer is `secret`; refuses 0 and anything `>= l`.
    pub fn from_u256(secret: U256) -> Result<Self, DeliveryError> {
        scalar_from_u256(secret).map(Self).ok_or(DeliveryError::SecretOutOfRange)
    }

    /// The secret's integer (to store it: treat it as a private key).
    pub fn to_u256(&self) -> U256 {
        scalar_to_u256(&self.0)
    }

    /// `P = p·Base8`.
    pub fn public_key(&self) -> DeliveryPublicKey {
        DeliveryPublicKey(BASE8.mul(&self.0))
    }

    /// The shared key `K = p·E` of a delivery whose ephemeral key is `ephemeral` (checked on
    /// the curve, in the subgroup, not the identity).
    pub fn shared_key(&self, ephemeral: &Point) -> Result<SharedKey, DeliveryError> {
        let e = Point::checked(ephemeral.x, ephemeral.y, "ephemeral key")?;
        Ok(SharedKey::from_point(&e.mul(&self.0)))
    }
}

/// A pool developer's public key `P = p·Base8`: a point of the prime-order subgroup other than
/// the identity (every constructor checks it, as the circuit does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryPublicKey(Point);

impl DeliveryPublicKey {
    /// The key `(x, y)`, refused unless it is on the curve, in the prime-order subgroup and not
    /// the identity.
    pub fn new(x: Fr, y: Fr) -> Result<Self, DeliveryError> {
        Point::checked(x, y, "delivery key").map(Self)
    }

    /// The key from its two `uint256` coordinates (each below p, then as [`Self::new`]).
    pub fn from_words(x: U256, y: U256) -> Result<Self, DeliveryError> {
        Self::new(to_fr("deliveryKey[0]", x)?, to_fr("deliveryKey[1]", y)?)
    }

    /// The point.
    pub fn point(&self) -> Point {
        self.0
    }

    /// x.
    pub fn x(&self) -> Fr {
        self.0.x
    }

    /// y.
    pub fn y(&self) -> Fr {
        self.0.y
    }

    /// `[x, y]` as `uint256`s (the circuit's `deliveryKey`).
    pub fn to_words(&self) -> [U256; 2] {
        self.0.to_words()
    }

    /// `P8 = (8⁻¹ mod l)·P`, the circuit's private `deliveryKeyDiv8` (`8·P8 = P`).
    pub fn div8(&self) -> Point {
        let inv8 = Scalar::from(8u64).inverse().expect("8 is invertible mod l");
        self.0.mul(&inv8)
    }
}

impl TryFrom<[U256; 2]> for DeliveryPublicKey {
    type Error = DeliveryError;

    fn try_from([x, y]: [U256; 2]) -> Result<Self, DeliveryError> {
        Self::from_words(x, y)
    }
}

impl From<DeliveryPublicKey> for [U256; 2] {
    fn from(key: DeliveryPublicKey) -> Self {
        key.to_words()
    }
}

impl serde::Serialize for DeliveryPublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_words().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for DeliveryPublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let words = <[U256; 2]>::deserialize(d)?;
        Self::try_from(words).map_err(serde::de::Error::custom)
    }
}

/// The sender's ephemeral secret e ∈ [1, l), one per delivery: `E = e·Base8` is published,
/// `e·P` is the key. Never printed, erased when dropped.
pub struct EphemeralSecret(Scalar);

impl std::fmt::Debug for EphemeralSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EphemeralSecret(<secret>)")
    }
}

impl Drop for EphemeralSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl EphemeralSecret {
    /// A fresh secret from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self::random(&mut OsRng)
    }

    /// A fresh secret from `rng` (uniform in [1, l)).
    pub fn random<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        Self(random_scalar(rng))
    }

    /// The secret whose integer is `e`; refuses 0 and anything `>= l` (tests and vectors; a
    /// delivery draws a fresh one).
    pub fn from_u256(e: U256) -> Result<Self, DeliveryError> {
        scalar_from_u256(e).map(Self).ok_or(DeliveryError::SecretOutOfRange)
    }

    /// e as an integer (the circuit's private `ephemeralSecret`).
    pub fn to_u256(&self) -> U256 {
        scalar_to_u256(&self.0)
    }

    /// `E = e·Base8`.
    pub fn public_key(&self) -> Point {
        BASE8.mul(&self.0)
    }

    /// The shared key `K = e·P` for the developer key `to`.
    pub fn shared_key(&self, to: &DeliveryPublicKey) -> SharedKey {
        SharedKey::from_point(&to.0.mul(&self.0))
    }
}

/// The duplex key `K = (S.x, S.y)` of a delivery, `S = e·P = p·E`: whoever holds it reads the
/// delivery. Never printed, erased when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedKey(pub(crate) [Fr; 2]);

impl std::fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedKey(<secret>)")
    }
}

impl Drop for SharedKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SharedKey {
    /// `K = (S.x, S.y)` (no hash: the duplex's first permutation derives the keystream).
    pub fn from_point(s: &Point) -> Self {
        Self([s.x, s.y])
    }

    /// `[k0, k1]`.
    pub fn elements(&self) -> [Fr; 2] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::twisted_edwards::TECurveConfig;
    use ark_ed_on_bn254::EdwardsConfig;

    fn word(hex: &str) -> U256 {
        hex.parse().unwrap()
    }

    fn point(x: &str, y: &str) -> Point {
        Point { x: to_fr("x", word(x)).unwrap(), y: to_fr("y", word(y)).unwrap() }
    }

    /// One wallet, one key; another wallet, another; and the owner keys' derivation of the same
    /// seed shares nothing with it (distinct labels).
    #[test]
    fn a_wallet_derives_its_delivery_key() {
        let (a, b) = ([7u8; 32], [8u8; 32]);
        assert_eq!(DeliverySecretKey::derive(&a).public_key(), DeliverySecretKey::derive(&a).public_key());
        assert_ne!(DeliverySecretKey::derive(&a).public_key(), DeliverySecretKey::derive(&b).public_key());
        let key = DeliverySecretKey::derive(&a);
        assert!(key.to_u256() > U256::ZERO && key.to_u256() < subgroup_order());
        assert_ne!(key.to_u256(), crate::encryption::OwnerKeys::derive(&a).owner_secret);
    }

    /// The isomorphism's constants, and Base8: on circomlib's curve, of order l (not 1), and on
    /// arkworks' curve once mapped.
    #[test]
    fn base8_generates_the_prime_order_subgroup() {
        assert_eq!(SQRT_A.square(), Fr::from(A));
        assert_eq!(SQRT_A * SQRT_A_INV, Fr::ONE);
        assert_eq!(Fr::from(A).sqrt().map(|r| r == SQRT_A || r == -SQRT_A), Some(true));
        assert_eq!(EdwardsConfig::COEFF_A, Fr::ONE, "arkworks' form has a = 1");
        assert_eq!(EdwardsConfig::COEFF_D, Fr::from(D) / Fr::from(A), "and d' = d/a");
        assert!(BASE8.is_on_curve());
        assert!(BASE8.to_ark().is_on_curve());
        assert!(BASE8.is_in_subgroup());
        assert!(!BASE8.is_identity());
        // l·Base8 = O computed by hand (double-and-add over the bits of l), not only by arkworks
        let l = subgroup_order();
        assert_eq!(
            l,
            "2736030358979909402780800718157159386076813972158567259200215660948447373041"
                .parse::<U256>()
                .unwrap()
        );
        let mut acc = EdwardsAffine::zero().into_group();
        for i in (0..256).rev() {
            acc = acc + acc;
            if l.bit(i) {
                acc += BASE8.to_ark();
            }
        }
        assert!(acc.is_zero(), "l·Base8 = O");
        // a is a square, d is not (the addition law is complete: delivery.md, point 3)
        assert!(Fr::from(A).legendre().is_qr());
        assert!(!Fr::from(D).legendre().is_qr());
        // the map is a homomorphism on a sum computed in circomlib's formulas
        let (p, q) = (BASE8.mul(&Scalar::from(3u64)), BASE8.mul(&Scalar::from(5u64)));
        let (x1, y1, x2, y2) = (p.x, p.y, q.x, q.y);
        let t = Fr::from(D) * x1 * x2 * y1 * y2;
        let sum = Point {
            x: (x1 * y2 + y1 * x2) / (Fr::ONE + t),
            y: (y1 * y2 - Fr::from(A) * x1 * x2) / (Fr::ONE - t),
        };
        assert_eq!(sum, BASE8.mul(&Scalar::from(8u64)));
    }

    /// P, E and S of circuits/delivery.md.
    #[test]
    fn the_vectors_of_delivery_md() {
        let p = DeliverySecretKey::from_u256(word(
            "0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d",
        ))
        .unwrap();
        let big_p = point(
            "0x024076bfed77ac2c86c631b691df89cff2173c843a57b9314f379871864a2d76",
            "0x22e5d922c88cc34dee7e578ad8ebf754af3efd336ec016e88f12edafd3a7fe0b",
        );
        assert_eq!(p.public_key().point(), big_p);
        let e = EphemeralSecret::from_u256(word(
            "0x03e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d",
        ))
        .unwrap();
        let big_e = point(
            "0x287aadc922877ca898bfed6fcea77ee5d6913706bb34c4981dc06302b355500f",
            "0x216831a113ba2bdfaaf34c7bf5f65b8d4f299b7973ca691ab427087abd381df2",
        );
        assert_eq!(e.public_key(), big_e);
        let s = point(
            "0x0bfdfaa461cdcb7d8c0419affbd5e8ad9c8d9c7f9703ec4aa1fe9715df174249",
            "0x1cf46c56cf1b43ab6c3c3e0b9d77d6aeff411176daa5b7c6dc5b303180eb9ebb",
        );
        assert_eq!(e.shared_key(&p.public_key()).elements(), [s.x, s.y]);
        assert_eq!(p.shared_key(&big_e).unwrap().elements(), [s.x, s.y], "p·E = e·P");
        // P8: on the curve, 8·P8 = P
        let p8 = p.public_key().div8();
        assert!(p8.is_in_subgroup());
        assert_eq!(p8.mul(&Scalar::from(8u64)), big_p);
    }

    #[test]
    fn keys_are_checked() {
        let key = DeliverySecretKey::generate();
        let public = key.public_key();
        assert!(public.point().is_in_subgroup());
        let [x, y] = public.to_words();
        assert_eq!(DeliveryPublicKey::from_words(x, y).unwrap(), public);
        let json = serde_json::to_string(&public).unwrap();
        assert_eq!(serde_json::from_str::<DeliveryPublicKey>(&json).unwrap(), public);
        // off the curve
        let err = DeliveryPublicKey::new(public.x(), public.y() + Fr::ONE).unwrap_err();
        assert!(err.to_string().contains("not on Baby Jubjub"), "{err}");
        // the identity, the order-2 point, a mixed-order point P + (0, -1) = (-x, -y)
        let err = DeliveryPublicKey::new(Fr::ZERO, Fr::ONE).unwrap_err();
        assert!(err.to_string().contains("the identity"), "{err}");
        let err = DeliveryPublicKey::new(Fr::ZERO, -Fr::ONE).unwrap_err();
        assert!(err.to_string().contains("subgroup"), "{err}");
        let mixed = Point { x: -public.x(), y: -public.y() };
        assert!(mixed.is_on_curve());
        let err = DeliveryPublicKey::new(mixed.x, mixed.y).unwrap_err();
        assert!(err.to_string().contains("subgroup"), "{err}");
        assert!(serde_json::from_str::<DeliveryPublicKey>(r#"["0x0","0x1"]"#).is_err());
        // coordinates >= p
        assert!(DeliveryPublicKey::from_words(crate::field::MODULUS, y).is_err());
        // secrets in [1, l)
        assert!(DeliverySecretKey::from_u256(U256::ZERO).is_err());
        assert!(DeliverySecretKey::from_u256(subgroup_order()).is_err());
        let max = DeliverySecretKey::from_u256(subgroup_order() - U256::from(1)).unwrap();
        assert_eq!(max.public_key().point(), Point { x: -BASE8.x, y: BASE8.y }, "(l-1)·B = -B");
        assert_eq!(DeliverySecretKey::from_u256(key.to_u256()).unwrap().public_key(), public);
        // nothing secret in Debug
        let shown =
            format!("{key:?} {:?} {:?}", EphemeralSecret::generate(), max.shared_key(&public.point()));
        assert!(!shown.chars().any(|c| c.is_ascii_digit()), "{shown}");
        // an ephemeral key outside the subgroup is refused
        assert!(key.shared_key(&mixed).is_err());
        assert!(key.shared_key(&Point::IDENTITY).is_err());
    }
}
