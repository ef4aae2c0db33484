//! `make bench`: masa-prover against `snarkjs groth16 fullprove` on the same circuit, inputs,
//! key (a snarkjs ceremony key, imported) and machine, as ratios measured in one run; plus the
//! stage breakdown and a cross-check that each side verifies the other's proofs. Both circuits:
//! the disclosure, then the delivery (a disclosure and the encryption of the record's values).
//!
//! The snarkjs keys come from `tools/dev-ceremony` (cached under circuits/build/ceremony; the
//! first run takes a few minutes per circuit).

use alloy::primitives::{Address, U256};
use ark_bn254::{Bn254, Fr};
use ark_circom::CircomReduction;
use ark_ff::UniformRand;
use ark_groth16::Groth16;
use masa_prover::{
    Circuit, DeliveryPublicInputs, DeliveryRequest, Prover, PublicInputs, PublicSignals,
    calldata::{ProofFile, from_snarkjs, to_snarkjs, verify_calldata},
    delivery::{DeliverySecretKey, EphemeralSecret},
    keys::{Keys, read_r1cs},
    msm::Lanes,
    prover::{circuit_inputs, delivery_inputs},
    record::Record,
    statement::{Mode, Operator, Statement},
    witness::{Witnesser, module_cache_path},
};
use rand_core::OsRng;
use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

const PROCESS_RUNS: usize = 7;
const WARM_RUNS: usize = 15;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn run(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("spawn");
    let elapsed = start.elapsed();
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    elapsed
}

fn main() {
    bench::<PublicInputs>(Circuit::Disclosure);
    bench::<DeliveryPublicInputs>(Circuit::Delivery);
}

