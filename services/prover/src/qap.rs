//! The QAP witness map of snarkjs (ark-circom's `CircomReduction`), with the domain's twiddle
//! factors computed once.
//!
//! `h = A·B - C` on the odd coset `g·⟨ω⟩` of the `2n`-th roots of unity, from the evaluations
//! `aᵢ = ⟨Aᵢ, w⟩`, `bᵢ = ⟨Bᵢ, w⟩`, `cᵢ = aᵢ·bᵢ` on `⟨ω⟩`: three inverse transforms, the
//! coset shift, three transforms. ark-poly's radix-2 FFT recomputes its roots and reorders its
//! input on every call and runs its butterflies through rayon's iterator adaptors: 2.8 ms per
//! 8,192-point transform on one core here, against 1.6 ms for the plain loops below
//! (Gentleman–Sande from natural to bit-reversed order, Cooley–Tukey back, so no reordering
//! pass is needed). On a CPU with AVX-512 IFMA, the layers whose halves are at least eight long
//! and the coset shift run eight elements at a time (`field8.rs`): the delivery circuit's map
//! takes about 7.4 ms instead of 12.9 on two cores. The output is tested equal to
//! `CircomReduction::witness_map_from_matrices`.

use crate::msm::Lanes;
use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use ark_groth16::r1cs_to_qap::evaluate_constraint;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_relations::utils::matrix::Matrix;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rayon::prelude::*;

/// The circuit's constraint matrices in the shape ark-groth16's prover takes.
#[derive(Debug, Clone, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct Matrices {
    /// Public inputs including the constant wire 1.
    pub num_inputs: u64,
    /// Number of constraints.
    pub num_constraints: u64,
    /// Number of wires.
    pub num_wires: u64,
    /// A, B, C: per constraint, `(coefficient, wire)` pairs.
    pub abc: [Matrix<Fr>; 3],
}

/// A power-of-two evaluation domain and its precomputed factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QapDomain {
    /// `ω^i`, `i < n/2`.
    roots: Vec<Fr>,
    /// `ω^-i`, `i < n/2`.
    inverse_roots: Vec<Fr>,
    /// `g^k / n` at position `bitreverse(k)`: the coset shift and the inverse transform's
    /// `1/n`, in the order the coefficients come out of the inverse transform.
    shift: Vec<Fr>,
}

impl QapDomain {
    /// The domain for `m`: `n ≥ constraints + public inputs`, a power of two.
    pub fn for_matrices(m: &Matrices) -> Option<Self> {
        Self::new((m.num_constraints + m.num_inputs) as usize)
    }

    /// The smallest power-of-two domain of at least `size` points.
    pub fn new(size: usize) -> Option<Self> {
        let domain = Radix2EvaluationDomain::<Fr>::new(size)?;
        let n = domain.size();
        let g = Radix2EvaluationDomain::<Fr>::new(2 * n)?.group_gen;
        let powers = |x: Fr, count: usize| {
            let mut v = Vec::with_capacity(count);
            let mut p = Fr::ONE;
            for _ in 0..count {
                v.push(p);
                p *= x;
            }
            v
        };
        let log_n = n.trailing_zeros();
        let shift_natural = powers(g, n);
        let mut shift = vec![Fr::zero(); n];
        for (k, s) in shift_natural.into_iter().enumerate() {
            shift[bit_reverse(k, log_n)] = s * domain.size_inv;
        }
        Some(Self {
            roots: powers(domain.group_gen, n / 2),
            inverse_roots: powers(domain.group_gen_inv, n / 2),
            shift,
        })
    }

    /// Number of points.
    pub fn size(&self) -> usize {
        self.shift.len()
    }

    /// `CircomReduction::witness_map_from_matrices(&m.abc[..2], …, w)`: the coefficients of
    /// the quotient, evaluations of `A·B - C` on the odd coset, in natural order.
    pub fn witness_map(&self, m: &Matrices, w: &[Fr]) -> Vec<Fr> {
        self.witness_map_with(m, w, Lanes::Eight)
    }

    /// [`QapDomain::witness_map`], with the arithmetic of `lanes` ([`Lanes::One`]: the portable
    /// path alone, for comparisons; the tests check both).
    pub fn witness_map_with(&self, m: &Matrices, w: &[Fr], lanes: Lanes) -> Vec<Fr> {
        let n = self.size();
        let (constraints, inputs) = (m.num_constraints as usize, m.num_inputs as usize);
        assert!(constraints + inputs <= n, "domain too small");
        let mut a = vec![Fr::zero(); n];
        let mut b = vec![Fr::zero(); n];
        let mut c = vec![Fr::zero(); n];
        a[..constraints]
            .par_iter_mut()
            .zip(&mut b[..constraints])
            .zip(&mut c[..constraints])
            .zip(m.abc[0].par_iter().zip(&m.abc[1]))
            .for_each(|(((a, b), c), (at, bt))| {
                *a = evaluate_constraint(at, w);
                *b = evaluate_constraint(bt, w);
                *c = *a * *b;
            });
        // snarkjs's extra constraints `input · 0 = 0`, one per public input (and wire 0)
        a[constraints..constraints + inputs].copy_from_slice(&w[..inputs]);

        [&mut a, &mut b, &mut c].into_par_iter().for_each(|v| {
            natural_to_bit_reversed(v, &self.inverse_roots, lanes);
            if lanes == Lanes::One || !vector::scale(v, &self.shift) {
                v.iter_mut().zip(&self.shift).for_each(|(x, s)| *x *= s);
            }
            bit_reversed_to_natural(v, &self.roots, lanes);
        });
        a.par_iter_mut().zip(&b).zip(&c).for_each(|((a, b), c)| *a = *a * b - c);
        a
    }
}

