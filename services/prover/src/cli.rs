//! The `masa-prover` command line: setup, key import, verifier export, prove, verify, and the
//! circuit inputs or Merkle proof of a claim, for the disclosure circuit or (`--circuit
//! delivery`) the delivery circuit, whose developers also make keys and open deliveries here.
//! Part of the binary only (feature `cli`), so the library does not bring clap to its users.

use alloy::primitives::U256;
use anyhow::{Context, Result, bail};
use masa_prover::{
    Circuit, CircuitProof, DeliveryPublicInputs, DeliveryRequest, Prover, ProverError, PublicInputs,
    PublicSignals, Timings,
    calldata::{ProofFile, verify_calldata},
    delivery::{DeliveryPublicKey, DeliverySecretKey, EphemeralSecret},
    field::to_fr,
    keys::{Keys, r1cs_sha256},
    merkle::{LeanImt, MerkleProof},
    open_delivery, paths,
    prover::{circuit_inputs, delivery_inputs},
    record::Record,
    statement::{Mode, Statement},
    verifier,
};
use serde::Deserialize;
use std::{
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

/// `masa-prover`: zkSBT disclosure and delivery proofs in Rust (Groth16, BN254).
#[derive(Debug, clap::Parser)]
#[command(name = "masa-prover", version, about)]
pub(crate) struct Cli {
    /// Which circuit: its r1cs, witness code, key and verifier are the defaults of the paths.
    #[arg(long, global = true, value_enum, default_value_t = Circuit::Disclosure)]
    pub(crate) circuit: Circuit,
    /// The circuit's constraint system [default: circuits/build/<circuit>.r1cs].
    #[arg(long, global = true)]
    pub(crate) r1cs: Option<PathBuf>,
    /// The proving key (fast format) [default: circuits/build/<circuit>.key].
    #[arg(long, global = true)]
    pub(crate) key: Option<PathBuf>,
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
        /// Where the verifier lives [default: the circuit's, e.g.
        /// contracts/src/identity/generated/DisclosureVerifier.sol].
        #[arg(long)]
        out: Option<PathBuf>,
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
        /// The witness code [default: circuits/build/<circuit>_js/<circuit>.wasm].
        #[arg(long)]
        wasm: Option<PathBuf>,
        /// Where to write the proof (JSON); stdout when absent.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        delivery: DeliveryArgs,
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
        #[command(flatten)]
        delivery: DeliveryArgs,
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
    /// Print a pool developer's delivery public key `[x, y]` (what the pool stores), derived
    /// from the developer's wallet key as `masa pool create` does: nothing is written, and the
    /// wallet alone decrypts the pool's deliveries.
    DeliveryKey {
        /// The developer's wallet private key, hex (prefer `MASA_PRIVATE_KEY` over the flag:
        /// flags show up in process listings).
        #[arg(long, env = "MASA_PRIVATE_KEY", hide_env_values = true)]
        private_key: String,
    },
    /// Decrypt a delivery proof file (`prove --circuit delivery`) with the developer's key
    /// (derived from its wallet, as `delivery-key`): prints the record's 8 values (JSON array).
    /// Does not verify the proof: `verify` does.
    OpenDelivery {
        /// The developer's wallet private key, hex (prefer `MASA_PRIVATE_KEY`).
        #[arg(long, env = "MASA_PRIVATE_KEY", hide_env_values = true)]
        private_key: String,
        /// The delivery proof file.
        proof: PathBuf,
    },
}

/// The delivery of `prove` and `inputs` with `--circuit delivery`.
#[derive(Debug, clap::Args)]
pub(crate) struct DeliveryArgs {
    /// The pool developer's key `x,y` (two uint256, hex or decimal): on Baby Jubjub, in the
    /// prime-order subgroup, not the identity.
    #[arg(long, value_parser = parse_delivery_key)]
    delivery_key: Option<DeliveryPublicKey>,
    /// The encryption nonce (< 2^128; a fresh ephemeral key is drawn for every proof, so a
    /// constant nonce is safe).
    #[arg(long, default_value_t = 0)]
    nonce: u128,
}

impl DeliveryArgs {
    /// The request, which the delivery circuit needs and the disclosure circuit refuses.
    fn request(&self, circuit: Circuit) -> Result<Option<DeliveryRequest>> {
        match (circuit, self.delivery_key) {
            (Circuit::Delivery, Some(key)) => Ok(Some(DeliveryRequest { key, nonce: self.nonce })),
            (Circuit::Delivery, None) => bail!("a delivery needs --delivery-key x,y"),
            (Circuit::Disclosure, Some(_)) => bail!("--delivery-key is for --circuit delivery"),
            (Circuit::Disclosure, None) => Ok(None),
        }
    }
}

fn parse_delivery_key(text: &str) -> Result<DeliveryPublicKey, String> {
    let (x, y) = text.split_once(',').ok_or("expected x,y")?;
    let word = |s: &str| s.trim().parse::<U256>().map_err(|e| format!("{s}: {e}"));
    DeliveryPublicKey::from_words(word(x)?, word(y)?).map_err(|e| e.to_string())
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
        let circuit = self.circuit;
        let r1cs = self.r1cs.unwrap_or_else(|| circuit.r1cs().into());
        let key = self.key.unwrap_or_else(|| circuit.key().into());
        match self.command {
            Command::Setup { dev: _, seed } => {
                let start = Instant::now();
                let keys = Keys::development(&r1cs, seed)?;
                expect_circuit(circuit, &keys, &r1cs)?;
                keys.save(&key)?;
                println!("development key (seed {seed}) -> {} in {:.2?}", key.display(), start.elapsed());
            }
            Command::ImportZkey { zkey } => {
                let keys = Keys::import_zkey(&zkey, &r1cs)?;
                expect_circuit(circuit, &keys, &r1cs)?;
                keys.save(&key)?;
                println!("imported {} -> {}", zkey.display(), key.display());
            }
            Command::ExportVerifier { check, out } => {
                let out = out.unwrap_or_else(|| circuit.verifier().into());
                let r1cs_hash = r1cs_sha256(&r1cs)?;
                let keys = Keys::load(&key, Some(r1cs_hash))?;
                expect_circuit(circuit, &keys, &key)?;
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
            Command::Inputs { record, statement, tree, delivery } => {
                let request = delivery.request(circuit)?;
                let (record, statement, membership) = read_claim(&record, &statement, tree.as_ref(), true)?;
                let json = match request {
                    None => circuit_inputs(&record, &statement, membership.as_ref())?.to_json(),
                    Some(request) => {
                        let e = EphemeralSecret::generate();
                        delivery_inputs(&record, &statement, membership.as_ref(), &request, &e)?.to_json()
                    }
                };
                println!("{}", serde_json::to_string_pretty(&json)?);
            }
            Command::Prove { record, statement, tree, merkle, wasm, out, delivery } => {
                let request = delivery.request(circuit)?;
                let wasm = wasm.unwrap_or_else(|| circuit.wasm().into());
                let (record, statement, membership) = match merkle {
                    Some(merkle) => {
                        let (record, statement, _) = read_claim(&record, &statement, None, false)?;
                        (record, statement, Some(read_json::<MerkleProof>(&merkle, "Merkle proof")?))
                    }
                    None => read_claim(&record, &statement, tree.as_ref(), true)?,
                };
                let r1cs_hash = r1cs_sha256(&r1cs)?;
                let mut prover = Prover::load(&key, &wasm, Some(r1cs_hash))?;
                if prover.circuit() != circuit {
                    return Err(ProverError::WrongCircuit {
                        what: "the key",
                        found: prover.circuit(),
                        expected: circuit,
                    }
                    .into());
                }
                let membership = membership.as_ref();
                let timings = match request {
                    None => {
                        let (proof, timings) = prover.prove(&record, &statement, membership)?;
                        write_proof(&prover, &proof, timings, out.as_deref())?
                    }
                    Some(request) => {
                        let (proof, timings) =
                            prover.prove_delivery(&record, &statement, membership, &request)?;
                        write_proof(&prover, &proof, timings, out.as_deref())?
                    }
                };
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
                let keys = Keys::load(&key, None)?;
                expect_circuit(circuit, &keys, &key)?;
                let ok = match circuit {
                    Circuit::Disclosure => {
                        verify_calldata(&keys, &read_proof::<PublicInputs>(&proof, circuit)?)?
                    }
                    Circuit::Delivery => {
                        verify_calldata(&keys, &read_proof::<DeliveryPublicInputs>(&proof, circuit)?)?
                    }
                };
                if !ok {
                    bail!("{}: the proof does not verify", proof.display());
                }
                println!("valid");
            }
            Command::DeliveryKey { private_key } => {
                let secret = wallet_delivery_key(&private_key)?;
                println!("{}", serde_json::to_string(&secret.public_key())?);
            }
            Command::OpenDelivery { private_key, proof } => {
                let secret = wallet_delivery_key(&private_key)?;
                let file = read_proof::<DeliveryPublicInputs>(&proof, Circuit::Delivery)?;
                let inputs =
                    DeliveryPublicInputs::from_words(&file.public_inputs).map_err(ProverError::from)?;
                let values = open_delivery(&secret, &inputs).map_err(ProverError::from)?;
                println!("{}", serde_json::to_string(&values)?);
            }
        }
        Ok(())
    }
}

/// Reads a proof file of `circuit`, naming the circuit a file with another number of public
/// inputs is for.
fn read_proof<I: PublicSignals>(path: &PathBuf, circuit: Circuit) -> Result<ProofFile<I>> {
    let json: serde_json::Value = read_json(path, "proof")?;
    let n = json["publicInputs"].as_array().map_or(0, Vec::len);
    if let Some(other) = Circuit::with_public_inputs(n).filter(|&c| c != circuit) {
        bail!(
            "{} is a proof of the {other} circuit ({n} public inputs), not of the {circuit} circuit (see --circuit)",
            path.display()
        );
    }
    serde_json::from_value(json).with_context(|| format!("{} is not a valid {circuit} proof", path.display()))
}

/// Refuses keys made for another circuit than `--circuit`'s.
fn expect_circuit(circuit: Circuit, keys: &Keys, path: &Path) -> Result<()> {
    let found = Circuit::of_keys(keys)?;
    if found != circuit {
        bail!("{} is for the {found} circuit, not the {circuit} circuit (see --circuit)", path.display());
    }
    Ok(())
}

/// Writes a proof file (to `out`, or stdout) with the prover's load times, and returns them.
fn write_proof<I: PublicSignals>(
    prover: &Prover,
    proof: &CircuitProof<I>,
    mut timings: Timings,
    out: Option<&Path>,
) -> Result<Timings> {
    timings.witness_code = prover.load_timings.witness_code;
    timings.key_load = prover.load_timings.key_load;
    let json = serde_json::to_string_pretty(&ProofFile::from((proof, timings)))?;
    match out {
        Some(path) => fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{json}"),
    }
    Ok(timings)
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

/// The delivery key a wallet derives ([`DeliverySecretKey::derive`]) from its hex private key.
fn wallet_delivery_key(private_key: &str) -> Result<DeliverySecretKey> {
    let hex = private_key.trim().trim_start_matches("0x");
    let seed: [u8; 32] = alloy::hex::decode(hex)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .context("--private-key is not 32 bytes of hex")?;
    Ok(DeliverySecretKey::derive(&seed))
}
