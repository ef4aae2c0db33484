//! The batched affine additions of [`super::sum_segments`] eight at a time, on AVX-512 IFMA,
//! in G1 (over Fq) and G2 (over Fq2).
//!
//! Most of a proof is point additions in the fixed-base MSMs, each a handful of multiplications
//! in the base field Fq. arkworks multiplies one element at a time with 64-bit limbs (about
//! 15 ns here); AVX-512 IFMA multiplies eight pairs of 52-bit limbs in one instruction
//! (`vpmadd52luq`/`vpmadd52huq`), so the eight additions of a row, one per lane, cost about what
//! two cost one by one. Fq2 is built on it as arkworks builds it on Fq (Karatsuba, norms).
//!
//! Elements stay in arkworks' Montgomery form (`a·2²⁵⁶ mod p`) in five 52-bit limbs: loading
//! and storing only move bits. The multiplication is Montgomery's with `R = 2²⁵⁶`: four
//! reduction steps of 52 bits and one of 48, then a shift. Every value is kept below `2p`
//! (multiplications of values below `2p` give values below `2p`, since `4p² / 2²⁵⁶ < p`;
//! additions and subtractions end with a conditional subtraction of `2p`) and is reduced below
//! `p` when stored.
//!
//! Why by hand: no crate in reach multiplies BN254 elements on IFMA (arkworks has no vector
//! backend; the IFMA code of big-integer libraries is for RSA-sized moduli). The arithmetic is
//! tested equal to arkworks' on random and edge values, and the MSMs built on it equal
//! arkworks' `VariableBaseMSM` (`msm::tests`) in both groups.

use ark_bn254::{Fq, Fq2, FqConfig};
use ark_ec::{
    AffineRepr, CurveConfig, CurveGroup,
    short_weierstrass::{Affine, SWCurveConfig},
};
use ark_ff::{BigInt, MontConfig, One, PrimeField, Zero};
use std::arch::x86_64::{
    __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmplt_epi64_mask, _mm512_madd52hi_epu64,
    _mm512_madd52lo_epu64, _mm512_mask_blend_epi64, _mm512_or_si512, _mm512_set1_epi64, _mm512_setzero_si512,
    _mm512_slli_epi64, _mm512_srai_epi64, _mm512_srli_epi64, _mm512_sub_epi64,
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

/// The modulus `p`, `2p`, and `-p⁻¹ mod 2⁵²`, in 52-bit limbs.
const P: [u64; 5] = split(<Fq as PrimeField>::MODULUS.0);
const P2: [u64; 5] = split(double(<Fq as PrimeField>::MODULUS.0));
const PINV: u64 = <FqConfig as MontConfig<4>>::INV & MASK52;

/// Whether this CPU has AVX-512F and AVX-512 IFMA.
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512ifma")
}

/// Eight elements of Fq: limb `k` of lane `i` is lane `i` of `self.0[k]`.
#[derive(Clone, Copy)]
pub(super) struct Fq8([__m512i; 5]);

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

impl Fq8 {
    /// Eight elements in arkworks' Montgomery form (`[u64; 4]`, below `p`).
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn load(lanes: &[[u64; 4]; 8]) -> Self {
        let v = [0, 1, 2, 3].map(|k| from_lanes(lanes.map(|l| l[k])));
        let mask = _mm512_set1_epi64(MASK52 as i64);
        Self([
            _mm512_and_si512(v[0], mask),
            _mm512_and_si512(
                _mm512_or_si512(_mm512_srli_epi64::<52>(v[0]), _mm512_slli_epi64::<12>(v[1])),
                mask,
            ),
            _mm512_and_si512(
                _mm512_or_si512(_mm512_srli_epi64::<40>(v[1]), _mm512_slli_epi64::<24>(v[2])),
                mask,
            ),
            _mm512_and_si512(
                _mm512_or_si512(_mm512_srli_epi64::<28>(v[2]), _mm512_slli_epi64::<36>(v[3])),
                mask,
            ),
            _mm512_srli_epi64::<16>(v[3]),
        ])
    }

