//! Witness generation with the circuit's own witness code (the `.wasm` circom2 emits), run by
//! ark-circom's `WitnessCalculator` on wasmer.
//!
//! Compiling the wasm to native code (cranelift) takes about a second, more than a whole
//! proof, so it is done once per circuit build: the compiled module is cached on disk next
//! to the wasm, keyed by the wasm's SHA-256 and the wasmer version, and later processes load
//! it in milliseconds.

use crate::ProverError;
use ark_bn254::Fr;
use ark_circom::WitnessCalculator;
use ark_ff::PrimeField;
use num_bigint::{BigInt, Sign};
use sha2::{Digest, Sha256};
use std::{
    fs,
    path::{Path, PathBuf},
};
use wasmer::{Module, Store};

/// The wasmer line the cache was written by (wasmer exports no version constant; bump with
/// the dependency). Loading also checks the artifact's own engine header.
const WASMER: &str = "wasmer-6.1";

/// How the witness code was made ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WitnessCodeSource {
    /// Compiled from the wasm now (and written to the cache).
    Compiled,
    /// Loaded from the compiled-module cache.
    Cached,
}

/// The circuit's witness code, compiled and instantiated once.
pub struct Witnesser {
    store: Store,
    calculator: WitnessCalculator,
    /// Where the module came from.
    pub source: WitnessCodeSource,
}

impl std::fmt::Debug for Witnesser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witnesser").field("source", &self.source).finish_non_exhaustive()
    }
}

/// The cache file of the compiled module for `wasm_bytes` at `wasm_path`.
pub fn module_cache_path(wasm_path: &Path, wasm_bytes: &[u8]) -> PathBuf {
    let digest = Sha256::digest(wasm_bytes);
    let key: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!(
        "{}.{key}.{WASMER}.bin",
        wasm_path.file_stem().and_then(|s| s.to_str()).unwrap_or("circuit"),
    );
    wasm_path.with_file_name(name)
}

impl Witnesser {
    /// Loads the witness code of `wasm_path`, from the compiled-module cache when it holds
    /// this exact wasm, else by compiling it (and filling the cache).
    pub fn load(wasm_path: &Path) -> Result<Self, ProverError> {
        let wasm = fs::read(wasm_path).map_err(|source| ProverError::io(wasm_path, source))?;
        let cache = module_cache_path(wasm_path, &wasm);
        let mut store = Store::default();
        let cached = if cache.exists() {
            // SAFETY: the file is a module this code serialized itself with this wasmer
            // version (both are in its name, with the hash of the wasm it was compiled from);
            // `deserialize_from_file` still validates the artifact's layout, and any error
            // falls back to compiling.
            match unsafe { Module::deserialize_from_file(&store, &cache) } {
                Ok(module) => Some(module),
                Err(err) => {
                    tracing::warn!(cache = %cache.display(), %err, "compiled witness code unusable; recompiling");
                    None
                }
            }
        } else {
            None
        };
        let (module, source) = match cached {
            Some(module) => (module, WitnessCodeSource::Cached),
            None => {
                let module = Module::new(&store, &wasm)
                    .map_err(|e| ProverError::Witness(format!("{}: {e}", wasm_path.display())))?;
                // A cache that cannot be written only costs time on the next run.
                let tmp = cache.with_extension("tmp");
                if let Err(err) = module.serialize_to_file(&tmp).map(|()| fs::rename(&tmp, &cache)) {
                    tracing::warn!(cache = %cache.display(), %err, "cannot cache the compiled witness code");
                }
                (module, WitnessCodeSource::Compiled)
            }
        };
        let calculator = WitnessCalculator::from_module(&mut store, module)
            .map_err(|e| ProverError::Witness(format!("{}: {e}", wasm_path.display())))?;
        Ok(Self { store, calculator, source })
    }

    /// The full assignment (one value per wire, wire 0 = 1) for the named inputs. The
    /// circuit's own checks run here: inputs that violate them are an error.
    pub fn witness(&mut self, inputs: Vec<(String, Vec<BigInt>)>) -> Result<Vec<Fr>, ProverError> {
        let values = self
            .calculator
            .calculate_witness(&mut self.store, inputs, true)
            .map_err(|e| ProverError::Witness(e.to_string()))?;
        values
            .into_iter()
            .map(|v| {
                let (sign, bytes) = v.to_bytes_be();
                match sign {
                    Sign::Minus => Err(ProverError::Witness("negative witness value".into())),
                    _ => Ok(Fr::from_be_bytes_mod_order(&bytes)),
                }
            })
            .collect()
    }
}
