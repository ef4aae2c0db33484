//! Multi-scalar multiplication over the proving key's fixed bases.
//!
//! Every proof computes sums `Σ sᵢ·Pᵢ` over the same points `Pᵢ` (the proving key's queries)
//! with new scalars `sᵢ` (the witness and the QAP quotient). arkworks' `VariableBaseMSM`
//! (Pippenger) treats the bases as new each time: per window of c bits it fills 2^(c-1)
//! buckets, sums them and doubles c times, with a mixed addition (about ten field
//! multiplications) per point and window. Here, with the bases fixed:
//!
//! - every multiple `2^(c·j)·Pᵢ` is computed once, at key load (or stored in the key file);
//!   a proof then fills one set of buckets for all windows (one addition per nonzero digit),
//!   sums them once and doubles never, so the window can be wider (13–15 bits);
//! - the points of each bucket are added as trees, level by level, in affine coordinates,
//!   every level's additions sharing one field inversion (Montgomery's trick): about six
//!   multiplications per addition;
//! - the final `Σ m·bucketₘ` splits `m` in two halves, so most of it is batched additions too;
//! - on a CPU with AVX-512 IFMA, a level's additions run eight at a time, one per vector lane,
//!   in G1 and G2 (`msm/ifma.rs`): the MSMs take about half the time (`make bench`).
//!
//! With two threads, a proof on these tables takes less than half of ark-groth16's own prover on
//! the same witness (`make bench`).
//!
//! Why not a library: arkworks has no fixed-base MSM (its `BatchMulPreprocessing` multiplies
//! one base by many scalars); halo2curves' `msm_best` (batch-affine Pippenger, BN254) measured
//! 1.2× faster than arkworks on the 8,192-point quotient MSM and 1.2–2× slower on the witness
//! ones (no zero or small-scalar handling, slower G2); bellperson's precomputed MSM is for
//! other curve libraries. The arithmetic is arkworks' (except the eight-lane field arithmetic of
//! `field8.rs`, which says why): its field operations, its group law
//! (`Projective`, `Bucket`) for the bucket sums and for every addition the affine formula does
//! not cover (an identity, a doubling, `P + (-P)`), `normalize_batch` for the tables. The affine
//! addition is the textbook chord formula. The results are tested equal to
//! `VariableBaseMSM::msm` (random scalars with 0, ±1, small values, p-1, around p/2; repeated,
//! opposite and infinite bases), and every proof is verified before it leaves the prover.

use ark_bn254::{Fq, Fq2};
use ark_ec::{
    AffineRepr, CurveGroup,
    short_weierstrass::{Affine, Bucket, Projective, SWCurveConfig},
};
use ark_ff::{AdditiveGroup, BigInteger, Field, One, PrimeField, Zero};
use rayon::prelude::*;

#[cfg(target_arch = "x86_64")]
mod ifma;

/// Fields whose elements [`FixedBaseMsm`] inverts in batches (its affine additions): the
/// batch inversion runs in the prime field Fq, on each element's norm.
pub trait BatchInverse: Field {
    /// The element's norm in Fq (the element itself in Fq), zero only for zero.
    fn norm_fq(&self) -> Fq;
    /// `1/self`, given `1/norm`.
    fn inverse_from_norm(&self, norm_inverse: Fq) -> Self;

    /// Adds one level of pairs of the bucket sums on this CPU's vector unit, if this field
    /// has such a path here: `Some(false)` when no segment has a pair left, `None` without one.
    fn add_level<P: SWCurveConfig<BaseField = Self>>(
        _points: &mut [Affine<P>],
        _offset: &[usize],
        _len: &mut [usize],
    ) -> Option<bool> {
        None
    }
}

impl BatchInverse for Fq {
    #[inline(always)]
    fn norm_fq(&self) -> Fq {
        *self
    }
    #[inline(always)]
    fn inverse_from_norm(&self, norm_inverse: Fq) -> Self {
        norm_inverse
    }

