//! Proving a statement about one of the wallet's records for a consumer: the statement checked,
//! the record's tree rebuilt (anonymous mode), the Groth16 proof made by `masa-prover`, and the
//! disclosure checked with the registry's `verifyDisclosure` before it is handed out.

use super::{Error, RebuiltTree, ZkSbtClient, files::hash_or_zero};
use alloy::{
    primitives::{Address, B256, U256, keccak256},
    providers::Provider,
};
use ark_bn254::Fr;
use masa_bindings::{
    contracts::{IZkSBT, ZkSBT},
    revert::describe,
};
use masa_prover::{
    Circuit, DisclosureProof, Prover, PublicInputs, Timings,
    keys::r1cs_sha256,
    merkle::MerkleProof,
    paths,
    record::Record,
    statement::{Mode, Operator, Statement},
};
use std::path::PathBuf;

/// Where the prover's key and circuit build are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProverFiles {
    /// The proving key (`make keys` writes the development key).
    pub key: PathBuf,
    /// The circuit build: `disclosure.r1cs` and `disclosure_js/disclosure.wasm`.
    pub circuit: PathBuf,
}

impl Default for ProverFiles {
    /// The repository's: `circuits/build/disclosure.key` and `circuits/build`.
    fn default() -> Self {
        Self { key: paths::KEY.into(), circuit: "circuits/build".into() }
    }
}

impl ProverFiles {
    /// Loads the disclosure circuit's prover, refusing a key made for another build of it.
    pub fn load(&self) -> Result<Prover, Error> {
        self.load_circuit(Circuit::Disclosure)
    }

    /// Loads `circuit`'s prover, refusing a key made for another build of it (or for another
    /// circuit).
    pub fn load_circuit(&self, circuit: Circuit) -> Result<Prover, Error> {
        let name = circuit.name();
        let r1cs = self.circuit.join(format!("{name}.r1cs"));
        let r1cs_hash = r1cs_sha256(&r1cs).map_err(Error::ProverLoad)?;
        let wasm = self.circuit.join(format!("{name}_js/{name}.wasm"));
        Prover::load(&self.key, &wasm, Some(r1cs_hash)).map_err(Error::ProverLoad)
    }
}

/// A statement to prove about one of the wallet's records, for a consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProveRequest {
    /// The token.
    pub token: U256,
    /// Field index, 0-7.
    pub field: u8,
    /// The comparison.
    pub op: Operator,
    /// Operand (the range's lower bound for `in`).
    pub value: u64,
    /// The range's upper bound (`in` only).
    pub value_b: u64,
    /// The consumer (the address that will call `consumeDisclosure`).
    pub consumer: Address,
    /// The consumer's purpose (hashed with keccak256).
    pub purpose: String,
    /// Who the disclosure benefits (default: the consumer).
    pub recipient: Option<Address>,
    /// Application message bound into the proof (hashed with keccak256; empty: none).
    pub message: String,
    /// Prove against the record's tree (one of its live records) instead of the token itself.
    pub anonymous: bool,
    /// The issuer set the consumer requires (1 to 4 addresses, address 0 for self-attested
    /// records); `None`: any attestation class.
    pub issuers: Option<Vec<Address>>,
    /// Seconds the disclosure stays valid, from the latest block's time.
    pub valid_secs: u64,
}

/// The anonymity set of an anonymous disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anonymity {
    /// The record's tree.
    pub tree_id: u32,
    /// Its live records (below [`super::SMALL_ANONYMITY_SET`] deserves a warning).
    pub live: usize,
}

/// A disclosure the registry accepts from its consumer.
#[derive(Debug, Clone)]
pub struct Proven {
    /// The `consumeDisclosure` argument.
    pub disclosure: IZkSBT::Disclosure,
    /// The anonymity set, in anonymous mode.
    pub anonymity: Option<Anonymity>,
    /// Where the proving time went.
    pub timings: Timings,
}

/// The `consumeDisclosure` argument made of `proof` (its public inputs by name) and the context
/// the registry derives the scope and message hash from. `token` is the token proven about in
/// direct mode; an anonymous disclosure carries token id 0 whatever is passed (the registry
/// requires it, and any other value would say which record it is).
pub fn disclosure(
    proof: &DisclosureProof,
    token: U256,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> IZkSBT::Disclosure {
    disclosure_of(&proof.public_inputs, proof.proof_calldata(), token, purpose, recipient, message)
}

/// [`disclosure`] from the disclosure's public inputs and the words of a proof of them (of the
/// disclosure circuit, or of one extending it: a pool's delivery proof).
pub fn disclosure_of(
    inputs: &PublicInputs,
    proof: [U256; 8],
    token: U256,
    purpose: B256,
    recipient: Address,
    message: B256,
) -> IZkSBT::Disclosure {
    let anonymous = inputs.mode == Fr::from(Mode::Anonymous as u64);
    IZkSBT::Disclosure {
        mode: inputs.mode(),
        tokenId: if anonymous { U256::ZERO } else { token },
        root: inputs.root(),
        schemaId: inputs.schema_id(),
        issuerSet: inputs.issuer_set(),
        fieldIndex: inputs.field_index(),
        operator: inputs.operator(),
        operandA: inputs.operand_a(),
        operandB: inputs.operand_b(),
        purpose,
        nullifier: inputs.nullifier(),
        recipient,
        message,
        validUntil: inputs.valid_until().to(),
        proof,
    }
}

/// What a proof needs once the chain-side checks passed (of the disclosure circuit, or of the
/// delivery circuit that extends it: a pool's stake).
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) record: Record,
    pub(crate) statement: Statement,
    pub(crate) membership: Option<MerkleProof>,
    pub(crate) anonymity: Option<Anonymity>,
    pub(crate) purpose: B256,
    pub(crate) recipient: Address,
    pub(crate) message: B256,
}

