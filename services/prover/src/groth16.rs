//! The Groth16 prover over the precomputed tables of [`crate::msm`].
//!
//! A proof is made in two steps:
//! 1. the proof with randomness `r = s = 0`, as ark-groth16's `create_proof_with_reduction`
//!    computes it for `r = s = 0`, with snarkjs's QAP witness map ([`crate::qap`], equal to
//!    ark-circom's `CircomReduction`): `A = α + Σ wᵢ·aᵢ`, `B = β + Σ wᵢ·bᵢ` (in G2),
//!    `C = Σ wⱼ·lⱼ + Σ hₖ·Hₖ`. With `r = 0` arkworks skips B in G1, so this is three MSMs
//!    instead of five, and `C`'s two share one table (one bucket sum);
//! 2. `Groth16::rerandomize_proof` with fresh randomness: `A' = A/r₁`, `B' = r₁·B + r₁r₂·δ`,
//!    `C' = C + r₂·A`, "statistically indistinguishable from a fresh honest proof" (ark-groth16,
//!    after theorem 3 of Baghery, Kohlweiss, Siim and Volkhov, <https://eprint.iacr.org/2020/811>):
//!    the zero-knowledge randomisation of the proof, done on the three proof elements instead of
//!    inside the MSMs.
//!
//! Step 1 gives exactly ark-groth16's proof for `r = s = 0` (tested), and step 2 is its own
//! function, so the proofs verify with the same verifying key and Solidity verifier.

use crate::{
    ProverError,
    msm::{FixedBaseMsm, Lanes},
    qap::{Matrices, QapDomain},
};
use ark_bn254::{Bn254, Fq, Fq2, Fr, g1, g2};
use ark_ec::{
    AffineRepr, CurveGroup,
    short_weierstrass::{Affine, SWCurveConfig},
};
use ark_ff::{BigInt, PrimeField};
use ark_groth16::{Proof, ProvingKey};
use rayon::prelude::*;
use std::{
    io::Write,
    sync::atomic::{AtomicBool, Ordering},
};

/// The window tables of the proving key's queries: `a`, `b` in G2, and `l` followed by `h`
/// (B in G1 is not needed with `r = 0`).
#[derive(Clone, PartialEq, Eq)]
pub struct ProvingTables {
    a: FixedBaseMsm<g1::Config>,
    b_g2: FixedBaseMsm<g2::Config>,
    lh: FixedBaseMsm<g1::Config>,
    /// Number of `l` bases at the start of `lh`.
    l_len: usize,
    /// The QAP domain, one point per `h` base (not stored: computed in a fraction of a
    /// millisecond).
    qap: QapDomain,
}

impl std::fmt::Debug for ProvingTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvingTables")
            .field("a", &self.a)
            .field("b_g2", &self.b_g2)
            .field("lh", &self.lh)
            .field("l_len", &self.l_len)
            .field("qap", &self.qap.size())
            .finish()
    }
}

fn table<P: SWCurveConfig>(bases: &[Affine<P>]) -> FixedBaseMsm<P> {
    let points = bases.iter().filter(|b| !b.is_zero()).count();
    FixedBaseMsm::new(bases, FixedBaseMsm::<P>::window_for(points))
}

/// The QAP domain for a key with `h_len` quotient bases (snarkjs: one per point).
fn qap_domain(h_len: usize) -> Result<QapDomain, String> {
    QapDomain::new(h_len)
        .filter(|d| d.size() == h_len)
        .ok_or_else(|| format!("{h_len} h bases: not a power-of-two QAP domain"))
}

/// `l` then `h`: the bases of `C` with `r = s = 0`.
fn lh(pk: &ProvingKey<Bn254>) -> Vec<ark_bn254::G1Affine> {
    [&pk.l_query[..], &pk.h_query[..]].concat()
}

impl ProvingTables {
    /// Precomputes the tables of `pk` (about a second of both cores for the disclosure
    /// circuit: done by `setup` and `import-zkey`, and stored in the key file).
    pub fn new(pk: &ProvingKey<Bn254>) -> Result<Self, String> {
        Ok(Self {
            a: table(&pk.a_query),
            b_g2: table(&pk.b_g2_query),
            lh: table(&lh(pk)),
            l_len: pk.l_query.len(),
            qap: qap_domain(pk.h_query.len())?,
        })
    }

    /// Whether these are the tables of `pk`'s queries (same points, window 0 of each).
    pub fn are_for(&self, pk: &ProvingKey<Bn254>) -> bool {
        self.a.has_bases(&pk.a_query)
            && self.b_g2.has_bases(&pk.b_g2_query)
            && self.l_len == pk.l_query.len()
            && self.lh.has_bases(&lh(pk))
    }

