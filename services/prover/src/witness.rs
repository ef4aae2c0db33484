//! Witness generation with the circuit's own witness code (the `.wasm` circom2 emits), run on
//! wasmer with the calls of ark-circom's `WitnessCalculator`.
//!
//! Compiling the wasm to native code (cranelift) takes about a second, more than a whole
//! proof, so it is done once per circuit build: the compiled module is cached on disk next
//! to the wasm, keyed by the wasm's SHA-256 and the wasmer version, and later processes load
//! it in milliseconds.
//!
//! Before it is compiled, the module's field inversions and multiplications are redirected to
//! native ones (`native_field.rs`): about 60% of the delivery circuit's witness time in the wasm.

use crate::{ProverError, native_field};
use ark_bn254::Fr;
use ark_ff::{BigInteger256, PrimeField};
use fnv::FnvHasher;
use num_bigint::{BigInt, Sign};
use sha2::{Digest, Sha256};
use std::{
    fs,
    hash::Hasher,
    path::{Path, PathBuf},
};
use wasmer::{
    ExportError, Function, FunctionEnv, Imports, Instance, Memory, Module, RuntimeError, Store,
    TypedFunction, imports,
};

/// The wasmer line the cache was written by (wasmer exports no version constant; bump with
/// the dependency). Loading also checks the artifact's own engine header.
const WASMER: &str = "wasmer-6.1";

/// The rewrite of the module before it is compiled (`native_field.rs`; bump when it
/// changes): part of the cache's name.
const REWRITE: &str = "fr2";

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
    exports: Exports,
    /// Where the module came from.
    pub source: WitnessCodeSource,
}

/// The circom2 witness-code exports, as typed functions. ark-circom's loop calls them through
/// wasmer's dynamic `Function::call` (an export lookup by name and a boxed argument list per
/// call, about 63,000 calls per witness here, 20 ms); typed calls take 11 ms, and reading each
/// value from the exported memory (where `getWitness` leaves it) instead of through
/// `readSharedRWMemory` word by word, 8 ms.
struct Exports {
    init: TypedFunction<i32, ()>,
    write_shared: TypedFunction<(i32, i32), ()>,
    read_shared: TypedFunction<i32, i32>,
    set_input: TypedFunction<(i32, i32, i32), ()>,
    get_witness: TypedFunction<i32, ()>,
    /// 32-bit words per field element (8 for BN254).
    n32: usize,
    /// Values in the witness, wire 0 included.
    witness_size: usize,
    /// The exported memory and the byte offset of the shared read-write memory in it, when the
    /// code exports both (circom ≥ 2.1) and they agree with `readSharedRWMemory`.
    shared: Option<(Memory, u64)>,
}

impl Exports {
    fn new(store: &mut Store, instance: &Instance) -> Result<Self, ExportError> {
        let e = &instance.exports;
        let n32: TypedFunction<(), i32> = e.get_typed_function(store, "getFieldNumLen32")?;
        let witness_size: TypedFunction<(), i32> = e.get_typed_function(store, "getWitnessSize")?;
        let call = |f: TypedFunction<(), i32>, store: &mut Store| {
            f.call(store).map(|v| v as u32 as usize).map_err(|_| ExportError::IncompatibleType)
        };
        let mut exports = Self {
            init: e.get_typed_function(store, "init")?,
            write_shared: e.get_typed_function(store, "writeSharedRWMemory")?,
            read_shared: e.get_typed_function(store, "readSharedRWMemory")?,
            set_input: e.get_typed_function(store, "setInputSignal")?,
            get_witness: e.get_typed_function(store, "getWitness")?,
            n32: call(n32, store)?,
            witness_size: call(witness_size, store)?,
            shared: None,
        };
        let start: Option<TypedFunction<(), i32>> =
            e.get_typed_function(store, "getSharedRWMemoryStart").ok();
        if let (Some(start), Ok(memory)) = (start, e.get_memory("memory")) {
            let start = call(start, store)? as u64;
            if exports.shared_memory_agrees(store, memory, start) {
                exports.shared = Some((memory.clone(), start));
            }
        }
        Ok(exports)
    }

