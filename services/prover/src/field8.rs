//! BN254's fields (Fq and Fr) eight elements at a time, on AVX-512 IFMA: the arithmetic of the
//! MSMs' point additions (`msm/ifma.rs`) and of the QAP's transforms ([`crate::qap`]).
//!
//! arkworks multiplies one element at a time with 64-bit limbs (about 15 ns here); AVX-512 IFMA
//! multiplies eight pairs of 52-bit limbs in one instruction (`vpmadd52luq`/`vpmadd52huq`), so
//! eight products cost about what two cost one by one.
//!
//! Elements stay in arkworks' Montgomery form (`a·2²⁵⁶ mod p`) in five 52-bit limbs: loading
//! and storing only move bits. The multiplication is Montgomery's with `R = 2²⁵⁶`: four
//! reduction steps of 52 bits and one of 48, then a shift. Every value is kept below `2p`
//! (multiplications of values below `2p` give values below `2p`, since `4p² / 2²⁵⁶ < p` for both
//! moduli, below 2²⁵⁴; additions and subtractions end with a conditional subtraction of `2p`)
//! and is reduced below `p` when stored.
//!
//! Why by hand: no crate in reach multiplies BN254 elements on IFMA (arkworks has no vector
//! backend; the IFMA code of big-integer libraries is for RSA-sized moduli). The arithmetic is
//! tested equal to arkworks' on random and edge values in both fields, and so are the MSMs and
//! the QAP built on it.

use ark_ff::{BigInt, Fp256, MontBackend, MontConfig};
use std::{
    arch::x86_64::{
        __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmplt_epi64_mask, _mm512_madd52hi_epu64,
        _mm512_madd52lo_epu64, _mm512_mask_blend_epi64, _mm512_or_si512, _mm512_set1_epi64,
        _mm512_setzero_si512, _mm512_slli_epi64, _mm512_srai_epi64, _mm512_srli_epi64, _mm512_sub_epi64,
    },
    marker::PhantomData,
};

const MASK52: u64 = (1 << 52) - 1;
const MASK48: u64 = (1 << 48) - 1;

/// `x` (four 64-bit limbs) in five 52-bit limbs.
const fn split(x: [u64; 4]) -> [u64; 5] {
    [
        x[0] & MASK52,
        (x[0] >> 52 | x[1] << 12) & MASK52,
        (x[1] >> 40 | x[2] << 24) & MASK52,
        (x[2] >> 28 | x[3] << 36) & MASK52,
        x[3] >> 16,
    ]
}

/// `2x` for `x < 2²⁵⁵`.
const fn double(x: [u64; 4]) -> [u64; 4] {
    [x[0] << 1, x[1] << 1 | x[0] >> 63, x[2] << 1 | x[1] >> 63, x[3] << 1 | x[2] >> 63]
}

/// Whether this CPU has AVX-512F and AVX-512 IFMA: every function here needs both.
pub(crate) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512ifma")
}

/// Eight elements of the prime field of `C` (Fq or Fr): limb `k` of lane `i` is lane `i` of
/// `self.0[k]`.
pub(crate) struct Fp8<C>([__m512i; 5], PhantomData<C>);

impl<C> Clone for Fp8<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Fp8<C> {}

/// Eight elements of Fq.
pub(crate) type Fq8 = Fp8<ark_bn254::FqConfig>;
/// Eight elements of Fr.
pub(crate) type Fr8 = Fp8<ark_bn254::FrConfig>;

/// Eight 64-bit lanes from an array.
#[inline]
fn from_lanes(v: [u64; 8]) -> __m512i {
    // SAFETY: both are 64 bytes of plain integers; every bit pattern is valid for both.
    unsafe { std::mem::transmute::<[u64; 8], __m512i>(v) }
}

/// The eight 64-bit lanes of a vector.
#[inline]
fn to_lanes(v: __m512i) -> [u64; 8] {
    // SAFETY: as in `from_lanes`.
    unsafe { std::mem::transmute::<__m512i, [u64; 8]>(v) }
}