    /// Appends the tables in the key file's raw format.
    pub fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(&(self.l_len as u32).to_le_bytes())?;
        self.a.write(w)?;
        self.b_g2.write(w)?;
        self.lh.write(w)
    }

    /// Reads tables written by [`ProvingTables::write`] from the start of `bytes`, leaving the
    /// rest there.
    pub fn read(bytes: &mut &[u8]) -> Result<Self, String> {
        let l_len = u32::from_le_bytes(take_array(bytes)?) as usize;
        let (a, b_g2, lh) =
            (FixedBaseMsm::read(bytes)?, FixedBaseMsm::read(bytes)?, FixedBaseMsm::read(bytes)?);
        let h_len = lh.len().checked_sub(l_len).ok_or("window tables: l longer than l and h")?;
        Ok(Self { a, b_g2, lh, l_len, qap: qap_domain(h_len)? })
    }
}

/// Field elements stored as their Montgomery limbs: tables load without a multiplication per
/// coordinate.
pub trait RawField: Sized + Copy + Send + Sync {
    /// Bytes per element.
    const BYTES: usize;
    /// Appends the little-endian Montgomery limbs.
    fn put(&self, out: &mut Vec<u8>);
    /// The element with these little-endian Montgomery limbs (`BYTES` bytes), if reduced.
    fn get(bytes: &[u8]) -> Option<Self>;
}

impl RawField for Fq {
    const BYTES: usize = 32;
    fn put(&self, out: &mut Vec<u8>) {
        for limb in self.0.0 {
            out.extend_from_slice(&limb.to_le_bytes());
        }
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        let limb = |i: usize| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes"));
        let repr = BigInt::<4>([limb(0), limb(1), limb(2), limb(3)]);
        (repr < Self::MODULUS).then(|| Self::new_unchecked(repr))
    }
}

impl RawField for Fq2 {
    const BYTES: usize = 64;
    fn put(&self, out: &mut Vec<u8>) {
        self.c0.put(out);
        self.c1.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        Some(Self::new(Fq::get(&bytes[..32])?, Fq::get(&bytes[32..64])?))
    }
}

/// The Groth16 proof with `r = s = 0` for the full assignment `w` (wire 0 = 1):
/// `A = α + Σ wᵢ·aᵢ`, `B = β + Σ wᵢ·bᵢ` (G2), `C = Σ wⱼ·lⱼ + Σ hₖ·Hₖ` over the QAP quotient
/// `h`. Not zero-knowledge by itself: it must go through `Groth16::rerandomize_proof` before it
/// leaves the prover ([`crate::Prover::prove`] does), hence not public.
pub(crate) fn create_proof_no_zk(
    pk: &ProvingKey<Bn254>,
    tables: &ProvingTables,
    m: &Matrices,
    w: &[Fr],
    lanes: Lanes,
) -> Result<Proof<Bn254>, ProverError> {
    let num_inputs = m.num_inputs as usize;
    let fits = w.len() == tables.a.len()
        && w.len() == tables.l_len + num_inputs
        && (m.num_constraints as usize) + num_inputs <= tables.qap.size();
    if !fits {
        return Err(ProverError::Prove(format!(
            "the key's queries ({} a, {} l, {} h) do not fit the circuit ({} wires, {} inputs, {} constraints)",
            tables.a.len(),
            tables.l_len,
            tables.qap.size(),
            w.len(),
            num_inputs,
            m.num_constraints
        )));
    }
    // One stage after another, each on every core: the MSMs split their buckets into one
    // balanced range per thread, so stages run side by side (`rayon::join`) leave a core idle
    // while the longer one finishes (about 10 ms more per delivery proof, `make bench`).
    let h = tables.qap.witness_map_with(m, w, lanes);
    let g_c = tables.lh.msm_with(&[&w[num_inputs..], &h].concat(), lanes);
    let g_a = tables.a.msm_with(w, lanes) + pk.vk.alpha_g1;
    let g2_b = tables.b_g2.msm_with(w, lanes) + pk.vk.beta_g2;
    Ok(Proof { a: g_a.into_affine(), b: g2_b.into_affine(), c: g_c.into_affine() })
}

impl<P: SWCurveConfig> FixedBaseMsm<P>
where
    P::BaseField: RawField,
{
    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        let (c, len, index, table) = self.parts();
        w.write_all(&[c as u8])?;
        w.write_all(&(len as u32).to_le_bytes())?;
        w.write_all(&(index.len() as u32).to_le_bytes())?;
        let mut out = Vec::with_capacity(4 * index.len());
        for i in index {
            out.extend_from_slice(&i.to_le_bytes());
        }
        w.write_all(&out)?;
        for chunk in table.chunks(4096) {
            out.clear();
            for p in chunk {
                p.x.put(&mut out);
                p.y.put(&mut out);
            }
            w.write_all(&out)?;
        }
        Ok(())
    }

    fn read(bytes: &mut &[u8]) -> Result<Self, String> {
        let c = take_array::<1>(bytes)?[0] as usize;
        let len = u32::from_le_bytes(take_array(bytes)?) as usize;
        let count = u32::from_le_bytes(take_array(bytes)?) as usize;
        let windows = Self::windows(c).ok_or_else(|| format!("window of {c} bits"))?;
        let coord = P::BaseField::BYTES;
        if count > len {
            return Err(format!("window table of {count} points for {len} bases"));
        }
        let index = take(bytes, 4 * count)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect();
        // Parsed on every core (the table's memory is first touched there, by each thread).
        let points = take(bytes, 2 * coord * count * windows)?;
        let out_of_range = AtomicBool::new(false);
        let table = points
            .par_chunks_exact(2 * coord)
            .map(|b| match (P::BaseField::get(&b[..coord]), P::BaseField::get(&b[coord..])) {
                (Some(x), Some(y)) => Affine::new_unchecked(x, y),
                _ => {
                    out_of_range.store(true, Ordering::Relaxed);
                    Affine::identity()
                }
            })
            .collect();
        if out_of_range.into_inner() {
            return Err("window table coordinate out of range".into());
        }
        Self::from_parts(c, len, index, table)
    }
}