    fn add_level<P: SWCurveConfig<BaseField = Self>>(
        points: &mut [Affine<P>],
        offset: &[usize],
        len: &mut [usize],
    ) -> Option<bool> {
        vector_level(points, offset, len)
    }
}

impl BatchInverse for Fq2 {
    /// `N(a) = a·ā`: `1/a = ā/N(a)`, so the batch inversion runs in Fq, at a third of the
    /// multiplications.
    #[inline(always)]
    fn norm_fq(&self) -> Fq {
        self.norm()
    }
    #[inline(always)]
    fn inverse_from_norm(&self, norm_inverse: Fq) -> Self {
        Self::new(self.c0 * norm_inverse, -(self.c1 * norm_inverse))
    }

    fn add_level<P: SWCurveConfig<BaseField = Self>>(
        points: &mut [Affine<P>],
        offset: &[usize],
        len: &mut [usize],
    ) -> Option<bool> {
        vector_level(points, offset, len)
    }
}

/// A level of additions eight at a time on AVX-512 IFMA (`msm/ifma.rs`), where the CPU has it.
#[cfg(target_arch = "x86_64")]
fn vector_level<P: SWCurveConfig>(
    points: &mut [Affine<P>],
    offset: &[usize],
    len: &mut [usize],
) -> Option<bool>
where
    P::BaseField: ifma::Lanes,
{
    // SAFETY: the CPU has AVX-512F and IFMA.
    crate::field8::available().then(|| unsafe { ifma::add_level(points, offset, len) })
}

/// No vector path off x86-64.
#[cfg(not(target_arch = "x86_64"))]
fn vector_level<P: SWCurveConfig>(_: &mut [Affine<P>], _: &[usize], _: &mut [usize]) -> Option<bool> {
    None
}

/// Precomputed window multiples of a fixed list of bases, for repeated MSMs over them.
#[derive(Clone, PartialEq, Eq)]
pub struct FixedBaseMsm<P: SWCurveConfig> {
    /// Window width in bits.
    c: usize,
    /// Windows per scalar: `ceil((bits + 1) / c)`, the extra bit for the signed digits' carry.
    windows: usize,
    /// Number of bases the MSM takes scalars for (points at infinity included).
    len: usize,
    /// Position, in the original list, of each base that is not the point at infinity.
    index: Vec<u32>,
    /// `table[k * windows + j] = 2^(c·j) · bases[index[k]]`.
    table: Vec<Affine<P>>,
}

impl<P: SWCurveConfig> std::fmt::Debug for FixedBaseMsm<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedBaseMsm")
            .field("c", &self.c)
            .field("windows", &self.windows)
            .field("len", &self.len)
            .field("points", &self.index.len())
            .finish_non_exhaustive()
    }
}

/// Windows of `c` bits for a scalar of the curve's field, signed digits included.
fn windows_for<P: SWCurveConfig>(c: usize) -> usize {
    (P::ScalarField::MODULUS_BIT_SIZE as usize + 1).div_ceil(c)
}

impl<P: SWCurveConfig> FixedBaseMsm<P> {
    /// The window width for `n` bases: fewest additions `n·windows + 2^c`.
    pub fn window_for(n: usize) -> usize {
        (4..=16).min_by_key(|&c| n * windows_for::<P>(c) + (1 << c)).expect("non-empty range")
    }

    /// Precomputes the window multiples of `bases` (c-bit windows).
    pub fn new(bases: &[Affine<P>], c: usize) -> Self {
        assert!((2..=16).contains(&c), "window of {c} bits");
        let windows = windows_for::<P>(c);
        let index: Vec<u32> = (0..bases.len() as u32).filter(|&i| !bases[i as usize].is_zero()).collect();
        let multiples: Vec<Projective<P>> = index
            .par_iter()
            .flat_map_iter(|&i| {
                let mut p = Projective::from(bases[i as usize]);
                (0..windows).map(move |j| {
                    if j > 0 {
                        for _ in 0..c {
                            p.double_in_place();
                        }
                    }
                    p
                })
            })
            .collect();
        let table = Projective::normalize_batch(&multiples);
        Self { c, windows, len: bases.len(), index, table }
    }