#[inline]
#[target_feature(enable = "avx512f")]
fn splat(limbs: [u64; 5]) -> [__m512i; 5] {
    [0, 1, 2, 3, 4].map(|k| _mm512_set1_epi64(limbs[k] as i64))
}

impl<C: MontConfig<4>> Fp8<C> {
    /// The modulus, twice the modulus, and `-p⁻¹ mod 2⁵²`, in 52-bit limbs.
    const P: [u64; 5] = split(C::MODULUS.0);
    const P2: [u64; 5] = split(double(C::MODULUS.0));
    const PINV: u64 = C::INV & MASK52;

    /// Eight elements from their Montgomery limbs (arkworks' `x.0.0`, below `p`).
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn load(lanes: &[[u64; 4]; 8]) -> Self {
        let v = [0, 1, 2, 3].map(|k| from_lanes(lanes.map(|l| l[k])));
        let mask = _mm512_set1_epi64(MASK52 as i64);
        let join = |lo: __m512i, hi: __m512i, shift: u32| {
            let (lo, hi) = match shift {
                52 => (_mm512_srli_epi64::<52>(lo), _mm512_slli_epi64::<12>(hi)),
                40 => (_mm512_srli_epi64::<40>(lo), _mm512_slli_epi64::<24>(hi)),
                _ => (_mm512_srli_epi64::<28>(lo), _mm512_slli_epi64::<36>(hi)),
            };
            _mm512_and_si512(_mm512_or_si512(lo, hi), mask)
        };
        Self(
            [
                _mm512_and_si512(v[0], mask),
                join(v[0], v[1], 52),
                join(v[1], v[2], 40),
                join(v[2], v[3], 28),
                _mm512_srli_epi64::<16>(v[3]),
            ],
            PhantomData,
        )
    }