    /// The eight elements in arkworks' Montgomery form, reduced below `p`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    fn store(self) -> [[u64; 4]; 8] {
        let l = reduce(self.0, &splat(P)).0;
        let v = [
            _mm512_or_si512(l[0], _mm512_slli_epi64::<52>(l[1])),
            _mm512_or_si512(_mm512_srli_epi64::<12>(l[1]), _mm512_slli_epi64::<40>(l[2])),
            _mm512_or_si512(_mm512_srli_epi64::<24>(l[2]), _mm512_slli_epi64::<28>(l[3])),
            _mm512_or_si512(_mm512_srli_epi64::<36>(l[3]), _mm512_slli_epi64::<16>(l[4])),
        ]
        .map(to_lanes);
        std::array::from_fn(|i| [v[0][i], v[1][i], v[2][i], v[3][i]])
    }
}

/// `s - q` where `s ≥ q`, else `s` (`s < 2q`, limbs below 2⁵²).
#[inline]
#[target_feature(enable = "avx512f")]
fn reduce(s: [__m512i; 5], q: &[__m512i; 5]) -> Fq8 {
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
    Fq8([0, 1, 2, 3, 4].map(|k| _mm512_mask_blend_epi64(below, d[k], s[k])))
}

/// `a + b` (below `2p`).
#[inline]
#[target_feature(enable = "avx512f")]
fn add(a: &Fq8, b: &Fq8) -> Fq8 {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let mut carry = _mm512_setzero_si512();
    let s = [0, 1, 2, 3, 4].map(|k| {
        let v = _mm512_add_epi64(_mm512_add_epi64(a.0[k], b.0[k]), carry);
        carry = _mm512_srli_epi64::<52>(v);
        _mm512_and_si512(v, mask)
    });
    reduce(s, &splat(P2))
}

/// `a - b` (below `2p`), as `a - b + 2p`.
#[inline]
#[target_feature(enable = "avx512f")]
fn sub(a: &Fq8, b: &Fq8) -> Fq8 {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let q = splat(P2);
    let mut carry = _mm512_setzero_si512();
    let mut s = [carry; 5];
    for k in 0..5 {
        // in [-2⁵², 2⁵³): the arithmetic shift is the carry, -1, 0 or 1
        let v = _mm512_add_epi64(_mm512_sub_epi64(_mm512_add_epi64(a.0[k], q[k]), b.0[k]), carry);
        carry = _mm512_srai_epi64::<52>(v);
        s[k] = _mm512_and_si512(v, mask);
    }
    reduce(s, &q)
}

/// `a·b / 2²⁵⁶ mod p` (below `2p`): the Montgomery product, operand by operand. Each
/// accumulator takes at most about twenty 52-bit terms, far from overflowing 64 bits.
#[inline]
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul(a: &Fq8, b: &Fq8) -> Fq8 {
    let zero = _mm512_setzero_si512();
    let mask = _mm512_set1_epi64(MASK52 as i64);
    let pinv = _mm512_set1_epi64(PINV as i64);
    let p = splat(P);
    let mut t = [zero; 6];
    for i in 0..5 {
        for j in 0..5 {
            t[j] = _mm512_madd52lo_epu64(t[j], a.0[i], b.0[j]);
            t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], a.0[i], b.0[j]);
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
    Fq8([0, 1, 2, 3, 4].map(|k| {
        _mm512_or_si512(
            _mm512_srli_epi64::<48>(t[k]),
            _mm512_and_si512(_mm512_slli_epi64::<4>(t[k + 1]), mask),
        )
    }))
}

/// A base field whose elements [`add_level`] handles eight at a time: Fq (G1) and Fq2 (G2).
/// The methods are the arithmetic of the affine addition, on eight lanes; every one requires
/// AVX-512F and IFMA.
pub(super) trait Lanes: super::BatchInverse {
    /// Eight elements.
    type Vector: Copy;
    /// # Safety
    /// The CPU has AVX-512F and IFMA (all the methods).
    unsafe fn load8(x: [Self; 8]) -> Self::Vector;
    /// The eight elements, reduced.
    unsafe fn store8(v: Self::Vector) -> [Self; 8];
    /// `a - b`.
    unsafe fn sub8(a: &Self::Vector, b: &Self::Vector) -> Self::Vector;
    /// `a·b`.
    unsafe fn mul8(a: &Self::Vector, b: &Self::Vector) -> Self::Vector;
    /// `a²`.
    unsafe fn square8(a: &Self::Vector) -> Self::Vector;
    /// The norms in Fq, as [`super::BatchInverse::norm_fq`].
    unsafe fn norm8(a: &Self::Vector) -> Fq8;
    /// `1/a` given `1/norm(a)`, as [`super::BatchInverse::inverse_from_norm`].
    unsafe fn inverse_from_norm8(a: &Self::Vector, norm_inverse: &Fq8) -> Self::Vector;
}