/// The bench of one circuit (`I`: its public inputs).
fn bench<I: PublicSignals>(circuit: Circuit)
where
    I::Words: TryFrom<Vec<U256>>,
{
    let root = root();
    let r1cs = root.join(circuit.r1cs());
    let wasm = root.join(circuit.wasm());
    assert!(r1cs.exists() && wasm.exists(), "run `make circuits` first");
    let status = Command::new(root.join("tools/dev-ceremony"))
        .arg(circuit.name())
        .status()
        .expect("tools/dev-ceremony");
    assert!(status.success(), "tools/dev-ceremony failed");
    let ceremony = root.join("circuits/build/ceremony");
    let zkey = ceremony.join(format!("{circuit}.zkey"));
    let vkey = ceremony.join(match circuit {
        Circuit::Disclosure => "verification_key.json".to_owned(),
        Circuit::Delivery => format!("{circuit}.verification_key.json"),
    });
    let snarkjs = root.join("node_modules/.bin/snarkjs");
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();

    // the same key on both sides: the snarkjs ceremony key, imported
    let start = Instant::now();
    let keys = Keys::import_zkey(&zkey, &r1cs).unwrap();
    let import = start.elapsed();
    let key_path = tmp.join("ceremony.key");
    keys.save(&key_path).unwrap();

    let record = Record {
        schema_id: U256::from(2),
        values: [742, 1_700_000_000, 840, 0, 0, 0, 0, 0],
        salt: U256::from(0x5a17_u64) << 200,
        owner_secret: U256::from(0x5ec7e7_u64) << 180,
        issuer: Address::repeat_byte(0xb0),
        expiry: 2_000_000_000,
    };
    let statement = Statement {
        mode: Mode::Direct,
        field_index: 0,
        operator: Operator::Ge,
        operand_a: 700,
        operand_b: 0,
        scope: U256::from(0xabcdef_u64),
        message_hash: U256::from(0x123456_u64),
        valid_until: 1_900_000_000,
        issuers: Some(vec![Address::repeat_byte(0x1e), Address::repeat_byte(0xb0)]),
    };
    let record_path = tmp.join("record.json");
    let statement_path = tmp.join("statement.json");
    let input_path = tmp.join("input.json");
    fs::write(&record_path, serde_json::to_string(&record).unwrap()).unwrap();
    fs::write(&statement_path, serde_json::to_string(&statement).unwrap()).unwrap();
    // the delivery: to a fresh developer key (each proof draws its own ephemeral key; snarkjs
    // proves the inputs of one of them)
    let request = DeliveryRequest { key: DeliverySecretKey::generate().public_key(), nonce: 1 };
    let (json, named) = match circuit {
        Circuit::Disclosure => {
            let inputs = circuit_inputs(&record, &statement, None).unwrap();
            (inputs.to_json(), inputs.named)
        }
        Circuit::Delivery => {
            let e = EphemeralSecret::generate();
            let inputs = delivery_inputs(&record, &statement, None, &request, &e).unwrap();
            (inputs.to_json(), inputs.named)
        }
    };
    fs::write(&input_path, json.to_string()).unwrap();
    let [kx, ky] = request.key.to_words();
    let delivery_args: Vec<String> = match circuit {
        Circuit::Disclosure => vec![],
        Circuit::Delivery => {
            vec!["--delivery-key".into(), format!("{kx:#x},{ky:#x}"), "--nonce".into(), "1".into()]
        }
    };

    // witness code: compile once vs load the cached module
    let cache = module_cache_path(&wasm, &fs::read(&wasm).unwrap());
    let _ = fs::remove_file(&cache);
    let start = Instant::now();
    Witnesser::load(&wasm).unwrap();
    let compile = start.elapsed();
    let start = Instant::now();
    Witnesser::load(&wasm).unwrap();
    let cached = start.elapsed();

    // whole process, cold start each time
    let ours_bin = env!("CARGO_BIN_EXE_masa-prover");
    let proof_path = tmp.join("proof.json");
    let ours: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            run(Command::new(ours_bin)
                .current_dir(&root)
                .args(["--circuit", circuit.name(), "--key", key_path.to_str().unwrap(), "prove", "--record"])
                .arg(&record_path)
                .arg("--statement")
                .arg(&statement_path)
                .arg("--out")
                .arg(&proof_path)
                .args(&delivery_args))
        })
        .collect();
    let sj_proof = tmp.join("sj-proof.json");
    let sj_public = tmp.join("sj-public.json");
    let theirs: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            run(Command::new(&snarkjs)
                .current_dir(&root)
                .args(["groth16", "fullprove"])
                .arg(&input_path)
                .arg(&wasm)
                .arg(&zkey)
                .arg(&sj_proof)
                .arg(&sj_public))
        })
        .collect();

    // warm: keys and witness code loaded, proofs in a loop
    let mut prover = Prover::load(&key_path, &wasm, Some(read_r1cs(&r1cs).unwrap().0)).unwrap();
    let mut stages = Vec::new();
    let ours_warm: Vec<Duration> = (0..WARM_RUNS)
        .map(|_| {
            let start = Instant::now();
            let (verified, t) = match circuit {
                Circuit::Disclosure => {
                    let (proof, t) = prover.prove(&record, &statement, None).unwrap();
                    (prover.verify(&proof), t)
                }
                Circuit::Delivery => {
                    let (proof, t) = prover.prove_delivery(&record, &statement, None, &request).unwrap();
                    (prover.verify(&proof), t)
                }
            };
            let elapsed = start.elapsed();
            assert!(verified);
            stages.push(t);
            elapsed
        })
        .collect();
    // the same proofs with the portable arithmetic alone (one lane), for the stage line below
    prover.set_lanes(Lanes::One);
    let one_lane: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            let t = match circuit {
                Circuit::Disclosure => prover.prove(&record, &statement, None).unwrap().1,
                Circuit::Delivery => prover.prove_delivery(&record, &statement, None, &request).unwrap().1,
            };
            t.prove
        })
        .collect();
    prover.set_lanes(Lanes::Eight);
    // the same witness through ark-groth16's own prover (arkworks MSMs and FFTs), for the
    // library stage line below
    let mut witnesser = Witnesser::load(&wasm).unwrap();
    let assignment = witnesser.witness(named).unwrap();
    let m = &keys.matrices;
    let arkworks: Vec<Duration> = (0..PROCESS_RUNS)
        .map(|_| {
            let (r, s) = (Fr::rand(&mut OsRng), Fr::rand(&mut OsRng));
            let start = Instant::now();
            Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
                &keys.pk,
                r,
                s,
                &m.abc[..2],
                m.num_inputs as usize,
                m.num_constraints as usize,
                &assignment,
            )
            .unwrap();
            start.elapsed()
        })
        .collect();

    let warm_script = format!(
        "const snarkjs = require('snarkjs'); const fs = require('fs');
         (async () => {{
           const input = JSON.parse(fs.readFileSync('{input}'));
           const zkey = fs.readFileSync('{zkey}'); const wasm = fs.readFileSync('{wasm}');
           await snarkjs.groth16.fullProve(input, {{type: 'mem', data: wasm}}, {{type: 'mem', data: zkey}});
           const times = [];
           for (let i = 0; i < {WARM_RUNS}; i++) {{
             const t = process.hrtime.bigint();
             await snarkjs.groth16.fullProve(input, {{type: 'mem', data: wasm}}, {{type: 'mem', data: zkey}});
             times.push(Number(process.hrtime.bigint() - t) / 1e6);
           }}
           console.log(JSON.stringify(times)); process.exit(0);
         }})();",
        input = input_path.display(),
        zkey = zkey.display(),
        wasm = wasm.display(),
    );
    let out = Command::new("node").current_dir(&root).args(["-e", &warm_script]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let theirs_warm: Vec<f64> = serde_json::from_slice(&out.stdout).unwrap();
    let theirs_warm: Vec<Duration> =
        theirs_warm.into_iter().map(|m| Duration::from_secs_f64(m / 1e3)).collect();

    // cross-check: snarkjs verifies our proof, and we verify snarkjs's
    let ours_file: ProofFile<I> = serde_json::from_str(&fs::read_to_string(&proof_path).unwrap()).unwrap();
    let dec = |v: U256| v.to_string();
    let ours_as_snarkjs = tmp.join("ours-as-snarkjs.json");
    let ours_public = tmp.join("ours-public.json");
    fs::write(&ours_as_snarkjs, to_snarkjs(&ours_file.proof).to_string()).unwrap();
    let ours_decimal: Vec<String> = ours_file.public_inputs.as_ref().iter().copied().map(dec).collect();
    fs::write(&ours_public, serde_json::to_string(&ours_decimal).unwrap()).unwrap();
    run(Command::new(&snarkjs)
        .args(["groth16", "verify"])
        .arg(&vkey)
        .arg(&ours_public)
        .arg(&ours_as_snarkjs));
    let sj: serde_json::Value = serde_json::from_str(&fs::read_to_string(&sj_proof).unwrap()).unwrap();
    let sj_pub: Vec<String> = serde_json::from_str(&fs::read_to_string(&sj_public).unwrap()).unwrap();
    let theirs_file = ProofFile::<I> {
        proof: from_snarkjs(&sj).unwrap(),
        public_inputs: sj_pub
            .iter()
            .map(|s| s.parse().unwrap())
            .collect::<Vec<U256>>()
            .try_into()
            .unwrap_or_else(|_| panic!("snarkjs gives the {} public signals", I::COUNT)),
        timings_ms: Default::default(),
    };
    assert!(verify_calldata(&keys, &theirs_file).unwrap(), "masa-prover rejects the snarkjs proof");
    if circuit == Circuit::Disclosure {
        assert_eq!(theirs_file.public_inputs, ours_file.public_inputs, "same public inputs");
    } else {
        // the ephemeral key and ciphertext differ (a fresh e per proof); the statement's do not
        let n = PublicInputs::COUNT;
        assert_eq!(theirs_file.public_inputs.as_ref()[..n], ours_file.public_inputs.as_ref()[..n]);
    }

    let median_stage = |f: fn(&masa_prover::Timings) -> Duration| median(stages.iter().map(f).collect());
    let (ours_p, theirs_p) = (median(ours), median(theirs));
    let (ours_w, theirs_w) = (median(ours_warm), median(theirs_warm));
    println!(
        "\n{circuit} circuit, {} constraints, {PROCESS_RUNS} process runs / {WARM_RUNS} warm proofs (medians)",
        m.num_constraints
    );
    println!("| measure | masa-prover | snarkjs 0.7.6 | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| whole process (prove one proof from files) | {} | {} | {:.1}x |",
        ms(ours_p),
        ms(theirs_p),
        theirs_p.as_secs_f64() / ours_p.as_secs_f64()
    );
    println!(
        "| per proof, keys and witness code loaded | {} | {} | {:.1}x |",
        ms(ours_w),
        ms(theirs_w),
        theirs_w.as_secs_f64() / ours_w.as_secs_f64()
    );
    let t = ours_file.timings_ms;
    println!(
        "\nmasa-prover process, last run (its own timings): witness code {:.1} ms (cached), key {:.1} ms, \
         witness {:.1} ms, prove {:.1} ms; the rest of {} is process start, r1cs hash and file I/O",
        t.witness_code,
        t.key_load,
        t.witness,
        t.prove,
        ms(ours_p)
    );
    println!("\nmasa-prover stages (library):");
    println!("  witness code: compile {} once, then load cached {}", ms(compile), ms(cached));
    println!(
        "  key: import snarkjs zkey {} once, then load {}",
        ms(import),
        ms(prover.load_timings.key_load)
    );
    println!(
        "  witness {}, Groth16 proof and its verification {} (ark-groth16's prover on the same witness: {})",
        ms(median_stage(|t| t.witness)),
        ms(median_stage(|t| t.prove)),
        ms(median(arkworks))
    );
    println!(
        "  the proof's arithmetic eight elements at a time on AVX-512 IFMA: {}; one at a time (the portable path): {} for the proof and its verification",
        if Lanes::eight_available() { "yes, this CPU has it" } else { "no, this CPU lacks it" },
        ms(median(one_lane))
    );
    println!("cross-check: snarkjs verifies masa-prover's proof, masa-prover verifies snarkjs's: ok");
}