    /// The eight elements' Montgomery limbs, reduced below `p`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn store(self) -> [[u64; 4]; 8] {
        let l = Self::reduce(self.0, &splat(Self::P)).0;
        let v = [
            _mm512_or_si512(l[0], _mm512_slli_epi64::<52>(l[1])),
            _mm512_or_si512(_mm512_srli_epi64::<12>(l[1]), _mm512_slli_epi64::<40>(l[2])),
            _mm512_or_si512(_mm512_srli_epi64::<24>(l[2]), _mm512_slli_epi64::<28>(l[3])),
            _mm512_or_si512(_mm512_srli_epi64::<36>(l[3]), _mm512_slli_epi64::<16>(l[4])),
        ]
        .map(to_lanes);
        std::array::from_fn(|i| [v[0][i], v[1][i], v[2][i], v[3][i]])
    }

    /// Eight arkworks elements.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn from_elements(x: &[Fp256<MontBackend<C, 4>>; 8]) -> Self {
        Self::load(&x.map(|e| e.0.0))
    }

    /// The eight elements, as arkworks'.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn to_elements(self) -> [Fp256<MontBackend<C, 4>>; 8] {
        self.store().map(|l| Fp256::new_unchecked(BigInt(l)))
    }

    /// Zero in every lane.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn zero() -> Self {
        Self([_mm512_setzero_si512(); 5], PhantomData)
    }

    /// `s - q` where `s ≥ q`, else `s` (`s < 2q`, limbs below 2⁵²).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn reduce(s: [__m512i; 5], q: &[__m512i; 5]) -> Self {
        let mask = _mm512_set1_epi64(MASK52 as i64);
        let mut borrow = _mm512_setzero_si512();
        let mut d = [borrow; 5];
        for k in 0..5 {
            // in [-2⁵², 2⁵²): the arithmetic shift is the borrow, 0 or -1
            let v = _mm512_add_epi64(_mm512_sub_epi64(s[k], q[k]), borrow);
            borrow = _mm512_srai_epi64::<52>(v);
            d[k] = _mm512_and_si512(v, mask);
        }
        let below = _mm512_cmplt_epi64_mask(borrow, _mm512_setzero_si512());
        Self([0, 1, 2, 3, 4].map(|k| _mm512_mask_blend_epi64(below, d[k], s[k])), PhantomData)
    }

    /// `self + b` (below `2p`).
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn add(&self, b: &Self) -> Self {
        let mask = _mm512_set1_epi64(MASK52 as i64);
        let mut carry = _mm512_setzero_si512();
        let s = [0, 1, 2, 3, 4].map(|k| {
            let v = _mm512_add_epi64(_mm512_add_epi64(self.0[k], b.0[k]), carry);
            carry = _mm512_srli_epi64::<52>(v);
            _mm512_and_si512(v, mask)
        });
        Self::reduce(s, &splat(Self::P2))
    }

    /// `self - b` (below `2p`), as `self - b + 2p`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    pub(crate) fn sub(&self, b: &Self) -> Self {
        let mask = _mm512_set1_epi64(MASK52 as i64);
        let q = splat(Self::P2);
        let mut carry = _mm512_setzero_si512();
        let s = [0, 1, 2, 3, 4].map(|k| {
            // in [-2⁵², 2⁵³): the arithmetic shift is the carry, -1, 0 or 1
            let v = _mm512_add_epi64(_mm512_sub_epi64(_mm512_add_epi64(self.0[k], q[k]), b.0[k]), carry);
            carry = _mm512_srai_epi64::<52>(v);
            _mm512_and_si512(v, mask)
        });
        Self::reduce(s, &q)
    }

    /// `self·b / 2²⁵⁶ mod p` (below `2p`): the Montgomery product, operand by operand. Each
    /// accumulator takes at most about twenty 52-bit terms, far from overflowing 64 bits.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    pub(crate) fn mul(&self, b: &Self) -> Self {
        let zero = _mm512_setzero_si512();
        let mask = _mm512_set1_epi64(MASK52 as i64);
        let pinv = _mm512_set1_epi64(Self::PINV as i64);
        let p = splat(Self::P);
        let mut t = [zero; 6];
        for i in 0..5 {
            for j in 0..5 {
                t[j] = _mm512_madd52lo_epu64(t[j], self.0[i], b.0[j]);
                t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], self.0[i], b.0[j]);
            }
            // m = -t·p⁻¹ mod 2⁵² (mod 2⁴⁸ in the last step: 4·52 + 48 = 256), so t + m·p ≡ 0
            let mut m = _mm512_madd52lo_epu64(zero, t[0], pinv);
            if i == 4 {
                m = _mm512_and_si512(m, _mm512_set1_epi64(MASK48 as i64));
            }
            for j in 0..5 {
                t[j] = _mm512_madd52lo_epu64(t[j], m, p[j]);
                t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, p[j]);
            }
            if i < 4 {
                // the low limb is a multiple of 2⁵² now: divide by 2⁵²
                let carry = _mm512_srli_epi64::<52>(t[0]);
                t = [_mm512_add_epi64(t[1], carry), t[2], t[3], t[4], t[5], zero];
            }
        }
        // carry into 52-bit limbs, then divide by 2⁴⁸ (the low 48 bits are zero)
        for j in 0..5 {
            let carry = _mm512_srli_epi64::<52>(t[j]);
            t[j] = _mm512_and_si512(t[j], mask);
            t[j + 1] = _mm512_add_epi64(t[j + 1], carry);
        }
        Self(
            [0, 1, 2, 3, 4].map(|k| {
                _mm512_or_si512(
                    _mm512_srli_epi64::<48>(t[k]),
                    _mm512_and_si512(_mm512_slli_epi64::<4>(t[k + 1]), mask),
                )
            }),
            PhantomData,
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use ark_ff::{Field, One, PrimeField, UniformRand, Zero};
    use ark_std::rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    type F<C> = Fp256<MontBackend<C, 4>>;

    /// Eight elements each of edge and random values: 0, 1, -1, -2, 2⁶⁴, 2¹⁹², (p - 1)/2,
    /// 2⁶⁴ - 1, their negations, then random.
    pub(crate) fn samples<C: MontConfig<4>>(seed: u64) -> Vec<[F<C>; 8]> {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let two = F::<C>::from(2u64);
        let edge = [
            F::<C>::zero(),
            F::<C>::one(),
            -F::<C>::one(),
            -two,
            two.pow([64]),
            two.pow([192]),
            -F::<C>::one() / two,
            F::<C>::from(u64::MAX),
        ];
        let mut v = vec![edge, edge.map(|x| -x)];
        v.extend((0..200).map(|_| std::array::from_fn(|_| F::<C>::rand(&mut rng))));
        v
    }

    /// `x + p` for `x < p`, not reduced.
    #[target_feature(enable = "avx512f")]
    fn plus_p<C: MontConfig<4>>(x: Fp8<C>) -> Fp8<C> {
        let (p, mask) = (splat(Fp8::<C>::P), _mm512_set1_epi64(MASK52 as i64));
        let mut carry = _mm512_setzero_si512();
        Fp8(
            [0, 1, 2, 3, 4].map(|k| {
                let v = _mm512_add_epi64(_mm512_add_epi64(x.0[k], p[k]), carry);
                carry = _mm512_srli_epi64::<52>(v);
                _mm512_and_si512(v, mask)
            }),
            PhantomData,
        )
    }

    fn constants<C: MontConfig<4>>() {
        let (p, p2, pinv) = (Fp8::<C>::P, Fp8::<C>::P2, Fp8::<C>::PINV);
        assert_eq!(p[0].wrapping_mul(pinv) & MASK52, MASK52, "p·(-p⁻¹) = -1 mod 2⁵²");
        let join =
            |l: [u64; 5]| l.iter().rev().fold(num_bigint::BigUint::default(), |acc, &x| (acc << 52) + x);
        let modulus: num_bigint::BigUint = F::<C>::MODULUS.into();
        assert!(modulus.bits() <= 254, "4p² / 2²⁵⁶ < p");
        assert_eq!(join(p), modulus);
        assert_eq!(join(p2), modulus * 2u32);
    }

    #[test]
    fn constants_are_bn254s() {
        constants::<ark_bn254::FqConfig>();
        constants::<ark_bn254::FrConfig>();
    }

    fn arithmetic<C: MontConfig<4>>(seed: u64) {
        let all = samples::<C>(seed);
        for (a, b) in all.iter().zip(all.iter().rev()) {
            // SAFETY: the caller checked `available()`.
            unsafe {
                let (va, vb) = (Fp8::from_elements(a), Fp8::from_elements(b));
                assert_eq!(va.add(&vb).to_elements(), std::array::from_fn(|i| a[i] + b[i]));
                assert_eq!(va.sub(&vb).to_elements(), std::array::from_fn(|i| a[i] - b[i]));
                assert_eq!(va.mul(&vb).to_elements(), std::array::from_fn(|i| a[i] * b[i]));
                assert_eq!(va.mul(&va).to_elements(), std::array::from_fn(|i| a[i].square()));
                // inputs in [p, 2p) (unreduced, as intermediate values can be): same results
                let (la, lb) = (plus_p(va), plus_p(vb));
                let chained = la.mul(&lb).sub(&la).mul(&lb.add(&lb));
                assert_eq!(
                    chained.to_elements(),
                    std::array::from_fn(|i| (a[i] * b[i] - a[i]) * (b[i] + b[i]))
                );
                assert_eq!(Fp8::<C>::zero().sub(&la).to_elements(), a.map(|x| -x));
            }
        }
    }

    #[test]
    fn arithmetic_equals_arkworks() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: the vector path is not used here, nothing to test");
            return;
        }
        arithmetic::<ark_bn254::FqConfig>(11);
        arithmetic::<ark_bn254::FrConfig>(13);
    }
}