impl Lanes for Fq {
    type Vector = Fq8;
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn load8(x: [Self; 8]) -> Fq8 {
        Fq8::load(&x.map(|e| e.0.0))
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn store8(v: Fq8) -> [Self; 8] {
        v.store().map(|l| Self::new_unchecked(BigInt(l)))
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn sub8(a: &Fq8, b: &Fq8) -> Fq8 {
        sub(a, b)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn mul8(a: &Fq8, b: &Fq8) -> Fq8 {
        mul(a, b)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn square8(a: &Fq8) -> Fq8 {
        mul(a, a)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn norm8(a: &Fq8) -> Fq8 {
        *a
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn inverse_from_norm8(_: &Fq8, norm_inverse: &Fq8) -> Fq8 {
        *norm_inverse
    }
}

/// Eight elements of Fq2 = Fq[u]/(u² + 1): `c0 + c1·u`.
#[derive(Clone, Copy)]
pub(super) struct Fq2x8 {
    c0: Fq8,
    c1: Fq8,
}

impl Lanes for Fq2 {
    type Vector = Fq2x8;
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn load8(x: [Self; 8]) -> Fq2x8 {
        Fq2x8 { c0: Fq8::load(&x.map(|e| e.c0.0.0)), c1: Fq8::load(&x.map(|e| e.c1.0.0)) }
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn store8(v: Fq2x8) -> [Self; 8] {
        let (c0, c1) = (v.c0.store(), v.c1.store());
        std::array::from_fn(|i| Self::new(Fq::new_unchecked(BigInt(c0[i])), Fq::new_unchecked(BigInt(c1[i]))))
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn sub8(a: &Fq2x8, b: &Fq2x8) -> Fq2x8 {
        Fq2x8 { c0: sub(&a.c0, &b.c0), c1: sub(&a.c1, &b.c1) }
    }
    /// Karatsuba: three multiplications.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn mul8(a: &Fq2x8, b: &Fq2x8) -> Fq2x8 {
        let (v0, v1) = (mul(&a.c0, &b.c0), mul(&a.c1, &b.c1));
        let cross = mul(&add(&a.c0, &a.c1), &add(&b.c0, &b.c1));
        Fq2x8 { c0: sub(&v0, &v1), c1: sub(&sub(&cross, &v0), &v1) }
    }
    /// `(c0 + c1)(c0 - c1) + 2·c0·c1·u`: two multiplications.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn square8(a: &Fq2x8) -> Fq2x8 {
        let m = mul(&a.c0, &a.c1);
        Fq2x8 { c0: mul(&add(&a.c0, &a.c1), &sub(&a.c0, &a.c1)), c1: add(&m, &m) }
    }
    /// `c0² + c1²`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn norm8(a: &Fq2x8) -> Fq8 {
        add(&mul(&a.c0, &a.c0), &mul(&a.c1, &a.c1))
    }
    /// `(c0 - c1·u)/norm`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn inverse_from_norm8(a: &Fq2x8, norm_inverse: &Fq8) -> Fq2x8 {
        let zero = Fq8([_mm512_setzero_si512(); 5]);
        Fq2x8 { c0: mul(&a.c0, norm_inverse), c1: sub(&zero, &mul(&a.c1, norm_inverse)) }
    }
}

/// One level of [`super::sum_segments`]: the pairs `(2i, 2i + 1)` of every segment added into
/// slot `i`, eight pairs per vector, with one field inversion for the level; `false` when no
/// segment has a pair left.
///
/// As in the scalar level, a backward pass multiplies the denominators' norms (per lane), and
/// a forward pass turns the running inverse into each pair's and adds the pair, writing slot
/// `i` only after every pair that reads it (pairs read slots `2i` and `2i + 1`). Pairs that take
/// the general group law (an identity, equal `x`) are copied out first and added by arkworks;
/// their lanes are not used.
///
/// # Safety
/// The CPU has AVX-512F and IFMA ([`available`]).
#[target_feature(enable = "avx512f,avx512ifma")]
pub(super) unsafe fn add_level<P: SWCurveConfig>(
    points: &mut [Affine<P>],
    offset: &[usize],
    len: &mut [usize],
) -> bool
where
    P::BaseField: Lanes,
{
    // (first input, output slot) of the vector pairs; the general pairs and odd tails, copied
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut general = Vec::new();
    let mut tails = Vec::new();
    for (&s, &l) in offset.iter().zip(len.iter()) {
        for i in 0..l / 2 {
            let (p, q) = (points[s + 2 * i], points[s + 2 * i + 1]);
            if super::general(&p, &q) {
                general.push((p, q, s + i));
            } else {
                pairs.push(((s + 2 * i) as u32, (s + i) as u32));
            }
        }
        if l % 2 == 1 {
            tails.push((points[s + l - 1], s + l / 2));
        }
    }
    if pairs.is_empty() && general.is_empty() {
        return false;
    }

    // a row's eight pairs: x₁, y₁, x₂, y₂; an unused lane adds (0, 0) and (1, 0), so its
    // denominator is 1
    let row = |points: &[Affine<P>], r: usize| {
        let (zero, one) = (P::BaseField::zero(), P::BaseField::one());
        let mut c = [[zero; 8], [zero; 8], [one; 8], [zero; 8]];
        for (lane, &(first, _)) in pairs[8 * r..].iter().take(8).enumerate() {
            let (p, q) = (&points[first as usize], &points[first as usize + 1]);
            c[0][lane] = p.x;
            c[1][lane] = p.y;
            c[2][lane] = q.x;
            c[3][lane] = q.y;
        }
        // SAFETY: the caller's (AVX-512F and IFMA).
        c.map(|coordinate| unsafe { P::BaseField::load8(coordinate) })
    };

    // backward: per row, (product of the later rows' norms, the row's norms), per lane
    let rows = pairs.len().div_ceil(8);
    let mut product = Fq8::load(&[Fq::one().0.0; 8]);
    let mut chain = Vec::with_capacity(rows);
    for r in (0..rows).rev() {
        let [x1, _, x2, _] = row(points, r);
        // SAFETY: the caller's (AVX-512F and IFMA).
        let norm = unsafe { P::BaseField::norm8(&P::BaseField::sub8(&x2, &x1)) };
        chain.push((product, norm));
        product = mul(&product, &norm);
    }
    chain.reverse();
    // the eight lanes' inverses, with one inversion
    let mut lanes = product.store().map(|l| Fq::new_unchecked(BigInt(l)));
    ark_ff::batch_inversion(&mut lanes);
    let mut inverse = Fq8::load(&lanes.map(|x| x.0.0));

    // forward: λ = (y₂ - y₁)/(x₂ - x₁), x₃ = λ² - x₁ - x₂, y₃ = λ(x₁ - x₃) - y₁
    for (r, (later, norm)) in chain.iter().enumerate() {
        let [x1, y1, x2, y2] = row(points, r);
        let norm_inverse = mul(&inverse, later);
        inverse = mul(&inverse, norm);
        // SAFETY: the caller's (AVX-512F and IFMA).
        let (x3, y3) = unsafe {
            type F<P> = <P as CurveConfig>::BaseField;
            let dx_inverse = F::<P>::inverse_from_norm8(&F::<P>::sub8(&x2, &x1), &norm_inverse);
            let lambda = F::<P>::mul8(&F::<P>::sub8(&y2, &y1), &dx_inverse);
            let x3 = F::<P>::sub8(&F::<P>::sub8(&F::<P>::square8(&lambda), &x1), &x2);
            let y3 = F::<P>::sub8(&F::<P>::mul8(&lambda, &F::<P>::sub8(&x1, &x3)), &y1);
            (F::<P>::store8(x3), F::<P>::store8(y3))
        };
        for (lane, &(_, slot)) in pairs[8 * r..].iter().take(8).enumerate() {
            points[slot as usize] = Affine::new_unchecked(x3[lane], y3[lane]);
        }
    }
    for (p, q, slot) in general {
        points[slot] = (p.into_group() + q).into_affine();
    }
    for (p, slot) in tails {
        points[slot] = p;
    }
    len.iter_mut().for_each(|l| *l = l.div_ceil(2));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msm::BatchInverse;
    use ark_ff::{Field, UniformRand};
    use ark_std::rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// Eight elements each of edge and random values: 0, 1, -1, -2, 2⁶⁴, 2¹⁹², (p - 1)/2,
    /// then random.
    fn samples(rng: &mut ChaCha20Rng) -> Vec<[Fq; 8]> {
        let edge = [
            Fq::zero(),
            Fq::one(),
            -Fq::one(),
            -Fq::from(2u64),
            Fq::from(2u64).pow([64]),
            Fq::from(2u64).pow([192]),
            (-Fq::one()) / Fq::from(2u64),
            Fq::from(u64::MAX),
        ];
        let mut v = vec![edge, edge.map(|x| -x)];
        v.extend((0..200).map(|_| std::array::from_fn(|_| Fq::rand(rng))));
        v
    }

    fn vector(x: &[Fq; 8]) -> Fq8 {
        // SAFETY: the caller checked `available()`.
        unsafe { Fq8::load(&x.map(|e| e.0.0)) }
    }

    fn elements(v: Fq8) -> [Fq; 8] {
        // SAFETY: as above.
        unsafe { v.store() }.map(|l| Fq::new_unchecked(BigInt(l)))
    }

    /// `x + p` for `x < p`, not reduced.
    #[target_feature(enable = "avx512f")]
    fn plus_p(x: Fq8) -> Fq8 {
        let (p, mask) = (splat(P), _mm512_set1_epi64(MASK52 as i64));
        let mut carry = _mm512_setzero_si512();
        Fq8([0, 1, 2, 3, 4].map(|k| {
            let v = _mm512_add_epi64(_mm512_add_epi64(x.0[k], p[k]), carry);
            carry = _mm512_srli_epi64::<52>(v);
            _mm512_and_si512(v, mask)
        }))
    }

    #[test]
    fn fq2_arithmetic_equals_arkworks() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: the vector path is not used here, nothing to test");
            return;
        }
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let all = samples(&mut rng);
        for w in all.windows(4) {
            let a: [Fq2; 8] = std::array::from_fn(|i| Fq2::new(w[0][i], w[1][i]));
            let b: [Fq2; 8] = std::array::from_fn(|i| Fq2::new(w[2][i], w[3][i]));
            // SAFETY: `available()` above.
            unsafe {
                let (va, vb) = (Fq2::load8(a), Fq2::load8(b));
                assert_eq!(Fq2::store8(Fq2::mul8(&va, &vb)), std::array::from_fn(|i| a[i] * b[i]));
                assert_eq!(Fq2::store8(Fq2::square8(&va)), std::array::from_fn(|i| a[i].square()));
                assert_eq!(Fq2::store8(Fq2::sub8(&va, &vb)), std::array::from_fn(|i| a[i] - b[i]));
                let norm = Fq2::norm8(&va);
                assert_eq!(elements(norm), a.map(|x| x.norm_fq()));
                let norm_inverse = elements(norm).map(|n| n.inverse().unwrap_or_default());
                let inverse = Fq2::inverse_from_norm8(&va, &vector(&norm_inverse));
                assert_eq!(Fq2::store8(inverse), a.map(|x| x.inverse().unwrap_or_default()));
            }
        }
    }

    #[test]
    fn constants_are_bn254s() {
        assert_eq!(P[0].wrapping_mul(PINV) & MASK52, MASK52, "p·(-p⁻¹) = -1 mod 2⁵²");
        let join =
            |l: [u64; 5]| l.iter().rev().fold(num_bigint::BigUint::default(), |acc, &x| (acc << 52) + x);
        let p: num_bigint::BigUint = Fq::MODULUS.into();
        assert_eq!(join(P), p);
        assert_eq!(join(P2), p * 2u32);
    }

    #[test]
    fn arithmetic_equals_arkworks() {
        if !available() {
            eprintln!("no AVX-512 IFMA on this CPU: the vector path is not used here, nothing to test");
            return;
        }
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let all = samples(&mut rng);
        for (a, b) in all.iter().zip(all.iter().rev()) {
            let (va, vb) = (vector(a), vector(b));
            // SAFETY: `available()` above.
            let (sum, difference, product, square) =
                unsafe { (add(&va, &vb), sub(&va, &vb), mul(&va, &vb), mul(&va, &va)) };
            assert_eq!(elements(sum), std::array::from_fn(|i| a[i] + b[i]));
            assert_eq!(elements(difference), std::array::from_fn(|i| a[i] - b[i]));
            assert_eq!(elements(product), std::array::from_fn(|i| a[i] * b[i]));
            assert_eq!(elements(square), std::array::from_fn(|i| a[i].square()));
            // inputs in [p, 2p) (unreduced, as intermediate values can be): same results
            // SAFETY: as above.
            let chained = unsafe {
                let (a, b) = (plus_p(va), plus_p(vb));
                mul(&sub(&mul(&a, &b), &a), &add(&b, &b))
            };
            assert_eq!(elements(chained), std::array::from_fn(|i| (a[i] * b[i] - a[i]) * (b[i] + b[i])));
        }
    }
}
