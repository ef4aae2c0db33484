//! Proving keys: a reproducible development setup, the import of a snarkjs `.zkey` from a real
//! multi-party ceremony, and one fast on-disk format for both.
//!
//! The file (`circuits/build/disclosure.key`) is a header (magic, format version, SHA-256 of
//! the `.r1cs` it belongs to, origin) followed by the ark-serialize *uncompressed* proving key,
//! the circuit's A, B, C matrices and the proving key's window tables
//! ([`crate::groth16::ProvingTables`], Montgomery limbs). Uncompressed points load without
//! square roots and, since the file is ours and hash-bound to the circuit, without subgroup
//! checks: tens of milliseconds, against about a second for a snarkjs `.zkey` with checked
//! points, and the tables (a second of both cores to compute) are read, not recomputed.
//! Version 1 files (no tables) still load, computing the tables.

pub use crate::qap::Matrices;
use crate::{ProverError, groth16::ProvingTables};
use ark_bn254::{Bn254, Fr};
use ark_circom::{
    CircomCircuit, CircomReduction,
    circom::{R1CS, R1CSFile},
};
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::utils::matrix::Matrix;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Compress, Validate};
use ark_std::rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use std::{
    fs::{self, File},
    io::{BufReader, BufWriter, Read, Write},
    path::Path,
};

/// Current format: key, matrices, window tables.
const MAGIC: &[u8; 8] = b"MASAGK02";
/// Version 1: key and matrices only.
const MAGIC_V1: &[u8; 8] = b"MASAGK01";

/// Where a proving key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// `masa-prover setup --dev`: toxic waste derived from a public seed. Anyone can forge
    /// proofs for it: development and tests only.
    Development,
    /// Imported from a snarkjs `.zkey` (a Groth16 phase-2 ceremony).
    Ceremony,
}

/// A proving key bound to one circuit build.
#[derive(Debug, Clone, PartialEq)]
pub struct Keys {
    /// The Groth16 proving key (with its verifying key).
    pub pk: ProvingKey<Bn254>,
    /// The constraint matrices.
    pub matrices: Matrices,
    /// SHA-256 of the `.r1cs` the key was made for.
    pub r1cs_sha256: [u8; 32],
    /// Development or ceremony key.
    pub origin: KeyOrigin,
    /// The window tables of `pk`'s queries, for the prover's MSMs.
    pub tables: ProvingTables,
}

/// The SHA-256 and parsed contents of an `.r1cs` file.
pub fn read_r1cs(path: &Path) -> Result<([u8; 32], R1CS<Fr>), ProverError> {
    let bytes = fs::read(path).map_err(|source| ProverError::io(path, source))?;
    let file = R1CSFile::<Fr>::new(std::io::Cursor::new(&bytes))
        .map_err(|e| ProverError::Key(format!("{}: not a circom r1cs file: {e}", path.display())))?;
    Ok((Sha256::digest(&bytes).into(), file.into()))
}

/// The SHA-256 of an `.r1cs` file, without parsing it (what a key is bound to).
pub fn r1cs_sha256(path: &Path) -> Result<[u8; 32], ProverError> {
    let bytes = fs::read(path).map_err(|source| ProverError::io(path, source))?;
    Ok(Sha256::digest(&bytes).into())
}

/// One constraint of an r1cs file: A, B, C as `(wire, coefficient)` lists.
type Constraint = ark_circom::circom::Constraints<Fr>;

fn matrices(r1cs: &R1CS<Fr>) -> Matrices {
    let column = |pick: fn(&Constraint) -> &Vec<(usize, Fr)>| {
        r1cs.constraints
            .iter()
            .map(|c| pick(c).iter().map(|&(wire, coeff)| (coeff, wire)).collect())
            .collect::<Matrix<Fr>>()
    };
    Matrices {
        num_inputs: r1cs.num_inputs as u64,
        num_constraints: r1cs.constraints.len() as u64,
        num_wires: r1cs.num_variables as u64,
        abc: [column(|c| &c.0), column(|c| &c.1), column(|c| &c.2)],
    }
}

impl Keys {
    /// The development setup: Groth16 parameters for `r1cs_path` from a ChaCha20 stream seeded
    /// with `seed`. Reproducible (same r1cs, same seed: same key, same Solidity verifier) and
    /// insecure by design: the seed is the toxic waste.
    pub fn development(r1cs_path: &Path, seed: u64) -> Result<Self, ProverError> {
        let (r1cs_sha256, mut r1cs) = read_r1cs(r1cs_path)?;
        // The witness calculator's output is indexed by wire already.
        r1cs.wire_mapping = None;
        let matrices = matrices(&r1cs);
        let circuit = CircomCircuit { r1cs, witness: None };
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let pk =
            Groth16::<Bn254, CircomReduction>::generate_random_parameters_with_reduction(circuit, &mut rng)
                .map_err(|e| ProverError::Key(format!("setup failed: {e}")))?;
        let tables = ProvingTables::new(&pk).map_err(ProverError::Key)?;
        Ok(Self { pk, matrices, r1cs_sha256, origin: KeyOrigin::Development, tables })
    }