/// The first `n` of `bytes`, taken off it.
fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
    if n > bytes.len() {
        return Err("truncated window tables".into());
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

fn take_array<const N: usize>(bytes: &mut &[u8]) -> Result<[u8; N], String> {
    Ok(take(bytes, N)?.try_into().expect("N bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keys;
    use ark_circom::CircomReduction;
    use ark_ff::Zero;
    use ark_groth16::Groth16;
    use ark_std::rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// A small development key for the disclosure circuit is still 7,443 constraints: made
    /// once for these tests.
    fn keys() -> &'static Keys {
        static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
        KEYS.get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            Keys::development(&root.join(crate::paths::R1CS), 7).expect("make circuits first")
        })
    }

    #[test]
    fn tables_roundtrip_through_the_raw_format() {
        let keys = keys();
        let mut bytes = Vec::new();
        keys.tables.write(&mut bytes).unwrap();
        let read = |b: &[u8]| ProvingTables::read(&mut &b[..]);
        let mut rest = bytes.as_slice();
        let back = ProvingTables::read(&mut rest).unwrap();
        assert!(rest.is_empty());
        assert!(back == keys.tables && back.are_for(&keys.pk));
        // a coordinate ≥ p is refused
        let mut bad = bytes.clone();
        let at = bad.len() - 8;
        bad[at..].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(read(&bad).unwrap_err().contains("out of range"));
        assert!(read(&bytes[..bytes.len() - 1]).unwrap_err().contains("truncated"));
        // a count larger than the file is refused before allocating
        let mut huge = bytes.clone();
        huge[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
        huge[9..13].copy_from_slice(&(u32::MAX / 2).to_le_bytes());
        assert!(read(&huge).unwrap_err().contains("truncated"));
    }

    /// The same proof as ark-groth16's own prover with `r = s = 0`, and after
    /// `rerandomize_proof` with the same random stream, the same proof too.
    #[test]
    fn proofs_equal_ark_groth16s() {
        let keys = keys();
        let m = &keys.matrices;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut witnesser = crate::witness::Witnesser::load(&root.join(crate::paths::WASM)).unwrap();
        let record = crate::record::Record {
            schema_id: alloy::primitives::U256::from(5),
            values: [10, 20, 30, 40, 50, 60, 70, 80],
            salt: alloy::primitives::U256::from(99),
            owner_secret: alloy::primitives::U256::from(12345),
            issuer: alloy::primitives::Address::repeat_byte(0x1e),
            expiry: 2_000_000_000,
        };
        let statement = crate::statement::Statement {
            mode: crate::statement::Mode::Direct,
            field_index: 3,
            operator: crate::statement::Operator::Gt,
            operand_a: 39,
            operand_b: 0,
            scope: alloy::primitives::U256::from(1),
            message_hash: alloy::primitives::U256::from(2),
            valid_until: 1_999_999_999,
            issuers: Some(vec![
                alloy::primitives::Address::ZERO,
                alloy::primitives::Address::repeat_byte(0x1e),
            ]),
        };
        let inputs = crate::prover::circuit_inputs(&record, &statement, None).unwrap();
        let w = witnesser.witness(inputs.named).unwrap();
        let ours = create_proof_no_zk(&keys.pk, &keys.tables, m, &w, Lanes::Eight).unwrap();
        assert_eq!(create_proof_no_zk(&keys.pk, &keys.tables, m, &w, Lanes::One).unwrap(), ours);
        let theirs = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
            &keys.pk,
            Fr::zero(),
            Fr::zero(),
            &m.abc[..2],
            m.num_inputs as usize,
            m.num_constraints as usize,
            &w,
        )
        .unwrap();
        assert_eq!(ours, theirs);
        let pvk = ark_groth16::prepare_verifying_key(&keys.pk.vk);
        let randomized = |seed| {
            let proof = Groth16::<Bn254>::rerandomize_proof(
                &keys.pk.vk,
                &ours,
                &mut ChaCha20Rng::seed_from_u64(seed),
            );
            assert!(Groth16::<Bn254>::verify_proof(&pvk, &proof, &inputs.public.to_array()).unwrap());
            proof
        };
        assert_ne!(randomized(1), randomized(2));
        assert_ne!(randomized(1), ours);
    }
}
