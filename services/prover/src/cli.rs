//! The `masa-prover` command line: setup, key import, verifier export, prove, verify.

use crate::{
    DisclosureProof, Prover, ProverError, Timings,
    field::to_fr,
    keys::{Keys, read_r1cs},
    merkle::{LeanImt, MerkleProof},
    paths,
    prover::circuit_inputs,
    record::Record,
    statement::{Mode, Statement},
    verifier,
};
use alloy::primitives::U256;
use anyhow::{Context, Result, bail};
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Groth16, Proof, prepare_verifying_key};
use serde::{Deserialize, Serialize};
use std::{fs, path::PathBuf, time::Instant};

/// `masa-prover`: zkSBT disclosure proofs in Rust (Groth16, BN254).
#[derive(Debug, clap::Parser)]
#[command(name = "masa-prover", version, about)]
pub struct Cli {
    /// The circuit's constraint system.
    #[arg(long, global = true, default_value = paths::R1CS)]
    pub r1cs: PathBuf,
    /// The proving key (fast format).
    #[arg(long, global = true, default_value = paths::KEY)]
    pub key: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Make a proving key.
    Setup {
        /// The reproducible development setup (seeded; insecure: local chains and tests only).
        #[arg(long, required = true)]
        dev: bool,
        /// Seed of the development setup.
        #[arg(long, default_value_t = paths::DEV_SEED)]
        seed: u64,
    },
    /// Import a snarkjs `.zkey` from a multi-party ceremony as the proving key.
    ImportZkey {
        /// The `.zkey` file (final, after the beacon).
        zkey: PathBuf,
    },
    /// Write the Solidity verifier for the key, or check that the committed one matches.
    ExportVerifier {
        /// Only check: exit 1 if the file differs from what the key generates.
        #[arg(long)]
        check: bool,
        /// Where the verifier lives.
        #[arg(long, default_value = paths::VERIFIER)]
        out: PathBuf,
    },
    /// Prove a statement about a record.
    Prove {
        /// The record (JSON: schemaId, values[8], salt, ownerSecret).
        #[arg(long)]
        record: PathBuf,
        /// The statement (JSON: mode, fieldIndex, operator, operandA, operandB, scope, messageHash).
        #[arg(long)]
        statement: PathBuf,
        /// Anonymous mode: the registry tree's leaves in order (JSON array; 0 for removed).
        #[arg(long)]
        tree: Option<PathBuf>,
        /// The witness code.
        #[arg(long, default_value = paths::WASM)]
        wasm: PathBuf,
        /// Where to write the proof (JSON); stdout when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the circuit inputs (snarkjs `input.json`) for a record and statement.
    Inputs {
        /// The record (JSON).
        #[arg(long)]
        record: PathBuf,
        /// The statement (JSON).
        #[arg(long)]
        statement: PathBuf,
        /// Anonymous mode: the registry tree's leaves in order (JSON array).
        #[arg(long)]
        tree: Option<PathBuf>,
    },
    /// Verify a proof file against the key.
    Verify {
        /// A proof written by `prove`.
        proof: PathBuf,
    },
}

/// A proof file: calldata for `verifyProof(uint256[8], uint256[10])`, and how long it took.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProofFile {
    /// A, B, C in EIP-197 order.
    pub proof: [U256; 8],
    /// The 10 public inputs.
    pub public_inputs: [U256; 10],
    /// Stage timings of the run that made it, in milliseconds.
    #[serde(default)]
    pub timings_ms: TimingsMs,
}

/// [`Timings`] in milliseconds, for JSON.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingsMs {
    /// Compiling or loading the witness code.
    pub witness_code: f64,
    /// Loading the proving key.
    pub key_load: f64,
    /// Witness generation and constraint check.
    pub witness: f64,
    /// Groth16 proving.
    pub prove: f64,
}

impl From<Timings> for TimingsMs {
    fn from(t: Timings) -> Self {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        Self {
            witness_code: ms(t.witness_code),
            key_load: ms(t.key_load),
            witness: ms(t.witness),
            prove: ms(t.prove),
        }
    }
}

