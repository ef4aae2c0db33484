//! The batched affine additions of [`super::sum_segments`] eight at a time, on AVX-512 IFMA
//! (`field8.rs`), in G1 (over Fq) and G2 (over Fq2, built on Fq as arkworks builds it:
//! Karatsuba, norms).
//!
//! Most of a proof is point additions in the fixed-base MSMs: here the eight additions of a row
//! of pairs, one per lane, cost about what two cost one by one. The MSMs built on it are tested
//! equal to arkworks' `VariableBaseMSM` (`msm::tests`) in both groups.

use crate::field8::Fq8;
use ark_bn254::{Fq, Fq2};
use ark_ec::{
    AffineRepr, CurveConfig, CurveGroup,
    short_weierstrass::{Affine, SWCurveConfig},
};
use ark_ff::{One, Zero};

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
        Fq8::from_elements(&x)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn store8(v: Fq8) -> [Self; 8] {
        v.to_elements()
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn sub8(a: &Fq8, b: &Fq8) -> Fq8 {
        a.sub(b)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn mul8(a: &Fq8, b: &Fq8) -> Fq8 {
        a.mul(b)
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn square8(a: &Fq8) -> Fq8 {
        a.mul(a)
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

/// Eight elements of `Fq2 = Fq[u]/(u² + 1)`: `c0 + c1·u`.
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
        Fq2x8 { c0: Fq8::from_elements(&x.map(|e| e.c0)), c1: Fq8::from_elements(&x.map(|e| e.c1)) }
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn store8(v: Fq2x8) -> [Self; 8] {
        let (c0, c1) = (v.c0.to_elements(), v.c1.to_elements());
        std::array::from_fn(|i| Self::new(c0[i], c1[i]))
    }
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn sub8(a: &Fq2x8, b: &Fq2x8) -> Fq2x8 {
        Fq2x8 { c0: a.c0.sub(&b.c0), c1: a.c1.sub(&b.c1) }
    }
    /// Karatsuba: three multiplications.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn mul8(a: &Fq2x8, b: &Fq2x8) -> Fq2x8 {
        let (v0, v1) = (a.c0.mul(&b.c0), a.c1.mul(&b.c1));
        let cross = a.c0.add(&a.c1).mul(&b.c0.add(&b.c1));
        Fq2x8 { c0: v0.sub(&v1), c1: cross.sub(&v0).sub(&v1) }
    }
    /// `(c0 + c1)(c0 - c1) + 2·c0·c1·u`: two multiplications.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn square8(a: &Fq2x8) -> Fq2x8 {
        let m = a.c0.mul(&a.c1);
        Fq2x8 { c0: a.c0.add(&a.c1).mul(&a.c0.sub(&a.c1)), c1: m.add(&m) }
    }
    /// `c0² + c1²`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn norm8(a: &Fq2x8) -> Fq8 {
        a.c0.mul(&a.c0).add(&a.c1.mul(&a.c1))
    }
    /// `(c0 - c1·u)/norm`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512ifma")]
    unsafe fn inverse_from_norm8(a: &Fq2x8, norm_inverse: &Fq8) -> Fq2x8 {
        Fq2x8 { c0: a.c0.mul(norm_inverse), c1: Fq8::zero().sub(&a.c1.mul(norm_inverse)) }
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
/// The CPU has AVX-512F and IFMA ([`crate::field8::available`]).
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
    let mut product = Fq8::from_elements(&[Fq::one(); 8]);
    let mut chain = Vec::with_capacity(rows);
    for r in (0..rows).rev() {
        let [x1, _, x2, _] = row(points, r);
        // SAFETY: the caller's (AVX-512F and IFMA).
        let norm = unsafe { P::BaseField::norm8(&P::BaseField::sub8(&x2, &x1)) };
        chain.push((product, norm));
        product = product.mul(&norm);
    }
    chain.reverse();
    // the eight lanes' inverses, with one inversion
    let mut lanes = product.to_elements();
    ark_ff::batch_inversion(&mut lanes);
    let mut inverse = Fq8::from_elements(&lanes);

    // forward: λ = (y₂ - y₁)/(x₂ - x₁), x₃ = λ² - x₁ - x₂, y₃ = λ(x₁ - x₃) - y₁
    for (r, (later, norm)) in chain.iter().enumerate() {
        let [x1, y1, x2, y2] = row(points, r);
        let norm_inverse = inverse.mul(later);
        inverse = inverse.mul(norm);
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
    use crate::{field8, msm::BatchInverse};
    use ark_ff::Field;

    #[test]
    fn fq2_arithmetic_equals_arkworks() {
        if !field8::available() {
            eprintln!("no AVX-512 IFMA on this CPU: the vector path is not used here, nothing to test");
            return;
        }
        let all = field8::tests::samples::<ark_bn254::FqConfig>(12);
        for w in all.windows(4) {
            let a: [Fq2; 8] = std::array::from_fn(|i| Fq2::new(w[0][i], w[1][i]));
            let b: [Fq2; 8] = std::array::from_fn(|i| Fq2::new(w[2][i], w[3][i]));
            // SAFETY: `available()` above.
            unsafe {
                let (va, vb) = (Fq2::load8(a), Fq2::load8(b));
                assert_eq!(Fq2::store8(Fq2::mul8(&va, &vb)), std::array::from_fn(|i| a[i] * b[i]));
                assert_eq!(Fq2::store8(Fq2::square8(&va)), std::array::from_fn(|i| a[i].square()));
                assert_eq!(Fq2::store8(Fq2::sub8(&va, &vb)), std::array::from_fn(|i| a[i] - b[i]));
                let norm = Fq2::norm8(&va).to_elements();
                assert_eq!(norm, a.map(|x| x.norm_fq()));
                let norm_inverse = Fq8::from_elements(&norm.map(|n| n.inverse().unwrap_or_default()));
                let inverse = Fq2::inverse_from_norm8(&va, &norm_inverse);
                assert_eq!(Fq2::store8(inverse), a.map(|x| x.inverse().unwrap_or_default()));
            }
        }
    }
}