    /// Windows per scalar for `c`-bit windows, if `c` is a width [`FixedBaseMsm::new`] takes.
    pub fn windows(c: usize) -> Option<usize> {
        (2..=16).contains(&c).then(|| windows_for::<P>(c))
    }

    /// Window width, original length, positions of the finite bases, table.
    pub fn parts(&self) -> (usize, usize, &[u32], &[Affine<P>]) {
        (self.c, self.len, &self.index, &self.table)
    }

    /// Reassembles [`FixedBaseMsm::parts`], checking that they fit together.
    pub fn from_parts(c: usize, len: usize, index: Vec<u32>, table: Vec<Affine<P>>) -> Result<Self, String> {
        let windows = Self::windows(c).ok_or_else(|| format!("window of {c} bits"))?;
        if !index.windows(2).all(|w| w[0] < w[1]) || index.last().is_some_and(|&i| i as usize >= len) {
            return Err("window table positions out of order".into());
        }
        if table.len() != index.len() * windows {
            return Err("window table size does not match its bases".into());
        }
        Ok(Self { c, windows, len, index, table })
    }

    /// Whether these are the tables of `bases`: same length, the same finite points in window 0.
    pub fn has_bases(&self, bases: &[Affine<P>]) -> bool {
        bases.len() == self.len
            && bases.iter().filter(|b| !b.is_zero()).count() == self.index.len()
            && self.index.iter().enumerate().all(|(k, &i)| self.table[k * self.windows] == bases[i as usize])
    }

    /// Number of scalars [`FixedBaseMsm::msm`] takes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bases.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<P: SWCurveConfig> FixedBaseMsm<P>
where
    P::BaseField: BatchInverse,
{
    /// `Σ scalars[i] · bases[i]`. Panics unless there is one scalar per base.
    pub fn msm(&self, scalars: &[P::ScalarField]) -> Projective<P> {
        self.msm_with(scalars, Lanes::Eight)
    }

    /// [`FixedBaseMsm::msm`], with the additions of `lanes` ([`Lanes::One`]: the portable path
    /// alone, for comparisons; the tests check both).
    pub fn msm_with(&self, scalars: &[P::ScalarField], lanes: Lanes) -> Projective<P> {
        assert_eq!(scalars.len(), self.len, "one scalar per base");
        let (c, w) = (self.c, self.windows);
        // Signed c-bit digits of each scalar folded into (-p/2, p/2]: digit magnitudes are at
        // most 2^(c-1), and -1, -2, ... (common in witnesses) cost what 1, 2, ... do.
        let mut half = P::ScalarField::MODULUS;
        half.div2();
        let mut digits = vec![0i32; self.index.len() * w];
        digits.par_chunks_mut(w).zip(&self.index).for_each(|(out, &i)| {
            let s = scalars[i as usize];
            if s.is_zero() {
                return;
            }
            let mut b = s.into_bigint();
            let negate = b > half;
            if negate {
                let mut m = P::ScalarField::MODULUS;
                m.sub_with_borrow(&b);
                b = m;
            }
            signed_digits(b.as_ref(), c, out);
            if negate {
                out.iter_mut().for_each(|d| *d = -*d);
            }
        });

        // Points per bucket magnitude 0..=2^(c-1) (0: no point), then the magnitudes 1..=2^(c-1)
        // split in contiguous ranges of about equal work, one per thread: the small magnitudes
        // hold more points (small witness values; the short top window).
        let buckets = 1usize << (c - 1);
        let counts = digits
            .par_chunks(w * 1024)
            .fold(
                || vec![0usize; buckets + 1],
                |mut counts, chunk| {
                    chunk.iter().for_each(|d| counts[d.unsigned_abs() as usize] += 1);
                    counts
                },
            )
            .reduce_with(|mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            })
            .unwrap_or_else(|| vec![0; buckets + 1]);
        let ranges = split_work(&counts[1..], rayon::current_num_threads());
        ranges
            .into_par_iter()
            .map(|(lo, hi)| {
                let (lo, hi) = (lo + 1, hi + 1);
                let mut scratch = Scratch { lanes, pairs: Vec::new() };
                let sums = bucket_sums(&digits, &self.table, lo, &counts[lo..hi], &mut scratch);
                weighted_sum(&sums, lo, &mut scratch)
            })
            .sum()
    }
}