fn bit_reverse(i: usize, bits: u32) -> usize {
    if bits == 0 { 0 } else { i.reverse_bits() >> (usize::BITS - bits) }
}

/// Transform (roots `ω^i`, `i < n/2`) from natural to bit-reversed order (Gentleman–Sande):
/// `(x, y) → (x + y, (x - y)·ω^i)`.
fn natural_to_bit_reversed(v: &mut [Fr], roots: &[Fr], lanes: Lanes) {
    let n = v.len();
    let mut gap = n / 2;
    while gap > 0 {
        let stride = n / (2 * gap);
        if lanes == Lanes::One || !vector::layer(v, gap, roots, stride, vector::Butterfly::GentlemanSande) {
            layer(v, gap, |i, x, y| {
                let d = *x - *y;
                *x += *y;
                *y = if i == 0 { d } else { d * roots[i * stride] };
            });
        }
        gap /= 2;
    }
}

/// Transform (roots `ω^i`, `i < n/2`) from bit-reversed to natural order (Cooley–Tukey):
/// `(x, y) → (x + y·ω^i, x - y·ω^i)`.
fn bit_reversed_to_natural(v: &mut [Fr], roots: &[Fr], lanes: Lanes) {
    let n = v.len();
    let mut gap = 1;
    while gap < n {
        let stride = n / (2 * gap);
        if lanes == Lanes::One || !vector::layer(v, gap, roots, stride, vector::Butterfly::CooleyTukey) {
            layer(v, gap, |i, x, y| {
                let t = if i == 0 { *y } else { *y * roots[i * stride] };
                *y = *x - t;
                *x += t;
            });
        }
        gap *= 2;
    }
}

/// Butterflies per parallel task.
const TASK: usize = 1 << 9;

/// One layer: `butterfly(i, x, y)` on every pair `(x, y) = (v[k + i], v[k + gap + i])` of
/// every group `k` of `2·gap` points. The twiddle of `i = 0` is 1: the butterflies skip that
/// multiplication, about 15% of a transform's at 8,192 points (`n - 1` of `n/2 · log₂ n`).
fn layer(v: &mut [Fr], gap: usize, butterfly: impl Fn(usize, &mut Fr, &mut Fr) + Sync) {
    blocks(v, gap, |i, lo, hi| {
        for (k, (x, y)) in lo.iter_mut().zip(hi).enumerate() {
            butterfly(i + k, x, y);
        }
    });
}

/// One layer in blocks: `block(i, x, y)` on the pairs `(x[k], y[k]) = (v[g + i + k],
/// v[g + gap + i + k])` of every group `g` of `2·gap` points, in parallel tasks of about
/// [`TASK`] butterflies; each block is a whole group's half, or [`TASK`] butterflies of it.
fn blocks(v: &mut [Fr], gap: usize, block: impl Fn(usize, &mut [Fr], &mut [Fr]) + Sync) {
    if gap >= TASK {
        for group in v.chunks_mut(2 * gap) {
            let (lo, hi) = group.split_at_mut(gap);
            lo.par_chunks_mut(TASK)
                .zip(hi.par_chunks_mut(TASK))
                .enumerate()
                .for_each(|(t, (lo, hi))| block(t * TASK, lo, hi));
        }
    } else {
        v.par_chunks_mut(2 * TASK).for_each(|groups| {
            for group in groups.chunks_mut(2 * gap) {
                let (lo, hi) = group.split_at_mut(gap);
                block(0, lo, hi);
            }
        });
    }
}

/// The transforms' layers and the coset shift eight elements at a time on AVX-512 IFMA
/// (`field8.rs`), where the CPU has it.
#[cfg(target_arch = "x86_64")]
mod vector {
    use super::blocks;
    use crate::field8::{self, Fr8};
    use ark_bn254::Fr;

    /// Which butterfly a layer applies.
    #[derive(Debug, Clone, Copy)]
    pub(super) enum Butterfly {
        /// `(x, y) → (x + y, (x - y)·w)`.
        GentlemanSande,
        /// `(x, y) → (x + y·w, x - y·w)`.
        CooleyTukey,
    }