    /// Whether the words `readSharedRWMemory` returns are the ones at `start` in `memory`.
    fn shared_memory_agrees(&self, store: &mut Store, memory: &Memory, start: u64) -> bool {
        (0..self.n32).all(|j| {
            let word = 0x9e37_79b9_u32.wrapping_mul(j as u32 + 1) as i32;
            let mut bytes = [0u8; 4];
            self.write_shared.call(store, j as i32, word).is_ok()
                && memory.view(store).read(start + 4 * j as u64, &mut bytes).is_ok()
                && self.read_shared.call(store, j as i32).is_ok_and(|w| w == word)
                && i32::from_le_bytes(bytes) == word
        })
    }
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
        "{}.{key}.{WASMER}-{REWRITE}.bin",
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
                let rewritten = native_field::redirect_field_ops(&wasm);
                if rewritten.is_none() {
                    tracing::warn!(wasm = %wasm_path.display(), "field inversions and products left in the witness code (unexpected module shape)");
                }
                let module = Module::new(&store, rewritten.as_deref().unwrap_or(&wasm))
                    .map_err(|e| ProverError::Witness(format!("{}: {e}", wasm_path.display())))?;
                // A cache that cannot be written only costs time on the next run.
                let tmp = cache.with_extension("tmp");
                if let Err(err) = module.serialize_to_file(&tmp).map(|()| fs::rename(&tmp, &cache)) {
                    tracing::warn!(cache = %cache.display(), %err, "cannot cache the compiled witness code");
                }
                (module, WitnessCodeSource::Compiled)
            }
        };
        let memory = FunctionEnv::new(&mut store, None);
        let imports = runtime_imports(&mut store, &memory);
        let instance = Instance::new(&mut store, &module, &imports)
            .map_err(|e| ProverError::Witness(format!("{}: {e}", wasm_path.display())))?;
        // the host functions read and write the instance's memory
        *memory.as_mut(&mut store) = instance.exports.get_memory("memory").ok().cloned();
        let exports = Exports::new(&mut store, &instance).map_err(|e| {
            ProverError::Witness(format!("{}: not circom2 witness code: {e}", wasm_path.display()))
        })?;
        if exports.n32 != 8 {
            return Err(ProverError::Witness(format!(
                "{}: witness code for a {}-bit field, not BN254",
                wasm_path.display(),
                32 * exports.n32
            )));
        }
        Ok(Self { store, exports, source })
    }

    /// The full assignment (one value per wire, wire 0 = 1) for the named inputs. The
    /// circuit's own checks run here: inputs that violate them are an error.
    ///
    /// The same calls, in the same order, as ark-circom's `calculate_witness` (and circom's
    /// `witness_calculator.js`), through typed functions and without big-integer round trips.
    pub fn witness(&mut self, inputs: Vec<(String, Vec<BigInt>)>) -> Result<Vec<Fr>, ProverError> {
        let trap = |e: RuntimeError| ProverError::Witness(e.message());
        let (store, x) = (&mut self.store, &self.exports);
        x.init.call(store, 1).map_err(trap)?;
        for (name, values) in inputs {
            let hash = {
                let mut h = FnvHasher::default();
                h.write(name.as_bytes());
                h.finish()
            };
            let (msb, lsb) = ((hash >> 32) as u32 as i32, hash as u32 as i32);
            for (i, value) in values.iter().enumerate() {
                let (sign, words) = value.to_u32_digits();
                if sign == Sign::Minus || words.len() > x.n32 {
                    return Err(ProverError::Witness(format!("input {name}[{i}] is not a field element")));
                }
                for j in 0..x.n32 {
                    let word = words.get(j).copied().unwrap_or(0);
                    x.write_shared.call(store, j as i32, word as i32).map_err(trap)?;
                }
                x.set_input.call(store, msb, lsb, i as i32).map_err(trap)?;
            }
        }
        let mut witness = Vec::with_capacity(x.witness_size);
        for i in 0..x.witness_size {
            x.get_witness.call(store, i as i32).map_err(trap)?;
            let mut limbs = [0u64; 4];
            if let Some((memory, start)) = &x.shared {
                let mut bytes = [0u8; 32];
                memory
                    .view(store)
                    .read(*start, &mut bytes)
                    .map_err(|e| ProverError::Witness(format!("reading witness value {i}: {e}")))?;
                for (limb, b) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
                    *limb = u64::from_le_bytes(b.try_into().expect("8 bytes"));
                }
            } else {
                for (j, limb) in limbs.iter_mut().enumerate() {
                    let lo = x.read_shared.call(store, 2 * j as i32).map_err(trap)? as u32;
                    let hi = x.read_shared.call(store, 2 * j as i32 + 1).map_err(trap)? as u32;
                    *limb = u64::from(lo) | (u64::from(hi) << 32);
                }
            }
            let value = Fr::from_bigint(BigInteger256::new(limbs))
                .ok_or_else(|| ProverError::Witness(format!("witness value {i} is not reduced")))?;
            witness.push(value);
        }
        Ok(witness)
    }
}