impl<P: Provider> ZkSbtClient<P> {
    /// Proves `request` about one of the wallet's records with the prover `files` hold (loaded
    /// only once every check passed), and checks that the registry accepts the disclosure from
    /// its consumer. A false statement, an issuer outside the set, a removed record or a spent
    /// nullifier is refused before the disclosure is returned.
    pub async fn prove(&self, request: &ProveRequest, files: &ProverFiles) -> Result<Proven, Error> {
        let prepared = self.prepare(request).await?;
        let mut prover = files.load()?;
        self.finish(request, prepared, &mut prover).await
    }

    /// [`Self::prove`] with a prover already loaded (several proofs in one process).
    pub async fn prove_with(&self, request: &ProveRequest, prover: &mut Prover) -> Result<Proven, Error> {
        let prepared = self.prepare(request).await?;
        self.finish(request, prepared, prover).await
    }

    /// The checks against the chain, the statement and (anonymous mode) the membership proof.
    async fn prepare(&self, request: &ProveRequest) -> Result<Prepared, Error> {
        let purpose = keccak256(request.purpose.as_bytes());
        self.prepare_for(request, purpose, hash_or_zero(&request.message)).await
    }

    /// [`Self::prepare`] for a consumer whose purpose and message are words of its own (a
    /// pool's `purposeOf`, a pass's `useMessageOf`), not the hashes of `request.purpose` and
    /// `request.message`.
    pub(crate) async fn prepare_for(
        &self,
        request: &ProveRequest,
        purpose: B256,
        message: B256,
    ) -> Result<Prepared, Error> {
        let token = request.token;
        let sbt = self.contract();
        let rec = self.record(token).await?;
        let record = self.open_own(token, &rec)?;
        let registered = sbt.identityOf(self.wallet()).call().await.map_err(self.read("identityOf"))?;
        let derived = self.keys.identity()?;
        if registered != derived {
            return Err(Error::IdentityMismatch { wallet: self.wallet(), registered, derived });
        }
        let valid_until = self
            .now()
            .await?
            .checked_add(request.valid_secs)
            .ok_or(Error::Validity { valid_secs: request.valid_secs })?;
        let recipient = request.recipient.unwrap_or(request.consumer);
        let statement = Statement {
            mode: if request.anonymous { Mode::Anonymous } else { Mode::Direct },
            field_index: request.field,
            operator: request.op,
            operand_a: request.value,
            operand_b: request.value_b,
            issuers: request.issuers.clone(),
            scope: sbt.scopeOf(request.consumer, purpose).call().await.map_err(self.read("scopeOf"))?,
            message_hash: sbt
                .messageHashOf(recipient, message)
                .call()
                .await
                .map_err(self.read("messageHashOf"))?,
            valid_until,
        };
        statement.check(&record)?;
        if !rec.inTree {
            return Err(Error::NotProvable { token });
        }
        let (membership, anonymity) = if request.anonymous {
            let RebuiltTree { tree, live } = self.tree(rec.treeId).await?;
            let index = rec.leafIndex as usize;
            if tree.leaf(index) != Some(record.leaf()?) {
                return Err(Error::LeafMismatch { token, index: rec.leafIndex, tree: rec.treeId });
            }
            let proof = tree.proof(index).map_err(|source| Error::TreeIndex { tree: rec.treeId, source })?;
            (Some(proof), Some(Anonymity { tree_id: rec.treeId, live }))
        } else {
            (None, None)
        };
        Ok(Prepared { record, statement, membership, anonymity, purpose, recipient, message })
    }

    /// Proves, and checks the registry accepts the disclosure from its consumer.
    async fn finish(
        &self,
        request: &ProveRequest,
        p: Prepared,
        prover: &mut Prover,
    ) -> Result<Proven, Error> {
        let (proof, timings) = prover.prove(&p.record, &p.statement, p.membership.as_ref())?;
        let d = disclosure(&proof, request.token, p.purpose, p.recipient, p.message);
        let sbt = self.contract();
        let consumer = request.consumer;
        let accepted = sbt
            .verifyDisclosure(consumer, d.clone())
            .call()
            .await
            .map_err(|e| Error::DisclosureRefused { consumer, reason: describe(&e) })?;
        if !accepted {
            // the consumer's call says why, as the registry's custom error
            let reason = match sbt.consumeDisclosure(d.clone()).from(consumer).call_raw().await {
                Err(e) if e.as_decoded_error::<ZkSBT::ZkSBT__NullifierUsed>().is_some() => {
                    "ZkSBT__NullifierUsed(): the wallet's nullifier is already used in this scope (one \
                     disclosure per identity per consumer and purpose)"
                        .to_owned()
                }
                Err(e) => describe(&e),
                Ok(_) => "no reason given".to_owned(),
            };
            return Err(Error::DisclosureRefused { consumer, reason });
        }
        Ok(Proven { disclosure: d, anonymity: p.anonymity, timings })
    }
}
