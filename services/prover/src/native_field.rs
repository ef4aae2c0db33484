//! Native field arithmetic for circom's witness code: inversions and Montgomery products.
//!
//! circom2's wasm computes every field inversion (each `<--` hint with a division, each
//! `1/x` in a function) with its runtime's `Fr_int_inverseMod`: a schoolbook extended Euclid
//! on 256-bit integers, a big-integer division per step, in wasm. The delivery circuit's Baby
//! Jubjub ladders (the ECDH of `circuits/lib/ecdh.circom`: a Montgomery-form addition or
//! doubling, one inversion each, per bit) make that about half of its witness time. Every
//! multiplication goes through `Fr_F1m_mul`, a Montgomery product on 32-bit limbs: a third of
//! what is left. Here the module is rewritten, once before it is compiled, so that its calls to
//! those two functions go to host functions computing the same values with arkworks' inversion
//! and multiplication (circom's Montgomery form is arkworks': `a·2²⁵⁶ mod p`, reduced, in
//! little-endian limbs); the rest of the witness code runs unchanged, and every witness still
//! goes through the proof's verification.
//!
//! The rewrite: one function import appended per target (`masa.inverseMod`, `masa.montMul`,
//! each of its target's type; the targets are found by name in the module's name section), so
//! every defined function's index moves up by two: calls, exports, the start function and the
//! table's element segments are renumbered (the name section, which only names them for
//! debugging, is dropped); every other byte is copied. Why by hand: wasmparser (re-exported by
//! wasmer, which validates the result when it compiles it) reads the module, but no crate in the
//! dependency tree writes one (wasm-encoder's `reencode` would, as a new dependency, for about
//! 150 lines here). A module of any other shape (no name section or no target, element segments
//! or instructions that refer to functions in other ways) is left as it is, and runs as before.
//!
//! The witness of the rewritten module is tested equal to ark-circom's (the unmodified module)
//! on random inputs of both circuits (`witness::tests`).

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, BigInteger, BigInteger256, Field, PrimeField};
use wasmer::{
    FunctionEnvMut, Memory, MemoryView, RuntimeError,
    wasmparser::{
        BinaryReaderError, ElementItems, ElementKind, ExternalKind, FunctionBody, KnownCustom, Name,
        Operator, Parser, Payload, TypeRef, ValType,
    },
};

/// The module of the imports the rewritten module calls.
pub(crate) const IMPORT_MODULE: &str = "masa";
/// The import that replaces `Fr_int_inverseMod` ([`inverse_mod`]).
pub(crate) const INVERSE_IMPORT: &str = "inverseMod";
/// The import that replaces `Fr_F1m_mul` ([`mont_mul`]).
pub(crate) const MUL_IMPORT: &str = "montMul";
/// The runtime functions replaced (circom's `code_producers/src/wasm_elements/*/fr-code.wat`),
/// each `(a, b, r)` with pointers to 256-bit little-endian integers, and their imports.
const TARGETS: [(&str, &str); 2] = [("Fr_int_inverseMod", INVERSE_IMPORT), ("Fr_F1m_mul", MUL_IMPORT)];

/// The module with its calls to the [`TARGETS`] going to their imports instead, or `None` when
/// the module does not have the expected shape (then it is used as it is).
pub(crate) fn redirect_field_ops(wasm: &[u8]) -> Option<Vec<u8>> {
    match rewrite(wasm) {
        Ok(rewritten) => rewritten,
        Err(err) => {
            tracing::debug!(%err, "witness code not rewritten");
            None
        }
    }
}