    /// Imports a snarkjs `.zkey` made for `r1cs_path` (its constraint matrices must be the
    /// r1cs's, or it belongs to another circuit).
    pub fn import_zkey(zkey_path: &Path, r1cs_path: &Path) -> Result<Self, ProverError> {
        let (r1cs_sha256, mut r1cs) = read_r1cs(r1cs_path)?;
        r1cs.wire_mapping = None;
        let ours = matrices(&r1cs);
        let mut reader =
            BufReader::new(File::open(zkey_path).map_err(|source| ProverError::io(zkey_path, source))?);
        let (pk, index) = ark_circom::read_zkey(&mut reader).map_err(|e| {
            ProverError::Key(format!("{}: not a Groth16 BN254 zkey: {e}", zkey_path.display()))
        })?;
        let sorted = |m: &Matrix<Fr>| -> Vec<Vec<(Fr, usize)>> {
            m.iter()
                .map(|row| {
                    let mut row = row.clone();
                    row.sort_by_key(|&(_, wire)| wire);
                    row
                })
                .collect()
        };
        let same_shape = index.num_constraints as u64 == ours.num_constraints
            && index.num_instance_variables as u64 == ours.num_inputs
            && sorted(&index.a) == sorted(&ours.abc[0])
            && sorted(&index.b) == sorted(&ours.abc[1]);
        if !same_shape {
            return Err(ProverError::Key(format!(
                "{} was made for another circuit than {} ({} constraints / {} public inputs vs {} / {})",
                zkey_path.display(),
                r1cs_path.display(),
                index.num_constraints,
                index.num_instance_variables.saturating_sub(1),
                ours.num_constraints,
                ours.num_inputs - 1,
            )));
        }
        let tables = ProvingTables::new(&pk).map_err(ProverError::Key)?;
        Ok(Self { pk, matrices: ours, r1cs_sha256, origin: KeyOrigin::Ceremony, tables })
    }

    /// Writes the key in the fast format (atomically: temp file, then rename).
    pub fn save(&self, path: &Path) -> Result<(), ProverError> {
        let tmp = path.with_extension("tmp");
        let write = || -> Result<(), ProverError> {
            let file = File::create(&tmp).map_err(|source| ProverError::io(&tmp, source))?;
            let mut w = BufWriter::new(file);
            let io = |source| ProverError::io(&tmp, source);
            w.write_all(MAGIC).map_err(io)?;
            w.write_all(&self.r1cs_sha256).map_err(io)?;
            w.write_all(&[u8::from(self.origin == KeyOrigin::Ceremony)]).map_err(io)?;
            let ser = |e: ark_serialize::SerializationError| ProverError::Key(format!("serialize: {e}"));
            self.pk.serialize_uncompressed(&mut w).map_err(ser)?;
            self.matrices.serialize_uncompressed(&mut w).map_err(ser)?;
            self.tables.write(&mut w).map_err(io)?;
            w.flush().map_err(io)
        };
        write()?;
        fs::rename(&tmp, path).map_err(|source| ProverError::io(path, source))
    }

    /// Loads a key written by [`Keys::save`], refusing one made for another r1cs than
    /// `expected_r1cs_sha256`.
    pub fn load(path: &Path, expected_r1cs_sha256: Option<[u8; 32]>) -> Result<Self, ProverError> {
        let io = |source| ProverError::io(path, source);
        let bad = |what: String| ProverError::Key(format!("{}: {what}", path.display()));
        let mut file = File::open(path).map_err(io)?;
        // The header first: a file that is not a key, or is another circuit's, is refused
        // before the rest of it is read.
        let mut header = [0u8; HEADER];
        let v1 = match file.read_exact(&mut header) {
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(bad(not_a_key())),
            Err(e) => return Err(io(e)),
            Ok(()) => check_header(&header, expected_r1cs_sha256).map_err(bad)?,
        };
        // The rest mapped rather than read: the tables (most of the file) are parsed on every
        // core straight from the page cache, without a copy through a buffer first.
        // SAFETY: the mapping is only read, here; key files are replaced by a rename, never
        // rewritten in place (`Keys::save`), so no writer changes a mapped file under us.
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(io)?;
        let body = map.get(HEADER..).ok_or_else(|| bad("changed while it was read".into()))?;
        tracing::info_span!("key", path = %path.display())
            .in_scope(|| Self::from_body(&header, v1, body))
            .map_err(bad)
    }