/// The imports of circom2 witness code: its runtime's callbacks, as ark-circom's
/// `WitnessCalculator` gives them (an `error` call fails the witness; circom 2.1 code reports a
/// failed constraint by trapping, the other callbacks only print), and the native inversion and
/// product of `native_field.rs` (`memory`: the instance's memory, once it exists).
fn runtime_imports(store: &mut Store, memory: &FunctionEnv<Option<Memory>>) -> Imports {
    fn error(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -> Result<(), RuntimeError> {
        Err(RuntimeError::new(format!("witness code error {a} {b} {c} {d} {e} {f}")))
    }
    let nothing = |store: &mut Store| Function::new_typed(store, || {});
    let int = |store: &mut Store| Function::new_typed(store, |_: i32| {});
    let int_pair = |store: &mut Store| Function::new_typed(store, |_: i32, _: i32| {});
    imports! {
        "runtime" => {
            "error" => Function::new_typed(store, error),
            "logSetSignal" => int_pair(store),
            "logGetSignal" => int_pair(store),
            "logFinishComponent" => int(store),
            "logStartComponent" => int(store),
            "log" => int(store),
            "exceptionHandler" => int(store),
            "showSharedRWMemory" => nothing(store),
            "printErrorMessage" => nothing(store),
            "writeBufferMessage" => nothing(store),
        },
        native_field::IMPORT_MODULE => {
            native_field::INVERSE_IMPORT => Function::new_typed_with_env(store, memory, native_field::inverse_mod),
            native_field::MUL_IMPORT => Function::new_typed_with_env(store, memory, native_field::mont_mul),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        paths,
        prover::circuit_inputs,
        record::Record,
        statement::{Mode, Operator, Statement},
    };
    use alloy::primitives::U256;
    use ark_circom::WitnessCalculator;

    /// The rewritten delivery witness code (native inversions and products) gives exactly ark-circom's
    /// witness (the unmodified module, its own `WitnessCalculator`) on random deliveries: random
    /// values, salt, owner secret, delivery key, nonce and ephemeral secret.
    #[test]
    fn the_delivery_witness_is_ark_circoms() {
        use crate::{
            DeliveryRequest,
            delivery::{DeliverySecretKey, EphemeralSecret},
            prover::delivery_inputs,
        };
        use ark_std::rand::{Rng, SeedableRng};
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let wasm = root.join(paths::DELIVERY_WASM);
        let bytes = fs::read(&wasm).expect("make circuits first");
        assert!(
            native_field::redirect_field_ops(&bytes).is_some(),
            "the inversions and products are redirected"
        );
        let mut ours = Witnesser::load(&wasm).unwrap();
        let mut store = Store::default();
        let mut reference = WitnessCalculator::new(&mut store, &wasm).unwrap();
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(14);
        for _ in 0..4 {
            let mut values: [u64; 8] = rng.r#gen();
            values[0] = values[0].max(700);
            let record = Record {
                schema_id: U256::from(2),
                values,
                salt: U256::from(rng.r#gen::<u128>()) << 100,
                owner_secret: U256::from(rng.r#gen::<u128>()) << 90,
                issuer: alloy::primitives::Address::repeat_byte(0xb0),
                expiry: 2_000_000_000,
            };
            let statement = Statement {
                mode: Mode::Direct,
                field_index: 0,
                operator: Operator::Ge,
                operand_a: 700,
                operand_b: 0,
                scope: U256::from(rng.r#gen::<u64>()),
                message_hash: U256::from(rng.r#gen::<u64>()),
                valid_until: 1_900_000_000,
                issuers: Some(vec![alloy::primitives::Address::repeat_byte(0xb0)]),
            };
            let request = DeliveryRequest {
                key: DeliverySecretKey::generate().public_key(),
                nonce: rng.r#gen::<u128>() >> 1,
            };
            let inputs = delivery_inputs(&record, &statement, None, &request, &EphemeralSecret::generate())
                .unwrap()
                .named;
            let expected =
                reference.calculate_witness_element::<Fr, _>(&mut store, inputs.clone(), true).unwrap();
            assert_eq!(ours.witness(inputs).unwrap(), expected);
        }
    }

    /// The typed-call loop gives exactly ark-circom's witness (its own `WitnessCalculator`,
    /// dynamic calls and big integers) for the same inputs.
    #[test]
    fn the_witness_is_ark_circoms() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let wasm = root.join(paths::WASM);
        assert!(native_field::redirect_field_ops(&fs::read(&wasm).unwrap()).is_some());
        let mut ours = Witnesser::load(&wasm).expect("make circuits first");
        let wires = crate::keys::read_r1cs(&root.join(paths::R1CS)).unwrap().1.num_variables;
        let mut store = Store::default();
        let mut reference = WitnessCalculator::new(&mut store, &wasm).unwrap();
        let record = Record {
            schema_id: U256::from(3),
            values: [12, 1_700_000_000, 840, 5, 0, 0, 0, u64::MAX],
            salt: U256::from(0xfeed_u64) << 190,
            owner_secret: U256::from(0x5ec7e7_u64) << 180,
            issuer: alloy::primitives::Address::repeat_byte(0xee),
            expiry: 1_900_000_000,
        };
        for (field, operator, a, b) in
            [(0, Operator::Le, 12, 0), (7, Operator::Eq, u64::MAX, 0), (2, Operator::InRange, 800, 900)]
        {
            let statement = Statement {
                mode: Mode::Direct,
                field_index: field,
                operator,
                operand_a: a,
                operand_b: b,
                scope: U256::from(99),
                message_hash: U256::MAX >> 3,
                valid_until: 1_800_000_000,
                issuers: Some(vec![alloy::primitives::Address::repeat_byte(0xee)]),
            };
            let inputs = circuit_inputs(&record, &statement, None).unwrap().named;
            let expected =
                reference.calculate_witness_element::<Fr, _>(&mut store, inputs.clone(), true).unwrap();
            assert!(ours.exports.shared.is_some(), "circom 2.1 code exports its memory");
            let got = ours.witness(inputs.clone()).unwrap();
            assert_eq!(got.len(), wires, "one value per wire of the circuit's r1cs");
            assert_eq!(got, expected, "{operator} on field {field}");
            // and through `readSharedRWMemory`, for code that does not export its memory
            let shared = ours.exports.shared.take();
            assert_eq!(ours.witness(inputs).unwrap(), expected, "{operator} on field {field}");
            ours.exports.shared = shared;
        }
    }
}