/// The host function behind [`INVERSE_IMPORT`]: `*pr = (*px)⁻¹ mod *pm` for the BN254 scalar
/// field's modulus, in the instance's memory (`env`, set once the instance exists). The inverse
/// of 0 is 0, as in circom's Euclid (whose loop then does not run); any other modulus, or an
/// `x` not below it, is an error (circom's runtime never passes one).
pub(crate) fn inverse_mod(
    mut env: FunctionEnvMut<'_, Option<Memory>>,
    px: i32,
    pm: i32,
    pr: i32,
) -> Result<(), RuntimeError> {
    with_memory(&mut env, "inverseMod", |view| {
        if read(view, pm)? != Fr::MODULUS {
            return Err("the modulus is not the BN254 scalar field's".into());
        }
        let x = Fr::from_bigint(read(view, px)?).ok_or("x is not below the modulus")?;
        write(view, pr, x.inverse().unwrap_or(Fr::ZERO).into_bigint())
    })
}

/// The host function behind [`MUL_IMPORT`]: `*pr = *px · *py / 2²⁵⁶ mod p`, circom's
/// Montgomery product (of reduced operands, reduced), as arkworks' multiplication of the
/// elements with these Montgomery limbs. An operand not below the modulus is an error (circom's
/// runtime never passes one).
pub(crate) fn mont_mul(
    mut env: FunctionEnvMut<'_, Option<Memory>>,
    px: i32,
    py: i32,
    pr: i32,
) -> Result<(), RuntimeError> {
    with_memory(&mut env, "montMul", |view| {
        let element = |at| {
            let x = read(view, at)?;
            if x >= Fr::MODULUS {
                return Err("an operand is not below the modulus".to_owned());
            }
            Ok(Fr::new_unchecked(x))
        };
        write(view, pr, (element(px)? * element(py)?).0)
    })
}