    /// The key of a file with this (checked) header and this body; the error says what is wrong
    /// with the body.
    fn from_body(header: &[u8; HEADER], v1: bool, mut rest: &[u8]) -> Result<Self, String> {
        let r1cs_sha256: [u8; 32] = header[8..40].try_into().expect("32 bytes");
        let origin = if header[40] == 1 { KeyOrigin::Ceremony } else { KeyOrigin::Development };
        // Validate::No: the file is ours and bound to the circuit by hash (see module docs).
        let pk = ProvingKey::<Bn254>::deserialize_with_mode(&mut rest, Compress::No, Validate::No)
            .map_err(|e| format!("corrupt proving key: {e}"))?;
        let matrices = Matrices::deserialize_with_mode(&mut rest, Compress::No, Validate::No)
            .map_err(|e| format!("corrupt matrices: {e}"))?;
        let tables = if v1 {
            tracing::warn!(
                "version 1 key file: computing its window tables (rewrite it with `setup --dev` or `import-zkey` to load them)"
            );
            ProvingTables::new(&pk)?
        } else {
            let tables = ProvingTables::read(&mut rest).map_err(|e| format!("corrupt window tables: {e}"))?;
            if !tables.are_for(&pk) {
                return Err("corrupt window tables: they are not the proving key's".into());
            }
            tables
        };
        if !rest.is_empty() {
            return Err("trailing bytes".into());
        }
        Ok(Self { pk, matrices, r1cs_sha256, origin, tables })
    }
}

/// Bytes before the proving key: magic and version, the r1cs hash, the origin.
const HEADER: usize = 41;

fn not_a_key() -> String {
    "not a masa-prover key file (run `masa-prover setup --dev` or `import-zkey`)".to_owned()
}

/// Checks a key file's header (magic, and the r1cs hash if one is expected); whether it is a
/// version 1 file.
fn check_header(header: &[u8], expected_r1cs_sha256: Option<[u8; 32]>) -> Result<bool, String> {
    let v1 = &header[..8] == MAGIC_V1;
    if &header[..8] != MAGIC && !v1 {
        return Err(not_a_key());
    }
    if expected_r1cs_sha256.is_some_and(|expected| expected[..] != header[8..40]) {
        return Err("made for another build of the circuit (r1cs hash differs): redo the setup".into());
    }
    Ok(v1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What is not a key file is refused by name, from its header, before the rest is read.
    #[test]
    fn files_that_are_not_keys_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let message = |path: &Path, expected| Keys::load(path, expected).unwrap_err().to_string();
        let short = dir.path().join("short.key");
        fs::write(&short, b"MASAGK02").unwrap();
        assert!(message(&short, None).contains("not a masa-prover key file"));
        let other = dir.path().join("other.bin");
        fs::write(&other, vec![7u8; 1 << 20]).unwrap();
        assert!(message(&other, None).contains("not a masa-prover key file"));
        let mut header = MAGIC.to_vec();
        header.extend_from_slice(&[1; 33]);
        let foreign = dir.path().join("foreign.key");
        fs::write(&foreign, &header).unwrap();
        assert!(message(&foreign, Some([2; 32])).contains("r1cs hash differs"));
        assert!(message(&foreign, Some([1; 32])).contains("corrupt proving key"));
        assert!(matches!(Keys::load(dir.path(), None), Err(ProverError::Io { .. })), "a directory");
        assert!(matches!(Keys::load(&dir.path().join("none.key"), None), Err(ProverError::Io { .. })));
    }

    /// A version 1 file (no tables) still loads: the tables are computed, the same as stored.
    #[test]
    fn version_1_files_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let keys = Keys::development(&root.join(crate::paths::R1CS), 3).expect("make circuits first");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.key");
        let mut bytes = MAGIC_V1.to_vec();
        bytes.extend_from_slice(&keys.r1cs_sha256);
        bytes.push(0);
        keys.pk.serialize_uncompressed(&mut bytes).unwrap();
        keys.matrices.serialize_uncompressed(&mut bytes).unwrap();
        fs::write(&path, &bytes).unwrap();
        assert_eq!(Keys::load(&path, Some(keys.r1cs_sha256)).unwrap(), keys);
        // the current format, with a byte too many or too few, is refused
        keys.save(&path).unwrap();
        let mut current = fs::read(&path).unwrap();
        current.push(0);
        fs::write(&path, &current).unwrap();
        assert!(Keys::load(&path, None).unwrap_err().to_string().contains("trailing bytes"));
        current.truncate(current.len() - 2);
        fs::write(&path, &current).unwrap();
        assert!(Keys::load(&path, None).unwrap_err().to_string().contains("truncated"));
    }
}
