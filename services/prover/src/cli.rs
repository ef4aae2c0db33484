//! The `masa-prover` command line: setup, key import, verifier export, prove, verify, and the
//! circuit inputs or Merkle proof of a claim. Part of the binary only (feature `cli`), so the
//! library does not bring clap to its users.

use alloy::primitives::U256;
use anyhow::{Context, Result, bail};
use masa_prover::{
    Prover, ProverError,
    calldata::{ProofFile, verify_calldata},
    field::to_fr,
    keys::{Keys, r1cs_sha256},
    merkle::{LeanImt, MerkleProof},
    paths,
    prover::circuit_inputs,
    record::Record,
    statement::{Mode, Statement},
    verifier,
};
use serde::Deserialize;
use std::{fs, path::PathBuf, time::Instant};

/// `masa-prover`: zkSBT disclosure proofs in Rust (Groth16, BN254).
#[derive(Debug, clap::Parser)]
#[command(name = "masa-prover", version, about)]
pub(crate) struct Cli {
    /// The circuit's constraint system.
    #[arg(long, global = true, default_value = paths::R1CS)]
    pub(crate) r1cs: PathBuf,
    /// The proving key (fast format).
    #[arg(long, global = true, default_value = paths::KEY)]
    pub(crate) key: PathBuf,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
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
        /// The record (JSON: schemaId, values[8], salt, ownerSecret, and the on-chain issuer
        /// and expiry).
        #[arg(long)]
        record: PathBuf,
        /// The statement (JSON: mode, fieldIndex, operator, operandA, operandB, scope,
        /// messageHash, validUntil, and optionally issuers).
        #[arg(long)]
        statement: PathBuf,
        /// Anonymous mode: the leaves of the registry tree holding the record, in order (JSON
        /// array; 0 for removed).
        #[arg(long, conflicts_with = "merkle")]
        tree: Option<PathBuf>,
        /// Anonymous mode: the record's membership proof (JSON: root, index, depth,
        /// pathIndices, pathElements), instead of the whole tree.
        #[arg(long)]
        merkle: Option<PathBuf>,
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
    /// Print the membership proof of one leaf of one of the registry's trees (JSON for
    /// `prove --merkle`).
    Merkle {
        /// The tree's leaves in order (JSON array; 0 for removed).
        #[arg(long)]
        tree: PathBuf,
        /// The leaf's index.
        #[arg(long)]
        index: usize,
    },
    /// Verify a proof file against the key.
    Verify {
        /// A proof written by `prove`.
        proof: PathBuf,
    },
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &PathBuf, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

impl Cli {
    /// Parses the command line. `--help` and `--version` print and exit 0; a usage error is
    /// one `error:` line on stderr and exit code 1, like every other bad input.
    pub(crate) fn parse_or_exit() -> Self {
        use clap::{Parser, error::ErrorKind};
        match Self::try_parse() {
            Ok(cli) => cli,
            Err(err) if !err.use_stderr() => err.exit(),
            Err(err) => {
                let text = err.render().to_string();
                let line = match err.kind() {
                    ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                        "error: a subcommand is required (see --help)"
                    }
                    _ => text.lines().find(|l| l.starts_with("error:")).unwrap_or("error: invalid arguments"),
                };
                eprintln!("{line}");
                std::process::exit(1)
            }
        }
    }

    /// Runs the command.
    pub(crate) fn run(self) -> Result<()> {
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
                let r1cs_hash = r1cs_sha256(&self.r1cs)?;
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
                let (record, statement, membership) = read_claim(&record, &statement, tree.as_ref(), true)?;
                let inputs = circuit_inputs(&record, &statement, membership.as_ref())?;
                println!("{}", serde_json::to_string_pretty(&inputs.to_json())?);
            }
            Command::Prove { record, statement, tree, merkle, wasm, out } => {
                let (record, statement, membership) = match merkle {
                    Some(merkle) => {
                        let (record, statement, _) = read_claim(&record, &statement, None, false)?;
                        (record, statement, Some(read_json::<MerkleProof>(&merkle, "Merkle proof")?))
                    }
                    None => read_claim(&record, &statement, tree.as_ref(), true)?,
                };
                let r1cs_hash = r1cs_sha256(&self.r1cs)?;
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
            Command::Merkle { tree, index } => {
                let proof = read_tree(&tree)?.proof(index).map_err(|e| ProverError::Input(e.to_string()))?;
                println!("{}", serde_json::to_string_pretty(&proof)?);
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

/// Rebuilds the tree from its leaves (a JSON array of `uint256`).
fn read_tree(path: &PathBuf) -> Result<LeanImt> {
    let leaves: Vec<U256> = read_json(path, "tree")?;
    let mut imt = LeanImt::new();
    for (i, leaf) in leaves.into_iter().enumerate() {
        imt.insert(to_fr("leaf", leaf).with_context(|| format!("tree leaf {i}"))?);
    }
    Ok(imt)
}

/// Reads a record, a statement and (anonymous mode) the tree, and finds the record's
/// membership proof; `need_tree`: an anonymous statement without a tree is an error.
fn read_claim(
    record: &PathBuf,
    statement: &PathBuf,
    tree: Option<&PathBuf>,
    need_tree: bool,
) -> Result<(Record, Statement, Option<MerkleProof>)> {
    let record: Record = read_json(record, "record")?;
    let statement: Statement = read_json(statement, "statement")?;
    let membership = match (&statement.mode, tree) {
        (Mode::Anonymous, Some(tree)) => {
            let imt = read_tree(tree)?;
            let index = imt.index_of(record.leaf()?).ok_or_else(|| {
                ProverError::Input(
                    "the record's leaf is not in the tree (wrong tree, or the record's schema, issuer or expiry differ from the on-chain ones)".into(),
                )
            })?;
            Some(imt.proof(index).map_err(|e| ProverError::Input(e.to_string()))?)
        }
        (Mode::Anonymous, None) if need_tree => bail!("an anonymous proof needs --tree or --merkle"),
        (Mode::Anonymous, None) | (Mode::Direct, _) => None,
    };
    Ok((record, statement, membership))
}