/// Runs `f` on a view of the instance's memory; its error, prefixed with `what`, traps.
fn with_memory(
    env: &mut FunctionEnvMut<'_, Option<Memory>>,
    what: &str,
    f: impl FnOnce(&MemoryView<'_>) -> Result<(), String>,
) -> Result<(), RuntimeError> {
    let (memory, store) = env.data_and_store_mut();
    let memory = memory.as_ref().ok_or_else(|| RuntimeError::new(format!("{what}: no memory")))?;
    f(&memory.view(&store)).map_err(|e| RuntimeError::new(format!("{what}: {e}")))
}

/// The 256-bit little-endian integer at `at`.
fn read(view: &MemoryView<'_>, at: i32) -> Result<BigInteger256, String> {
    let mut bytes = [0u8; 32];
    view.read(at as u32 as u64, &mut bytes).map_err(|e| e.to_string())?;
    Ok(BigInteger256::new(std::array::from_fn(|i| {
        u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes"))
    })))
}

/// Writes `x` at `at`, little-endian.
fn write(view: &MemoryView<'_>, at: i32, x: BigInteger256) -> Result<(), String> {
    view.write(at as u32 as u64, &x.to_bytes_le()).map_err(|e| e.to_string())
}

/// [`redirect_field_ops`], with the reader's errors.
fn rewrite(wasm: &[u8]) -> Result<Option<Vec<u8>>, BinaryReaderError> {
    // First pass: imported functions, the type of each defined function, the target's index.
    let (mut imported, mut function_types, mut types) = (0u32, Vec::new(), Vec::new());
    let mut found: [Option<u32>; TARGETS.len()] = [None; TARGETS.len()];
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader {
                    imported += u32::from(matches!(import?.ty, TypeRef::Func(_)));
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    function_types.push(ty?);
                }
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(names) = custom.as_known() {
                    for name in names {
                        if let Name::Function(map) = name? {
                            for naming in map {
                                let naming = naming?;
                                if let Some(t) = TARGETS.iter().position(|(name, _)| *name == naming.name) {
                                    found[t] = Some(naming.index);
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut targets = [0u32; TARGETS.len()];
    let mut type_indices = [0u32; TARGETS.len()];
    for (t, index) in found.iter().enumerate() {
        let Some(target) = *index else { return Ok(None) };
        let type_index = target.checked_sub(imported).and_then(|i| function_types.get(i as usize));
        let Some(&type_index) = type_index else { return Ok(None) };
        let Some(ty) = types.get(type_index as usize) else { return Ok(None) };
        if ty.params() != [ValType::I32; 3] || !ty.results().is_empty() {
            return Ok(None);
        }
        targets[t] = target;
        type_indices[t] = type_index;
    }
    let added = TARGETS.len() as u32;
    // The new imports are functions `imported..imported + added`; defined functions move up.
    let renumber = |f: u32| match targets.iter().position(|&t| t == f) {
        Some(t) => imported + t as u32,
        None if f >= imported => f + added,
        None => f,
    };

    // Second pass: the module, section by section.
    let mut out = Vec::with_capacity(wasm.len() + 64);
    let mut code: Option<(Vec<u8>, u32)> = None; // the code section so far, bodies still to come
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let mut content = Vec::new();
        match &payload {
            Payload::Version { range, .. } => {
                out.extend_from_slice(&wasm[range.clone()]);
                continue;
            }
            Payload::End(_) => continue,
            Payload::ImportSection(reader) => {
                leb(&mut content, reader.count() + added);
                content.extend_from_slice(after_count(&wasm[reader.range()]));
                for ((_, import), type_index) in TARGETS.iter().zip(type_indices) {
                    name(&mut content, IMPORT_MODULE);
                    name(&mut content, import);
                    content.push(0x00); // a function import, then its type
                    leb(&mut content, type_index);
                }
            }
            Payload::ExportSection(reader) => {
                leb(&mut content, reader.count());
                for export in reader.clone() {
                    let export = export?;
                    name(&mut content, export.name);
                    let (kind, index) = match export.kind {
                        ExternalKind::Func => (0x00, renumber(export.index)),
                        ExternalKind::Table => (0x01, export.index),
                        ExternalKind::Memory => (0x02, export.index),
                        ExternalKind::Global => (0x03, export.index),
                        ExternalKind::Tag => (0x04, export.index),
                    };
                    content.push(kind);
                    leb(&mut content, index);
                }
            }
            Payload::StartSection { func, .. } => leb(&mut content, renumber(*func)),
            Payload::ElementSection(reader) => {
                leb(&mut content, reader.count());
                for element in reader.clone() {
                    let element = element?;
                    // only the MVP form: active, table 0, an offset, function indices
                    let (ElementKind::Active { table_index: None, .. }, ElementItems::Functions(items)) =
                        (&element.kind, &element.items)
                    else {
                        return Ok(None);
                    };
                    if wasm[element.range.start] != 0x00 {
                        return Ok(None);
                    }
                    content.extend_from_slice(&wasm[element.range.start..items.range().start]);
                    leb(&mut content, items.count());
                    for f in items.clone() {
                        leb(&mut content, renumber(f?));
                    }
                }
            }
            Payload::CodeSectionStart { count, .. } => {
                let mut section = Vec::with_capacity(wasm.len());
                leb(&mut section, *count);
                if *count == 0 {
                    write_section(&mut out, 10, &section);
                } else {
                    code = Some((section, *count));
                }
                continue;
            }
            Payload::CodeSectionEntry(body) => {
                let Some((section, left)) = code.as_mut() else { return Ok(None) };
                let Some(body) = rewrite_body(wasm, body, renumber)? else { return Ok(None) };
                leb(section, body.len() as u32);
                section.extend_from_slice(&body);
                *left -= 1;
                if *left == 0 {
                    let (section, _) = code.take().expect("in the code section");
                    write_section(&mut out, 10, &section);
                }
                continue;
            }
            Payload::CustomSection(custom) if custom.name() == "name" => continue,
            other => match other.as_section() {
                Some((_, range)) => content.extend_from_slice(&wasm[range]),
                None => return Ok(None),
            },
        }
        let Some((id, _)) = payload.as_section() else { return Ok(None) };
        write_section(&mut out, id, &content);
    }
    Ok(code.is_none().then_some(out))
}

/// A function body with its `call`s renumbered; `None` if it refers to functions otherwise.
fn rewrite_body(
    wasm: &[u8],
    body: &FunctionBody<'_>,
    renumber: impl Fn(u32) -> u32,
) -> Result<Option<Vec<u8>>, BinaryReaderError> {
    let range = body.range();
    let mut out = Vec::with_capacity(range.len() + 8);
    let mut copied = range.start;
    let mut operators = body.get_operators_reader()?;
    while !operators.eof() {
        let (operator, at) = operators.read_with_offset()?;
        match operator {
            Operator::Call { function_index } => {
                out.extend_from_slice(&wasm[copied..at]);
                out.push(0x10);
                leb(&mut out, renumber(function_index));
                copied = operators.original_position();
            }
            Operator::RefFunc { .. } | Operator::ReturnCall { .. } => return Ok(None),
            _ => {}
        }
    }
    out.extend_from_slice(&wasm[copied..range.end]);
    Ok(Some(out))
}

/// A section: its id, its size, its content.
fn write_section(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    leb(out, content.len() as u32);
    out.extend_from_slice(content);
}

/// A vector's elements, after its LEB128 count.
fn after_count(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().position(|b| b & 0x80 == 0).map_or(bytes.len(), |i| i + 1);
    &bytes[n..]
}

/// A name: its length, its UTF-8 bytes.
fn name(out: &mut Vec<u8>, s: &str) {
    leb(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

/// Unsigned LEB128.
fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use ark_std::rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use wasmer::{Function, FunctionEnv, Instance, Module, Store, TypedFunction, imports, wat2wasm};

    /// A module shaped like circom's witness code: an import, the runtime's inversion and
    /// multiplication (here stand-ins that write 7 and 8), callers, a table, exports, a start
    /// function.
    const WAT: &str = r#"(module
        (import "runtime" "exceptionHandler" (func $handler (param i32)))
        (memory (export "memory") 1)
        (table 2 funcref)
        (elem (i32.const 0) $direct $Fr_int_inverseMod)
        (global $started (mut i32) (i32.const 0))
        (func $Fr_int_inverseMod (param i32 i32 i32) (i64.store (local.get 2) (i64.const 7)))
        (func $Fr_F1m_mul (param i32 i32 i32) (i64.store (local.get 2) (i64.const 8)))
        (func $direct (export "direct") (param i32 i32 i32)
            (call $Fr_int_inverseMod (local.get 0) (local.get 1) (local.get 2)))
        (func (export "mul") (param i32 i32 i32)
            (call $Fr_F1m_mul (local.get 0) (local.get 1) (local.get 2)))
        (func (export "indirect") (param i32 i32 i32)
            (call_indirect (param i32 i32 i32) (local.get 0) (local.get 1) (local.get 2) (i32.const 0)))
        (func (export "started") (result i32) (global.get $started))
        (func $start (global.set $started (i32.const 1)))
        (start $start)
    )"#;

    struct Run {
        store: Store,
        instance: Instance,
    }

    impl Run {
        fn new(wasm: &[u8]) -> Self {
            let mut store = Store::default();
            let module = Module::new(&store, wasm).unwrap();
            let memory = FunctionEnv::new(&mut store, None);
            let imports = imports! {
                "runtime" => { "exceptionHandler" => Function::new_typed(&mut store, |_: i32| {}) },
                IMPORT_MODULE => {
                    INVERSE_IMPORT => Function::new_typed_with_env(&mut store, &memory, inverse_mod),
                    MUL_IMPORT => Function::new_typed_with_env(&mut store, &memory, mont_mul),
                },
            };
            let instance = Instance::new(&mut store, &module, &imports).unwrap();
            *memory.as_mut(&mut store) = instance.exports.get_memory("memory").ok().cloned();
            Self { store, instance }
        }

        /// `f(0, 32, 64)` with `x` at 0 and `m` at 32: the 32 bytes at 64.
        fn call(&mut self, f: &str, x: &[u8], m: &[u8]) -> Result<Vec<u8>, RuntimeError> {
            let memory = self.instance.exports.get_memory("memory").unwrap().clone();
            memory.view(&self.store).write(0, &[x, m, &[0; 32]].concat()).unwrap();
            let f: TypedFunction<(i32, i32, i32), ()> =
                self.instance.exports.get_typed_function(&self.store, f).unwrap();
            f.call(&mut self.store, 0, 32, 64)?;
            let mut out = vec![0; 32];
            memory.view(&self.store).read(64, &mut out).unwrap();
            Ok(out)
        }
    }

    #[test]
    fn calls_to_the_inversion_and_the_product_go_to_the_host() {
        let wasm = wat2wasm(WAT.as_bytes()).unwrap();
        let rewritten = redirect_field_ops(&wasm).expect("the module has the expected shape");
        let m = Fr::MODULUS.to_bytes_le();
        let seven = [&[7u8][..], &[0; 31]].concat();
        // the original runs its own functions
        assert_eq!(Run::new(&wasm).call("direct", &[0; 32], &m).unwrap(), seven);
        assert_eq!(Run::new(&wasm).call("mul", &[0; 32], &m).unwrap()[0], 8);

        let mut run = Run::new(&rewritten);
        let started: TypedFunction<(), i32> =
            run.instance.exports.get_typed_function(&run.store, "started").unwrap();
        assert_eq!(started.call(&mut run.store).unwrap(), 1, "the start function still runs");
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        for x in [Fr::from(1u64), Fr::from(2u64), -Fr::from(1u64), Fr::rand(&mut rng), Fr::rand(&mut rng)] {
            let expected = x.inverse().unwrap().into_bigint().to_bytes_le();
            let x = x.into_bigint().to_bytes_le();
            assert_eq!(run.call("direct", &x, &m).unwrap(), expected);
            // through the table, to `direct`
            assert_eq!(run.call("indirect", &x, &m).unwrap(), expected);
        }
        // circom's Euclid gives 0 for 0
        assert_eq!(run.call("direct", &[0; 32], &m).unwrap(), [0; 32]);
        // only BN254's scalar field, reduced
        assert!(run.call("direct", &m, &m).is_err());
        let mut other = m.clone();
        other[0] ^= 2;
        assert!(run.call("direct", &[1; 32], &other).is_err());

        // the product of the Montgomery limbs, as circom's: a·b/2²⁵⁶, that is arkworks' product
        // of the elements whose Montgomery limbs they are
        let limbs = |x: Fr| x.0.to_bytes_le();
        for (a, b) in [(Fr::from(0u64), Fr::from(5u64)), (-Fr::from(1u64), -Fr::from(1u64))]
            .into_iter()
            .chain((0..20).map(|_| (Fr::rand(&mut rng), Fr::rand(&mut rng))))
        {
            assert_eq!(run.call("mul", &limbs(a), &limbs(b)).unwrap(), limbs(a * b));
        }
        // reduced operands only
        assert!(run.call("mul", &m, &limbs(Fr::from(1u64))).is_err());
        assert!(run.call("mul", &limbs(Fr::from(1u64)), &[0xff; 32]).is_err());
    }

    #[test]
    fn other_modules_are_left_alone() {
        // no function of either name
        for target in ["Fr_int_inverseMod", "Fr_F1m_mul"] {
            let wat = WAT.replace(target, "Fr_other");
            assert!(redirect_field_ops(&wat2wasm(wat.as_bytes()).unwrap()).is_none());
        }
        // another signature
        let wat = r#"(module (func $Fr_int_inverseMod (param i32 i32)))"#;
        assert!(redirect_field_ops(&wat2wasm(wat.as_bytes()).unwrap()).is_none());
        // not a module
        assert!(redirect_field_ops(b"\0asm\x01\0\0\0\x0a").is_none());
    }
}