/// Splits the buckets `0..counts.len()` into at most `parts` contiguous non-empty ranges of about
/// equal work: a bucket's points (one addition each) plus two additions for its share of the
/// weighted sum.
fn split_work(counts: &[usize], parts: usize) -> Vec<(usize, usize)> {
    let cost = |n: usize| n + 2;
    let total: usize = counts.iter().map(|&n| cost(n)).sum();
    let parts = parts.clamp(1, counts.len().max(1));
    let mut ranges = Vec::with_capacity(parts);
    let (mut lo, mut done) = (0, 0);
    for (b, &n) in counts.iter().enumerate() {
        done += cost(n);
        let part = ranges.len() + 1;
        if part < parts && done * parts >= total * part {
            ranges.push((lo, b + 1));
            lo = b + 1;
        }
    }
    if lo < counts.len() || ranges.is_empty() {
        ranges.push((lo, counts.len()));
    }
    ranges
}

/// Bytes of points summed per group of buckets: a group's points stay in the core's cache (L2)
/// while they are sorted and summed.
const GROUP_BYTES: usize = 1 << 19;

/// The buckets `lo..lo + counts.len()`, bucket `m` holding `counts[m - lo]` points: bucket `m`
/// is the sum of the table points whose digit is `±m` (negated for `-m`), as an affine point
/// (the identity for an empty bucket).
///
/// The digits are read in order, each point's table position and bucket noted in the region of
/// its group of buckets (8 bytes a point; a group's points fit the core's cache); each group's
/// points are then gathered from the table in bucket order (in increasing table order within
/// the group, with prefetches: 5% off a delivery proof against copying whole points twice) and
/// its buckets
/// summed as trees, level by level: every level adds disjoint pairs, all the group's buckets at
/// once, in affine coordinates with one field inversion for the whole level (Montgomery's
/// trick): about six multiplications per addition, against ten for arkworks' mixed `Bucket`
/// addition, and no two additions of a level depend on each other.
fn bucket_sums<P: SWCurveConfig>(
    digits: &[i32],
    table: &[Affine<P>],
    lo: usize,
    counts: &[usize],
    scratch: &mut Scratch,
) -> Vec<Affine<P>>
where
    P::BaseField: BatchInverse,
{
    let n = counts.len();
    let hi = lo + n;
    let bucket = |d: i32| {
        let m = d.unsigned_abs() as usize;
        (lo..hi).contains(&m).then(|| m - lo)
    };
    // start[b]..start[b + 1]: bucket b's points in bucket order.
    let mut start = vec![0usize; n + 1];
    for b in 0..n {
        start[b + 1] = start[b] + counts[b];
    }
    // Groups of consecutive buckets, each at most `group` points (or one bucket).
    let group = (GROUP_BYTES / std::mem::size_of::<Affine<P>>()).max(1);
    let mut first = vec![0usize]; // first bucket of each group, then n
    let mut group_of = vec![0u32; n];
    for b in 0..n {
        let g = first.len() - 1;
        if b > first[g] && start[b + 1] - start[first[g]] > group {
            first.push(b);
        }
        group_of[b] = (first.len() - 1) as u32;
    }
    first.push(n);

    // Each point's position in the table and its signed bucket (±(b + 1)) to its group's region,
    // reading the digits in order: 8 bytes a point, so the regions stay small.
    let mut staged = vec![(0u32, 0i32); start[n]];
    let mut next: Vec<usize> = first[..first.len() - 1].iter().map(|&b| start[b]).collect();
    for (k, &d) in digits.iter().enumerate() {
        if let Some(b) = bucket(d) {
            let g = group_of[b] as usize;
            let b = b as i32 + 1;
            staged[next[g]] = (k as u32, if d > 0 { b } else { -b });
            next[g] += 1;
        }
    }
    drop(next);

    let mut sums = vec![Affine::<P>::identity(); n];
    let (mut points, mut offset, mut len) = (Vec::new(), Vec::new(), Vec::new());
    for g in first.windows(2) {
        let (b0, b1) = (g[0], g[1]);
        let base = start[b0];
        points.clear();
        points.resize(start[b1] - base, Affine::identity());
        offset.clear();
        offset.extend((b0..b1).map(|b| start[b] - base));
        let mut fill = offset.clone();
        let region = &staged[base..start[b1]];
        for (i, &(k, b)) in region.iter().enumerate() {
            // the table is read in increasing order, with gaps: ask for a later point early
            if let Some(&(ahead, _)) = region.get(i + PREFETCH) {
                prefetch(&table[ahead as usize]);
            }
            let p = &table[k as usize];
            let slot = &mut fill[b.unsigned_abs() as usize - 1 - b0];
            points[*slot] = if b > 0 { *p } else { -*p };
            *slot += 1;
        }
        len.clear();
        len.extend((b0..b1).map(|b| start[b + 1] - start[b]));
        sum_segments(&mut points, &offset, &mut len, scratch);
        for (i, sum) in sums[b0..b1].iter_mut().enumerate() {
            if len[i] == 1 {
                *sum = points[offset[i]];
            }
        }
    }
    sums
}