impl From<(&DisclosureProof, Timings)> for ProofFile {
    fn from((proof, timings): (&DisclosureProof, Timings)) -> Self {
        Self {
            proof: proof.proof_calldata(),
            public_inputs: proof.inputs_calldata(),
            timings_ms: timings.into(),
        }
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &PathBuf, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

impl Cli {
    /// Runs the command.
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Setup { dev: _, seed } => {
                let start = Instant::now();
                let keys = Keys::development(&self.r1cs, seed)?;
                keys.save(&self.key)?;
                println!(
                    "development key (seed {seed}) -> {} in {:.2?}",
                    self.key.display(),
                    start.elapsed()
                );
            }
            Command::ImportZkey { zkey } => {
                let keys = Keys::import_zkey(&zkey, &self.r1cs)?;
                keys.save(&self.key)?;
                println!("imported {} -> {}", zkey.display(), self.key.display());
            }
            Command::ExportVerifier { check, out } => {
                let (r1cs_hash, _) = read_r1cs(&self.r1cs)?;
                let keys = Keys::load(&self.key, Some(r1cs_hash))?;
                if check {
                    if !verifier::is_current(&keys, &out)? {
                        bail!(
                            "{} does not match the circuit and key: run `make verifier` and commit it",
                            out.display()
                        );
                    }
                    println!("{} is current", out.display());
                } else {
                    verifier::write(&keys, &out)?;
                    println!("verifier -> {}", out.display());
                }
            }
            Command::Inputs { record, statement, tree } => {
                let (record, statement, membership) = read_claim(&record, &statement, tree.as_ref())?;
                let inputs = circuit_inputs(&record, &statement, membership.as_ref())?;
                println!("{}", serde_json::to_string_pretty(&inputs.to_json())?);
            }
            Command::Prove { record, statement, tree, wasm, out } => {
                let (record, statement, membership) = read_claim(&record, &statement, tree.as_ref())?;
                let (r1cs_hash, _) = read_r1cs(&self.r1cs)?;
                let mut prover = Prover::load(&self.key, &wasm, Some(r1cs_hash))?;
                let (proof, mut timings) = prover.prove(&record, &statement, membership.as_ref())?;
                timings.witness_code = prover.load_timings.witness_code;
                timings.key_load = prover.load_timings.key_load;
                let file = ProofFile::from((&proof, timings));
                let json = serde_json::to_string_pretty(&file)?;
                match out {
                    Some(path) => {
                        fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
                    }
                    None => println!("{json}"),
                }
                eprintln!(
                    "witness code {:.1?} ({:?}), key {:.1?}, witness {:.1?}, prove {:.1?}",
                    timings.witness_code,
                    prover.witness_code_source(),
                    timings.key_load,
                    timings.witness,
                    timings.prove
                );
            }
            Command::Verify { proof } => {
                let file: ProofFile = read_json(&proof, "proof")?;
                let keys = Keys::load(&self.key, None)?;
                let ok = verify_calldata(&keys, &file)?;
                if !ok {
                    bail!("{}: the proof does not verify", proof.display());
                }
                println!("valid");
            }
        }
        Ok(())
    }
}

/// Reads a record, a statement and (anonymous mode) the tree, and finds the record's
/// membership proof.
fn read_claim(
    record: &PathBuf,
    statement: &PathBuf,
    tree: Option<&PathBuf>,
) -> Result<(Record, Statement, Option<MerkleProof>)> {
    let record: Record = read_json(record, "record")?;
    let statement: Statement = read_json(statement, "statement")?;
    let membership = match (&statement.mode, tree) {
        (Mode::Anonymous, Some(tree)) => {
            let leaves: Vec<U256> = read_json(tree, "tree")?;
            let mut imt = LeanImt::new();
            for (i, leaf) in leaves.into_iter().enumerate() {
                imt.insert(to_fr("leaf", leaf).with_context(|| format!("tree leaf {i}"))?);
            }
            let index = imt
                .index_of(record.commitment()?)
                .ok_or_else(|| ProverError::Input("the record's commitment is not in the tree".into()))?;
            Some(imt.proof(index).map_err(|e| ProverError::Input(e.to_string()))?)
        }
        (Mode::Anonymous, None) => bail!("an anonymous proof needs --tree"),
        (Mode::Direct, _) => None,
    };
    Ok((record, statement, membership))
}

/// Verifies calldata-shaped proof and inputs against `keys`.
pub fn verify_calldata(keys: &Keys, file: &ProofFile) -> Result<bool> {
    let proof = proof_from_calldata(&file.proof)?;
    let inputs: Vec<Fr> =
        file.public_inputs.iter().map(|&v| to_fr("public input", v)).collect::<Result<_, _>>()?;
    let pvk = prepare_verifying_key(&keys.pk.vk);
    Ok(Groth16::<Bn254>::verify_proof(&pvk, &proof, &inputs).unwrap_or(false))
}

/// Parses `[A.x, A.y, B.x1, B.x0, B.y1, B.y0, C.x, C.y]` back into a proof (points checked).
pub fn proof_from_calldata(words: &[U256; 8]) -> Result<Proof<Bn254>> {
    use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
    use ark_ff::PrimeField;
    let fq = |w: U256| -> Result<Fq> {
        let f = Fq::from_be_bytes_mod_order(&w.to_be_bytes::<32>());
        if crate::field::to_u256_fq(f) != w {
            bail!("proof coordinate {w} is not a base field element");
        }
        Ok(f)
    };
    let g1 = |x, y| -> Result<G1Affine> {
        let p = G1Affine::new_unchecked(fq(x)?, fq(y)?);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            bail!("proof point is not on the curve");
        }
        Ok(p)
    };
    let b = G2Affine::new_unchecked(
        Fq2::new(fq(words[3])?, fq(words[2])?),
        Fq2::new(fq(words[5])?, fq(words[4])?),
    );
    if !b.is_on_curve() || !b.is_in_correct_subgroup_assuming_on_curve() {
        bail!("proof point B is not on the curve");
    }
    Ok(Proof { a: g1(words[0], words[1])?, b, c: g1(words[6], words[7])? })
}