    /// The layer of [`super::layer`], eight butterflies at a time (twiddle `roots[i·stride]`
    /// for pair `i`); `false`, doing nothing, when the CPU has no IFMA or the pairs' halves are
    /// shorter than eight.
    pub(super) fn layer(v: &mut [Fr], gap: usize, roots: &[Fr], stride: usize, kind: Butterfly) -> bool {
        if gap < 8 || !field8::available() {
            return false;
        }
        blocks(v, gap, |i, lo, hi| {
            for (c, (x, y)) in lo.chunks_exact_mut(8).zip(hi.chunks_exact_mut(8)).enumerate() {
                let w: [Fr; 8] = std::array::from_fn(|k| roots[(i + 8 * c + k) * stride]);
                // SAFETY: the CPU has AVX-512F and IFMA (above).
                unsafe { butterflies(kind, eight(x), eight(y), &w) };
            }
        });
        true
    }

    /// `v[i] *= factors[i]`, eight at a time; `false`, doing nothing, without IFMA.
    pub(super) fn scale(v: &mut [Fr], factors: &[Fr]) -> bool {
        if !field8::available() || !v.len().is_multiple_of(8) || v.len() != factors.len() {
            return false;
        }
        for (x, f) in v.chunks_exact_mut(8).zip(factors.chunks_exact(8)) {
            // SAFETY: the CPU has AVX-512F and IFMA (above).
            unsafe {
                let x = eight(x);
                *x = Fr8::from_elements(x).mul(&Fr8::from_elements(eight_ref(f))).to_elements();
            }
        }
        true
    }

    /// Eight elements of a chunk of eight.
    fn eight(x: &mut [Fr]) -> &mut [Fr; 8] {
        x.try_into().expect("chunks of eight")
    }

    fn eight_ref(x: &[Fr]) -> &[Fr; 8] {
        x.try_into().expect("chunks of eight")
    }

    #[target_feature(enable = "avx512f,avx512ifma")]
    fn butterflies(kind: Butterfly, x: &mut [Fr; 8], y: &mut [Fr; 8], w: &[Fr; 8]) {
        let (vx, vy, vw) = (Fr8::from_elements(x), Fr8::from_elements(y), Fr8::from_elements(w));
        let (nx, ny) = match kind {
            Butterfly::GentlemanSande => (vx.add(&vy), vx.sub(&vy).mul(&vw)),
            Butterfly::CooleyTukey => {
                let t = vy.mul(&vw);
                (vx.add(&t), vx.sub(&t))
            }
        };
        *x = nx.to_elements();
        *y = ny.to_elements();
    }
}

/// No vector path off x86-64.
#[cfg(not(target_arch = "x86_64"))]
mod vector {
    use ark_bn254::Fr;

    #[derive(Debug, Clone, Copy)]
    pub(super) enum Butterfly {
        GentlemanSande,
        CooleyTukey,
    }

    pub(super) fn layer(_: &mut [Fr], _: usize, _: &[Fr], _: usize, _: Butterfly) -> bool {
        false
    }

    pub(super) fn scale(_: &mut [Fr], _: &[Fr]) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_circom::CircomReduction;
    use ark_ff::UniformRand;
    use ark_groth16::r1cs_to_qap::R1CSToQAP;
    use ark_poly::GeneralEvaluationDomain;
    use ark_std::rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    fn random_matrices(rng: &mut impl Rng, constraints: usize, inputs: usize, wires: usize) -> Matrices {
        let row = |rng: &mut dyn ark_std::rand::RngCore| {
            (0..rng.gen_range(0..5)).map(|_| (Fr::rand(rng), rng.gen_range(0..wires))).collect::<Vec<_>>()
        };
        let matrix =
            |rng: &mut dyn ark_std::rand::RngCore| (0..constraints).map(|_| row(rng)).collect::<Vec<_>>();
        Matrices {
            num_inputs: inputs as u64,
            num_constraints: constraints as u64,
            num_wires: wires as u64,
            abc: [matrix(rng), matrix(rng), matrix(rng)],
        }
    }

    #[test]
    fn equals_circom_reduction() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        for (constraints, inputs) in [(0, 1), (1, 1), (5, 3), (29, 3), (100, 11), (1000, 24), (3000, 96)] {
            let wires = inputs + 40;
            let m = random_matrices(&mut rng, constraints, inputs, wires);
            let w: Vec<Fr> = (0..wires).map(|_| Fr::rand(&mut rng)).collect();
            let expected = CircomReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(
                &m.abc[..2],
                inputs,
                constraints,
                &w,
            )
            .unwrap();
            let domain = QapDomain::for_matrices(&m).unwrap();
            for lanes in [Lanes::Eight, Lanes::One] {
                let ours = domain.witness_map_with(&m, &w, lanes);
                assert_eq!(ours, expected, "{constraints} constraints, {inputs} inputs, {lanes:?}");
            }
        }
    }

    #[test]
    fn transforms_invert_each_other() {
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let d = QapDomain::new(4096).unwrap();
        let v: Vec<Fr> = (0..4096).map(|_| Fr::rand(&mut rng)).collect();
        let n = Fr::from(4096u64);
        for lanes in [Lanes::Eight, Lanes::One] {
            let mut x = v.clone();
            natural_to_bit_reversed(&mut x, &d.roots, lanes);
            bit_reversed_to_natural(&mut x, &d.inverse_roots, lanes);
            assert!(x.iter().zip(&v).all(|(x, v)| *x == *v * n), "{lanes:?}");
        }
    }
}