/// How many points ahead [`bucket_sums`] asks for table points.
const PREFETCH: usize = 16;

/// Asks the CPU to bring `x` into its caches (a hint; nothing is read).
#[inline(always)]
fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let p = (x as *const T).cast::<i8>();
        // SAFETY: a prefetch never faults and reads nothing into the program; `p` and the next
        // cache line (a point spans two at most) are within or just past a live reference.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p);
            _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Whether `p + q` needs the general group law: an identity (the identity is (0, 0); a finite
/// point with x = 0 takes the general law too, correctly), or equal x (a doubling, or
/// `P + (-P)`).
#[inline]
fn general<P: SWCurveConfig>(p: &Affine<P>, q: &Affine<P>) -> bool {
    p.x.is_zero() || q.x.is_zero() || p.x == q.x
}

/// Sums each segment `points[offset[i]..offset[i] + len[i]]` into its first point (`len[i]`
/// ends at 1, or 0 for an empty segment), level by level.
///
/// Each level adds the disjoint pairs `(2i, 2i + 1)` of every segment into slot `i`, all with
/// one field inversion (Montgomery's trick) fused into the additions: a backward pass stores,
/// per pair, the product of the later pairs' denominators (`x₂ - x₁`, as norms in Fq) and the
/// pair's own; a forward pass turns the running inverse into each pair's `1/(x₂ - x₁)` with two
/// multiplications and adds the pair. Writing slot `i` while going forward never overwrites a
/// pair not yet added (`i ≤ 2i`).
fn sum_segments<P: SWCurveConfig>(
    points: &mut [Affine<P>],
    offset: &[usize],
    len: &mut [usize],
    scratch: &mut Scratch,
) where
    P::BaseField: BatchInverse,
{
    loop {
        if scratch.lanes == Lanes::Eight {
            match P::BaseField::add_level(points, offset, len) {
                Some(true) => continue,
                Some(false) => return,
                None => {}
            }
        }
        // backward: (product of the later pairs' norms, this pair's norm); 1 for a pair that
        // takes the general group law
        scratch.pairs.clear();
        let mut product = Fq::one();
        for (&s, &l) in offset.iter().zip(len.iter()).rev() {
            let segment = &points[s..s + l];
            for i in (0..l / 2).rev() {
                let (p, q) = (&segment[2 * i], &segment[2 * i + 1]);
                let norm = if general(p, q) { Fq::one() } else { (q.x - p.x).norm_fq() };
                scratch.pairs.push((product, norm));
                product *= norm;
            }
        }
        if scratch.pairs.is_empty() {
            return;
        }
        // forward: `inverse` = 1/(product of this and the later pairs' norms)
        let mut inverse = product.inverse().expect("no zero denominator in a batch");
        let mut entries = scratch.pairs.iter().rev();
        for (&s, l) in offset.iter().zip(len.iter_mut()) {
            let segment = &mut points[s..s + *l];
            let pairs = *l / 2;
            for i in 0..pairs {
                let (p, q) = (segment[2 * i], segment[2 * i + 1]);
                let &(later, norm) = entries.next().expect("one entry per pair");
                let norm_inverse = inverse * later;
                inverse *= norm;
                segment[i] = if general(&p, &q) {
                    (p.into_group() + q).into_affine()
                } else {
                    // λ = (y₂ - y₁)/(x₂ - x₁), x₃ = λ² - x₁ - x₂, y₃ = λ(x₁ - x₃) - y₁
                    let lambda = (q.y - p.y) * (q.x - p.x).inverse_from_norm(norm_inverse);
                    let x = lambda.square() - p.x - q.x;
                    Affine::new_unchecked(x, lambda * (p.x - x) - p.y)
                };
            }
            if *l % 2 == 1 {
                segment[pairs] = segment[*l - 1];
            }
            *l = l.div_ceil(2);
        }
    }
}

/// How the prover's field arithmetic runs: the MSMs' additions ([`FixedBaseMsm::msm_with`]) and
/// the QAP's transforms ([`crate::qap::QapDomain::witness_map_with`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lanes {
    /// Eight elements at a time on AVX-512 IFMA where the CPU has it, else one (the default).
    Eight,
    /// One at a time, arkworks' portable arithmetic.
    One,
}

impl Lanes {
    /// Whether this CPU runs [`Lanes::Eight`] on its vector unit (AVX-512F and IFMA).
    pub fn eight_available() -> bool {
        #[cfg(target_arch = "x86_64")]
        return crate::field8::available();
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

/// What [`sum_segments`] reuses: how it adds, and its buffer (per pair, a suffix product and a
/// norm).
struct Scratch {
    lanes: Lanes,
    pairs: Vec<(Fq, Fq)>,
}

/// `Σ (lo + i)·sums[i]` = `Σ (i + 1)·sums[i] + (lo - 1)·Σ sums[i]`.
///
/// With `i = a + K·b` (`K` a power of two near `√n`): `Σ (i + 1)·sᵢ = Σₐ (a + 1)·colₐ +
/// K·Σ_b b·row_b`, where `colₐ = Σ_b s_{a+Kb}` and `row_b = Σₐ s_{a+Kb}`. The `2n` additions of
/// the columns and rows are batched affine additions ([`sum_segments`]); the two short weighted
/// sums that remain (running sums) are `2K + 2n/K` arkworks additions, against `2n` for running
/// sums over all the buckets.
fn weighted_sum<P: SWCurveConfig>(sums: &[Affine<P>], lo: usize, scratch: &mut Scratch) -> Projective<P>
where
    P::BaseField: BatchInverse,
{
    let n = sums.len();
    let k = n.ilog2().div_ceil(2);
    let width = 1usize << k;
    let height = n.div_ceil(width);
    let at = |a: usize, b: usize| sums.get(a + width * b).filter(|p| !p.is_zero());
    let lines = |count: usize, members: &dyn Fn(usize) -> Vec<Affine<P>>, scratch: &mut Scratch| {
        let (mut points, mut offset, mut len) = (Vec::with_capacity(n), Vec::new(), Vec::new());
        for line in 0..count {
            let m = members(line);
            offset.push(points.len());
            len.push(m.len());
            points.extend(m);
        }
        sum_segments(&mut points, &offset, &mut len, scratch);
        offset
            .iter()
            .zip(&len)
            .map(|(&o, &l)| if l == 1 { points[o] } else { Affine::identity() })
            .collect::<Vec<_>>()
    };
    let columns = lines(width, &|a| (0..height).filter_map(|b| at(a, b).copied()).collect(), scratch);
    let rows = lines(height, &|b| (0..width).filter_map(|a| at(a, b).copied()).collect(), scratch);

    // Σ (a + 1)·colₐ and Σ b·row_b by running sums; Σ row_b is the total.
    let running_sum = |v: &[Affine<P>]| {
        let mut running = Bucket::<P>::ZERO;
        let mut sum = Bucket::<P>::ZERO;
        for p in v.iter().rev() {
            running += p;
            sum += &running;
        }
        (Projective::<P>::from(sum), Projective::<P>::from(running))
    };
    let (by_column, _) = running_sum(&columns);
    let (by_row, total) = running_sum(&rows); // Σ (b + 1)·row_b
    let by_row = by_row - total; // Σ b·row_b
    let mut weighted = by_row;
    for _ in 0..k {
        weighted.double_in_place();
    }
    weighted + by_column + total * P::ScalarField::from((lo - 1) as u64)
}

/// Writes the signed base-2^c digits of the little-endian `limbs` into `out` (which must have
/// room for all of them): `Σ out[j]·2^(c·j)` is the number, each digit in `[-2^(c-1), 2^(c-1))`
/// except the last, which takes the final carry.
fn signed_digits(limbs: &[u64], c: usize, out: &mut [i32]) {
    let mask = (1u64 << c) - 1;
    let mut carry = 0u64;
    let last = out.len() - 1;
    for (j, digit) in out.iter_mut().enumerate() {
        let bit = j * c;
        let (limb, shift) = (bit / 64, bit % 64);
        let mut window = limbs.get(limb).map_or(0, |l| l >> shift);
        if shift + c > 64
            && let Some(next) = limbs.get(limb + 1)
        {
            window |= next << (64 - shift);
        }
        let value = (window & mask) + carry;
        if j < last && value >= 1 << (c - 1) {
            *digit = value as i32 - (1 << c);
            carry = 1;
        } else {
            *digit = value as i32;
            carry = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, g1, g2};
    use ark_ec::VariableBaseMSM;
    use ark_ff::{Field, One, UniformRand};
    use ark_std::rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha20Rng;

    /// Scalars that exercise every path: 0, ±1, small, p-1, p-2, around p/2, 2^k, random.
    fn scalars(n: usize, rng: &mut impl Rng) -> Vec<Fr> {
        let half = Fr::from(2u64).inverse().unwrap(); // (p + 1) / 2
        let special = [
            Fr::zero(),
            Fr::one(),
            -Fr::one(),
            Fr::from(2u64),
            -Fr::from(2u64),
            Fr::from(4095u64),
            Fr::from(4096u64),
            -Fr::from(4096u64),
            Fr::from(u64::MAX),
            half,
            half + Fr::one(),
            half - Fr::one(),
            Fr::from(2u64).pow([253]),
            Fr::from(2u64).pow([128]) - Fr::one(),
        ];
        (0..n)
            .map(|i| match rng.gen_range(0..4) {
                0 => special[i % special.len()],
                1 => Fr::from(rng.gen_range(0..70_000u64)),
                _ => Fr::rand(rng),
            })
            .collect()
    }

    fn to_fr(d: i32) -> Fr {
        if d < 0 { -Fr::from(d.unsigned_abs()) } else { Fr::from(d as u32) }
    }

    #[test]
    fn signed_digits_recompose_the_scalar() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for c in [2, 4, 7, 12, 13, 16] {
            let w = windows_for::<g1::Config>(c);
            for s in scalars(300, &mut rng) {
                let mut out = vec![0; w];
                signed_digits(s.into_bigint().as_ref(), c, &mut out);
                let base = Fr::from(1u64 << c);
                let back = out.iter().rev().fold(Fr::zero(), |acc, &d| acc * base + to_fr(d));
                assert_eq!(back, s, "c = {c}");
                let bound = 1 << (c - 1);
                assert!(out.iter().all(|d| (-bound..=bound).contains(d)), "c = {c}: {out:?}");
            }
        }
    }

    fn random_bases<P: SWCurveConfig>(n: usize, rng: &mut impl Rng) -> Vec<Affine<P>> {
        let g = Affine::<P>::generator();
        let mut v: Vec<Affine<P>> = (0..n).map(|_| (g * P::ScalarField::rand(rng)).into_affine()).collect();
        // infinity, repeated and opposite points: bucket additions meet doublings and P + (-P)
        if n > 8 {
            v[1] = Affine::identity();
            v[2] = v[0];
            v[3] = -v[0];
            v[4] = v[0];
            v[5] = Affine::identity();
        }
        v
    }

    fn check<P: SWCurveConfig<ScalarField = Fr>>(n: usize, c: usize, seed: u64)
    where
        P::BaseField: BatchInverse,
    {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let bases = random_bases::<P>(n, &mut rng);
        let fixed = FixedBaseMsm::new(&bases, c);
        let reference = |s: &[Fr]| Projective::<P>::msm(&bases, s).unwrap();
        // eight lanes (where this CPU has them) and one
        for lanes in [Lanes::Eight, Lanes::One] {
            let msm = |s: &[Fr]| fixed.msm_with(s, lanes);
            for _ in 0..3 {
                let s = scalars(n, &mut rng);
                assert_eq!(msm(&s), reference(&s), "n = {n}, c = {c}, {lanes:?}");
            }
            // one scalar on every base: many additions into one bucket, doublings, P + (-P)
            for s in [Fr::one(), -Fr::one(), Fr::from(3u64), -Fr::from(2u64).pow([200])] {
                let same = vec![s; n];
                assert_eq!(msm(&same), reference(&same), "n = {n}, c = {c}, {lanes:?}");
            }
            assert!(msm(&vec![Fr::zero(); n]).is_zero());
        }
    }

    #[test]
    fn equals_arkworks_msm_in_g1() {
        for (n, c) in [(0, 4), (1, 4), (9, 2), (300, 8), (2000, 11), (3000, 13)] {
            check::<g1::Config>(n, c, n as u64);
        }
    }

    #[test]
    fn equals_arkworks_msm_in_g2() {
        for (n, c) in [(9, 4), (500, 9), (1500, 12)] {
            check::<g2::Config>(n, c, 7 + n as u64);
        }
    }

    #[test]
    fn work_splits_into_contiguous_balanced_ranges() {
        let counts: Vec<usize> = (0..4096).map(|b| if b < 100 { 500 } else { b % 7 }).collect();
        for parts in [1, 2, 3, 8] {
            let ranges = split_work(&counts, parts);
            assert_eq!(ranges.len(), parts);
            assert_eq!((ranges[0].0, ranges[parts - 1].1), (0, counts.len()));
            assert!(ranges.windows(2).all(|r| r[0].1 == r[1].0 && r[0].0 < r[0].1));
            let work: Vec<usize> =
                ranges.iter().map(|&(lo, hi)| counts[lo..hi].iter().map(|n| n + 2).sum()).collect();
            let (min, max) = (work.iter().min().unwrap(), work.iter().max().unwrap());
            assert!(max - min <= 2 * 502, "{parts} parts: {work:?}");
        }
        assert_eq!(split_work(&[0], 2), vec![(0, 1)]);
        assert_eq!(split_work(&[5, 5], 4), vec![(0, 1), (1, 2)]);
    }

    #[test]
    fn the_window_grows_with_the_number_of_bases() {
        let c = |n| FixedBaseMsm::<g1::Config>::window_for(n);
        assert!(c(10) < c(1000) && c(1000) < c(100_000), "{} {} {}", c(10), c(1000), c(100_000));
        assert!((11..=15).contains(&c(7000)), "{}", c(7000));
    }
}
